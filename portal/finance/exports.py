"""Open data: a statement's ledger and its totals by account as CSV, XLSX and JSON, described by a
data package in the spirit of the Fiscal Data Package (fields, types, units, currency CNY).

Amounts are written in 元 with two decimals straight from integer fen, never through a float.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from portal.finance.accounts import STATEMENT_CATEGORIES
from portal.finance.models import LedgerEntry, LedgerRevision
from portal.finance.queries import category_name, statement
from portal.sites.models import Site

LEDGER_FIELDS = [
    ("date", "date", "日期", None),
    ("voucher", "string", "凭证号", None),
    ("account_code", "string", "科目编码", None),
    ("account_name", "string", "科目名称", None),
    ("category", "string", "公开类目", None),
    ("summary", "string", "摘要", None),
    ("income", "number", "收入", "CNY"),
    ("expense", "number", "支出", "CNY"),
    ("counterparty", "string", "对方单位(个人已遮蔽)", None),
    ("settlement", "string", "结算方式", None),
    ("fund", "string", "专项资金", None),
]
SUMMARY_FIELDS = [
    ("category", "string", "公开类目", None),
    ("category_name", "string", "类目名称", None),
    ("account_code", "string", "科目编码", None),
    ("account_name", "string", "科目名称", None),
    ("income", "number", "收入合计", "CNY"),
    ("expense", "number", "支出合计", "CNY"),
    ("entries", "integer", "笔数", None),
]
RESOURCES = {"ledger": LEDGER_FIELDS, "summary": SUMMARY_FIELDS}


def _yuan(fen: int) -> Decimal:
    return Decimal(fen).scaleb(-2)


def rows(resource: str, entries: list[LedgerEntry]) -> list[list]:
    """The rows of one resource; money as Decimal 元."""
    if resource == "ledger":
        return [[e.day, e.voucher, e.account_code, e.account_name, e.category_code or "",
                 e.summary, _yuan(e.income_fen), _yuan(e.expense_fen), e.counterparty,
                 e.settlement, e.fund] for e in entries]
    out = []
    for group in statement(entries):
        for a in group.accounts:
            out.append([group.code if group.code != "flow" else "", group.name, a.code, a.name,
                        _yuan(a.income), _yuan(a.expense), len(a.entries)])
    return out


def table_csv(names: list[str], table: list[list]) -> bytes:
    """Rows as UTF-8 CSV (with a BOM for Excel), Decimals with two places."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(names)
    for row in table:
        writer.writerow([f"{v:.2f}" if isinstance(v, Decimal) else v for v in row])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def table_xlsx(sheet_name: str, titles: list[str], table: list[list]) -> bytes:
    """Rows as a one-sheet XLSX with Chinese column titles; Decimals formatted as money."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(titles)
    for row in table:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, Decimal):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table_json(names: list[str], table: list[list], head: dict) -> bytes:
    """`head` and the rows as records under "data"; Decimals written as exact JSON numbers."""
    records = ["{" + ",".join(f"{json.dumps(n)}:{_json_value(v)}" for n, v in zip(names, row,
                                                                                   strict=True))
               + "}" for row in table]
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "data": [' + ",\n".join(records) + "]}"
    return text.encode("utf-8")


def schema_of(fields) -> dict:
    """A Table Schema for (name, type, title, currency) fields."""
    return {"fields": [
        {"name": n, "type": t, "title": title,
         **({"unit": "元", "currency": c, "decimalChar": ".", "bareNumber": True} if c else {}),
         **({"format": "%Y-%m-%d"} if t == "date" else {})}
        for n, t, title, c in fields]}


FORMATS = (("csv", "text/csv"),
           ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("json", "application/json"))


def data_resources(name: str, fields, url_for_format) -> list[dict]:
    """The data package resources of one table in every format."""
    schema = schema_of(fields)
    return [{"name": f"{name}-{fmt}", "path": url_for_format(fmt), "format": fmt,
             "mediatype": media, "encoding": "utf-8",
             "profile": "tabular-data-resource" if fmt == "csv" else "data-resource",
             "schema": schema} for fmt, media in FORMATS]


def as_csv(resource: str, entries) -> bytes:
    return table_csv([f[0] for f in RESOURCES[resource]], rows(resource, entries))


def as_xlsx(resource: str, entries) -> bytes:
    return table_xlsx(resource, [f[2] for f in RESOURCES[resource]], rows(resource, entries))


def _json_value(value) -> str:
    if isinstance(value, Decimal):
        return f"{value:.2f}"  # a JSON number written from the decimal, exactly
    if hasattr(value, "isoformat"):
        return json.dumps(value.isoformat())
    return json.dumps(value, ensure_ascii=False)


def as_json(resource: str, entries, site: Site, revision: LedgerRevision) -> bytes:
    head = {"site": site.code, "site_name": site.name, "period": revision.period.key,
            "revision": revision.number, "currency": "CNY", "unit": "元"}
    return table_json([f[0] for f in RESOURCES[resource]], rows(resource, entries), head)


def year_json(resource: str, entries, site: Site, year) -> bytes:
    """A year's resource (yearly.YearStatement): the revision of each period it is made of."""
    head = {"site": site.code, "site_name": site.name, "period": year.key,
            "revisions": {r.period.key: r.number for r in year.parts},
            "currency": "CNY", "unit": "元"}
    return table_json([f[0] for f in RESOURCES[resource]], rows(resource, entries), head)


def _balances(books) -> dict:
    """Opening, income, expense, closing of a revision or a year, in 元 as text."""
    return {name: f"{_yuan(getattr(books, f'{name}_fen')):.2f}"
            for name in ("opening", "income", "expense", "closing")}


def _package(site: Site, key: str, start, end, books, url_for_resource, extra: dict) -> dict:
    resources = []
    for name, fields in RESOURCES.items():
        resources += data_resources(name, fields,
                                    lambda fmt, name=name: url_for_resource(name, fmt))
    return {
        "profile": "fiscal-data-package",
        "name": f"finance-{site.code}-{key.lower()}",
        "title": f"{site.name} {key} 财务公开",
        "countryCode": "CN",
        "currency": "CNY",
        "fiscalPeriod": {"start": start.isoformat(), "end": end.isoformat()},
        **extra,
        "balances": _balances(books),
        "categories": {c: category_name(c) for c in STATEMENT_CATEGORIES},
        "resources": resources,
    }


def descriptor(site: Site, revision: LedgerRevision, url_for_resource) -> dict:
    """A data package descriptor for a statement: both resources in every format."""
    period = revision.period
    return _package(site, period.key, period.start, period.end, revision, url_for_resource,
                    {"revision": revision.number})


def year_descriptor(site: Site, year, url_for_resource) -> dict:
    """The descriptor of a year's statement, naming the periods and revisions it sums."""
    return _package(site, year.key, year.parts[0].period.start, year.parts[-1].period.end, year,
                    url_for_resource,
                    {"revisions": {r.period.key: r.number for r in year.parts},
                     "complete": year.complete})
