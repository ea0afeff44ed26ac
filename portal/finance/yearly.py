"""A year's accounts put together from the published months or quarters it contains.

Nothing is imported for a year: its opening balance is the first published period's, its closing
balance the last one's, its income and expense the sums. Where a period's opening balance is not
the previous period's closing balance, or a period that has ended is not published yet, the year
says so instead of hiding the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from portal.content.periods import period_label
from portal.core.clock import today
from portal.extensions import db
from portal.finance import periods
from portal.finance.models import LedgerEntry, LedgerRevision
from portal.finance.queries import current_public
from portal.sites.models import Site


@dataclass
class Break:
    """Two consecutive published periods whose balances do not join up."""

    before: LedgerRevision
    after: LedgerRevision

    @property
    def difference(self) -> int:
        return self.after.opening_fen - self.before.closing_fen


@dataclass
class YearStatement:
    year: int
    parts: list[LedgerRevision]  # the public revision of each period, in order
    breaks: list[Break] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # labels of ended periods not published

    @property
    def key(self) -> str:
        return str(self.year)

    @property
    def opening_fen(self) -> int:
        return self.parts[0].opening_fen

    @property
    def closing_fen(self) -> int:
        return self.parts[-1].closing_fen

    @property
    def income_fen(self) -> int:
        return sum(r.income_fen for r in self.parts)

    @property
    def expense_fen(self) -> int:
        return sum(r.expense_fen for r in self.parts)

    @property
    def complete(self) -> bool:
        """Every period of the year has ended, is published and joins the next."""
        return not self.missing and not self.breaks and self.parts[-1].period.end.month == 12 \
            and self.parts[-1].period.end.day == 31 and self.parts[0].period.start.month == 1


def years_of(site: Site) -> list[int]:
    """The years with at least one published period, newest first."""
    return sorted({r.period.start.year for r in current_public([site.id]).values()}, reverse=True)


def year_statement(site: Site, year: int, on: date | None = None) -> YearStatement | None:
    """The year's statement from what is public, or None when nothing of it is."""
    parts = sorted((r for r in current_public([site.id]).values()
                    if r.period.start.year == year), key=lambda r: r.period.start)
    if not parts:
        return None
    found = YearStatement(year, parts)
    for before, after in pairwise(parts):
        if after.opening_fen != before.closing_fen:
            found.breaks.append(Break(before, after))
    found.missing = _missing(site, year, parts, on or today())
    return found


def _missing(site: Site, year: int, parts, on: date) -> list[str]:
    """Ended periods of the village's current kind that no published period covers."""
    covered = {(d.year, d.month) for r in parts for d in _months(r.period.start, r.period.end)}
    kind = periods.ledger_kind(site)
    step = 1 if kind == "month" else 3
    out = []
    for month in range(1, 13, step):
        start = date(year, month, 1)
        _start, end = periods.bounds(kind, periods.key_of(kind, start))
        if end >= on:
            break
        if not any((year, m) in covered for m in range(month, month + step)):
            out.append(period_label(kind, start))
    return out


def _months(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)


def entries_of(statement: YearStatement) -> list[LedgerEntry]:
    return list(db.session.scalars(db.select(LedgerEntry).where(
        LedgerEntry.revision_id.in_([r.id for r in statement.parts]))
        .order_by(LedgerEntry.day, LedgerEntry.line)))
