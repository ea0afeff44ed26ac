"""Read side of policies: which policy documents a site shows, their status and their links.

Everything a policy's status and links depend on lies in the set a site shows. A replacement
only counts when it is published at the replaced policy's own site or above it (a township cannot
repeal the district's document), and an upper site's policy shows on every site below it, so the
replacement is in the set wherever the replaced policy is. One query of that set (for a village:
its city's, district's and township's policies, a few hundred rows) therefore gives every status
and link, and the page's filters run over it in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from portal.content.models import Item, ItemRevision
from portal.content.queries import visible_condition
from portal.core.tenancy import ancestor_codes, in_subtree
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.models import categories_of_kind

STATUS_NAMES = {
    "in_force": _l("现行有效"),
    "amended": _l("已修改"),
    "repealed": _l("已废止"),
    "expired": _l("已失效"),
    "withdrawn": _l("已撤回"),
}
# The standard's 效力状态 as the publisher set it, read as a status.
VALIDITY_STATUS = {"有效": "in_force", "已修订": "amended", "已废止": "repealed", "已失效": "expired"}


def policy_codes() -> list[str]:
    """Codes of the current standard's policy categories (文号, 发文机关, 效力状态...)."""
    return [c.code for c in categories_of_kind("policy")]


def _date(value) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _item_id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@dataclass(eq=False)
class Policy:
    """One published policy as a site shows it, with the documents that replace or explain it."""

    item_id: int
    site: Site
    category_code: str
    title: str
    values: dict
    published_at: datetime
    withdrawn: bool
    status: str = "in_force"
    replaces: Policy | None = None
    replaced_by: list[Policy] = field(default_factory=list)
    interprets: Policy | None = None
    interpretations: list[Policy] = field(default_factory=list)

    @property
    def issued_on(self) -> date | None:
        return _date(self.values.get("issued_on"))

    @property
    def effective_on(self) -> date | None:
        return _date(self.values.get("effective_on"))

    @property
    def expires_on(self) -> date | None:
        return _date(self.values.get("expires_on"))

    @property
    def year(self) -> int:
        """The year it was written (成文), or published when no date was given."""
        return (self.issued_on or self.published_at).year

    @property
    def status_name(self) -> str:
        return str(STATUS_NAMES[self.status])

    @property
    def ended_on(self) -> date | None:
        """Its 失效日期, or when the document that replaced it took effect."""
        if self.expires_on:
            return self.expires_on
        dates = [d for r in self.replaced_by if (d := r.effective_on or r.issued_on)]
        return min(dates) if dates else None

    def takes_effect_by(self, today: date) -> bool:
        return self.effective_on is None or self.effective_on <= today


def _values(text: str | None) -> dict:
    try:
        values = json.loads(text or "{}")
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def site_policies(site: Site, today: date) -> list[Policy]:
    """Every public policy a site shows (withdrawn ones too), newest 成文日期 first, linked."""
    codes = policy_codes()
    if not codes:
        return []
    rows = db.session.execute(
        db.select(Item.id, Item.site_id, Item.category_code, Item.first_published_at,
                  Item.withdrawn_at, ItemRevision.title, ItemRevision.fields)
        .join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(visible_condition(site), Item.category_code.in_(codes))
    ).all()
    sites = {s.id: s for s in [*site.ancestors(), site]}
    policies: dict[int, Policy] = {}
    for row in rows:
        values = _values(row.fields)
        policies[row.id] = Policy(
            item_id=row.id, site=sites[row.site_id], category_code=row.category_code,
            title=str(values.get("title") or row.title), values=values,
            published_at=row.first_published_at, withdrawn=row.withdrawn_at is not None)
    _link(policies)
    for policy in policies.values():
        policy.status = _status(policy, today)
    return sorted(
        policies.values(),
        key=lambda p: (p.issued_on or p.published_at.date(), p.published_at, p.item_id),
        reverse=True,
    )


def _link(policies: dict[int, Policy]) -> None:
    """Connect each policy with what it replaces and what it interprets, where both show."""
    for policy in policies.values():
        if policy.withdrawn:  # a withdrawn document neither repeals nor explains anything
            continue
        target = policies.get(_item_id(policy.values.get("replaces")))
        if (target is not None and target is not policy
                and in_subtree(target.site.code, policy.site.code, policy.site.level)):
            policy.replaces = target
            target.replaced_by.append(policy)
        target = policies.get(_item_id(policy.values.get("interprets")))
        if target is not None and target is not policy:
            policy.interprets = target
            target.interpretations.append(policy)


def _status(policy: Policy, today: date) -> str:
    """现行有效, 已修改, 已废止, 已失效 or 已撤回, from its own fields and what replaced it."""
    if policy.withdrawn:
        return "withdrawn"
    if any(r.takes_effect_by(today) for r in policy.replaced_by):
        return "repealed"
    status = VALIDITY_STATUS.get(policy.values.get("validity"), "in_force")
    if status == "in_force" and policy.expires_on is not None and policy.expires_on <= today:
        return "expired"
    return status


@dataclass
class PolicyFilter:
    """What the policies page was asked for: publisher level, status, year, category."""

    level: str | None = None  # "own" or the level of a site above
    status: str = "in_force"  # a key of STATUS_NAMES, or "all"
    year: int | None = None
    category: str | None = None

    @classmethod
    def from_args(cls, args, levels: list[str], codes: list[str]) -> PolicyFilter:
        """Read the GET form, ignoring values that are not offered."""
        level = args.get("level")
        status = args.get("status")
        category = args.get("category")
        return cls(
            level=level if level in levels else None,
            status=status if status in STATUS_NAMES or status == "all" else "in_force",
            year=args.get("year", type=int),
            category=category if category in codes else None,
        )

    def args(self) -> dict:
        """The filter as query arguments, defaults left out (for the pager's links)."""
        values = {"level": self.level, "year": self.year, "category": self.category,
                  "status": None if self.status == "in_force" else self.status}
        return {k: v for k, v in values.items() if v is not None}

    def apply(self, policies: list[Policy], site: Site) -> list[Policy]:
        """The policies that pass every filter, in the given order."""
        def keep(p: Policy) -> bool:
            level = "own" if p.site.id == site.id else p.site.level
            return ((self.level is None or level == self.level)
                    and (self.status == "all" or p.status == self.status)
                    and (self.year is None or p.year == self.year)
                    and (self.category is None or p.category_code == self.category))

        return [p for p in policies if keep(p)]


def related_policy(site: Site, item_id: int) -> Item | None:
    """A public policy published at this site, above it or below it (what a link names)."""
    codes = policy_codes()
    if not codes:
        return None
    return db.session.scalar(
        db.select(Item).join(Site, Site.id == Item.site_id)
        .where(Item.id == item_id, Item.current_revision_id.is_not(None),
               Item.category_code.in_(codes),
               or_(Site.code.in_(ancestor_codes(site.code)), site.subtree())))
