"""Open data of the special funds: one row per fund (granted, received, spent, balance, still to
come, in 元 from fen without floats) and the entries booked against them, as CSV, XLSX and JSON
through the ledger's writers, described by a data package."""

from __future__ import annotations

from decimal import Decimal

from portal.finance import exports
from portal.finance.funds import LEVELS, FundReport
from portal.sites.models import Site


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else Decimal(fen).scaleb(-2)


# (name, type, title, currency)
FUND_FIELDS = [
    ("name", "string", "资金名称", None),
    ("registered", "boolean", "已登记", None),
    ("level", "string", "下达层级", None),
    ("purpose", "string", "资金用途", None),
    ("document", "string", "批复文号或文件", None),
    ("granted_on", "date", "下达日期", None),
    ("decision", "string", "民主决策事项", None),
    ("decision_url", "string", "民主决策事项网址", None),
    ("granted", "number", "下达金额", "CNY"),
    ("received", "number", "已到账", "CNY"),
    ("spent", "number", "已支出", "CNY"),
    ("balance", "number", "结余", "CNY"),
    ("outstanding", "number", "未到账", "CNY"),
]
ENTRY_FIELDS = [
    ("fund", "string", "专项资金", None),
    ("period", "string", "所属期间", None),
    ("revision", "integer", "明细账版本", None),
    ("date", "date", "日期", None),
    ("voucher", "string", "凭证号", None),
    ("account_code", "string", "科目编码", None),
    ("account_name", "string", "科目名称", None),
    ("summary", "string", "摘要", None),
    ("received", "number", "到账", "CNY"),
    ("spent", "number", "支出", "CNY"),
    ("counterparty", "string", "对方单位(个人已遮蔽)", None),
]
RESOURCES = {"funds": FUND_FIELDS, "entries": ENTRY_FIELDS}


def fund_rows(reports: list[FundReport], titles: dict[int, str], item_url) -> list[list]:
    """Registered funds first, then names found only in the ledgers (registered = false)."""
    out = []
    for r in reports:
        f = r.fund
        decision = f.decision_item_id if f else None
        out.append([
            r.name, f is not None, (str(LEVELS.get(f.level, f.level)) if f else r.level or ""),
            f.purpose if f else "", f.document if f else "", f.granted_on if f else None,
            titles.get(decision, "") if decision else "", item_url(decision) if decision else "",
            _yuan(f.granted_fen) if f else None, _yuan(r.received), _yuan(r.spent),
            _yuan(r.balance), _yuan(r.outstanding)])
    return out


def entry_rows(reports: list[FundReport]) -> list[list]:
    return [[r.name, line.revision.period.key, line.revision.number, line.entry.day,
             line.entry.voucher, line.entry.account_code, line.entry.account_name,
             line.entry.summary, _yuan(line.entry.income_fen), _yuan(line.entry.expense_fen),
             line.entry.counterparty]
            for r in reports for line in r.lines]


def render(resource: str, fmt: str, site: Site, table: list[list]) -> bytes:
    fields = RESOURCES[resource]
    if fmt == "csv":
        return exports.table_csv([f[0] for f in fields], table)
    if fmt == "xlsx":
        return exports.table_xlsx(resource, [f[2] for f in fields], table)
    head = {"site": site.code, "site_name": site.name, "resource": f"special-{resource}",
            "currency": "CNY", "unit": "元"}
    return exports.table_json([f[0] for f in fields], table, head)


def descriptor(site: Site, reports: list[FundReport], url_for_resource) -> dict:
    """A data package descriptor of both resources in every format, in the finance style."""
    registered = [r for r in reports if r.fund is not None]
    resources = []
    for name, fields in RESOURCES.items():
        resources += exports.data_resources(name, fields,
                                            lambda fmt, name=name: url_for_resource(name, fmt))
    return {
        "profile": "fiscal-data-package",
        "name": f"special-funds-{site.code}",
        "title": f"{site.name} 专项资金",
        "countryCode": "CN",
        "currency": "CNY",
        "totals": {"granted": f"{_yuan(sum(r.fund.granted_fen for r in registered)):.2f}",
                   "received": f"{_yuan(sum(r.received for r in reports)):.2f}",
                   "spent": f"{_yuan(sum(r.spent for r in reports)):.2f}"},
        "resources": resources,
    }
