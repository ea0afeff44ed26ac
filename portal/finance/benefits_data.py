"""Open data of a benefit list through the finance export writers: the (masked) list and its
totals as CSV, XLSX and JSON, and a data package descriptor of what the visitor may download.

Who gets the list is decided by `benefits.may_see_names`, the rule the pages use; everyone who may
see a posted list gets its totals. Only stored (masked) values are ever written.
"""

from __future__ import annotations

from portal.finance.benefits import KINDS, BenefitList, BenefitRecipient
from portal.finance.exports import _yuan, data_resources, table_csv, table_json, table_xlsx
from portal.sites.models import Site

LIST_FIELDS = [
    ("line", "integer", "文件行号", None),
    ("name", "string", "姓名(已遮蔽)", None),
    ("id_number", "string", "身份证号(已遮蔽)", None),
    ("household", "integer", "家庭人口", None),
    ("amount", "number", "金额", "CNY"),
]
TOTAL_FIELDS = [
    ("kind", "string", "名单类别代码", None),
    ("kind_name", "string", "名单类别", None),
    ("title", "string", "标题", None),
    ("households", "integer", "户数", None),
    ("persons", "integer", "人数", None),
    ("amount", "number", "金额合计", "CNY"),
    ("posted_from", "date", "公示开始", None),
    ("posted_until", "date", "公示截止", None),
]
RESOURCES = {"list": LIST_FIELDS, "totals": TOTAL_FIELDS}
SHEETS = {"list": "名单", "totals": "合计"}


def rows(resource: str, benefit: BenefitList, recipients: list[BenefitRecipient]) -> list[list]:
    if resource == "list":
        return [[r.line, r.name, r.id_masked, r.household, _yuan(r.amount_fen)]
                for r in recipients]
    return [[benefit.kind, str(KINDS[benefit.kind]), benefit.title, benefit.recipients,
             benefit.persons, _yuan(benefit.total_fen),
             benefit.posted_at.date() if benefit.posted_at else None,
             benefit.posting_until.date() if benefit.posted_at else None]]


def render(resource: str, fmt: str, site: Site, benefit: BenefitList,
           recipients: list[BenefitRecipient]) -> bytes:
    fields = RESOURCES[resource]
    table = rows(resource, benefit, recipients)
    if fmt == "csv":
        return table_csv([f[0] for f in fields], table)
    if fmt == "xlsx":
        return table_xlsx(SHEETS[resource], [f[2] for f in fields], table)
    head = {"site": site.code, "site_name": site.name, "list": benefit.id, "kind": benefit.kind,
            "title": benefit.title, "resource": resource, "currency": "CNY", "unit": "元"}
    return table_json([f[0] for f in fields], table, head)


def descriptor(site: Site, benefit: BenefitList, resources: list[str], url_for_resource) -> dict:
    """A data package of the resources this visitor may download."""
    out = []
    for name in resources:
        out += data_resources(name, RESOURCES[name],
                              lambda fmt, name=name: url_for_resource(name, fmt))
    return {
        "profile": "data-package",
        "name": f"benefits-{site.code}-{benefit.id}",
        "title": f"{site.name} {benefit.title}",
        "countryCode": "CN",
        "currency": "CNY",
        "kind": benefit.kind,
        "posting": {"start": benefit.posted_at.date().isoformat() if benefit.posted_at else None,
                    "end": benefit.posting_until.date().isoformat() if benefit.posted_at else None},
        "totals": {"households": benefit.recipients, "persons": benefit.persons,
                   "amount": f"{_yuan(benefit.total_fen):.2f}"},
        "resources": out,
    }
