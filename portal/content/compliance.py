"""Whether sites publish what the standard requires, on time: one site, a subtree, a user's sites.

The rules come from the current version of the standard (Category.deadline_rule for the site's
level). An item counts for a site only if that site published it (current_revision_id set, not
withdrawn); what an upper level publishes for everyone below never counts for the sites below.

* Periodic categories (MONTHLY, QUARTERLY, YEARLY with M/Q/Y rules) are judged for the most
  recent period whose due date has passed: on time if an item covering part of that period was
  first published (Shanghai date) on or before the due date, late if after, missing if none.
  The period after it, once it has ended and until its due date passes, is "due" while nothing
  covers it yet.
* EVENT and NOTICE categories have no calendar obligation: the most recent published item is
  judged against its rule from its event date (period_start): within N working days (WD, on the
  Chinese holiday calendar) or N calendar days (CD), at least N days before it (PRE), or on the
  day itself for a posting (POST). With nothing published the state is "event".
* STANDING categories are missing until the site has published one, then on time.
* A YEARLY category due "within N days of approval" (财政预决算) cannot be judged: the approval
  date is not recorded. It is shown with its rule and counts neither way.

Totals count obligations, not rows: each periodic category adds the outcome of its last period
that fell due (on_time, late or missing) and, while the next one is in its publishing window and
unpublished, one "due". The on-time rate is on_time / (on_time + late + missing).

Everything is computed from a handful of set-based queries (the sites, the categories, the items
of the subtree) and then in Python, so the whole of Chengdu takes well under two seconds.
"""

from __future__ import annotations

import calendar
import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, type_coerce

from portal.content.models import Item
from portal.content.periods import KIND_BY_FREQUENCY, period_label
from portal.core import clock
from portal.core.permissions import ROLE_PERMISSIONS
from portal.core.workdays import add_working_days
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.loader import period_due_date
from portal.standards.models import Category, StandardVersion, current_version, resolve

STATES = ("on_time", "late", "missing", "due", "event", "not_applicable")
STATE_LABELS = {
    "on_time": _l("按时公开"),
    "late": _l("逾期公开"),
    "missing": _l("逾期未公开"),
    "due": _l("待公开"),
    "event": _l("随时公开"),
    "not_applicable": _l("不适用"),
}
STATE_CLASSES = {
    "on_time": "ok",
    "late": "warn",
    "missing": "bad",
    "due": "due",
    "event": "muted",
    "not_applicable": "muted",
}
PERIODIC_RULES = frozenset({"month", "quarter", "year"})
# Asia/Shanghai has kept UTC+8 without summer time since 1991; a fixed offset turns hundreds of
# thousands of publication times into local dates far faster than zoneinfo (same result).
SHANGHAI_OFFSET = timedelta(hours=8)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class CategoryStatus:
    """Where one site stands in one category today, as a resident reads it."""

    state: str
    due_date: date | None
    period_label: str | None
    message: str
    published_on: date | None = None
    counted: str | None = None  # on_time/late/missing as the totals count it, or None
    owes: bool = False  # a period is in its publishing window and nothing covers it yet

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css_class(self) -> str:
        return STATE_CLASSES[self.state]


@dataclass
class Totals:
    """Obligations of one site (or many) by outcome."""

    on_time: int = 0
    late: int = 0
    missing: int = 0
    due: int = 0

    @property
    def judged(self) -> int:
        return self.on_time + self.late + self.missing

    @property
    def rate(self) -> float | None:
        """Share of obligations fallen due that were met on time; None when none has."""
        return self.on_time / self.judged if self.judged else None

    def add(self, other: Totals) -> None:
        self.on_time += other.on_time
        self.late += other.late
        self.missing += other.missing
        self.due += other.due


@dataclass
class Row:
    """One category of a site's own table."""

    category: Category
    rule_text: str
    status: CategoryStatus


@dataclass
class SiteReport:
    site: Site
    today: date
    version: str | None
    rows: list[Row]
    totals: Totals


@dataclass
class Standing:
    """One site of a subtree in the ranking."""

    site_id: int
    code: str
    name: str
    level: str
    path: str  # the sites between the report's root and this one, e.g. "郫都区 / 安德街道"
    totals: Totals

    @property
    def rate(self) -> float | None:
        return self.totals.rate


@dataclass(frozen=True)
class Overdue:
    """Something a site should have published and has not."""

    site_code: str
    site_name: str
    path: str
    category_code: str
    category_name: str
    period_label: str | None  # None for a STANDING category never published
    due_date: date | None


@dataclass
class SubtreeReport:
    site: Site
    today: date
    ranking: list[Standing]  # every site below, worst on-time rate first
    overdue: list[Overdue]  # oldest due date first (standing ones last), maybe capped
    overdue_count: int
    totals: Totals = field(default_factory=Totals)


@dataclass(frozen=True)
class Owed:
    """An obligation a publisher's site has not met yet: overdue, or due soon."""

    site_code: str
    site_name: str
    category_code: str
    category_name: str
    period_label: str | None
    due_date: date | None
    state: str  # "missing" or "due"


# ---------------------------------------------------------------- periods and rules


class Period(NamedTuple):
    start: date
    end: date
    due: date


def _period_containing(kind: str, day: date) -> tuple[date, date]:
    if kind == "month":
        first_month = last_month = day.month
    elif kind == "quarter":
        first_month = 3 * ((day.month - 1) // 3) + 1
        last_month = first_month + 2
    else:
        first_month, last_month = 1, 12
    last_day = calendar.monthrange(day.year, last_month)[1]
    return date(day.year, first_month, 1), date(day.year, last_month, last_day)


def judged_and_window(kind: str, rule: dict, today: date) -> tuple[Period, Period | None]:
    """The last period whose due date has passed, and the next one if it has ended."""
    start, end = _period_containing(kind, today)
    while True:
        due = period_due_date(rule, end)
        if due < today:
            break
        start, end = _period_containing(kind, start - timedelta(days=1))
    judged = Period(start, end, due)
    n_start, n_end = _period_containing(kind, end + timedelta(days=1))
    window = Period(n_start, n_end, period_due_date(rule, n_end)) if n_end < today else None
    return judged, window


def event_due(rule: dict, event_day: date) -> date:
    """The last day an item about an event on event_day may be first published on time."""
    kind = rule["type"]
    if kind == "within":
        if rule["day_kind"] == "working":
            return add_working_days(event_day, rule["days"])
        return event_day + timedelta(days=rule["days"])
    if kind == "before":
        return event_day - timedelta(days=rule["days"])
    return event_day  # a posting (公示) must be up from its first day


def rule_text(frequency: str | None, rule: dict) -> str:
    """A rule as a resident reads it: "季度结束后次月20日前", "事项发生后20个工作日内"."""
    kind = rule["type"]
    if kind == "month":
        return _("次月%(d)d日前", d=rule["day"])
    if kind == "quarter":
        return _("季度结束后次月%(d)d日前", d=rule["day"])
    if kind == "year":
        return _("次年%(m)d月%(d)d日前", m=rule["month"], d=rule["day"])
    if kind == "before":
        return _("事项发生%(n)d日前", n=rule["days"])
    if kind == "posting":
        return _("公示开始当日公开，公示不少于%(n)d天", n=rule["days"])
    working = rule.get("day_kind") == "working"
    if frequency == "STANDING":
        return (_("变更后%(n)d个工作日内更新", n=rule["days"]) if working
                else _("变更后%(n)d日内更新", n=rule["days"]))
    if frequency in KIND_BY_FREQUENCY:
        return (_("批准后%(n)d个工作日内", n=rule["days"]) if working
                else _("批准后%(n)d日内", n=rule["days"]))
    return (_("事项发生后%(n)d个工作日内", n=rule["days"]) if working
            else _("事项发生后%(n)d日内", n=rule["days"]))


def day_text(day: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日", y=day.year, m=day.month, d=day.day)


class Obligation:
    """What one category requires of sites of one level, worked out once for a given day."""

    __slots__ = ("category", "code", "due_key", "empty", "family", "frequency", "index",
                 "judged", "judged_label", "kind", "rule", "window", "window_label")

    def __init__(self, category: Category, frequency: str | None, rule: dict, today: date):
        self.category = category
        self.code = category.code
        self.frequency = frequency
        self.rule = rule
        self.kind = KIND_BY_FREQUENCY.get(frequency or "")
        self.judged = self.window = None
        self.judged_label = self.window_label = None
        if self.kind and rule["type"] in PERIODIC_RULES:
            self.family = "periodic"
            self.judged, self.window = judged_and_window(self.kind, rule, today)
            self.judged_label = period_label(self.kind, self.judged.start)
            if self.window:
                self.window_label = period_label(self.kind, self.window.start)
        elif frequency == "STANDING":
            self.family = "standing"
        elif self.kind:
            self.family = "open"  # yearly, due n days after an approval date nobody records
        else:
            self.family = "event"
        # Sort key of a missing obligation: oldest due date first, never-published standing last.
        self.due_key = self.judged.due.toordinal() if self.judged else date.max.toordinal()
        self.index = category.position
        self.empty = None  # the outcome when the site has nothing in this category; set below
        self.empty = judge(self, None, {})

    @property
    def text(self) -> str:
        return rule_text(self.frequency, self.rule)


class Outcome(NamedTuple):
    state: str
    period: Period | None
    published: date | None
    counted: str | None
    owes: bool


def _first_in(entries, period: Period) -> date | None:
    """The earliest publication date among items whose period overlaps this one."""
    best = None
    for start, end, day in entries:
        if start <= period.end and end >= period.start and (best is None or day < best):
            best = day
    return best


def judge(ob: Obligation, entries, due_cache: dict) -> Outcome:
    """The outcome of one obligation given a site's items in that category (None: no items).

    Periodic entries are (start, end, published day) tuples; event and standing entries are one
    (event day, published day) tuple, the site's most recent item.
    """
    family = ob.family
    if family == "periodic":
        judged = ob.judged
        day = _first_in(entries, judged) if entries else None
        if day is None:
            counted = "missing"
        else:
            counted = "on_time" if day <= judged.due else "late"
        window = ob.window
        window_day = _first_in(entries, window) if window and entries else None
        owes = window is not None and window_day is None
        if counted != "on_time":
            return Outcome(counted, judged, day, counted, owes)
        if owes:
            return Outcome("due", window, None, counted, owes)
        if window is not None:
            return Outcome("on_time", window, window_day, counted, owes)
        return Outcome("on_time", judged, day, counted, owes)
    if family == "standing":
        if entries is None:
            return Outcome("missing", None, None, "missing", False)
        return Outcome("on_time", None, entries[1], "on_time", False)
    if family == "open" or entries is None:
        return Outcome("event", None, None, None, False)
    event_day, day = entries
    key = (ob.rule["rule"], event_day)
    due = due_cache.get(key)
    if due is None:
        due = due_cache[key] = event_due(ob.rule, event_day)
    state = "on_time" if day <= due else "late"
    return Outcome(state, Period(event_day, event_day, due), day, state, False)


def describe(ob: Obligation, outcome: Outcome) -> CategoryStatus:
    """The resident-facing status of an outcome, with its message in Simplified Chinese."""
    state, period = outcome.state, outcome.period
    label = None
    due = period.due if period else None
    if ob.family == "periodic":
        label = ob.window_label if period is ob.window else ob.judged_label
        if state == "missing":
            message = _("%(p)s应于%(d)s前公开，已逾期", p=label, d=day_text(due))
        elif state == "late":
            message = _("%(p)s应于%(d)s前公开，%(a)s才公开，逾期%(n)d天", p=label,
                        d=day_text(due), a=day_text(outcome.published),
                        n=(outcome.published - due).days)
        elif state == "due":
            message = _("本期（%(p)s）应于%(d)s前公开", p=label, d=day_text(due))
        else:
            message = _("%(p)s按时公开", p=label)
    elif ob.family == "standing":
        message = (_("长期公开，尚未公开") if state == "missing"
                   else _("已公开，内容变更时应及时更新"))
    elif state == "event":
        message = _("%(f)s：%(r)s", f=ob.category.frequency_label, r=ob.text)
    else:
        label = period_label("event", period.start)
        if state == "late":
            message = _("最近一次（%(p)s）应于%(d)s前公开，%(a)s才公开，逾期%(n)d天", p=label,
                        d=day_text(due), a=day_text(outcome.published),
                        n=(outcome.published - due).days)
        else:
            message = _("最近一次（%(p)s）按时公开", p=label)
    return CategoryStatus(state=state, due_date=due, period_label=label, message=message,
                          published_on=outcome.published, counted=outcome.counted,
                          owes=outcome.owes)


def not_applicable(site: Site) -> CategoryStatus:
    return CategoryStatus("not_applicable", None, None,
                          _("本类目不由%(l)s一级公开", l=site.level_name))


# ---------------------------------------------------------------- loading, set-based


def obligations_for(categories: Iterable[Category], level: str, today: date) -> list[Obligation]:
    """The obligations of a level, in the standard's order."""
    found = []
    for category in categories:
        rule = category.deadline_rule(level)
        if rule is not None:
            found.append(Obligation(category, rule[0], rule[1], today))
    return found


def _raw(column):
    """On SQLite read dates as text and parse them with fromisoformat: several times faster."""
    if db.session.get_bind().dialect.name == "sqlite":
        return type_coerce(column, String)
    return column


def _as_date(value) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _as_day(value) -> date:
    """The Shanghai date of a stored naive-UTC publication time (text on SQLite)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value + SHANGHAI_OFFSET).date()


class _CodeMap:
    """Current category code of an item filed under any version (None when dropped)."""

    def __init__(self, version: StandardVersion):
        self.current = version.version
        self.cache: dict[tuple[str, str], str | None] = {}

    def __call__(self, version: str, code: str) -> str | None:
        key = (version, code)
        if key not in self.cache:
            found = resolve(code, version)
            self.cache[key] = found.code if found else None
        return self.cache[key]


class Items(NamedTuple):
    """A subtree's published items, by site and current category code.

    periodic: {site id: {code: [(period start, period end, published day), ...]}}
    latest: {site id: {code: (event day, published day)}}, the most recent event-kind item
    """

    periodic: dict[int, dict[str, list]]
    latest: dict[int, dict[str, tuple]]


def load_items(where, version: StandardVersion, periodic: list[Obligation],
               needs_join: bool) -> Items:
    """The published items matching `where`, in two queries.

    Items of periodic kinds are read only where their period can overlap a judged or window
    period; for event and standing categories only each site's most recent item per category.
    """
    published = (Item.current_revision_id.is_not(None), Item.withdrawn_at.is_(None),
                 Item.first_published_at.is_not(None))
    mapped = _CodeMap(version)
    current = version.version
    result = Items({}, {})

    if periodic:
        horizon = min(ob.judged.start for ob in periodic)
        latest = max((ob.window or ob.judged).end for ob in periodic)
        query = db.select(
            Item.site_id, Item.category_code, Item.standard_version,
            _raw(Item.period_start), _raw(Item.period_end), _raw(Item.first_published_at),
        ).where(*published, *where, Item.period_kind.in_(("month", "quarter", "year")),
                Item.period_end >= horizon, Item.period_start <= latest)
        if needs_join:
            query = query.join(Site, Site.id == Item.site_id)
        by_site = result.periodic
        for site_id, code, filed, start, end, at in db.session.execute(query):
            if filed != current:
                code = mapped(filed, code)
                if code is None:
                    continue
            own = by_site.get(site_id)
            if own is None:
                own = by_site[site_id] = {}
            entry = (_as_date(start), _as_date(end), _as_day(at))
            found = own.get(code)
            if found is None:
                own[code] = [entry]
            else:
                found.append(entry)

    ranked = db.select(
        Item.site_id, Item.category_code, Item.standard_version,
        _raw(Item.period_start).label("start"), _raw(Item.first_published_at).label("at"),
        func.row_number().over(
            partition_by=(Item.site_id, Item.category_code, Item.standard_version),
            order_by=(Item.period_start.desc(), Item.first_published_at.desc()),
        ).label("n"),
    ).where(*published, *where, Item.period_kind == "event")
    if needs_join:
        ranked = ranked.join(Site, Site.id == Item.site_id)
    ranked = ranked.subquery()
    query = db.select(ranked.c.site_id, ranked.c.category_code, ranked.c.standard_version,
                      ranked.c.start, ranked.c.at).where(ranked.c.n == 1)
    by_site = result.latest
    for site_id, code, filed, start, at in db.session.execute(query):
        if filed != current:
            code = mapped(filed, code)
            if code is None:
                continue
        own = by_site.get(site_id)
        if own is None:
            own = by_site[site_id] = {}
        entry = (_as_date(start), _as_day(at))
        found = own.get(code)
        # Items filed under two versions may meet in one code: keep the most recent event.
        if found is None or entry > found:
            own[code] = entry
    return result


class Survey:
    """The sites of a subtree, the obligations of their levels and their items, for one day."""

    def __init__(self, root: Site, today: date, sites: list | None = None):
        self.root = root
        self.today = today
        self.version = current_version()
        self.due_cache: dict = {}
        if sites is None:
            columns = (Site.id, Site.code, Site.short_name, Site.level)
            sites = db.session.execute(
                db.select(*columns).where(root.subtree()).order_by(Site.code)).all()
        self.sites = sites
        self.obligations: dict[str, list[Obligation]] = {}
        self.items = Items({}, {})
        if self.version is None:
            return
        categories = self.version.categories(leaves_only=True)
        for level in {s.level for s in sites}:
            self.obligations[level] = obligations_for(categories, level, today)
        periodic = [ob for obs in self.obligations.values() for ob in obs
                    if ob.family == "periodic"]
        if root.level == "village" or len(sites) == 1:
            where, join = [Item.site_id == sites[0].id], False
        else:
            where, join = [root.subtree()], True
        self.items = load_items(where, self.version, periodic, join)

    def outcomes(self, site_id: int, level: str) -> Iterator[tuple[Obligation, Outcome]]:
        """Every obligation of one site with its outcome, in the standard's order."""
        periodic = self.items.periodic.get(site_id) or {}
        latest = self.items.latest.get(site_id) or {}
        cache = self.due_cache
        for ob in self.obligations.get(level, ()):
            entries = (periodic if ob.family == "periodic" else latest).get(ob.code)
            yield ob, (ob.empty if entries is None else judge(ob, entries, cache))


def _count(totals: Totals, outcome: Outcome) -> None:
    counted = outcome.counted
    if counted == "on_time":
        totals.on_time += 1
    elif counted == "late":
        totals.late += 1
    elif counted == "missing":
        totals.missing += 1
    if outcome.owes:
        totals.due += 1


# ---------------------------------------------------------------- the API


def category_status(site: Site, category: Category, today: date | None = None) -> CategoryStatus:
    """Where a site stands today in one category of the current standard."""
    today = today or clock.today()
    rule = category.deadline_rule(site.level)
    version = current_version()
    if rule is None or version is None:
        return not_applicable(site)
    ob = Obligation(category, rule[0], rule[1], today)
    # This site's items in the category, plus any filed under older versions (mapped here).
    where = [Item.site_id == site.id,
             db.or_(Item.category_code == category.code, Item.standard_version != version.version)]
    items = load_items(where, version, [ob] if ob.family == "periodic" else [], False)
    found = items.periodic if ob.family == "periodic" else items.latest
    entries = found.get(site.id, {}).get(category.code)
    return describe(ob, ob.empty if entries is None else judge(ob, entries, {}))


def site_report(site: Site, today: date | None = None) -> SiteReport:
    """Every category a site's level must publish, with its status, and the site's totals."""
    today = today or clock.today()
    survey = Survey(site, today, sites=[site])
    rows, totals = [], Totals()
    for ob, outcome in survey.outcomes(site.id, site.level):
        _count(totals, outcome)
        rows.append(Row(ob.category, ob.text, describe(ob, outcome)))
    version = survey.version.version if survey.version else None
    return SiteReport(site, today, version, rows, totals)


def _paths(root: Site, sites) -> dict[str, str]:
    """For each site, the names of the sites between the root and it ("郫都区 / 安德街道")."""
    from portal.core.tenancy import ancestor_codes

    names = {s.code: s.short_name for s in sites}
    depth = len(ancestor_codes(root.code))
    return {s.code: " / ".join(names[c] for c in ancestor_codes(s.code)[depth:-1] if c in names)
            for s in sites}


def subtree_report(site: Site, today: date | None = None,
                   overdue_limit: int | None = None) -> SubtreeReport:
    """Every site below this one ranked by on-time rate (worst first), and what is overdue."""
    today = today or clock.today()
    survey = Survey(site, today)
    below = [s for s in survey.sites if s.id != site.id]
    paths = _paths(site, below)
    ranking: list[Standing] = []
    missing: list[tuple[int, int, Obligation]] = []  # (due key, index in `below`, obligation)
    overall = Totals()
    for i, s in enumerate(below):
        totals = Totals()
        for ob, outcome in survey.outcomes(s.id, s.level):
            counted = outcome.counted
            if counted == "on_time":
                totals.on_time += 1
            elif counted == "late":
                totals.late += 1
            elif counted == "missing":
                totals.missing += 1
                missing.append((ob.due_key, i, ob))
            if outcome.owes:
                totals.due += 1
        overall.add(totals)
        ranking.append(Standing(s.id, s.code, s.short_name, s.level, paths[s.code], totals))
    ranking.sort(key=lambda r: (r.rate is None, r.rate or 0.0, -r.totals.missing, r.code))
    # `missing` is already in site-code and category order; a stable sort on the due date keeps it.
    if overdue_limit is None:
        chosen = sorted(missing, key=itemgetter(0))
    else:
        chosen = heapq.nsmallest(overdue_limit, missing, key=itemgetter(0))
    overdue = []
    for _key, i, ob in chosen:
        s = below[i]
        overdue.append(Overdue(s.code, s.short_name, paths[s.code], ob.code, ob.category.name,
                               ob.judged_label, ob.judged.due if ob.judged else None))
    return SubtreeReport(site, today, ranking, overdue, len(missing), overall)


def owed_next(user, limit: int = 20, today: date | None = None) -> list[Owed]:
    """What the sites where the user holds content.publish owe soonest: overdue first, then due.

    Roles cascade down, so a township publisher owes for the township and each of its villages.
    A superadmin owes only through the roles actually granted to them.
    """
    from portal.accounts.models import RoleGrant

    today = today or clock.today()
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if "content.publish" in perms]
    granted = db.session.scalars(
        db.select(Site).join(RoleGrant, RoleGrant.site_id == Site.id)
        .where(RoleGrant.user_id == user.id, RoleGrant.role.in_(roles))
        .order_by(Site.code)).unique().all()
    # A grant inside another granted subtree adds nothing.
    roots = [s for s in granted
             if not any(o is not s and s.code.startswith(o.prefix) and o.prefix != s.prefix
                        for o in granted)]
    found: list[tuple] = []
    for root in roots:
        survey = Survey(root, today)
        for s in survey.sites:
            for ob, outcome in survey.outcomes(s.id, s.level):
                if outcome.counted == "missing":
                    found.append((0, ob.due_key, s.code, ob.index, s, ob, "missing"))
                if outcome.owes:
                    found.append((1, ob.window.due.toordinal(), s.code, ob.index, s, ob, "due"))
    found.sort(key=itemgetter(0, 1, 2, 3))
    owed = []
    for _rank, _due, _code, _index, s, ob, state in found[:limit]:
        period = ob.judged if state == "missing" else ob.window
        label = ob.judged_label if state == "missing" else ob.window_label
        owed.append(Owed(s.code, s.short_name, ob.code, ob.category.name,
                         label, period.due if period else None, state))
    return owed
