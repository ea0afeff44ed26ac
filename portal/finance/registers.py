"""The 三资 registers as data: which columns each register has, the headers accepted for them, the
GB/T 21010 land classes, and the row checks (every bad row named, nothing kept unless all pass).

Four registers share one row table (models.RegisterRow); the columns they use:

| register | code | name | category | unit/quantity | value / depreciation / received | start / end | other |
|---|---|---|---|---|---|---|---|
| asset | 资产编号 | 资产名称 | 资产类别 | 单位, 数量 | 原值 / 累计折旧 / – | 购建日期 / – | 存放地点, 使用状态, 保管人 (person) |
| resource | 地块编号 | 资源名称 | 地类编码 01–12 | 亩, 面积 | – | – | 坐落, 经营方式, 合同编号 |
| contract | 合同编号 | 合同标的 | – | – | 应收金额 / – / 已收金额 | 起 / 止 | 承包方 (person), 发包方式, 民主决策依据 |
| debt | – | – | claim / debt | – | 金额 / – / – | 发生日期 / 到期日期 | 对方 (person), 事由 (note), 状态 |

File reading (CSV/XLSX, formulas, merged cells, declared dimensions), money, dates and masking are
the ledger's (portal/finance/parsing.py); only the columns and the rules differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.privacy import KIND_NAMES, find_identifiers
from portal.finance.accounts import match_headers
from portal.finance.parsing import (
    HEADER_SEARCH_ROWS,
    LedgerRefused,
    _text,
    mask_person,
    parse_day,
    parse_money,
)

KINDS = {"asset": _l("资产台账"), "resource": _l("资源台账"), "contract": _l("承包(租赁)合同"),
         "debt": _l("债权债务")}

# GB/T 21010-2017 《土地利用现状分类》 first-level classes.
LAND_CLASSES = {
    "01": "耕地", "02": "园地", "03": "林地", "04": "草地", "05": "商服用地", "06": "工矿仓储用地",
    "07": "住宅用地", "08": "公共管理与公共服务用地", "09": "特殊用地", "10": "交通运输用地",
    "11": "水域及水利设施用地", "12": "其他土地",
}
LAND_BY_NAME = {name: code for code, name in LAND_CLASSES.items()}
# The standard's resource leaves (B05): farm land, water, "four wastes", construction land;
# land held back for later letting (机动地) is its own leaf whatever its class.
RESOURCE_CATEGORY = {"01": "B05.01", "02": "B05.01", "03": "B05.01", "04": "B05.01",
                     "11": "B05.02", "12": "B05.03", "05": "B05.04", "06": "B05.04",
                     "07": "B05.04", "08": "B05.04", "09": "B05.04", "10": "B05.04"}
RESERVE_STATUS = "机动地"
RESOURCE_CATEGORIES = ("B05.01", "B05.02", "B05.03", "B05.04", "B05.05")
# The standard's asset leaves: stock, investments and biological assets have their own; fixed
# assets, public facilities, intangibles and the rest are published in the fixed-asset register.
ASSET_CATEGORY = {"库存物资": "B04.03", "对外投资": "B04.04", "生物资产": "B04.05"}
ASSET_CATEGORIES = ("B04.02", "B04.03", "B04.04", "B04.05")
DEBT_CATEGORIES = ("B06.01", "B06.02")
CATEGORIES = {"asset": ASSET_CATEGORIES, "resource": RESOURCE_CATEGORIES, "contract": (),
              "debt": DEBT_CATEGORIES}
# Registers the standard wants yearly (assets, resources, as of the year-end clearance) and
# quarterly (debts); contracts follow the resources they are published with.
PERIOD_KIND = {"asset": "year", "resource": "year", "contract": "year", "debt": "quarter"}

ASSET_CLASSES = ("固定资产", "库存物资", "对外投资", "生物资产", "公益设施", "无形资产", "其他资产")
ASSET_STATUSES = ("自用", "在用", "出租", "发包", "出借", "闲置", "报废", "待处置", "他人使用")
RESOURCE_STATUSES = ("自营", "发包", "出租", "入股", "承包到户", RESERVE_STATUS, "闲置", "未利用",
                     "公益使用")
METHODS = ("公开招标", "邀请招标", "公开竞价", "竞价", "拍卖", "挂牌", "协商", "其他")
DEBT_SIDES = {"债权": "claim", "应收": "claim", "应收款": "claim", "应收款项": "claim",
              "债务": "debt", "应付": "debt", "应付款": "debt", "借款": "debt", "应付款项": "debt"}
DEBT_CATEGORY = {"claim": "B06.01", "debt": "B06.02"}


@dataclass(frozen=True)
class Column:
    key: str  # the attribute of RegisterRow (or a parsing-only key)
    label: str  # the template's header and the name in error messages
    aliases: tuple[str, ...]
    kind: str = "text"  # text, money, date, quantity, choice, person
    required: bool = False
    limit: int = 100
    choices: tuple[str, ...] = ()


COLUMNS: dict[str, tuple[Column, ...]] = {
    "asset": (
        Column("code", "资产编号", ("资产编号", "编号", "资产编码", "卡片编号"), limit=40),
        Column("name", "资产名称", ("资产名称", "名称", "固定资产名称"), required=True),
        Column("category", "资产类别", ("资产类别", "类别", "资产分类", "分类"), "choice",
               required=True, choices=ASSET_CLASSES),
        Column("unit", "单位", ("单位", "计量单位"), limit=10),
        Column("quantity", "数量", ("数量",), "quantity", required=True),
        Column("value_fen", "原值(元)", ("原值", "账面原值", "原价", "资产原值"), "money",
               required=True),
        Column("depreciation_fen", "累计折旧(元)", ("累计折旧", "折旧"), "money"),
        Column("net_fen", "净值(元)", ("净值", "账面净值", "资产净值"), "money"),
        Column("start", "购建日期", ("购建日期", "购置日期", "取得日期", "建成日期", "购建时间"),
               "date", required=True),
        Column("location", "存放地点", ("存放地点", "坐落", "位置", "地点", "坐落位置")),
        Column("status", "使用状态", ("使用状态", "状态", "使用情况"), "choice", required=True,
               choices=ASSET_STATUSES),
        Column("person", "保管人", ("保管人", "使用人", "管理人", "责任人"), "person"),
        Column("contract_ref", "合同编号", ("合同编号", "合同号"), limit=40),
    ),
    "resource": (
        Column("code", "地块编号", ("地块编号", "编号", "资源编号", "宗地编号"), limit=40),
        Column("name", "资源名称", ("资源名称", "名称", "地块名称", "地名"), required=True),
        Column("category", "地类", ("地类", "地类编码", "土地类别", "土地分类", "地类名称", "类别"),
               "land", required=True),
        Column("quantity", "面积(亩)", ("面积", "亩数", "面积亩"), "area", required=True),
        Column("location", "坐落", ("坐落", "位置", "四至", "坐落位置", "地点")),
        Column("status", "经营方式", ("经营方式", "状态", "利用现状", "使用状态", "经营情况"),
               "choice", required=True, choices=RESOURCE_STATUSES),
        Column("contract_ref", "合同编号", ("合同编号", "合同号"), limit=40),
    ),
    "contract": (
        Column("code", "合同编号", ("合同编号", "合同号", "编号"), required=True, limit=40),
        Column("name", "合同标的", ("合同标的", "标的", "合同名称", "项目名称", "发包项目")),
        Column("person", "承包(租赁)方", ("承包(租赁)方", "承包方", "承租方", "乙方", "对方",
                                       "承包人", "承租人"), "person", required=True),
        Column("method", "发包方式", ("发包方式", "方式", "承包方式", "交易方式"), "choice",
               required=True, choices=METHODS),
        Column("start", "起始日期", ("起始日期", "开始日期", "合同起始日期", "起"), "date",
               required=True),
        Column("end", "终止日期", ("终止日期", "结束日期", "到期日期", "合同终止日期", "止"), "date",
               required=True),
        Column("value_fen", "应收金额(元)", ("应收金额", "应收", "截至应收", "应收合同款"), "money",
               required=True),
        Column("received_fen", "已收金额(元)", ("已收金额", "实收金额", "已收", "实收"), "money"),
        Column("decision", "民主决策依据", ("民主决策依据", "决策依据", "村民会议决议", "决议",
                                       "民主决策"), required=True, limit=200),
    ),
    "debt": (
        Column("category", "类型", ("类型", "债权债务", "性质", "类别"), "side", required=True),
        Column("person", "对方单位或个人", ("对方单位或个人", "对方", "债务人", "债权人", "往来单位",
                                         "对方单位"), "person", required=True),
        Column("value_fen", "金额(元)", ("金额", "余额", "金额元"), "money", required=True),
        Column("start", "发生日期", ("发生日期", "日期", "形成日期"), "date", required=True),
        Column("end", "到期日期", ("到期日期", "约定还款日期", "还款日期"), "date"),
        Column("note", "事由", ("事由", "原因", "摘要", "形成原因"), required=True, limit=300),
        Column("status", "状态", ("状态", "清偿情况"), limit=20),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    return COLUMNS[kind]


def _lookup(kind: str) -> dict[str, str]:
    return {alias: c.key for c in COLUMNS[kind] for alias in (c.label, *c.aliases)}


@dataclass
class Row:
    line: int
    values: dict

    def __getattr__(self, name):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def parse_quantity(value, places: int = 2) -> Decimal | None:
    """A count or an area as a Decimal, None when blank; ValueError as parse_money does."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("text")
    if isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("亩", "").strip()
        if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
            raise ValueError("text")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("text") from None
    if number < 0:
        raise ValueError("negative")
    quantum = Decimal(1).scaleb(-places)
    if abs(number - number.quantize(quantum)) >= Decimal("0.000001"):
        raise ValueError("precision")
    number = number.quantize(quantum)
    if number >= Decimal("1000000000"):
        raise ValueError("text")
    return number


def land_class(value) -> str | None:
    """"01", "耕地", "01 耕地" or a second-level code such as "0103" -> "01"; None if unknown."""
    text = _text(value).replace("　", " ")
    if not text:
        return None
    m = re.fullmatch(r"(\d{2})(\d{2})?\s*([\u4e00-\u9fff]*)", text)
    if m:
        code = m[1]
        if code in LAND_CLASSES and (not m[3] or m[2] or LAND_CLASSES[code] == m[3]):
            return code
        return None
    return LAND_BY_NAME.get(text)


def find_header(kind: str, rows):
    lookup = _lookup(kind)
    needed = {c.key for c in COLUMNS[kind] if c.required}
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_headers(cells, lookup)
        if needed <= set(found):
            return index, found
    return None, None


def parse_register(kind: str, rows: list[tuple[int, list]], as_of: date) -> list[Row]:
    """Check every row of a register file; raise LedgerRefused naming each bad line."""
    index, found = find_header(kind, rows)
    if found is None:
        names = "、".join(c.label for c in COLUMNS[kind] if c.required)
        raise LedgerRefused([(None, _("找不到表头：前%(n)d行中应有一行列名，至少包括 %(c)s",
                                      n=HEADER_SEARCH_ROWS, c=names))])
    errors: list[tuple[int | None, str]] = []
    out: list[Row] = []
    seen_codes: dict[str, int] = {}
    for number, cells in rows[index + 1:]:
        if all(_text(c) == "" for c in cells):
            continue
        before = len(errors)
        values: dict = {}
        for column in COLUMNS[kind]:
            i = found.get(column.key)
            raw = cells[i] if i is not None and i < len(cells) else None
            values[column.key] = _check(column, raw, number, as_of, errors)
        _check_row(kind, values, number, as_of, errors)
        code = values.get("code") or ""
        if code and kind in ("asset", "resource", "contract"):
            if code in seen_codes:
                errors.append((number, _("编号 %(c)s 与第%(l)d行重复", c=code, l=seen_codes[code])))
            else:
                seen_codes[code] = number
        if len(errors) == before:
            out.append(Row(number, values))
    if not errors and not out:
        errors.append((None, _("表格中没有任何数据行")))
    if errors:
        raise LedgerRefused(sorted(errors, key=lambda e: (e[0] is None, e[0] or 0)))
    return out


def _check(column: Column, raw, number: int, as_of: date, errors: list):
    """One cell, checked and converted; None (and an error) when it is bad."""
    label = column.label.split("(")[0]
    text = _text(raw)
    if not text:
        if column.required:
            errors.append((number, _("%(l)s为空", l=label)))
        return None if column.kind in ("money", "date", "quantity", "area") else ""
    if column.kind == "money":
        try:
            return parse_money(raw)
        except ValueError as exc:
            errors.append((number, {
                "text": _("%(l)s“%(v)s”不是金额", l=label, v=text[:20]),
                "negative": _("%(l)s不能为负数", l=label),
                "precision": _("%(l)s最多两位小数（分）", l=label),
            }[str(exc)]))
            return None
    if column.kind in ("quantity", "area"):
        try:
            value = parse_quantity(raw)
        except ValueError as exc:
            errors.append((number, {
                "text": _("%(l)s“%(v)s”不是数字", l=label, v=text[:20]),
                "negative": _("%(l)s不能为负数", l=label),
                "precision": _("%(l)s最多两位小数", l=label),
            }[str(exc)]))
            return None
        if value == 0:
            errors.append((number, _("%(l)s应大于零", l=label)))
            return None
        return value
    if column.kind == "date":
        day = parse_day(raw)
        if day is None:
            errors.append((number, _("%(l)s“%(v)s”无法识别，请写成 2026-07-15", l=label,
                                     v=text[:20])))
        return day
    if column.kind == "land":
        code = land_class(raw)
        if code is None:
            errors.append((number, _("未知地类“%(v)s”，请填写《土地利用现状分类》(GB/T 21010)一级类"
                                     "编码01至12或名称，如 01 或 耕地", v=text[:20])))
        return code
    if column.kind == "side":
        side = DEBT_SIDES.get(text)
        if side is None:
            errors.append((number, _("类型“%(v)s”应为 债权(应收款) 或 债务(应付款、借款)",
                                     v=text[:20])))
        return side
    for finding in find_identifiers(text):
        errors.append((number, _("%(l)s含未遮蔽的%(k)s，请删去或改为 %(m)s", l=label,
                                 k=KIND_NAMES[finding.kind], m=finding.masked)))
    if column.kind == "choice" and text not in column.choices:
        errors.append((number, _("%(l)s“%(v)s”应为：%(c)s", l=label, v=text[:20],
                                 c="、".join(column.choices))))
        return ""
    if len(text) > column.limit:
        errors.append((number, _("%(l)s不能超过%(n)d字", l=label, n=column.limit)))
        return ""
    if column.kind == "person":
        return mask_person(text)
    return text


def _check_row(kind: str, values: dict, number: int, as_of: date, errors: list) -> None:
    """Rules across the cells of one row."""
    start, end = values.get("start"), values.get("end")
    if kind in ("asset", "debt") and start and start > as_of:
        errors.append((number, _("日期 %(d)s 晚于台账日期 %(a)s", d=start.isoformat(),
                                 a=as_of.isoformat())))
    if start and end and end < start:
        errors.append((number, _("终止日期 %(e)s 早于起始日期 %(s)s", e=end.isoformat(),
                                 s=start.isoformat())))
    if kind == "asset":
        value, dep, net = values["value_fen"], values.get("depreciation_fen"), values.pop("net_fen")
        if value is not None:
            if dep is None and net is not None:
                dep = value - net
            dep = dep or 0
            if dep > value:
                errors.append((number, _("累计折旧（或原值与净值之差）不能超过原值")))
            elif net is not None and value - dep != net:
                errors.append((number, _("原值 − 累计折旧 应等于净值")))
            values["depreciation_fen"] = dep
    if kind == "contract":
        values["received_fen"] = values.get("received_fen") or 0
    if kind == "debt" and values.get("value_fen") == 0:
        errors.append((number, _("金额应大于零")))
    if kind == "debt" and not values.get("status"):
        values["status"] = _("未结清")


def resource_category(land: str, status: str) -> str:
    """The B05 leaf a parcel is published under."""
    return "B05.05" if status == RESERVE_STATUS else RESOURCE_CATEGORY[land]


def category_of(kind: str, row) -> str | None:
    if kind == "asset":
        return ASSET_CATEGORY.get(row.category, "B04.02")
    if kind == "resource":
        return resource_category(row.category, row.status)
    if kind == "debt":
        return DEBT_CATEGORY[row.category]
    return None


def overdue_fen(row) -> int:
    """A contract's amount due so far that has not been received."""
    return max((row.value_fen or 0) - (row.received_fen or 0), 0)
