"""A township (or any upper site) comparing its villages' published accounts side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.content.models import Item
from portal.core.clock import local_date
from portal.extensions import db
from portal.finance.models import LedgerPeriod, LedgerRevision, StatementItem
from portal.finance.queries import current_public
from portal.sites.models import Site
from portal.standards.models import get_category
from portal.standards.rules import period_due_date


@dataclass
class Row:
    site: Site
    periods: int  # published months or quarters of the year
    income: int
    expense: int
    on_time: int

    @property
    def per_capita_income(self) -> int | None:
        return self.income // self.site.population if self.site.population else None

    @property
    def per_capita_expense(self) -> int | None:
        return self.expense // self.site.population if self.site.population else None

    @property
    def on_time_rate(self) -> int | None:
        return round(100 * self.on_time / self.periods) if self.periods else None


STATEMENT_CATEGORY = "B02.01"  # the income statement: its rule dates every period


def _due_rule(heavy: bool) -> dict | None:
    """The standard's deadline rule for a village's statement: Q20, or M20 when finance-heavy."""
    category = get_category(STATEMENT_CATEGORY)
    found = category.deadline_rule("village", heavy) if category is not None else None
    return found[1] if found else None


def comparison(site: Site, year: int | None) -> tuple[list[Row], int | None]:
    """Each village below the site with its published income, expense and on-time rate."""
    villages = list(db.session.scalars(
        db.select(Site).where(site.subtree(), Site.level == "village").order_by(Site.code)))
    if not villages:
        return [], year
    by_id = {v.id: v for v in villages}
    public = current_public(list(by_id))
    years = sorted({r.period.start.year for r in public.values()})
    if not years:
        return [], year
    if year not in years:
        year = years[-1]
    first_published = dict(db.session.execute(
        db.select(LedgerRevision.period_id, db.func.max(Item.first_published_at))
        .join(StatementItem, StatementItem.revision_id == LedgerRevision.id)
        .join(Item, Item.id == StatementItem.item_id)
        .join(LedgerPeriod, LedgerPeriod.id == LedgerRevision.period_id)
        .where(LedgerRevision.site_id.in_(list(by_id)), LedgerRevision.number == 1,
               LedgerPeriod.start >= date(year, 1, 1), LedgerPeriod.start <= date(year, 12, 31))
        .group_by(LedgerRevision.period_id)).all())
    rules = {heavy: _due_rule(heavy) for heavy in (False, True)}
    rows = {v.id: Row(v, 0, 0, 0, 0) for v in villages}
    for revision in public.values():
        if revision.period.start.year != year:
            continue
        row = rows[revision.site_id]
        row.periods += 1
        row.income += revision.income_fen
        row.expense += revision.expense_fen
        published = first_published.get(revision.period_id)
        rule = rules[revision.period.kind == "month"]
        if published and rule and local_date(published) <= period_due_date(rule,
                                                                            revision.period.end):
            row.on_time += 1
    return list(rows.values()), year
