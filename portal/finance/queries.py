"""Read side of the books: which revision is public, statement totals, series and anomalies."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from portal.content.models import ItemRevision
from portal.extensions import db
from portal.finance.accounts import CHART, STATEMENT_CATEGORIES
from portal.finance.models import (
    LedgerEntry,
    LedgerPeriod,
    LedgerRevision,
    SpecialFund,
    StatementItem,
)
from portal.finance.parsing import yuan
from portal.sites.models import Site
from portal.standards.models import get_category


def public_revision_ids(site_ids) -> set[int]:
    """Revisions whose every statement item was countersigned after they were handed over."""
    items = (db.select(StatementItem.revision_id, db.func.count().label("n"))
             .join(LedgerRevision, LedgerRevision.id == StatementItem.revision_id)
             .where(StatementItem.site_id.in_(site_ids), LedgerRevision.submitted_at.is_not(None))
             .group_by(StatementItem.revision_id).subquery())
    signed = (db.select(StatementItem.revision_id,
                        db.func.count(db.distinct(StatementItem.item_id)).label("n"))
              .join(LedgerRevision, LedgerRevision.id == StatementItem.revision_id)
              .join(ItemRevision, ItemRevision.item_id == StatementItem.item_id)
              .where(StatementItem.site_id.in_(site_ids),
                     LedgerRevision.submitted_at.is_not(None),
                     ItemRevision.number > StatementItem.prior_number)
              .group_by(StatementItem.revision_id).subquery())
    rows = db.session.execute(db.select(items.c.revision_id).join(
        signed, signed.c.revision_id == items.c.revision_id).where(items.c.n == signed.c.n))
    return {r for (r,) in rows}


def is_public(revision: LedgerRevision) -> bool:
    return revision.id in public_revision_ids([revision.site_id])


def revisions_of(site: Site) -> list[LedgerRevision]:
    """Every imported revision of a site, newest period first, newest revision first."""
    return list(db.session.scalars(
        db.select(LedgerRevision).join(LedgerPeriod, LedgerPeriod.id == LedgerRevision.period_id)
        .where(LedgerRevision.site_id == site.id)
        .order_by(LedgerPeriod.start.desc(), LedgerRevision.number.desc())))


def current_public(site_ids) -> dict[int, LedgerRevision]:
    """Period id -> its latest public revision, for the given sites."""
    public = public_revision_ids(site_ids)
    if not public:
        return {}
    rows = db.session.scalars(db.select(LedgerRevision).where(LedgerRevision.id.in_(public))
                              .options(selectinload(LedgerRevision.period))  # no N+1 on pages
                              .order_by(LedgerRevision.number))
    return {r.period_id: r for r in rows}


def find_period(site: Site, key: str) -> LedgerPeriod | None:
    """A site's period from its key (2026-Q3 or 2026-10)."""
    from portal.finance.periods import bounds, kind_of

    kind = kind_of(key)
    found = bounds(kind, key) if kind in ("month", "quarter") else None
    if found is None:
        return None
    return db.session.scalar(db.select(LedgerPeriod).where(
        LedgerPeriod.site_id == site.id, LedgerPeriod.kind == kind,
        LedgerPeriod.start == found[0]))


def entries_of(revision: LedgerRevision) -> list[LedgerEntry]:
    return list(db.session.scalars(db.select(LedgerEntry).where(
        LedgerEntry.revision_id == revision.id).order_by(LedgerEntry.day, LedgerEntry.line)))


@dataclass
class AccountTotal:
    code: str
    name: str
    income: int = 0
    expense: int = 0
    entries: list = field(default_factory=list)
    counted: int | None = None  # set when summed in the database, without the entries

    @property
    def count(self) -> int:
        return len(self.entries) if self.counted is None else self.counted


@dataclass
class Group:
    code: str  # a category of the standard, or "flow"
    name: str
    income: int = 0
    expense: int = 0
    accounts: list[AccountTotal] = field(default_factory=list)


def category_name(code: str) -> str:
    category = get_category(code)
    return category.name if category else code


def statement(entries: list[LedgerEntry]) -> list[Group]:
    """Totals by the standard's category, and inside each by account (科目), with their entries."""
    groups: dict[str, Group] = {}
    for e in entries:
        key = e.category_code or "flow"
        group = groups.get(key)
        if group is None:
            name = category_name(key) if key != "flow" else _("往来款项及其他")
            group = groups[key] = Group(key, name)
        account = next((a for a in group.accounts if a.code == e.account_code), None)
        if account is None:
            account = AccountTotal(e.account_code, e.account_name)
            group.accounts.append(account)
        account.income += e.income_fen
        account.expense += e.expense_fen
        account.entries.append(e)
        group.income += e.income_fen
        group.expense += e.expense_fen
    return _ordered(groups)


def statement_totals(revision_ids: list[int]) -> list[Group]:
    """statement() summed in the database over many revisions: totals and counts, no entries."""
    rows = db.session.execute(
        db.select(LedgerEntry.category_code, LedgerEntry.account_code, LedgerEntry.account_name,
                  db.func.sum(LedgerEntry.income_fen), db.func.sum(LedgerEntry.expense_fen),
                  db.func.count())
        .where(LedgerEntry.revision_id.in_(revision_ids))
        .group_by(LedgerEntry.category_code, LedgerEntry.account_code, LedgerEntry.account_name))
    groups: dict[str, Group] = {}
    for category, code, name, income, expense, n in rows:
        key = category or "flow"
        group = groups.get(key)
        if group is None:
            label = category_name(key) if key != "flow" else _("往来款项及其他")
            group = groups[key] = Group(key, label)
        account = next((a for a in group.accounts if a.code == code), None)
        if account is None:  # one account under two spellings of its name: counted once
            account = AccountTotal(code, name, counted=0)
            group.accounts.append(account)
        account.income += int(income or 0)
        account.expense += int(expense or 0)
        account.counted += n
        group.income += int(income or 0)
        group.expense += int(expense or 0)
    return _ordered(groups)


def _ordered(groups: dict[str, Group]) -> list[Group]:
    order = {c: i for i, c in enumerate(STATEMENT_CATEGORIES)}
    for g in groups.values():
        g.accounts.sort(key=lambda a: a.code)
    return sorted(groups.values(), key=lambda g: order.get(g.code, 99))


def expense_of_groups(groups: list[Group]) -> list[tuple[str, int]]:
    """expense_by_category() from statement totals."""
    return [(g.name.split("(")[0] if g.code != "flow" else _("往来及其他"), g.expense) for g in
            sorted((g for g in groups if g.expense), key=lambda g: -g.expense)]


def monthly(entries) -> dict[tuple[int, int], tuple[int, int]]:
    """(year, month) -> (income, expense)."""
    out: dict = defaultdict(lambda: [0, 0])
    for e in entries:
        cell = out[(e.day.year, e.day.month)]
        cell[0] += e.income_fen
        cell[1] += e.expense_fen
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def monthly_series(revision_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """Income and expense per month over many revisions, summed in the database."""
    if not revision_ids:
        return {}
    year = db.func.extract("year", LedgerEntry.day)
    month = db.func.extract("month", LedgerEntry.day)
    rows = db.session.execute(
        db.select(year, month, db.func.sum(LedgerEntry.income_fen),
                  db.func.sum(LedgerEntry.expense_fen))
        .where(LedgerEntry.revision_id.in_(revision_ids)).group_by(year, month))
    return {(int(y), int(m)): (int(i or 0), int(x or 0)) for y, m, i, x in
            sorted(rows.all(), key=lambda r: (int(r[0]), int(r[1])))}


def expense_by_category(entries) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for e in entries:
        if e.expense_fen:
            totals[e.category_code or "flow"] += e.expense_fen
    return [(category_name(c).split("(")[0] if c != "flow" else _("往来及其他"), v)
            for c, v in sorted(totals.items(), key=lambda kv: -kv[1])]


def per_capita(site: Site, fen: int) -> int | None:
    """Fen per resident, when the site's population is known."""
    return fen // site.population if site.population else None


# ----------------------------------------------------------------------------- anomalies


@dataclass
class Anomaly:
    kind: str
    label: str
    entry: LedgerEntry
    note: str


def anomalies(revision: LedgerRevision, entries: list[LedgerEntry]) -> list[Anomaly]:
    """Entries a reviewer should look at twice, with the rule each one trips."""
    config = current_app.config
    share = config.get("FINANCE_ANOMALY_SHARE", 0.3)
    cash_limit = config.get("FINANCE_CASH_LIMIT_FEN", 500_000)  # 5,000 元
    found = []
    total = revision.expense_fen
    for e in entries:
        if total and e.expense_fen > total * share and e.expense_fen >= 100_000:
            found.append(Anomaly("share", _("单笔支出占比高"), e, _(
                "占本期支出的%(p)d%%（规则：超过%(s)d%%）", p=round(100 * e.expense_fen / total),
                s=round(100 * share))))
        if e.expense_fen > cash_limit and ("现金" in e.settlement or e.account_code == "101"):
            found.append(Anomaly("cash", _("大额现金支付"), e, _(
                "现金支付超过%(l)s元", l=cash_limit // 100)))
        if not e.voucher:
            found.append(Anomaly("voucher", _("没有凭证号"), e, _("每笔收支都应有记账凭证")))
    found += _late_entries(revision, entries)
    found += _fund_anomalies(revision, entries)
    return found


def _late_entries(revision: LedgerRevision, entries) -> list[Anomaly]:
    """Entries a re-import added to a period that had already been published (结账后补记)."""
    if revision.number == 1:
        return []
    earlier = db.session.scalars(
        db.select(LedgerRevision).where(LedgerRevision.period_id == revision.period_id,
                                        LedgerRevision.number < revision.number,
                                        LedgerRevision.submitted_at.is_not(None))
        .order_by(LedgerRevision.number.desc())).first()
    if earlier is None:
        return []
    known = {(e.day, e.voucher, e.account_code, e.income_fen, e.expense_fen)
             for e in entries_of(earlier)}
    return [Anomaly("late", _("结账后补记"), e, _("第%(n)d版公开后新增的记录", n=earlier.number))
            for e in entries
            if (e.day, e.voucher, e.account_code, e.income_fen, e.expense_fen) not in known]


def account_name(code: str) -> str:
    account = CHART.get(code)
    return account.name if account else code


# ----------------------------------------------------------------------------- special funds

LEVEL_IN_NAME = re.compile(r"[(（](中央|省|市|区|县|乡镇|街道)级[)）]")


def level_in_name(name: str) -> str | None:
    """The granting level an unregistered fund's name ends with: “……（区级）” -> 区级."""
    m = LEVEL_IN_NAME.search(name)
    return f"{m[1]}级" if m else None


def _fund_anomalies(revision: LedgerRevision, entries) -> list[Anomaly]:
    """Entries booked against a fund nobody registered, and spending that overdraws a fund.

    A fund's balance runs over the public statements of the periods up to this one (this
    revision standing in for its period), so an overdraft shows on the statement that caused it.
    """
    named = [e for e in entries if e.fund]
    if not named:
        return []
    names = {e.fund for e in named}
    registered = set(db.session.scalars(db.select(SpecialFund.name).where(
        SpecialFund.site_id == revision.site_id, SpecialFund.name.in_(names))))
    found = [Anomaly("fund", _("专项资金未登记"), e, _(
        "“%(f)s”未登记下达层级、用途和金额", f=e.fund)) for e in named if e.fund not in registered]
    earlier = [r.id for r in current_public([revision.site_id]).values()
               if r.period_id != revision.period_id and r.period.start < revision.period.start]
    balance: dict[str, int] = defaultdict(int)
    if earlier:
        for name, income, expense in db.session.execute(
                db.select(LedgerEntry.fund, db.func.sum(LedgerEntry.income_fen),
                          db.func.sum(LedgerEntry.expense_fen))
                .where(LedgerEntry.revision_id.in_(earlier), LedgerEntry.fund.in_(names))
                .group_by(LedgerEntry.fund)):
            balance[name] = int(income or 0) - int(expense or 0)
    for e in sorted(named, key=lambda e: (e.day, e.line)):
        balance[e.fund] += e.income_fen - e.expense_fen
        if e.expense_fen and balance[e.fund] < 0:
            found.append(Anomaly("overdraft", _("专项资金透支"), e, _(
                "“%(f)s”支出超过已到账资金，结余%(b)s元", f=e.fund, b=yuan(balance[e.fund]))))
    return found
