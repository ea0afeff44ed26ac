"""The import template shipped with the portal, as XLSX and CSV (regenerate with
`python -m portal.finance.template`; a test checks the checked-in files are current)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
HEADERS = ["日期", "凭证号", "科目编码", "科目名称", "摘要", "收入(元)", "支出(元)", "余额(元)",
           "对方单位", "结算方式", "专项资金"]
# A balanced example quarter: 12,345.60 + 80,360.00 - 45,228.50 = 47,477.10
EXAMPLE = [
    ["2026-07-01", "", "", "", "期初余额", "", "", "12345.60", "", "", ""],
    ["2026-07-05", "记-001", "522", "补助收入", "收到街道拨付第三季度村级组织运转经费", "45000.00",
     "", "", "安德街道财政所", "转账", ""],
    ["2026-07-12", "记-002", "54101", "干部报酬", "发放7月村干部基本报酬", "", "18600.00", "",
     "村两委干部", "转账", ""],
    ["2026-07-20", "记-003", "511", "发包及上交收入", "收机动地承包费（三组 12 亩）", "14400.00",
     "", "", "张秀英", "转账", ""],
    ["2026-08-03", "记-004", "54102", "办公费", "购买办公用品", "", "1268.50", "",
     "郫都区安德镇文具店", "现金", ""],
    ["2026-08-18", "记-005", "522", "补助收入", "收到高标准农田建设区级补助", "20960.00", "", "",
     "郫都区农业农村局", "转账", "高标准农田建设补助（区级）"],
    ["2026-09-09", "记-006", "55101", "公益事业支出", "三组机耕道修补材料费", "", "15360.00", "",
     "成都安达建材有限公司", "转账", "高标准农田建设补助（区级）"],
    ["2026-09-25", "记-007", "54104", "村级组织运转经费", "党群服务中心水电费", "", "10000.00", "",
     "国网成都供电公司", "转账", ""],
    ["2026-09-30", "", "", "", "期末余额", "", "", "47477.10", "", "", ""],
]
PERIOD = "2026-Q3"
HELP = [
    "填写说明",
    "1. 每行一笔收支，收入和支出只填一个；金额不能为负数，最多两位小数，不要用公式。",
    "2. 第一行摘要写“期初余额”，最后一行写“期末余额”，金额填在“余额”列；期初 + 收入 − 支出 必须等于期末。",
    "3. 日期必须在导入的季度之内；科目使用村集体经济组织会计科目（编码或名称，至少填一个）。",
    "4. 对方是个人时只写姓名（公开时自动遮蔽为 张*英）；不要填写身份证号、手机号、银行卡号。",
    "5. 不要合并单元格；导入后由民主理财小组会签，通过后公开。",
]


def xlsx_bytes() -> bytes:
    """The template as an XLSX workbook: the ledger sheet and a sheet of instructions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "明细账"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in EXAMPLE:
        sheet.append([date.fromisoformat(row[0]), *row[1:5],
                      *[Decimal(v) if v else None for v in row[5:8]], *row[8:]])
        sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
        for col in (6, 7, 8):
            sheet.cell(sheet.max_row, col).number_format = "0.00"
    for letter, width in zip("ABCDEFGHIJK", (12, 9, 9, 14, 36, 12, 12, 12, 22, 9, 24),
                             strict=True):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet("填写说明")
    for line in HELP:
        notes.append([line])
    notes.column_dimensions["A"].width = 100
    book.properties.creator = "阳光村务"
    book.properties.created = book.properties.modified = datetime(2026, 12, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(EXAMPLE)
    return buffer.getvalue().encode("utf-8-sig")


def write() -> None:
    DATA_DIR.mkdir(exist_ok=True)
    (DATA_DIR / "finance-template.xlsx").write_bytes(xlsx_bytes())
    (DATA_DIR / "finance-template.csv").write_bytes(csv_bytes())


if __name__ == "__main__":
    write()
