"""The registers' import templates (built on request from the column list, with a worked example)
and their open data: rows as CSV, XLSX and JSON and a data package descriptor."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from portal.finance import exports
from portal.finance.models import RegisterRow, RegisterSnapshot
from portal.finance.registers import COLUMNS, KINDS, LAND_CLASSES, overdue_fen
from portal.sites.models import Site

EXAMPLE_AS_OF = "2025-12-31"
EXAMPLES: dict[str, list[list[str]]] = {
    "asset": [
        ["ZC-001", "党群服务中心办公楼", "固定资产", "栋", "1", "1280000.00", "256000.00",
         "1024000.00", "2016-05-20", "村委会院内", "自用", "村民委员会", ""],
        ["ZC-002", "农机具库房", "固定资产", "间", "3", "186000.00", "55800.00", "130200.00",
         "2018-09-10", "三组", "出租", "王建华", "HT-2021-03"],
        ["ZC-003", "小型挖掘机", "固定资产", "台", "1", "238000.00", "95200.00", "142800.00",
         "2020-04-15", "农机具库房", "出租", "王建华", "HT-2021-03"],
        ["ZC-004", "太阳能路灯", "公益设施", "盏", "86", "344000.00", "103200.00", "240800.00",
         "2019-11-30", "各村民小组", "自用", "村民委员会", ""],
        ["ZC-005", "猕猴桃苗木", "生物资产", "株", "2400", "72000.00", "", "72000.00",
         "2024-03-12", "五组基地", "自用", "李秀兰", ""],
    ],
    "resource": [
        ["TD-01", "三组机动地", "01 耕地", "12.50", "三组西侧", "机动地", "HT-2023-01"],
        ["TD-02", "五组果园", "02", "36.80", "五组", "发包", "HT-2022-02"],
        ["TD-03", "柏条河滩涂", "水域及水利设施用地", "18.00", "柏条河东岸", "出租", "HT-2024-01"],
        ["TD-04", "原村小学校舍用地", "08", "4.20", "一组", "出租", "HT-2020-05"],
        ["TD-05", "二组荒坡", "12", "9.60", "二组北坡", "闲置", ""],
        ["TD-06", "六组集体林地", "03 林地", "56.00", "六组后山", "自营", ""],
    ],
    "contract": [
        ["HT-2020-05", "原村小学校舍租赁", "郫都区乐育幼儿园", "公开招标", "2020-09-01",
         "2030-08-31", "264000.00", "240000.00", "2020年7月18日村民代表会议决议（第3号）"],
        ["HT-2021-03", "农机具库房及小型挖掘机租赁", "李明", "协商", "2021-03-01", "2026-02-28",
         "96000.00", "96000.00", "2021年2月6日村民代表会议决议（第1号）"],
        ["HT-2022-02", "五组果园承包", "四川蜀源果业专业合作社", "公开竞价", "2022-01-01",
         "2031-12-31", "110400.00", "110400.00", "2021年12月5日村民代表会议决议（第4号）"],
        ["HT-2023-01", "三组机动地承包", "张秀英", "公开竞价", "2023-03-01", "2028-02-28",
         "42000.00", "28000.00", "2023年2月12日村民代表会议决议（第2号）"],
        ["HT-2024-01", "柏条河滩涂租赁", "成都清渠水产养殖有限公司", "公开招标", "2024-01-01",
         "2033-12-31", "36000.00", "36000.00", "2023年11月20日村民会议决议（第7号）"],
    ],
    "debt": [
        ["债权", "郫都区乐育幼儿园", "24000.00", "2025-09-01", "2025-10-31", "校舍租金（2025年度）",
         "逾期"],
        ["债权", "张秀英", "14000.00", "2025-03-01", "2025-03-31", "机动地承包费", "逾期"],
        ["债务", "四川安达建设工程有限公司", "86500.00", "2025-08-20", "2026-06-30",
         "机耕道硬化工程质保金", "未到期"],
        ["债务", "郫都区农村信用合作联社", "200000.00", "2024-05-10", "2027-05-09",
         "购置小型挖掘机借款", "正常还款"],
    ],
}
HELP = {
    "asset": "每行一项资产。金额不能为负数，最多两位小数；净值 = 原值 − 累计折旧（可只填其一）。",
    "resource": "每行一个地块。地类填《土地利用现状分类》(GB/T 21010)一级类编码01至12或名称；面积单位为亩。",
    "contract": "每行一份合同。应收金额为截至台账日期应收的合同款，已收不足部分公开为欠收；须写明民主决策依据。",
    "debt": "每行一笔债权或债务。类型填 债权 或 债务；对方是个人时只写姓名，公开时自动遮蔽。",
}
COMMON_HELP = ["不要使用公式和合并单元格；不要填写身份证号、手机号、银行卡号。",
               "同一日期的台账重新导入会生成新版本，须写明更正原因；导入后经民主理财小组会签后公开。"]


def headers(kind: str) -> list[str]:
    return [c.label for c in COLUMNS[kind]]


def template_xlsx(kind: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(KINDS[kind])
    sheet.append(headers(kind))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLES[kind]:
        sheet.append(row)  # as text: what the accountant types is what is checked
    for index in range(len(headers(kind))):
        sheet.column_dimensions[chr(ord("A") + index)].width = 16
    notes = book.create_sheet("填写说明")
    for line in [HELP[kind], *COMMON_HELP]:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    book.properties.creator = "阳光村务"
    book.properties.created = book.properties.modified = datetime(2026, 12, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv(kind: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers(kind))
    writer.writerows(EXAMPLES[kind])
    return buffer.getvalue().encode("utf-8-sig")


# ----------------------------------------------------------------------------- open data


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


# (name, type, title, currency, value of a row)
FIELDS = {
    "asset": [
        ("code", "string", "资产编号", None, lambda r: r.code),
        ("name", "string", "资产名称", None, lambda r: r.name),
        ("category", "string", "资产类别", None, lambda r: r.category),
        ("unit", "string", "单位", None, lambda r: r.unit),
        ("quantity", "number", "数量", None, lambda r: r.quantity),
        ("original_value", "number", "原值", "CNY", lambda r: _yuan(r.value_fen)),
        ("depreciation", "number", "累计折旧", "CNY", lambda r: _yuan(r.depreciation_fen)),
        ("net_value", "number", "净值", "CNY",
         lambda r: _yuan(r.value_fen - r.depreciation_fen)),
        ("acquired", "date", "购建日期", None, lambda r: r.start),
        ("location", "string", "存放地点", None, lambda r: r.location),
        ("status", "string", "使用状态", None, lambda r: r.status),
        ("custodian", "string", "保管人(个人已遮蔽)", None, lambda r: r.person),
        ("contract", "string", "合同编号", None, lambda r: r.contract_ref),
    ],
    "resource": [
        ("code", "string", "地块编号", None, lambda r: r.code),
        ("name", "string", "资源名称", None, lambda r: r.name),
        ("land_class", "string", "地类编码(GB/T 21010)", None, lambda r: r.category),
        ("land_class_name", "string", "地类名称", None, lambda r: LAND_CLASSES[r.category]),
        ("area_mu", "number", "面积(亩)", None, lambda r: r.quantity),
        ("location", "string", "坐落", None, lambda r: r.location),
        ("status", "string", "经营方式", None, lambda r: r.status),
        ("contract", "string", "合同编号", None, lambda r: r.contract_ref),
    ],
    "contract": [
        ("code", "string", "合同编号", None, lambda r: r.code),
        ("object", "string", "合同标的", None, lambda r: r.name),
        ("counterparty", "string", "承包(租赁)方(个人已遮蔽)", None, lambda r: r.person),
        ("method", "string", "发包方式", None, lambda r: r.method),
        ("start", "date", "起始日期", None, lambda r: r.start),
        ("end", "date", "终止日期", None, lambda r: r.end),
        ("due", "number", "应收金额", "CNY", lambda r: _yuan(r.value_fen)),
        ("received", "number", "已收金额", "CNY", lambda r: _yuan(r.received_fen)),
        ("overdue", "number", "欠收金额", "CNY", lambda r: _yuan(overdue_fen(r))),
        ("decision", "string", "民主决策依据", None, lambda r: r.decision),
    ],
    "debt": [
        ("side", "string", "类型(claim=债权, debt=债务)", None, lambda r: r.category),
        ("counterparty", "string", "对方单位或个人(个人已遮蔽)", None, lambda r: r.person),
        ("amount", "number", "金额", "CNY", lambda r: _yuan(r.value_fen)),
        ("date", "date", "发生日期", None, lambda r: r.start),
        ("due", "date", "到期日期", None, lambda r: r.end),
        ("reason", "string", "事由", None, lambda r: r.note),
        ("status", "string", "状态", None, lambda r: r.status),
    ],
}


def export_rows(kind: str, rows: list[RegisterRow]) -> list[list]:
    return [[f[4](r) for f in FIELDS[kind]] for r in rows]


def as_csv(kind: str, rows) -> bytes:
    return exports.table_csv([f[0] for f in FIELDS[kind]], export_rows(kind, rows))


def as_xlsx(kind: str, rows) -> bytes:
    return exports.table_xlsx(kind, [f[2] for f in FIELDS[kind]], export_rows(kind, rows))


def as_json(kind: str, rows, site: Site, snapshot: RegisterSnapshot) -> bytes:
    head = {"site": site.code, "site_name": site.name, "register": kind,
            "as_of": snapshot.as_of.isoformat(), "revision": snapshot.number, "currency": "CNY",
            "unit": "元", "area_unit": "亩"}
    return exports.table_json([f[0] for f in FIELDS[kind]], export_rows(kind, rows), head)


def descriptor(site: Site, snapshot: RegisterSnapshot, url_for_format) -> dict:
    """A data package descriptor for one register snapshot, in the finance descriptor's style."""
    fields = [f[:4] for f in FIELDS[snapshot.kind]]
    return {
        "profile": "fiscal-data-package",
        "name": f"register-{site.code}-{snapshot.kind}-{snapshot.as_of.isoformat()}",
        "title": f"{site.name} {KINDS[snapshot.kind]} {snapshot.as_of.isoformat()}",
        "countryCode": "CN",
        "currency": "CNY",
        "asOf": snapshot.as_of.isoformat(),
        "revision": snapshot.number,
        "resources": exports.data_resources(snapshot.kind, fields, url_for_format),
    }


def example_as_of() -> date:
    return date.fromisoformat(EXAMPLE_AS_OF)
