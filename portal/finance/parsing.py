"""Reading the accountant's ledger (CSV or XLSX) and checking every row before anything is saved.

XLSX files are read with openpyxl in read-only mode. The declared dimension is checked before a
single row is read; rows then stream through openpyxl's own worksheet parser, which also reports
formula cells and merged ranges (the read-only worksheet hides both), so a file with either is
refused as a whole.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from portal.core.errors import OperationError
from portal.core.privacy import KIND_NAMES, find_identifiers
from portal.finance.accounts import (
    CLOSING_WORDS,
    COLUMNS,
    OPENING_WORDS,
    REQUIRED,
    TOTAL_WORDS,
    Account,
    find_account,
    match_headers,
)

MAX_ROWS = 100_000  # a village's quarter is a few hundred lines; five years of them fit easily
MAX_COLUMNS = 40
MAX_BYTES = 20 * 1024 * 1024
MAX_ERRORS = 200
HEADER_SEARCH_ROWS = 10
XLSX_MAGIC = b"PK\x03\x04"


class LedgerRefused(OperationError):
    """The file is refused; `errors` lists (line, reason) for every bad row found."""

    def __init__(self, errors: list[tuple[int | None, str]]):
        self.errors = errors[:MAX_ERRORS]
        self.more = max(len(errors) - MAX_ERRORS, 0)
        super().__init__(_("文件有%(n)d处错误，没有导入任何数据。请修改后重新上传。",
                           n=len(errors)), "file")


@dataclass
class Entry:
    line: int
    day: date
    voucher: str
    account: Account
    summary: str
    income: int
    expense: int
    counterparty: str
    settlement: str
    fund: str


@dataclass
class Ledger:
    opening: int
    closing: int
    entries: list[Entry] = field(default_factory=list)

    @property
    def income(self) -> int:
        return sum(e.income for e in self.entries)

    @property
    def expense(self) -> int:
        return sum(e.expense for e in self.entries)


# ----------------------------------------------------------------------------- reading files


def read_rows(filename: str, data: bytes) -> list[tuple[int, list]]:
    """(line number, cell values) of the first sheet of an XLSX or of a CSV file."""
    if not data:
        raise OperationError(_("请选择要导入的文件"), "file")
    if len(data) > MAX_BYTES:
        raise OperationError(_("文件不能超过20 MB"), "file")
    if data.startswith(XLSX_MAGIC):
        return _xlsx_rows(data)
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise OperationError(_("文件不是有效的 XLSX 表格；旧版 .xls 请在 Excel 或 WPS 中另存为 .xlsx"),
                             "file")
    return _csv_rows(data)


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel and WPS save Chinese CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise OperationError(_("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 XLSX"), "file")
    if "\x00" in text:
        raise OperationError(_("文件不是 CSV 或 XLSX 表格"), "file")
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number > MAX_ROWS:
            raise OperationError(_("表格超过%(n)d行，请按季度分开导入", n=MAX_ROWS), "file")
        rows.append((number, row[:MAX_COLUMNS]))
    return rows


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import WorkSheetParser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles other programs write
        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception:
            raise OperationError(_("文件不是有效的 XLSX 表格"), "file") from None
    try:
        sheet = book["明细账"] if "明细账" in book.sheetnames else book.worksheets[0]
        # The declared dimension (<dimension ref>), before any row is read.
        if (sheet.max_row or 0) > MAX_ROWS or (sheet.max_column or 0) > MAX_COLUMNS:
            raise OperationError(_(
                "表格声明的范围过大（%(r)s行 × %(c)s列），请只保留明细账数据（最多%(n)d行、%(m)d列）"
                "后另存再导入", r=sheet.max_row, c=sheet.max_column, n=MAX_ROWS, m=MAX_COLUMNS),
                "file")
        # openpyxl's own parser over the sheet: the read-only worksheet drops merged ranges.
        with sheet._get_source() as source, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parser = WorkSheetParser(source, sheet._shared_strings, data_only=False,
                                     epoch=book.epoch, date_formats=book._date_formats,
                                     timedelta_formats=book._timedelta_formats)
            rows, formulas = [], []
            for number, cells in parser.parse():
                if number > MAX_ROWS or len(rows) >= MAX_ROWS:
                    raise OperationError(_("表格超过%(n)d行，请按季度分开导入", n=MAX_ROWS), "file")
                values = [None] * min(max((c["column"] for c in cells), default=0), MAX_COLUMNS)
                for cell in cells:
                    if cell["column"] > MAX_COLUMNS:
                        continue
                    if cell["data_type"] == "f":
                        formulas.append(f"{get_column_letter(cell['column'])}{number}")
                    values[cell["column"] - 1] = cell["value"]
                rows.append((number, values))
            merged = [str(m.ref) for m in (parser.merged_cells.mergeCell
                                            if parser.merged_cells else [])]
    finally:
        book.close()
    if formulas:
        raise OperationError(_(
            "表格含有公式（单元格 %(c)s），请复制后“选择性粘贴为数值”再导入",
            c="、".join(formulas[:20]) + ("等" if len(formulas) > 20 else "")), "file")
    if merged:
        raise OperationError(_(
            "表格含有合并单元格（%(c)s），请取消合并、每行填写完整后再导入",
            c="、".join(merged[:20]) + ("等" if len(merged) > 20 else "")), "file")
    return rows


# ----------------------------------------------------------------------------- checking rows


def parse_money(value) -> int | None:
    """A cell as fen, None when blank; ValueError("text"|"negative"|"precision") otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError("text")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
        if abs(amount - amount.quantize(Decimal("0.01"))) < Decimal("0.000001"):
            amount = amount.quantize(Decimal("0.01"))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "")
        text = text.replace("￥", "").replace("元", "").strip()
        if not re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
            raise ValueError("text")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("text") from None
    if amount < 0:
        raise ValueError("negative")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError("precision")
    if amount >= Decimal("100000000000"):
        raise ValueError("text")
    return int(amount * 100)


DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_day(value) -> date | None:
    """A cell as a date; None when it cannot be read as one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().split(" ")[0]
    for pattern in DATE_PATTERNS:
        m = pattern.fullmatch(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


ORG_WORDS = ("公司", "合作社", "银行", "政府", "财政", "街道", "办事处", "委员会", "村委", "居委",
             "中心", "站", "所", "局", "厂", "店", "社", "部", "院", "校", "供电", "电力", "水务",
             "移动", "电信", "联通", "集体", "组织", "小组", "联合", "协会", "超市", "门市", "工程",
             "项目", "商行", "经营部", "农场", "基地", "税务", "保险", "村", "镇", "乡", "区", "市")


def mask_person(name: str) -> str:
    """A person's name as published: 张秀英 -> 张*英, 李明 -> 李*; organisations unchanged."""
    if not re.fullmatch(r"[\u4e00-\u9fff·]{2,5}", name) or any(w in name for w in ORG_WORDS):
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def _find_header(rows):
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_headers(cells)
        if all(k in found for k in REQUIRED) and ("account_code" in found
                                                  or "account_name" in found):
            return index, found
    return None, None


def parse_ledger(rows: list[tuple[int, list]], start: date, end: date) -> Ledger:
    """Check every row against the period; raise LedgerRefused naming each bad line."""
    index, columns = _find_header(rows)
    if columns is None:
        names = "、".join(COLUMNS[k][0] for k in (*REQUIRED, "account_code", "account_name"))
        raise LedgerRefused([(None, _("找不到表头：前%(n)d行中应有一行列名，至少包括 %(c)s"
                                      "（科目编码和科目名称至少一列）", n=HEADER_SEARCH_ROWS,
                                      c=names))])
    errors: list[tuple[int | None, str]] = []
    opening = closing = None
    totals: list[tuple[int, int | None, int | None]] = []
    entries: list[Entry] = []

    def cell(cells, key):
        i = columns.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    # Labels are translated once, not on every row (gettext per row was half the time).
    l_income, l_expense, l_balance = _("收入"), _("支出"), _("余额")
    l_counterparty, l_summary, l_voucher = _("对方单位"), _("摘要"), _("凭证号")
    l_settlement, l_fund = _("结算方式"), _("专项资金")

    def money(cells, key, number, label):
        try:
            return parse_money(cell(cells, key))
        except ValueError as exc:
            reason = {
                "text": _("%(l)s“%(v)s”不是金额", l=label, v=_text(cell(cells, key))[:20]),
                "negative": _("%(l)s不能为负数（冲销请另起一行记相反方向）", l=label),
                "precision": _("%(l)s最多两位小数（分）", l=label),
            }[str(exc)]
            errors.append((number, reason))
            return None

    for number, cells in rows[index + 1:]:
        if all(_text(c) == "" for c in cells):
            continue
        summary = _text(cell(cells, "summary"))
        word = re.sub(r"\s+", "", summary)
        if word in OPENING_WORDS or word in CLOSING_WORDS:
            value = money(cells, "balance", number, l_balance)
            if "balance" not in columns:
                errors.append((number, _("缺少“余额”列，无法读取%(w)s", w=word)))
            elif value is None:
                errors.append((number, _("%(w)s行的余额为空", w=word)))
            elif word in OPENING_WORDS:
                if opening is not None:
                    errors.append((number, _("期初余额重复出现")))
                opening = value
            else:
                if closing is not None:
                    errors.append((number, _("期末余额重复出现")))
                closing = value
            continue
        if word in TOTAL_WORDS:
            totals.append((number, money(cells, "income", number, _("合计收入")),
                           money(cells, "expense", number, _("合计支出"))))
            continue
        before = len(errors)
        raw_day = cell(cells, "date")
        day = parse_day(raw_day)
        if day is None:
            errors.append((number, _("日期“%(v)s”无法识别，请写成 2026-07-15", v=_text(raw_day)[:20])
                           if _text(raw_day) else _("日期为空")))
        elif not start <= day <= end:
            errors.append((number, _("日期 %(d)s 不在本期（%(s)s 至 %(e)s）内", d=day.isoformat(),
                                     s=start.isoformat(), e=end.isoformat())))
        account, problem = find_account(_text(cell(cells, "account_code")),
                                        _text(cell(cells, "account_name")))
        if problem == "missing":
            errors.append((number, _("科目为空")))
        elif problem == "mismatch":
            errors.append((number, _("科目编码 %(c)s 与科目名称“%(n)s”不一致",
                                     c=_text(cell(cells, "account_code")),
                                     n=_text(cell(cells, "account_name")))))
        elif problem:
            errors.append((number, _("未知科目“%(v)s”，请使用村集体经济组织会计科目",
                                     v=_text(cell(cells, "account_code")) or
                                     _text(cell(cells, "account_name")))))
        income = money(cells, "income", number, l_income)
        expense = money(cells, "expense", number, l_expense)
        if len(errors) == before:
            if not income and not expense:
                errors.append((number, _("收入和支出都为空或为零")))
            elif income and expense:
                errors.append((number, _("同一行不能既有收入又有支出，请分成两行")))
        if not summary:
            errors.append((number, _("摘要为空")))
        elif len(summary) > 300:
            errors.append((number, _("摘要不能超过300字")))
        counterparty = _text(cell(cells, "counterparty"))
        voucher = _text(cell(cells, "voucher"))
        settlement = _text(cell(cells, "settlement"))
        fund = _text(cell(cells, "fund"))
        for label, value in ((l_counterparty, counterparty), (l_summary, summary)):
            for f in find_identifiers(value):
                errors.append((number, _("%(l)s含未遮蔽的%(k)s，请改为 %(m)s", l=label,
                                         k=KIND_NAMES[f.kind], m=f.masked)))
        for label, value, limit in ((l_counterparty, counterparty, 100), (l_voucher, voucher, 40),
                                    (l_settlement, settlement, 20), (l_fund, fund, 100)):
            if len(value) > limit:
                errors.append((number, _("%(l)s不能超过%(n)d字", l=label, n=limit)))
        if len(errors) == before:
            entries.append(Entry(number, day, voucher, account, summary, income or 0,
                                 expense or 0, mask_person(counterparty), settlement, fund))
    if opening is None:
        errors.append((None, _("缺少期初余额行：摘要写“期初余额”（或“上期结转”），金额填在余额列")))
    if closing is None:
        errors.append((None, _("缺少期末余额行：摘要写“期末余额”（或“结转下期”），金额填在余额列")))
    if not errors and not entries:
        errors.append((None, _("没有找到任何收支明细行")))
    if not errors:
        ledger = Ledger(opening, closing, entries)
        for number, income, expense in totals:
            if (income is not None and income != ledger.income) or (
                    expense is not None and expense != ledger.expense):
                errors.append((number, _("合计行与明细不符：明细收入 %(i)s 元、支出 %(e)s 元",
                                         i=yuan(ledger.income), e=yuan(ledger.expense))))
        expected = opening + ledger.income - ledger.expense
        if expected != closing:
            errors.append((None, _(
                "本期收支不平衡：期初余额 %(o)s + 收入 %(i)s − 支出 %(e)s = %(x)s 元，"
                "但期末余额填的是 %(c)s 元，相差 %(d)s 元", o=yuan(opening), i=yuan(ledger.income),
                e=yuan(ledger.expense), x=yuan(expected), c=yuan(closing),
                d=yuan(closing - expected))))
        if not errors:
            return ledger
    raise LedgerRefused(sorted(errors, key=lambda e: (e[0] is None, e[0] or 0)))


def yuan(fen: int) -> str:
    """Fen as 元 with thousands separators: 123456 -> "1,234.56"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"
