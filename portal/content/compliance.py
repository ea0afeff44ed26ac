"""Whether sites publish what the standard requires, on time: one site, a subtree, a user's sites.

The rules come from the current version of the standard (Category.deadline_rule for the site's
level). An item counts for a site only if that site published it (current_revision_id set, not
withdrawn); what an upper level publishes for everyone below never counts for the sites below.

* Periodic categories (MONTHLY, QUARTERLY, YEARLY with M/Q/Y rules) are judged for the most
  recent period whose due date has passed: on time if an item whose period overlaps it was first
  published (Shanghai date) on or before the due date, late if after, missing if none. The next
  period, once it has ended and until its due date passes, is "due" while nothing covers it.
* EVENT and NOTICE categories have no calendar obligation: the site's most recent item is judged
  against its rule from its event date (period_start): within N working days (WD, Chinese
  holiday calendar) or N calendar days (CD), at least N days before (PRE), or on the day itself
  for a posting (POST). With nothing published the state is "event".
* STANDING categories are missing until the site has published one, then on time.
* A YEARLY category due "within N days of approval" (财政预决算) cannot be judged: the approval
  date is not recorded. It is shown with its rule and counts neither way.

Totals count obligations, not rows: each periodic category adds the outcome of its last period
that fell due (on_time, late or missing) and, while the next one is in its publishing window and
unpublished, one "due". The on-time rate is on_time / (on_time + late + missing).

A whole region is computed from a handful of set-based queries (its sites; for each set of
periods judged, the first publication inside them aggregated in SQL; each site's latest event
item per category) and then in Python, touching only the categories where a site has
items: every other category has the same outcome at every site of a level.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, and_, case, func, null, or_, type_coerce

from portal.content.models import Item
from portal.content.periods import KIND_BY_FREQUENCY, period_label
from portal.core import clock
from portal.core.permissions import ROLE_PERMISSIONS
from portal.core.tenancy import ancestor_codes
from portal.core.workdays import add_working_days
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.loader import period_due_date
from portal.standards.models import (
    Category,
    StandardVersion,
    current_version,
    frequency_name,
    resolve,
)

STATES = ("on_time", "late", "missing", "due", "event", "not_applicable")
STATE_LABELS = {
    "on_time": _l("按时公开"),
    "late": _l("逾期公开"),
    "missing": _l("逾期未公开"),
    "due": _l("待公开"),
    "event": _l("随时公开"),
    "not_applicable": _l("不适用"),
}
STATE_CLASSES = {"on_time": "ok", "late": "warn", "missing": "bad", "due": "due",
                 "event": "muted", "not_applicable": "muted"}
PERIODIC_RULES = frozenset({"month", "quarter", "year"})
COUNTED = {"on_time": 0, "late": 1, "missing": 2}  # positions in a [on_time, late, missing, due]
# Asia/Shanghai has kept UTC+8 without summer time since 1991; a fixed offset turns publication
# times into local dates much faster than zoneinfo, with the same result.
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
        """Share of the obligations fallen due that were met on time; None when none has."""
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
    frequency_label: str = ""


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


class Overdue(NamedTuple):
    """Something a site should have published and has not."""

    site_code: str
    site_name: str
    path: str
    category_code: str
    category_name: str
    period_label: str | None  # None for a STANDING category never published
    due_date: date | None


class OverdueList(Sequence):
    """A subtree's overdue obligations, oldest due date first, then by site code and category.

    A city owes hundreds of thousands; entries are ordered and built only as far as they are
    read, from each site's list of missing obligations (shared between sites with no items).
    """

    def __init__(self, missing: list[list], sites: list, paths: dict[str, str],
                 limit: int | None = None):
        self._missing, self._sites, self._paths = missing, sites, paths
        total = sum(map(len, missing))
        self._len = total if limit is None else min(limit, total)
        self._built: list[Overdue] = []
        self._source = self._generate()
        self._tails: dict[Obligation, tuple] = {}  # what every entry of one obligation shares

    def _generate(self) -> Iterator[Overdue]:
        by_due: dict[int, dict[int, list]] = {}  # per list object: its obligations by due key
        keys = sorted({ob.due_key for obs in {id(m): m for m in self._missing}.values()
                       for ob in obs})
        for key in keys:
            for i, obs in enumerate(self._missing):
                split = by_due.get(id(obs))
                if split is None:
                    split = by_due[id(obs)] = {}
                    for ob in obs:
                        split.setdefault(ob.due_key, []).append(ob)
                for ob in split.get(key, ()):
                    yield self._entry(i, ob)

    def _upto(self, n: int) -> None:
        while len(self._built) < n:
            self._built.append(next(self._source))

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, index):
        if isinstance(index, slice):
            self._upto(self._len)
            return self._built[: self._len][index]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        self._upto(index + 1)
        return self._built[index]

    def __iter__(self) -> Iterator[Overdue]:
        for i in range(self._len):
            self._upto(i + 1)
            yield self._built[i]

    def _entry(self, i: int, ob: Obligation) -> Overdue:
        s = self._sites[i]
        tail = self._tails.get(ob)
        if tail is None:
            tail = self._tails[ob] = (ob.code, ob.category.name, ob.judged_label,
                                      ob.judged.due if ob.judged else None)
        return Overdue._make((s.code, s.short_name, self._paths[s.code], *tail))


@dataclass
class SubtreeReport:
    site: Site
    today: date
    ranking: list[Standing]  # every site below, worst on-time rate first
    overdue: Sequence[Overdue]  # oldest due date first, never-published standing ones last
    overdue_count: int  # all of them, however many `overdue` lists
    totals: Totals = field(default_factory=Totals)


class Owed(NamedTuple):
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
    while (due := period_due_date(rule, end)) >= today:
        start, end = _period_containing(kind, start - timedelta(days=1))
    n_start, n_end = _period_containing(kind, end + timedelta(days=1))
    window = Period(n_start, n_end, period_due_date(rule, n_end)) if n_end < today else None
    return Period(start, end, due), window


@lru_cache(maxsize=16384)
def _working_due(day: date, days: int) -> date:
    # The holiday calendar is slow to ask and events cluster on the same dates.
    return add_working_days(day, days)


def event_due(rule: dict, event_day: date) -> date:
    """The last day an item about an event on event_day may be first published on time."""
    kind = rule["type"]
    if kind == "within":
        if rule["day_kind"] == "working":
            return _working_due(event_day, rule["days"])
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
    n, working = rule["days"], rule.get("day_kind") == "working"
    if frequency == "STANDING":
        return _("变更后%(n)d个工作日内更新", n=n) if working else _("变更后%(n)d日内更新", n=n)
    if frequency in KIND_BY_FREQUENCY:
        return _("批准后%(n)d个工作日内", n=n) if working else _("批准后%(n)d日内", n=n)
    return _("事项发生后%(n)d个工作日内", n=n) if working else _("事项发生后%(n)d日内", n=n)


def day_text(day: date) -> str:
    return _("%(y)d年%(m)d月%(d)d日", y=day.year, m=day.month, d=day.day)


class Outcome(NamedTuple):
    state: str
    period: Period | None
    published: date | None
    counted: str | None
    owes: bool


class Obligation:
    """What one category requires of the sites of one level, worked out once for one day."""

    __slots__ = ("category", "code", "due_key", "empty", "family", "frequency", "group",
                 "judged", "judged_label", "key", "kind", "rule", "window", "window_label")

    def __init__(self, category: Category, frequency: str | None, rule: dict, today: date):
        self.category, self.code = category, category.code
        self.frequency, self.rule = frequency, rule
        self.kind = KIND_BY_FREQUENCY.get(frequency or "")
        self.judged = self.window = self.judged_label = self.window_label = self.group = None
        if self.kind and rule["type"] in PERIODIC_RULES:
            self.family = "periodic"
            self.judged, self.window = judged_and_window(self.kind, rule, today)
            # Categories judged over the same periods share one query (due dates may differ).
            self.group = (self.judged.start, self.judged.end,
                          *(self.window[:2] if self.window else (None, None)))
            self.judged_label = period_label(self.kind, self.judged.start)
            if self.window:
                self.window_label = period_label(self.kind, self.window.start)
        elif frequency == "STANDING":
            self.family = "standing"
        elif self.kind:
            self.family = "open"  # yearly, due n days after an approval date nobody records
        else:
            self.family = "event"
        # Items are found under (periods, code) for periodic categories, else under the code.
        self.key = (self.group, self.code) if self.group else self.code
        # Overdue lists run oldest due date first, never-published standing categories last.
        self.due_key = self.judged.due.toordinal() if self.judged else date.max.toordinal()
        self.empty = judge(self, None)  # the outcome at a site with nothing in this category

    @property
    def text(self) -> str:
        return rule_text(self.frequency, self.rule)


def judge(ob: Obligation, entries: tuple | None) -> Outcome:
    """The outcome of one obligation at a site, given its items there (None: it has none).

    Periodic entries are (first publication day in the judged period, ... in the window period),
    either None; event and standing entries are (event day, publication day) of the latest item.
    """
    family = ob.family
    if family == "periodic":
        day, window_day = entries or (None, None)
        judged, window = ob.judged, ob.window
        counted = "missing" if day is None else "on_time" if day <= judged.due else "late"
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
    due = event_due(ob.rule, event_day)
    state = "on_time" if day <= due else "late"
    return Outcome(state, Period(event_day, event_day, due), day, state, False)


def describe(ob: Obligation, outcome: Outcome) -> CategoryStatus:
    """The resident-facing status of an outcome, with its message in Simplified Chinese."""
    state, period, published = outcome.state, outcome.period, outcome.published
    label = None
    due = period.due if period else None
    if ob.family == "periodic":
        label = ob.window_label if period is ob.window else ob.judged_label
        if state == "missing":
            message = _("%(p)s应于%(d)s前公开，已逾期", p=label, d=day_text(due))
        elif state == "late":
            message = _("%(p)s应于%(d)s前公开，%(a)s才公开，逾期%(n)d天", p=label,
                        d=day_text(due), a=day_text(published), n=(published - due).days)
        elif state == "due":
            message = _("本期（%(p)s）应于%(d)s前公开", p=label, d=day_text(due))
        else:
            message = _("%(p)s按时公开", p=label)
    elif ob.family == "standing":
        message = (_("长期公开，尚未公开") if state == "missing"
                   else _("已公开，内容变更时应及时更新"))
    elif state == "event":
        message = _("%(f)s：%(r)s", f=frequency_name(ob.frequency), r=ob.text)
    else:
        label = period_label("event", period.start)
        if state == "late":
            message = _("最近一次（%(p)s）应于%(d)s前公开，%(a)s才公开，逾期%(n)d天", p=label,
                        d=day_text(due), a=day_text(published), n=(published - due).days)
        else:
            message = _("最近一次（%(p)s）按时公开", p=label)
    return CategoryStatus(state=state, due_date=due, period_label=label, message=message,
                          published_on=published, counted=outcome.counted, owes=outcome.owes)


def not_applicable(site: Site) -> CategoryStatus:
    return CategoryStatus("not_applicable", None, None,
                          _("本类目不由%(l)s一级公开", l=site.level_name))


def profile_of(site) -> str:
    """The set of obligations a site has: its level, or a finance-heavy village's own set."""
    return HEAVY_VILLAGE if site.level == "village" and site.finance_heavy else site.level


HEAVY_VILLAGE = "village+heavy"  # publishes B02/B03 monthly (村民委员会组织法 art. 30)


def obligations_for(categories: Iterable[Category], profile: str,
                    today: date) -> list[Obligation]:
    """The obligations of a level (or profile_of a site), in the standard's order."""
    level, heavy = profile.split("+")[0], profile == HEAVY_VILLAGE
    found = []
    for category in categories:
        rule = category.deadline_rule(level, heavy)
        if rule is not None:
            found.append(Obligation(category, rule[0], rule[1], today))
    return found


# ---------------------------------------------------------------- loading, set-based


def _raw(expression):
    """On SQLite read a date or time as text and parse it with fromisoformat: much faster."""
    if db.session.get_bind().dialect.name == "sqlite":
        return type_coerce(expression, String)
    return expression


def _as_date(value) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def _as_day(value) -> date | None:
    """The Shanghai date of a stored naive-UTC time (text on SQLite)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return (value + SHANGHAI_OFFSET).date()


class _CodeMap:
    """The current code of an item filed under any version (None when its code was dropped)."""

    def __init__(self):
        self.cache: dict[tuple[str, str], str | None] = {}

    def __call__(self, version: str, code: str) -> str | None:
        key = (version, code)
        if key not in self.cache:
            found = resolve(code, version)
            self.cache[key] = found.code if found else None
        return self.cache[key]


def load_items(where: list, join: bool, version: StandardVersion,
               obligations: Iterable[Obligation]) -> dict[int, dict]:
    """{site id: {obligation key: entries}} for the published items matching `where`.

    One aggregate query per set of periods judged (the earliest publication inside the judged
    and the window period, per site and category), and one for each site's most recent item per
    event or standing category. Items filed under an older version are mapped to current codes.
    """
    published = [Item.current_revision_id.is_not(None), Item.withdrawn_at.is_(None),
                 Item.first_published_at.is_not(None), *where]
    current = version.version
    groups: dict[tuple, list[Obligation]] = {}
    latest_codes = set()
    for ob in obligations:
        if ob.group:
            groups.setdefault(ob.group, []).append(ob)
        elif ob.family in ("event", "standing"):
            latest_codes.add(ob.code)
    mapped = _CodeMap()
    items: dict[int, dict] = {}
    connection = db.session.connection()

    def store(site_id, code, filed, key_of, entry, better):
        if filed != current and (code := mapped(filed, code)) is None:
            return
        own = items.get(site_id)
        if own is None:
            own = items[site_id] = {}
        key = key_of(code)
        found = own.get(key)
        own[key] = entry if found is None else better(found, entry)

    def filed_in(codes):
        return or_(Item.category_code.in_(sorted(codes)), Item.standard_version != current)

    for group, members in groups.items():
        judged, window = members[0].judged, members[0].window
        last = window or judged

        def first_in(period):
            overlap = and_(Item.period_start <= period.end, Item.period_end >= period.start)
            return _raw(func.min(case((overlap, Item.first_published_at))))

        query = (
            db.select(Item.site_id, Item.category_code, Item.standard_version,
                      first_in(judged), first_in(window) if window else null())
            .where(*published, filed_in({ob.code for ob in members}),
                   Item.period_end >= judged.start, Item.period_start <= last.end)
            .group_by(Item.site_id, Item.category_code, Item.standard_version)
        )
        if join:
            query = query.join(Site, Site.id == Item.site_id)
        for site_id, code, filed, in_judged, in_window in connection.execute(query).all():
            store(site_id, code, filed, lambda c, g=group: (g, c),
                  (_as_day(in_judged), _as_day(in_window)), _earlier_each)

    if latest_codes:
        ranked = db.select(
            Item.site_id, Item.category_code, Item.standard_version,
            _raw(Item.period_start).label("start"), _raw(Item.first_published_at).label("at"),
            func.row_number().over(
                partition_by=(Item.site_id, Item.category_code, Item.standard_version),
                order_by=(Item.period_start.desc(), Item.first_published_at.desc()),
            ).label("n"),
        ).where(*published, filed_in(latest_codes))
        if join:
            ranked = ranked.join(Site, Site.id == Item.site_id)
        ranked = ranked.subquery()
        query = db.select(ranked.c.site_id, ranked.c.category_code, ranked.c.standard_version,
                          ranked.c.start, ranked.c.at).where(ranked.c.n == 1)
        for site_id, code, filed, start, at in connection.execute(query).all():
            store(site_id, code, filed, str, (_as_date(start), _as_day(at)), max)
    return items


def _earlier_each(a: tuple, b: tuple) -> tuple:
    """Two (judged day, window day) pairs merged: the earlier of each, None meaning never."""
    return tuple(min(x, y) if x and y else x or y for x, y in zip(a, b, strict=True))


class Survey:
    """The sites of a subtree, the obligations of their levels and their items, for one day."""

    def __init__(self, root: Site, today: date, sites: list | None = None):
        self.root, self.today = root, today
        self.version = current_version()
        if sites is None:
            sites = db.session.connection().execute(
                db.select(Site.id, Site.code, Site.short_name, Site.level, Site.finance_heavy)
                .where(root.subtree()).order_by(Site.code)).all()
        self.sites = sites
        self.obligations: dict[str, list[Obligation]] = {}
        self.items: dict[int, dict] = {}
        self._baselines: dict[str, tuple] = {}
        if self.version is None:
            return
        categories = self.version.categories(leaves_only=True)
        for profile in {profile_of(s) for s in sites}:
            self.obligations[profile] = obligations_for(categories, profile, today)
        every = [ob for obs in self.obligations.values() for ob in obs]
        if len(sites) == 1:
            where, join = [Item.site_id == sites[0].id], False
        elif len(sites) == db.session.scalar(db.select(func.count(Site.id))):
            where, join = [], False  # the whole region: every item is in the subtree
        else:
            where, join = [root.subtree()], True
        self.items = load_items(where, join, self.version, every)

    def outcomes(self, site_id: int, profile: str) -> Iterator[tuple[Obligation, Outcome]]:
        """Every obligation of one site (of that profile_of) with its outcome, in order."""
        own = self.items.get(site_id) or {}
        for ob in self.obligations.get(profile, ()):
            entries = own.get(ob.key)
            yield ob, (ob.empty if entries is None else judge(ob, entries))

    def _baseline(self, profile: str) -> tuple:
        """What a site of this profile with no items has: counts, missing, owing, index."""
        if profile not in self._baselines:
            counts = [0, 0, 0, 0]
            obs = self.obligations.get(profile, [])
            for ob in obs:
                _add(counts, ob.empty, 1)
            self._baselines[profile] = (
                counts,
                [ob for ob in obs if ob.empty.counted == "missing"],
                [ob for ob in obs if ob.empty.owes],
                {ob.key: ob for ob in obs},
            )
        return self._baselines[profile]

    def tally(self, site_id: int, profile: str, owing: bool = False):
        """([on_time, late, missing, due], missing obligations, owing ones if asked) of a site.

        Only the categories where the site has items are judged; the rest keep the outcome
        every site of the level has with nothing published.
        """
        base_counts, base_missing, base_owing, index = self._baseline(profile)
        own = self.items.get(site_id)
        if not own:
            return list(base_counts), base_missing, base_owing if owing else []
        counts = list(base_counts)
        met, paid = set(), set()
        for key, entries in own.items():
            ob = index.get(key)
            if ob is None:
                continue
            outcome, empty = judge(ob, entries), ob.empty
            if outcome.counted != empty.counted or outcome.owes != empty.owes:
                _add(counts, empty, -1)
                _add(counts, outcome, 1)
            if empty.counted == "missing" and outcome.counted != "missing":
                met.add(ob.code)
            if empty.owes and not outcome.owes:
                paid.add(ob.code)
        missing = [ob for ob in base_missing if ob.code not in met] if met else base_missing
        if not owing:
            return counts, missing, []
        return counts, missing, [ob for ob in base_owing if ob.code not in paid]


def _add(counts: list[int], outcome: Outcome, n: int) -> None:
    if outcome.counted is not None:
        counts[COUNTED[outcome.counted]] += n
    if outcome.owes:
        counts[3] += n


# ---------------------------------------------------------------- the API


def category_status(site: Site, category: Category, today: date | None = None) -> CategoryStatus:
    """Where a site stands today in one category of the current standard."""
    today = today or clock.today()
    rule = category.deadline_rule(site.level, site.finance_heavy)
    version = current_version()
    if rule is None or version is None:
        return not_applicable(site)
    ob = Obligation(category, rule[0], rule[1], today)
    items = load_items([Item.site_id == site.id], False, version, [ob])
    return describe(ob, judge(ob, items.get(site.id, {}).get(ob.key)))


def site_report(site: Site, today: date | None = None) -> SiteReport:
    """Every category a site's level must publish, with its status, and the site's totals."""
    today = today or clock.today()
    survey = Survey(site, today, sites=[site])
    rows, counts = [], [0, 0, 0, 0]
    for ob, outcome in survey.outcomes(site.id, profile_of(site)):
        _add(counts, outcome, 1)
        rows.append(Row(ob.category, ob.text, describe(ob, outcome), frequency_name(ob.frequency)))
    version = survey.version.version if survey.version else None
    return SiteReport(site, today, version, rows, Totals(*counts))


def _paths(root: Site, sites) -> dict[str, str]:
    """For each site, the names of the sites between the root and it ("郫都区 / 安德街道")."""
    names = {s.code: s.short_name for s in sites}
    depth = len(ancestor_codes(root.code))
    return {s.code: " / ".join(names[c] for c in ancestor_codes(s.code)[depth:-1] if c in names)
            for s in sites}


def subtree_report(site: Site, today: date | None = None,
                   overdue_limit: int | None = None) -> SubtreeReport:
    """Every site below this one ranked by on-time rate (worst first), and what is overdue.

    overdue lists everything unless overdue_limit caps it; overdue_count is always the total.
    """
    today = today or clock.today()
    survey = Survey(site, today)
    below = [s for s in survey.sites if s.id != site.id]
    paths = _paths(site, below)
    ranking: list[Standing] = []
    overall = Totals()
    missing: list[list[Obligation]] = []  # per site of `below`
    for s in below:
        counts, owed, _owing = survey.tally(s.id, profile_of(s))
        totals = Totals(*counts)
        overall.add(totals)
        ranking.append(Standing(s.id, s.code, s.short_name, s.level, paths[s.code], totals))
        missing.append(owed)
    ranking.sort(key=lambda r: (r.rate is None, r.rate or 0.0, -r.totals.missing, r.code))
    overdue = OverdueList(missing, below, paths, overdue_limit)
    return SubtreeReport(site, today, ranking, overdue, overall.missing, overall)


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
             if not any(o.prefix != s.prefix and s.code.startswith(o.prefix) for o in granted)]
    found: list[tuple] = []
    for root in roots:
        survey = Survey(root, today)
        for s in survey.sites:
            _counts, missing, owing = survey.tally(s.id, profile_of(s), owing=True)
            found.extend((0, ob.due_key, s.code, ob.category.position, s, ob) for ob in missing)
            found.extend((1, ob.window.due.toordinal(), s.code, ob.category.position, s, ob)
                         for ob in owing)
    found.sort(key=itemgetter(0, 1, 2, 3))
    owed = []
    for rank, _due, _code, _position, s, ob in found[:limit]:
        period, label = (ob.judged, ob.judged_label) if rank == 0 else (ob.window, ob.window_label)
        owed.append(Owed(s.code, s.short_name, ob.code, ob.category.name, label,
                         period.due if period else None, "missing" if rank == 0 else "due"))
    return owed
