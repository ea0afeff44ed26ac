"""Demo disclosures (issue "publishing" §9): a year of realistic items at all four levels.

Covers the 14 villages and communities of 安德街道 (郫都区) and 水井坊社区 (锦江区), plus policies and
notices of 成都市, 郫都区 and 安德街道 that apply downward. Everything goes through
portal.content.operations (permissions, separation of duties, the privacy guard, permanent
revisions) with the clock frozen on the day each step happened, so compliance sees real dates.

Every village covers the whole catalogue of its level, so the compliance board (judged on
2026-11-23) reads like a real township's: one item per STANDING category, the 2025 reports and
registers of the YEARLY ones (January to April 2026), the quarterly ones (the books and the main
reports for 2025-Q4 to 2026-Q3, the rest for 2026-Q2 and Q3) and the latest event of a dozen
EVENT and NOTICE categories. 安德街道, 郫都区 and 成都市 publish their own levels' categories too,
mostly on time with a few deliberate gaps.

Generation is deterministic: every random choice comes from a generator seeded by the site code
and what is being written, and tasks run in date order. Whether an obligation is met on time,
late or not at all follows a per-village profile: most villages end up between 70 % and 95 % on
time, two lag behind (one under half). Loading again does nothing once any item exists.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import flask
from flask import current_app

from portal.accounts import operations as account_ops
from portal.accounts.models import RoleGrant, User
from portal.content import operations as ops
from portal.content.models import Item, ItemRevision, ReviewEvent
from portal.content.periods import period_text
from portal.core import audit
from portal.core.clock import frozen, shanghai_noon
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.models import current_version

CITY = "510100000000"
DISTRICT = "510117000000"  # 郫都区
TOWNSHIP = "510117004000"  # 安德街道
ANLONG = "510117004200"  # 安龙村, the showcase village of the demo accounts
SHUIJINGFANG = "510104017001"  # 水井坊社区 (锦江区 锦官驿街道)
VILLAGES = [
    "510117004001", "510117004002", "510117004003",  # 望乐、两路口、吉祥寺社区
    "510117004200", "510117004201", "510117004202", "510117004203", "510117004204",
    "510117004205", "510117004206", "510117004207", "510117004208", "510117004209",
    "510117004210", SHUIJINGFANG,
]
# Villages whose books the township keeps (村账镇代理): it prepares their statements (代发布).
TOWNSHIP_KEPT = ("510117004209", "510117004210")  # 云凌村、金柏村

QUARTERS = [(2025, 4), (2026, 1), (2026, 2), (2026, 3)]
LAST_DAY = date(2026, 11, 20)  # nothing is published after this day
QN = "一二三四"

# Chance that an obligation is met on time and late (the rest are left unpublished), one profile
# per village; 安龙村 gets its own. Standing categories cannot be late and the books get a bonus,
# so the rates on the board come out a little higher than these (see tests/test_demo_content.py).
PROFILES = [(0.90, 0.06), (0.88, 0.07), (0.86, 0.08), (0.84, 0.09), (0.82, 0.10), (0.80, 0.11),
            (0.78, 0.12), (0.76, 0.13), (0.74, 0.14), (0.72, 0.15), (0.70, 0.16), (0.56, 0.20),
            (0.50, 0.22), (0.37, 0.25)]
ANLONG_PROFILE = (0.80, 0.12)

SURNAMES = ("王李张刘陈杨黄赵周吴罗何谢曾邓唐蒋廖彭钟雷胡徐孙朱高林郭马梁宋郑韩冯董程曹袁许"
            "傅沈吕苏卢蔡丁魏叶余潘杜戴夏汪田任姜范方石姚谭邹熊金陆孔白康毛邱秦江史侯龙万段"
            "汤尹易常贺赖龚文敬胥")
GIVEN_M = ["建国", "德明", "国庆", "志强", "建华", "永福", "正刚", "文华", "长林", "成友", "光荣",
           "学兵", "德福", "世洪", "开明", "明贵", "树清", "兴华", "志明", "万全", "云高", "家富",
           "大勇", "国平", "友才", "安平", "德全", "福元", "洪刚", "小平", "勇", "军", "斌", "涛",
           "伟", "强", "刚", "俊", "鹏", "宇", "春林", "金贵", "清明", "明华", "绍文", "泽民"]
GIVEN_F = ["秀英", "桂兰", "淑华", "丽", "芳", "红梅", "玉兰", "海燕", "春梅", "金凤", "翠华",
           "云芳", "素珍", "秀琼", "淑芬", "兰英", "志琼", "小琴", "晓燕", "丽萍", "雪梅", "永琼",
           "玉珍", "素华", "敏", "静", "娟", "婷", "霞", "燕", "琳", "莉", "蓉", "利琼", "德琼"]


# ---------------------------------------------------------------- small helpers


def _rng(*parts) -> random.Random:
    """A generator seeded by what is being written (site code, category, period...)."""
    seed = hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return random.Random(int(seed, 16))  # noqa: S311  (deterministic demo data, not security)


def money(fen: int) -> str:
    """Fen as 元 with thousands separators: 123456 -> "1,234.56"."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def wan(yuan: int) -> str:
    """元 as 万元 with up to two decimals: 386000 -> "38.6"."""
    return f"{yuan / 10000:.2f}".rstrip("0").rstrip(".")


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_month(d: date) -> str:
    return f"{d.year}年{d.month}月"


def quarter_start(y: int, q: int) -> date:
    return date(y, 3 * q - 2, 1)


def quarter_end(y: int, q: int) -> date:
    return (date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - timedelta(days=1)


def quarter_due(y: int, q: int) -> date:
    """Q20: the 20th of the first month of the next quarter."""
    end = quarter_end(y, q) + timedelta(days=1)
    return date(end.year, end.month, 20)


def qlabel(y: int, q: int) -> str:
    return f"{y}年第{QN[q - 1]}季度"


def weekday_between(rng: random.Random, lo: date, hi: date) -> date:
    """A random working weekday in [lo, hi] (lo itself when the range has none)."""
    hi = min(hi, LAST_DAY)
    if hi <= lo:
        return lo
    days = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
    weekdays = [d for d in days if d.weekday() < 5] or days
    return rng.choice(weekdays)


def pick_name(rng: random.Random, taken: set[str], female: bool | None = None) -> str:
    """A plausible name not yet used on this site."""
    while True:
        f = rng.random() < 0.45 if female is None else female
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_F if f else GIVEN_M)
        if name not in taken:
            taken.add(name)
            return name


# ---------------------------------------------------------------- accounts


@dataclass
class Staff:
    publisher: User
    supervisor: User
    finance: User


def _ensure_user(mobile: str, name: str, grants: list[tuple[Site, str]], password_hash: str,
                 created: list) -> User:
    """Get or create a demo staff account with its roles (one shared password hash)."""
    user = db.session.scalar(db.select(User).where(User.mobile == mobile))
    if user is None:
        # Hashing the demo password once for every generated account keeps the load fast
        # (argon2 with production parameters costs about half a second per hash).
        user = User(mobile=mobile, password_hash=password_hash, display_name=name)
        db.session.add(user)
        db.session.flush()
        audit.record(user, "accounts.register", target=user)
        created.append(user)
    for site, role in grants:
        held = db.session.scalar(db.select(RoleGrant.id).where(
            RoleGrant.user_id == user.id, RoleGrant.site_id == site.id, RoleGrant.role == role))
        if not held:
            db.session.add(RoleGrant(user_id=user.id, site_id=site.id, role=role))
    return user


def _user(mobile: str) -> User:
    user = db.session.scalar(db.select(User).where(User.mobile == mobile))
    if user is None:
        raise RuntimeError(f"demo account {mobile} is missing; run portal.demo.load()")
    return user


def person_of(user: User) -> str:
    """The person's name in a display name such as "安龙村村委会 赵德明"."""
    return user.display_name.split()[-1]


# ---------------------------------------------------------------- places


@dataclass
class Place:
    """A village or community with its words, people and accounts."""

    site: Site
    staff: Staff
    township: Site
    district: Site
    profile: tuple[float, float]
    people: dict[str, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    leaders: list[str] = field(default_factory=list)  # 村民小组长, one per group
    facts: Facts | None = None

    @property
    def code(self) -> str:
        return self.site.code

    @property
    def short(self) -> str:
        return self.site.short_name

    @property
    def community(self) -> bool:
        return int(self.code[9:]) < 200

    def w(self, village_word: str, community_word: str) -> str:
        return community_word if self.community else village_word

    @property
    def org(self) -> str:  # 安龙村村民委员会
        return self.short + self.w("村民委员会", "居民委员会")

    @property
    def committee(self) -> str:  # 村委会
        return self.w("村委会", "居委会")

    @property
    def meeting(self) -> str:
        return self.w("村民会议", "居民会议")

    @property
    def reps(self) -> str:
        return self.w("村民代表会议", "居民代表会议")

    @property
    def jianwei(self) -> str:
        return self.w("村务监督委员会", "居务监督委员会")

    @property
    def fund_name(self) -> str:  # Chengdu's yearly fund for every village and community
        return self.w("村级", "社区") + "公共服务和社会管理专项资金"

    @property
    def group(self) -> str:
        return self.w("村民小组", "居民小组")

    @property
    def groups(self) -> int:
        found = re.search(r"辖(\d+)个", self.site.intro or "")
        return int(found[1]) if found else 8

    @property
    def households(self) -> int:
        return self.site.households or 800

    @property
    def population(self) -> int:
        return self.site.population or 2400

    @property
    def feature(self) -> str:
        return self.site.intro or ""

    @property
    def has_coop(self) -> bool:
        return not self.community and any(
            w in self.feature for w in ("合作社", "乡村旅游", "辣椒"))


def _people(place: Place) -> None:
    """The 两委, 监委会 and 民主理财小组 of a place; the accounts' holders take their seats."""
    rng = _rng(place.code, "people")
    place.names.update({person_of(place.staff.publisher), person_of(place.staff.supervisor),
                        person_of(place.staff.finance)})
    p = place.people
    p["secretary"] = pick_name(rng, place.names, False)
    p["deputy_secretary"] = pick_name(rng, place.names, True)
    p["vice_director"] = pick_name(rng, place.names, False)
    p["women"] = pick_name(rng, place.names, True)
    p["member"] = pick_name(rng, place.names)
    p["clerk"] = person_of(place.staff.publisher)
    p["jw_head"] = person_of(place.staff.supervisor)
    p["jw_1"] = pick_name(rng, place.names)
    p["jw_2"] = pick_name(rng, place.names)
    p["lc_head"] = person_of(place.staff.finance)
    p["lc_1"] = pick_name(rng, place.names)
    p["lc_2"] = pick_name(rng, place.names)
    p["new_member"] = pick_name(rng, place.names)  # joins after a by-election (a correction)
    rng = _rng(place.code, "leaders")
    place.leaders = [pick_name(rng, place.names) for _ in range(place.groups)]
    place.facts = _facts(place)


@dataclass
class Facts:
    """The numbers a place's registers and reports share (land, members, services)."""

    area: float  # km²
    farmland: int  # 亩 of contracted farmland (0 in the city centre)
    reserve: int  # 亩 of 机动地
    forest: int  # 亩 of collective woodland
    ponds: int  # 堰塘
    pond_mu: int
    build: int  # 亩 of collective construction land
    members: int  # Party members
    branches: int
    reps: int  # 村民代表
    grids: int
    migrants: int  # working away
    elders: int  # aged 80 and over
    veterans: int
    disabled: int  # holding a disability card
    children: int  # left-behind and vulnerable children
    shares: int  # 元 invested in the township's 联合社 (0: none)
    debt: int  # 元 of old debt at the start of 2025
    leader_pay: int  # 元 a month for each 村民小组长


def _facts(place: Place) -> Facts:
    rng = _rng(place.code, "facts")
    pop, urban = place.population, place.code == SHUIJINGFANG
    if place.community:
        farmland = 0 if urban else int(pop * rng.uniform(0.04, 0.12))
        area = round(rng.uniform(0.8, 2.6), 1)
    else:
        farmland = int(pop * rng.uniform(0.75, 1.05))
        area = round(farmland / 1500 * rng.uniform(1.5, 1.9), 1)
    return Facts(
        area=area, farmland=farmland,
        reserve=0 if not farmland else rng.randint(15, 60) if not place.community else 0,
        forest=0 if place.community else rng.randint(20, 160),
        ponds=0 if place.community else rng.randint(2, 7),
        pond_mu=rng.randint(6, 30),
        build=rng.randint(6, 25) if not urban else 0,
        members=max(40, int(pop * rng.uniform(0.028, 0.042))),
        branches=rng.randint(3, 5) if not place.community else rng.randint(4, 7),
        reps=max(30, min(70, place.households // rng.randint(20, 32))),
        grids=max(3, place.groups // 2 + rng.randint(0, 2)) if not place.community
        else max(5, place.households // 500),
        migrants=int(pop * rng.uniform(0.12, 0.22)) if not place.community else 0,
        elders=int(pop * rng.uniform(0.025, 0.038)),
        veterans=rng.randint(12, 40),
        disabled=int(pop * rng.uniform(0.02, 0.03)),
        children=rng.randint(3, 14),
        shares=0 if place.community or rng.random() < 0.5 else rng.randint(10, 40) * 10000,
        debt=0 if rng.random() < 0.5 else rng.randint(8, 60) * 10000,
        leader_pay=rng.choice((200, 250, 300)),
    )


def _accounts(password_hash: str, created: list) -> tuple[list[Place], dict[str, Staff]]:
    """The staff of every demo village and the reviewers above them."""
    upper: dict[str, Staff] = {}
    reviewers = {
        CITY: ("13801920002", "成都市政务公开办 孙静"),
        DISTRICT: ("13801910002", "郫都区政务公开办 罗晓燕"),
        TOWNSHIP: ("13801900002", "安德街道纪工委 钟建平"),
    }
    publishers = {CITY: "13800000001", DISTRICT: "13800000002", TOWNSHIP: "13800000003"}
    for code, (mobile, name) in reviewers.items():
        site = Site.by_code(code)
        reviewer = _ensure_user(mobile, name, [(site, "supervisor")], password_hash, created)
        upper[code] = Staff(_user(publishers[code]), reviewer, reviewer)

    places = []
    others = sorted((c for c in VILLAGES if c != ANLONG),
                    key=lambda c: hashlib.sha256(c.encode()).hexdigest())
    profile_of = dict(zip(others, PROFILES, strict=True))
    profile_of[ANLONG] = ANLONG_PROFILE
    for index, code in enumerate(VILLAGES, start=1):
        site = Site.by_code(code)
        rng = _rng(code, "accounts")
        short = site.short_name
        community = int(code[9:]) < 200
        org = "居委会" if community else "村委会"
        taken: set[str] = set()
        base = f"13801{index:02d}000"
        if code == ANLONG:
            staff = Staff(_user("13800000004"), _user("13800000005"), _user("13800000006"))
        else:
            if code == SHUIJINGFANG:
                publisher = _user("13800000009")
                taken.add(person_of(publisher))
            else:
                publisher = _ensure_user(base + "1", f"{short}{org} {pick_name(rng, taken)}",
                                         [(site, "publisher")], password_hash, created)
            supervisor = _ensure_user(base + "2", f"{short}监委会 {pick_name(rng, taken)}",
                                      [(site, "supervisor")], password_hash, created)
            finance = _ensure_user(base + "3", f"{short}民主理财小组 {pick_name(rng, taken)}",
                                   [(site, "finance_reviewer")], password_hash, created)
            staff = Staff(publisher, supervisor, finance)
        parent = site.parent
        place = Place(site, staff, parent, parent.parent, profile_of[code])
        _people(place)
        places.append(place)
    upper["township_publisher"] = Staff(_user("13800000003"), upper[TOWNSHIP].supervisor,
                                        upper[TOWNSHIP].supervisor)
    return places, upper


# ---------------------------------------------------------------- the plan


@dataclass
class Task:
    day: date
    seq: int
    action: str  # publish, correct, withdraw
    key: str
    site: Site
    author: User
    reviewer: User | None = None
    data: dict = field(default_factory=dict)
    drafted: date | None = None
    dissent: str = ""
    reason: str = ""
    links: dict = field(default_factory=dict)  # policy field -> key of an earlier task's item


@dataclass
class Plan:
    tasks: list[Task] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)  # quarterly obligations by outcome
    funds: dict[str, int] = field(default_factory=dict)  # 专项资金 of each village, 元

    def publish(self, key: str, site: Site, author: User, reviewer: User, day: date,
                category: str, period: str, title: str, body: str, *, drafted: date | None = None,
                dissent: str = "", fields: dict | None = None, links: dict | None = None) -> None:
        data = {"category": category, "period": period, "title": title, "body": body}
        if fields:
            data["fields"] = fields
        self.tasks.append(Task(day, len(self.tasks), "publish", key, site, author, reviewer,
                               data, drafted or day, dissent, links=links or {}))

    def correct(self, key: str, site: Site, author: User, reviewer: User, day: date,
                reason: str, **changes) -> None:
        self.tasks.append(Task(day, len(self.tasks), "correct", key, site, author, reviewer,
                               changes, day, reason=reason))

    def withdraw(self, key: str, site: Site, author: User, day: date, reason: str) -> None:
        self.tasks.append(Task(day, len(self.tasks), "withdraw", key, site, author,
                               reason=reason))

    def find(self, key: str) -> Task:
        return next(t for t in self.tasks if t.key == key and t.action == "publish")


def _quarter_day(place: Place, rng: random.Random, y: int, q: int, plan: Plan,
                 bonus: float = 0.0) -> date | None:
    """When a quarterly item of a place is first published: on time, late, or never (None).

    bonus raises the chance of being on time (the books, which the township's agency keeps an
    eye on, are published more reliably than the rest), except at a place that lags anyway.
    """
    on_time, late = place.profile
    if on_time >= 0.5:
        on_time = min(on_time + bonus, 1.0)
    roll = rng.random()
    due = quarter_due(y, q)
    first = quarter_end(y, q) + timedelta(days=2)
    if roll < on_time:
        plan.outcomes["on_time"] += 1
        return weekday_between(rng, first, due)
    if roll < on_time + late:
        plan.outcomes["late"] += 1
        return weekday_between(rng, due + timedelta(days=1), due + timedelta(days=rng.choice(
            (6, 12, 20, 35))))
    plan.outcomes["missing"] += 1
    return None


# ---------------------------------------------------------------- village projects


@dataclass
class Project:
    key: str
    name: str
    what: str  # what was decided, one or more sentences
    amount: int  # 元; 0 when no money is spent
    decided: date
    body: str  # village (村民会议 A04.10), reps (村民代表会议 A04.02), major (A04.08), carry
    start: date
    finish: date
    kind: str = "works"  # works, rules, dividend, lease
    votes: tuple[int, int, int, int] = (0, 0, 0, 0)  # expected, present, for, against
    extra: dict = field(default_factory=dict)


def _votes(rng: random.Random, expected: int, share: float = 0.72) -> tuple[int, int, int, int]:
    present = int(expected * rng.uniform(max(share, 0.70), 0.93))  # a quorum of two thirds
    against = rng.randint(0, max(1, present // 40))
    abstain = rng.randint(0, max(1, present // 50))
    return expected, present, present - against - abstain, against


def _projects(place: Place) -> list[Project]:
    """The decisions of one place over the year, with their money and timeline."""
    rng = _rng(place.code, "projects")
    g = place.groups
    out: list[Project] = []
    # Carried over from 2025: decided before the demo year, finished in its first quarter.
    if place.community:
        n = rng.randint(3, 6)
        carry = Project("carry", f"{n}个老旧院落雨污管网维修",
                        f"维修{n}个老旧院落的雨污管网和化粪池", rng.randint(90, 180) * 1000,
                        date(2025, 8, rng.randint(10, 28)), "carry", date(2025, 9, 8),
                        date(2025, 11, rng.randint(10, 25)))
    else:
        n = rng.randint(2, 4)
        carry = Project("carry", f"{n}座农田灌溉提灌站维修",
                        f"维修{n}座提灌站的水泵、电机和配电设施", rng.randint(60, 140) * 1000,
                        date(2025, 8, rng.randint(10, 28)), "carry", date(2025, 9, 15),
                        date(2025, 11, rng.randint(5, 28)))
    out.append(carry)

    if not place.community and rng.random() < 0.7:
        km = rng.randint(15, 40) / 10
        cost = int(km * 1000 * rng.randint(30, 42)) // 1000 * 1000
        g1 = rng.randint(1, max(1, g - 3))
        out.append(Project(
            "dredge", f"{g1}组至{g1 + 2}组灌溉斗渠清淤整治",
            f"对{g1}组至{g1 + 2}组灌溉斗渠{km}公里进行清淤，清除淤泥和杂草，修复破损渠堤，"
            f"保障明年春灌用水", cost, date(2025, 11, rng.randint(8, 26)), "village",
            date(2025, 12, rng.randint(3, 15)), date(2026, 2, rng.randint(5, 27)),
            votes=_votes(rng, place.households)))
    if place.community:
        spaces = rng.randint(80, 220)
        out.append(Project(
            "parking", "小区公共区域停车位施划及停车管理",
            f"在辖区{rng.randint(3, 6)}个无物业老旧院落公共区域施划停车位{spaces}个，安装道闸2套，"
            f"实行居民停车登记管理，停车收入扣除管理成本后全部用于院落公共设施维护",
            rng.randint(60, 150) * 1000, date(2026, 3, rng.randint(3, 26)), "village",
            date(2026, 4, rng.randint(7, 24)), date(2026, 6, rng.randint(5, 26)),
            votes=_votes(rng, place.households // 5), extra={"spaces": spaces}))
    else:
        km = rng.randint(4, 10) / 10
        width = rng.choice((3.5, 4.0, 4.5))
        cost = int(km * 1000 * width * rng.randint(135, 165)) // 1000 * 1000
        g1 = rng.randint(1, max(1, g - 2))
        late_finish = rng.random() < 0.35
        out.append(Project(
            "road", f"{g1}组至{g1 + 1}组村道硬化",
            f"硬化{g1}组至{g1 + 1}组连接道路{km}公里，路面宽{width:g}米，采用C25混凝土、厚18厘米，"
            f"两侧设置排水边沟", cost, date(2026, 3, rng.randint(3, 26)), "village",
            date(2026, 4, rng.randint(7, 28)),
            date(2026, 10, rng.randint(8, 30)) if late_finish else
            date(2026, rng.choice((6, 7, 8)), rng.randint(3, 28)),
            votes=_votes(rng, place.households)))
    # Works in the year's 村级公共服务和社会管理专项资金 plan (decided by the 代表会议).
    if place.community:
        eld = rng.randint(80, 160) * 1000
        out.append(Project(
            "eldercare", "社区养老服务站适老化改造",
            "对社区养老服务站进行适老化改造，增设助浴间、扶手和呼叫设施，更新日间照料床位", eld,
            date(2026, 2, rng.randint(5, 27)), "reps", date(2026, 5, rng.randint(4, 20)),
            date(2026, 7, rng.randint(6, 28))))
    else:
        lights = rng.randint(40, 90)
        out.append(Project(
            "lights", f"安装太阳能路灯{lights}盏",
            f"在主要村道和院落聚居点安装太阳能路灯{lights}盏", lights * rng.randint(26, 32) * 100,
            date(2026, 2, rng.randint(5, 27)), "reps", date(2026, 5, rng.randint(4, 20)),
            date(2026, 6, rng.randint(8, 28))))
    if rng.random() < 0.6:
        points = rng.randint(4, 10)
        rules = (f"实行“门前三包”责任制，每户负责房前屋后卫生、秩序和绿化；全{place.w('村', '社区')}"
                 f"设垃圾分类收集点{points}处，生活垃圾每日清运；禁止在沟渠、道路两侧倾倒垃圾和"
                 f"堆放杂物；每季度评选“美丽庭院”，结果在公开栏公布")
        if place.community:
            rules = (f"实行生活垃圾“定时定点”分类投放，设分类投放点{points}处，每日7:00—9:00、"
                     f"18:00—21:00开放；禁止高空抛物和占用消防通道堆放杂物；每季度评选"
                     f"“文明院落”，结果在公开栏公布")
        out.append(Project(
            "env", "人居环境整治" if not place.community else "生活垃圾分类和院落环境整治",
            rules, 0, date(2026, 4, rng.randint(8, 28)), "village",
            date(2026, 5, 1), date(2026, 12, 31), kind="rules",
            votes=_votes(rng, place.households if not place.community
                         else place.households // 5), extra={"points": points}))
    if place.has_coop:
        members = int(place.population * rng.uniform(0.92, 0.99))
        per = rng.randint(60, 180)
        pool = members * per
        reserve = int(pool / 0.8 * 0.2) // 100 * 100
        out.append(Project(
            "dividend", "2025年度集体经济组织收益分配",
            "", members * per, date(2026, 1, rng.randint(10, 24)), "village",
            date(2026, 2, 1), date(2026, 2, rng.randint(5, 12)), kind="dividend",
            votes=_votes(rng, place.households),
            extra={"members": members, "per": per, "reserve": reserve,
                   "total": members * per + reserve}))
    if rng.random() < 0.5:
        area = rng.randint(180, 620)
        rent = area * rng.randint(8, 14) * 12 // 100 * 100
        years = rng.choice((3, 5, 5, 8))
        if place.community:
            use, what = "社区长者食堂", f"社区闲置用房{area}平方米"
        else:
            use = rng.choice(("农产品初加工和冷链仓储", "乡村民宿接待中心", "川芎烘干和分拣场地"))
            what = f"原村小学闲置校舍及院坝{area}平方米"
        lessee = rng.choice(("成都蜀源农业科技有限公司", "郫都区安德镇禾丰农民专业合作社",
                             "成都天府田园农业开发有限公司", "四川川西坝子餐饮管理有限公司"))
        if place.community:
            lessee = "成都市锦城邻里餐饮服务有限公司"
        out.append(Project(
            "lease", f"{what}对外出租",
            f"将{what}出租给{lessee}用于{use}，租期{years}年，年租金{rent:,}元，租金按季度预收，"
            f"第三年起每年递增3%", rent, date(2026, 6, rng.randint(2, 25)), "major",
            date(2026, 7, 1), date(2026 + years, 6, 30), kind="lease",
            votes=_votes(rng, rng.randint(30, 55), 0.8),
            extra={"lessee": lessee, "area": area, "use": use, "years": years}))
    return out


# ---------------------------------------------------------------- finance


@dataclass
class Line:
    day: date
    text: str
    fen: int


INCOME = {"B02.01": "经营收入", "B02.02": "发包及上交收入", "B02.03": "投资收益",
          "B02.04": "补助收入", "B02.05": "其他收入"}
EXPENSE = {"B03.01": "经营支出", "B03.02": "管理费用", "B03.03": "公益事业支出",
           "B03.04": "村级组织运转经费支出", "B03.05": "其他支出"}
LEAF_NAMES = {**INCOME, **EXPENSE}


@dataclass
class Quarter:
    y: int
    q: int
    opening: int
    lines: dict[str, list[Line]]

    @property
    def income(self) -> int:
        return sum(ln.fen for c, lines in self.lines.items() if c.startswith("B02") for ln in lines)

    @property
    def expense(self) -> int:
        return sum(ln.fen for c, lines in self.lines.items() if c.startswith("B03") for ln in lines)

    @property
    def closing(self) -> int:
        return self.opening + self.income - self.expense


def _day_in(rng: random.Random, y: int, m: int, lo: int = 3, hi: int = 27) -> date:
    return weekday_between(rng, date(y, m, lo), date(y, m, hi))


def _finance(place: Place, projects: list[Project], fund: int) -> list[Quarter]:
    """Four quarters of a place's books: every line dated, every total adding up."""
    rng = _rng(place.code, "finance")
    balance = rng.randint(220, 520) * 100000 + rng.randint(0, 99) * 100 + rng.randint(0, 99)
    running_fee = rng.randint(36, 60) * 1000 if not place.community else rng.randint(60, 90) * 1000
    cleaning = rng.randint(35, 80) * 100 if not place.community else rng.randint(90, 160) * 100
    works = [p for p in projects if p.kind == "works"]
    lease = next((p for p in projects if p.kind == "lease"), None)
    shed_rent = rng.randint(12, 36) * 1000 if not place.community and rng.random() < 0.6 else 0
    coop = place.has_coop and rng.random() < 0.7
    shares = place.facts.shares if place.facts else 0
    parking = next((p for p in projects if p.key == "parking"), None)
    quarters = []
    for y, q in QUARTERS:
        qs, qe = quarter_start(y, q), quarter_end(y, q)
        months = [qs.month, qs.month + 1, qs.month + 2]
        lines: dict[str, list[Line]] = {}

        def add(code: str, day: date, text: str, fen: int, lines=lines) -> None:
            lines.setdefault(code, []).append(Line(day, text, fen))

        # Income
        add("B02.04", _day_in(rng, y, months[0], 5, 20),
            f"收到街道财政所拨付{qlabel(y, q)}村级组织运转经费", running_fee * 100)
        if (y, q) == (2026, 1):
            add("B02.04", _day_in(rng, y, 3, 9, 25),
                f"收到{y}年度{place.fund_name}", fund * 100)
        if (y, q) == (2026, 2):
            add("B02.04", _day_in(rng, y, 5), "收到党组织服务群众专项经费",
                rng.randint(20, 50) * 100000)
        if (y, q) == (2025, 4) and not place.community:
            add("B02.04", _day_in(rng, y, 12), "收到耕地保护基金（村集体部分）",
                rng.randint(80, 300) * 10000 + rng.randint(0, 99) * 100)
        if (y, q) == (2026, 3) and rng.random() < 0.7:
            add("B02.04", _day_in(rng, y, 8), "收到人居环境整治以奖代补资金",
                rng.randint(10, 30) * 100000)
        if shed_rent:
            add("B02.02", _day_in(rng, y, months[0], 3, 15),
                f"收集体厂房租金（{qlabel(y, q)}）", shed_rent * 100)
        if not place.community and q == 1:
            mu = rng.randint(20, 80)
            add("B02.02", _day_in(rng, y, 1, 10, 28), f"收机动地承包费（{mu}亩，{y}年度）",
                mu * rng.choice((900, 1000, 1200)) * 100)
        if lease and lease.start <= qe:
            add("B02.02", _day_in(rng, y, months[0] if lease.start < qs else lease.start.month,
                                  1, 12),
                f"收{lease.extra['lessee']}租金（{qlabel(y, q)}）", lease.amount * 25)
        if coop:
            add("B02.01", _day_in(rng, y, months[1]), "村集体经济合作社农产品销售收入",
                rng.randint(30, 140) * 100000 + rng.randint(0, 9999))
            if rng.random() < 0.5:
                add("B02.01", _day_in(rng, y, months[2]), "乡村旅游停车场收费收入",
                    rng.randint(20, 90) * 10000)
        if shares and (y, q) == (2026, 1):
            add("B02.03", _day_in(rng, y, 3, 10, 27),
                f"收到{place.township.short_name}农村集体经济联合社2025年度入股分红"
                f"（入股{shares:,}元）", shares * rng.randint(5, 8))
        if parking and parking.finish <= qe:
            add("B02.01", _day_in(rng, y, months[2], 5, 20),
                f"院落停车位停车管理收入（{qlabel(y, q)}）", rng.randint(90, 260) * 10000)
        interest = rng.randint(150, 1200) * 100 + rng.randint(0, 99)
        add("B02.05", date(y, months[2], 21), "银行存款利息", interest)

        # Expenses
        for m in months:
            add("B03.04", _day_in(rng, y, m, 8, 16), f"支付{m}月党群服务中心电费",
                rng.randint(400, 1300) * 100 + rng.randint(0, 99))
        add("B03.02", _day_in(rng, y, months[1]), "购买办公用品（打印纸、硒鼓、文件盒）",
            rng.randint(6, 24) * 10000)
        add("B03.02", _day_in(rng, y, months[2], 10, 25),
            f"支付{place.group}长{qlabel(y, q)}误工补贴（{place.groups}人）",
            place.groups * place.facts.leader_pay * 3 * 100)
        add("B03.04", _day_in(rng, y, months[0], 5, 15), f"支付宽带及电话费（{qlabel(y, q)}）",
            rng.randint(9, 15) * 10000)
        add("B03.05", date(y, months[2], 21), "银行账户管理费及转账手续费",
            rng.randint(30, 160) * 100)
        for m in months:
            add("B03.03", _day_in(rng, y, m, 20, 28), f"支付{m}月公共区域保洁费",
                cleaning * 100)
        if q == 4:
            n = rng.randint(40, 160)
            add("B03.03", _day_in(rng, y, 10, 20, 30), f"重阳节慰问{n}名80岁以上老人物资费",
                n * rng.choice((80, 100)) * 100)
        if q == 1:
            n = rng.randint(12, 40)
            add("B03.03", _day_in(rng, y, 1, 12, 30), f"春节走访慰问{n}户困难群众物资费",
                n * rng.choice((200, 300)) * 100)
        if coop:
            add("B03.01", _day_in(rng, y, months[0]), "合作社购买种苗、农资",
                rng.randint(15, 60) * 100000)
            add("B03.01", _day_in(rng, y, months[2]), "支付合作社季节性用工工资",
                rng.randint(8, 40) * 100000)
        # Works: an advance when work starts, the settlement (less 5 % retention) on completion.
        for p in works:
            if qs <= p.start <= qe:
                add("B03.03", p.start + timedelta(days=rng.randint(3, 12)),
                    f"支付{p.name}工程预付款（合同价30%）", p.amount * 30)
            if qs <= p.finish <= qe:
                add("B03.03", min(p.finish + timedelta(days=rng.randint(5, 20)), qe),
                    f"支付{p.name}工程结算款（扣留5%质保金）", p.amount * 65)
        quarter = Quarter(y, q, balance, {c: sorted(v, key=lambda ln: ln.day)
                                          for c, v in lines.items()})
        balance = quarter.closing
        quarters.append(quarter)
    return quarters


def _statement(place: Place, quarter: Quarter, code: str, note: str = "") -> tuple[str, str]:
    """One finance leaf of one quarter: a detail table (or a nil return) and the balance."""
    lines = quarter.lines.get(code, [])
    name = LEAF_NAMES[code]
    y, q = quarter.y, quarter.q
    title = f"{place.short}{qlabel(y, q)}{name}明细公开"
    rows = ["| 序号 | 日期 | 摘要 | 金额(元) |", "|---:|---|---|---:|"]
    for i, ln in enumerate(lines, start=1):
        text = ln.text + (note if i == 2 and note else "")
        rows.append(f"| {i} | {ln.day.isoformat()} | {text} | {money(ln.fen)} |")
    total = sum(ln.fen for ln in lines)
    rows.append(f"|  |  | **合计** | **{money(total)}** |")
    if not lines:  # a nil return: the leaf is published every quarter, even with no entries
        rows = [f"本季度无{name}发生额（合计0.00元）。"]
    incomes = "、".join(f"{LEAF_NAMES[c]}{money(sum(x.fen for x in v))}元"
                        for c, v in quarter.lines.items() if c.startswith("B02"))
    expenses = "、".join(f"{LEAF_NAMES[c]}{money(sum(x.fen for x in v))}元"
                         for c, v in quarter.lines.items() if c.startswith("B03"))
    body = "\n".join([
        f"{place.short}{qlabel(y, q)}{name}明细如下（单位：元）。" if lines else
        f"{place.short}{qlabel(y, q)}{name}情况公开。",
        "",
        *rows,
        "",
        "**本季度资金收支总体情况**（单位：元）",
        "",
        "| 项目 | 金额(元) |",
        "|---|---:|",
        f"| 上季度末结余 | {money(quarter.opening)} |",
        f"| 本季度收入合计 | {money(quarter.income)} |",
        f"| 本季度支出合计 | {money(quarter.expense)} |",
        f"| 本季度末结余 | {money(quarter.closing)} |",
        "",
        f"本季度收入中，{incomes}；支出中，{expenses}。",
        "",
        f"以上收支已经{place.short}民主理财小组逐笔审核，原始凭证由{place.township.short_name}"
        f"{place.w('农村集体“三资”', '社区财务')}代理服务中心保管，{place.w('村民', '居民')}可在工作日到{place.w('村', '社区')}"
        f"便民服务站申请查阅。对公开内容有疑问的，请自公开之日起10日内向{place.jianwei}反映。",
    ])
    return title, body


# ---------------------------------------------------------------- village texts


def _roster_two_committees(place: Place, after_change: bool = False) -> tuple[str, str]:
    p = place.people
    party = "党总支" if not place.community else "党委"
    rows = [
        (f"{party}书记、{place.committee}主任", p["secretary"], f"主持{party}和{place.committee}全面工作"),
        (f"{party}副书记", p["deputy_secretary"], "党建、宣传、精神文明建设，联系网格化服务管理"),
        (f"{place.committee}副主任", p["vice_director"],
         "集体经济、农业生产、项目建设" if not place.community else "社区治理、物业小区、安全生产"),
        (f"{party}委员、{place.committee}委员", p["women"], "妇联、民政、社会救助、计划生育"),
        (f"{place.committee}委员", p["new_member"] if after_change else p["member"],
         "人居环境、河长制、综治维稳" if not place.community else "居民服务、退役军人、文化体育"),
        (f"{place.committee}委员（兼报账员）", p["clerk"], f"{place.w('村务', '居务')}公开、档案、财务报账"),
    ]
    table = ["| 职务 | 姓名 | 分工 |", "|---|---|---|"]
    table += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    title = f"{place.short}“两委”班子成员名单及分工"
    body = "\n".join([
        f"{place.short}{party}和{place.org}班子成员及分工如下：",
        "",
        *table,
        "",
        f"办公地点：{place.site.address}。办公电话：{place.site.phone}"
        "（工作日 9:00—12:00，13:30—17:30）。",
        "",
        f"群众办事可直接到{place.w('村', '社区')}便民服务站，实行“首问负责、全程代办”。",
    ])
    return title, body


def _roster_jianwei(place: Place) -> tuple[str, str]:
    p = place.people
    title = f"{place.short}{place.jianwei}成员名单"
    body = "\n".join([
        f"{place.short}{place.jianwei}由{place.reps}选举产生，任期与{place.committee}相同，"
        f"成员如下：",
        "",
        "| 职务 | 姓名 | 主要职责 |",
        "|---|---|---|",
        f"| 主任 | {p['jw_head']} | 主持监委会工作，列席{place.committee}会议，审核{place.w('村务', '居务')}公开内容 |",
        f"| 委员 | {p['jw_1']} | 监督财务收支和集体资产、工程项目 |",
        f"| 委员 | {p['jw_2']} | 收集群众意见，监督惠民政策落实 |",
        "",
        f"{place.short}民主理财小组：组长{p['lc_head']}，成员{p['lc_1']}、{p['lc_2']}，"
        f"负责每季度审核集体财务收支凭证。",
        "",
        f"群众对{place.w('村务', '居务')}有意见或建议的，可直接向监委会成员反映，也可投递"
        f"{place.w('村', '社区')}党群服务中心门口的意见箱。",
    ])
    return title, body


def _village_rules(place: Place, amended: bool = False) -> tuple[str, str, date]:
    rng = _rng(place.code, "rules")
    adopted = date(2025, 9, rng.randint(6, 26))
    present = int(place.households * rng.uniform(0.70, 0.85))
    tables = rng.choice((15, 20))
    if place.community:
        title = f"{place.short}居民公约"
        articles = [
            "热爱祖国，拥护党的领导，遵守法律法规，积极参与社区公共事务。",
            "生活垃圾按可回收物、有害垃圾、厨余垃圾、其他垃圾分类投放，不乱扔乱倒。",
            "文明养犬，出门拴绳，及时清理犬只粪便，不在楼道和公共区域饲养家禽。",
            "严禁高空抛物；楼道、消防通道不堆放杂物，不在室内和楼道给电动自行车充电。",
            "车辆在划定车位有序停放，不占用盲道、消防通道和绿地。",
            "邻里之间互谅互让，装修施工在8:00—12:00、14:00—18:00进行，夜间不大声喧哗。",
            f"红白喜事从简办理，提倡不燃放烟花爆竹，宴席不超过{tables}桌。",
            "关心孤寡老人、留守儿童和困难家庭，积极参加志愿服务。",
            "出租房屋须到社区登记承租人信息，不将房屋租给无身份证明的人员。",
            "对遵守本公约表现突出的家庭，年终评为“文明家庭”并予以表扬；对违反本公约的，"
            "由居民小组长劝导，经劝导不改的在小组会上批评教育。",
        ]
    else:
        title = f"{place.short}村规民约"
        articles = [
            "热爱祖国，拥护党的领导，遵守法律法规，积极参与村务管理和集体公益事业。",
            "实行“门前三包”，房前屋后保持整洁，畜禽圈养，不在沟渠、道路两侧倾倒垃圾。",
            "禁止焚烧秸秆和垃圾，秸秆实行还田或统一收储利用。",
            "禁止在河道、沟渠电鱼、炸鱼、毒鱼，不向河道排放污水。",
            "建房须依法申请宅基地，经审批后按批准的位置和面积建设，不得占用耕地和永久基本农田。",
            "爱护村道、路灯、提灌站等公共设施，损坏的照价赔偿。",
            f"红白喜事从简办理，宴席不超过{tables}桌，不大操大办，不铺张浪费。",
            "孝敬父母，赡养老人，不得以分家等理由拒绝履行赡养义务。",
            "邻里纠纷通过协商解决，协商不成的可申请村人民调解委员会调解。",
            "对遵守本村规民约表现突出的农户，年终评为“文明家庭”“美丽庭院”并予以奖励；"
            "对违反的，由村民小组长劝导，经劝导不改的，不得参加当年评先评优。",
        ]
    if amended:
        articles[6] = (f"红白喜事从简办理，宴席不超过{tables - 5}桌，提倡喜事新办、丧事简办，"
                       "不收受人情礼金以外的财物。")
    lines = [f"（{cn_date(adopted)}经{place.meeting}表决通过，应到户代表{place.households}人，"
             f"实到{present}人）"]
    nums = "一二三四五六七八九十"
    lines += [f"**第{nums[i]}条** {a}" for i, a in enumerate(articles)]
    lines += [f"本{title[len(place.short):]}自通过之日起施行，由{place.org}负责解释，"
              f"{place.jianwei}监督执行。"]
    return title, "\n\n".join(lines), adopted


def _finance_rules(place: Place) -> tuple[str, str]:
    rng = _rng(place.code, "finance-rules")
    small = rng.choice((2000, 3000, 5000))
    large = rng.choice((20000, 30000, 50000))
    cash = rng.choice((2000, 3000))
    title = f"{place.short}{place.w('村级', '社区')}财务管理制度"
    items = [
        f"财务实行“村账镇代理”，会计核算由{place.township.short_name}农村集体“三资”代理服务中心"
        f"负责，{place.w('村', '社区')}设报账员一名，不设会计。",
        f"库存现金不超过{cash:,}元，超过部分当日存入银行；不得白条抵库，不得公款私存。",
        f"单笔支出{small:,}元以下的，由{place.committee}主任审批；{small:,}元至{large:,}元的，"
        f"经“两委”联席会议集体研究；{large:,}元以上的，提交{place.reps}讨论决定。",
        "每笔支出须有合法票据，由经手人、证明人签字，审批人签批，民主理财小组审核盖章后报账。",
        "招待费实行“零招待”，确因工作需要的工作餐须事前审批并列明事由和人数。",
        "工程项目实行比选或招标，签订书面合同，按进度付款，竣工验收后支付结算款，"
        "质保金待质保期满后支付。",
        f"财务收支每季度公开一次，于季度结束后次月20日前在公开栏和本平台公布；"
        f"群众有疑问的，{place.committee}应在10日内答复。",
        f"{place.jianwei}和民主理财小组有权查阅账目和原始凭证，对违反本制度的支出有权拒绝审核。",
    ]
    nums = "一二三四五六七八"
    body = "\n\n".join([
        f"为规范集体资金管理，根据《农村集体经济组织财务制度》和{place.district.short_name}有关规定，"
        f"结合本{place.w('村', '社区')}实际，制定本制度。",
        *[f"{nums[i]}、{t}" for i, t in enumerate(items)],
        f"本制度经{place.reps}审议通过，自公布之日起施行。",
    ])
    return title, body


def _decision(place: Place, p: Project) -> tuple[str, str]:
    """A decision of the 村民会议 (A04.10): attendance, the vote, what was decided."""
    expected, present, yes, against = p.votes
    abstain = present - yes - against
    who = "户代表" if p.key != "parking" else "院落户代表"
    head = (f"{cn_date(p.decided)}，{place.short}召开{place.meeting}（采取分组召开、集中计票的方式），"
            f"应到{who}{expected}人，实到{present}人，超过应到人数的三分之二，会议有效。"
            f"{place.township.short_name}派员列席，{place.jianwei}全程监督。")
    if p.kind == "dividend":
        e = p.extra
        title = f"{place.short}{place.meeting}关于2025年度集体经济组织收益分配方案的决定"
        points = [
            f"2025年度集体经济组织可分配收益{e['total']:,}元。",
            f"提取公积公益金{e['reserve']:,}元，用于集体公益设施维护和发展生产。",
            f"向在册成员{e['members']}人分红，每人{e['per']}元，共{p.amount:,}元；"
            f"分红于{cn_month(p.finish)}通过银行代发至成员本人账户，不发放现金。",
            "成员身份有异议的，于公告之日起10日内向集体经济组织理事会书面提出。",
        ]
    elif p.kind == "rules":
        title = f"{place.short}{place.meeting}关于{p.name}的决定"
        points = [s + "。" for s in p.what.split("；")]
        points.append(f"本决定自{cn_date(p.start)}起执行，由{place.committee}组织实施，"
                      f"{place.jianwei}监督。")
    else:
        title = f"{place.short}{place.meeting}关于{p.name}的决定"
        points = [
            f"{p.what}。",
            f"项目概算{wan(p.amount)}万元，使用{place.fund_name}和集体收入解决，"
            f"不向{place.w('村民', '居民')}摊派。",
            f"施工单位通过公开比选确定，由{place.w('村民', '居民')}代表{rng_small(p)}人组成质量监督小组，"
            f"全程监督施工。",
            f"计划于{cn_month(p.start)}开工，竣工验收和结算结果另行公开。",
        ]
    nums = "一二三四五六"
    vote = (f"经无记名投票表决：同意{yes}票，反对{against}票，弃权{abstain}票，"
            f"同意票超过实到人数的半数，决定如下：")
    body = "\n\n".join([head, vote, *[f"{nums[i]}、{t}" for i, t in enumerate(points)],
                        "特此公告。", f"{place.org}  \n{cn_date(p.decided + timedelta(days=1))}"])
    return title, body


def rng_small(p: Project) -> int:
    return 3 + int(hashlib.sha256(p.name.encode()).hexdigest(), 16) % 4


def _fund_plan(place: Place, projects: list[Project], rng: random.Random) -> tuple[
        str, str, int, date]:
    """The year's 村级公共服务和社会管理专项资金 plan (A04.02), which sets the fund's size."""
    decided = date(2026, 2, rng.randint(9, 27))
    rows = [(p.name, p.amount) for p in projects if p.body in ("reps", "village")
            and p.kind == "works" and p.decided.year == 2026]
    clean = rng.randint(3, 6) * 10000
    care = rng.randint(1, 3) * 10000
    rows += [("公共区域保洁及垃圾清运（部分）", clean), ("困难群众走访慰问", care)]
    total = sum(a for _, a in rows)
    reps = rng.randint(32, 58)
    present = reps - rng.randint(1, 6)
    yes = present - rng.randint(0, 2)
    table = ["| 序号 | 项目 | 金额(元) |", "|---:|---|---:|"]
    table += [f"| {i} | {n} | {a:,} |" for i, (n, a) in enumerate(rows, start=1)]
    table.append(f"|  | **合计** | **{total:,}** |")
    title = f"{place.short}{place.reps}关于2026年度{place.fund_name}使用计划的决定"
    body = "\n\n".join([
        f"{cn_date(decided)}，{place.short}召开{place.reps}，应到代表{reps}人，实到{present}人。"
        f"会议审议了{place.w('村', '社区')}“两委”根据群众意见征集结果提出的2026年度专项资金使用计划，"
        f"表决结果：同意{yes}票，反对{present - yes}票。",
        "通过的使用计划如下：",
        "\n".join(table),
        "各项目按“四议两公开”程序组织实施，资金使用情况随季度财务收支一并公开。",
        f"{place.org}  \n{cn_date(decided + timedelta(days=1))}",
    ])
    return title, body, total, decided


def _major(place: Place, p: Project) -> tuple[str, str]:
    """A 四议两公开 decision (A04.08): each step with its date, then the result."""
    d = p.decided
    steps = [
        ("党组织提议", d - timedelta(days=16), f"{_party(place)}会议提出初步方案"),
        ("“两委”会议商议", d - timedelta(days=12), "“两委”联席会议商议，完善租金和期限条款"),
        ("党员大会审议", d - timedelta(days=7), "党员大会审议通过"),
        (f"{place.reps}决议", d, f"应到{p.votes[0]}人，实到{p.votes[1]}人，同意{p.votes[2]}票，"
                                 f"反对{p.votes[3]}票，弃权{p.votes[1] - p.votes[2] - p.votes[3]}票"),
    ]
    table = ["| 程序 | 时间 | 情况 |", "|---|---|---|"]
    table += [f"| {a} | {b.isoformat()} | {c} |" for a, b, c in steps]
    title = f"{place.short}关于{p.name}的决策程序和结果公告"
    body = "\n\n".join([
        f"按照“四议两公开”工作法，{place.short}就{p.name}事项履行了以下决策程序：",
        "\n".join(table),
        f"**决议结果**：{p.what}。",
        f"承租方通过{place.township.short_name}农村产权交易服务站公开挂牌确定。租赁合同签订和租金"
        f"收取情况将在季度财务公开中公布。",
        f"公告期间如有异议，请向{place.jianwei}（{place.people['jw_head']}）反映。",
    ])
    return title, body


def _status(place: Place, p: Project, end: date, rng: random.Random) -> str | None:
    """What happened to a decision by the end of a quarter, or None once long closed."""
    if p.kind == "dividend":
        if end < p.finish:
            return "正在核对成员名册，准备发放"
        if (end - p.finish).days > 100:
            return None
        return (f"已于{cn_date(p.finish)}通过银行代发至{p.extra['members']}名成员账户，"
                f"共发放{p.amount:,}元")
    if p.kind == "rules":
        if end < p.start:
            return "正在印发宣传资料，组织各小组签订责任书"
        return (f"已与{int(place.households * rng.uniform(0.82, 0.97))}户签订“门前三包”责任书，"
                f"本季度开展检查{rng.randint(3, 8)}次，评选“{place.w('美丽庭院', '文明院落')}”"
                f"{rng.randint(8, 30)}户")
    if p.kind == "lease":
        if end < p.start:
            return (f"已通过{place.township.short_name}农村产权交易服务站公开挂牌，与{p.extra['lessee']}"
                    f"签订租赁合同，{cn_date(p.start)}起交付使用")
        return (f"已与{p.extra['lessee']}签订租赁合同，{cn_date(p.start)}起交付使用，"
                f"首季度租金{p.amount // 4:,}元已收取")
    if end < p.start:
        return f"已完成施工图设计和施工单位比选，计划{cn_month(p.start)}开工"
    if end < p.finish:
        done = min(95, int(100 * (end - p.start).days / max(1, (p.finish - p.start).days)))
        return f"正在施工，已完成工程量约{max(10, done // 5 * 5)}%，已支付预付款{p.amount * 3 // 10:,}元"
    if (end - p.finish).days > 100:
        return None
    return (f"已于{cn_date(p.finish)}完工，经{place.w('村民', '居民')}代表、监委会和街道联合验收合格；"
            f"已支付至合同价95%，质保金{p.amount // 20:,}元待质保期满后支付")


def _implementation(place: Place, projects: list[Project], y: int, q: int,
                    rng: random.Random) -> tuple[str, str]:
    """A04.03: the quarter's decisions and how far each has got."""
    end = quarter_end(y, q)
    rows = []
    for p in projects:
        if p.decided > end:
            continue
        status = _status(place, p, end, rng)
        if status is None:
            continue
        body_name = {"village": place.meeting, "reps": place.reps, "major": place.reps,
                     "carry": place.reps}[p.body]
        rows.append((p.name, f"{cn_date(p.decided)}{body_name}", status))
    table = ["| 序号 | 决定事项 | 决定时间及会议 | 实施情况 |", "|---:|---|---|---|"]
    table += [f"| {i} | {a} | {b} | {c} |" for i, (a, b, c) in enumerate(rows, start=1)]
    title = f"{place.short}{qlabel(y, q)}{place.meeting}、{place.reps}决定事项及实施情况"
    body = "\n\n".join([
        f"截至{cn_date(end)}，{place.meeting}、{place.reps}决定事项的实施情况如下：",
        "\n".join(table),
        f"以上事项由{place.committee}负责实施，{place.jianwei}全程监督。项目资金收支见同期财务公开。",
    ])
    return title, body


def _jianwei_report(place: Place, quarter: Quarter | None, projects: list[Project], y: int,
                    q: int, rng: random.Random) -> tuple[str, str]:
    end = quarter_end(y, q)
    vouchers = sum(len(v) for v in quarter.lines.values()) if quarter else rng.randint(20, 40)
    meetings = rng.randint(2, 6)
    opinions = rng.randint(0, 7)
    active = [p.name for p in projects if p.kind == "works" and p.start <= end
              and p.finish >= quarter_start(y, q)]
    issues = rng.sample([
        "个别票据经手人、证明人签字不全，已退回补签",
        "公开栏部分内容更新不及时，已督促当月更新",
        "保洁费支付未附考勤记录，已要求补充",
        f"{rng.randint(2, 5)}组垃圾收集点清运不及时，已向{place.committee}提出整改意见",
        "一笔办公用品采购未附清单，已补充",
    ], k=rng.randint(1, 2))
    lines = [
        f"**一、日常监督。**本季度列席“两委”会议和{place.reps}{meetings}次；会同民主理财小组审核"
        f"收支凭证{vouchers}张" + (f"，金额合计{money(quarter.income + quarter.expense)}元" if quarter
                              else "") + "。",
    ]
    if active:
        lines.append(f"**二、项目监督。**对{'、'.join(active)}进行了现场监督，检查了材料进场、"
                     f"隐蔽工程和工程量签证，未发现违规问题。")
    else:
        lines.append("**二、项目监督。**本季度无在建工程项目。")
    lines.append(f"**三、发现问题及整改。**{'；'.join(issues)}。")
    lines.append(f"**四、群众意见。**本季度收到群众意见和咨询{opinions}件，已全部答复。"
                 if opinions else "**四、群众意见。**本季度未收到群众书面意见。")
    lines.append(f"**五、下季度重点。**监督{'专项资金项目验收和结算' if active else '财务收支按时公开'}，"
                 f"做好{'低保' if q != 4 else '年度'}等惠民资金发放的监督。")
    title = f"{place.short}{place.jianwei}{qlabel(y, q)}监督情况报告"
    body = "\n\n".join([*lines, f"{place.short}{place.jianwei}  \n主任：{place.people['jw_head']}"])
    return title, body


@dataclass
class Household:
    head: str
    group: int
    members: int
    per: int  # 元 per person per month
    start: date
    last4: str
    end: date | None = None


def _assistance(place: Place) -> list[Household]:
    """The 低保 households of a place over the year (some join, some leave)."""
    rng = _rng(place.code, "dibao")
    n = min(16, max(4, place.population // (420 if not place.community else 900)))
    taken = set(place.names)
    households = []

    def new(start: date) -> Household:
        last4 = f"{rng.randint(0, 999):03d}" + rng.choice("0123456789X")
        return Household(pick_name(rng, taken), rng.randint(1, place.groups),
                         rng.choice((1, 1, 2, 2, 3, 4)), rng.randint(42, 115) * 10, start, last4)

    for _ in range(n):
        households.append(new(date(rng.randint(2018, 2025), rng.randint(1, 9), 1)))
    for y, q in QUARTERS:
        qs = quarter_start(y, q)
        if rng.random() < 0.6:
            households.append(new(date(y, qs.month + rng.randint(0, 2), 1)))
        if rng.random() < 0.4:
            leaving = rng.choice([h for h in households if h.end is None and h.start < qs])
            leaving.end = qs + timedelta(days=rng.randint(10, 80))
    return households


def _dibao_list(place: Place, households: list[Household], y: int, q: int) -> tuple[str, str]:
    qs, qe = quarter_start(y, q), quarter_end(y, q)
    current = [h for h in households if h.start <= qe and (h.end is None or h.end > qe)]
    current.sort(key=lambda h: (h.group, h.start))
    joined = sum(1 for h in households if qs <= h.start <= qe)
    left = sum(1 for h in households if h.end and qs <= h.end <= qe)
    # mask_strict (standard 2026.1): an ID number shows at most its last four characters.
    table = ["| 序号 | 户主 | 身份证号 | 小组 | 保障人口 | 月保障金(元) | 纳入时间 |",
             "|---:|---|---|---|---:|---:|---|"]
    for i, h in enumerate(current, start=1):
        table.append(f"| {i} | {h.head} | ****{h.last4} | {h.group}组 | {h.members}人 | "
                     f"{h.members * h.per:,} | {h.start.year}.{h.start.month:02d} |")
    people = sum(h.members for h in current)
    amount = sum(h.members * h.per for h in current)
    phone = place.township.phone or ""
    title = f"{place.short}{qlabel(y, q)}最低生活保障对象名单"
    body = "\n\n".join([
        f"截至{cn_date(qe)}，{place.short}在保城乡低保对象{len(current)}户{people}人，"
        f"月发放保障金{amount:,}元。本季度新增{joined}户，退出{left}户。",
        "\n".join(table),
        "依照社会救助信息公开的有关规定，本名单只公开户主姓名、所在小组、保障人口和保障金额，"
        "身份证号码仅显示后四位，不公开家庭收入、健康状况等个人信息。",
        f"对名单有异议的，可向{place.township.short_name}社会事务办公室（电话 {phone}）"
        f"或{place.district.short_name}民政局反映。",
    ])
    return title, body


def _dibao_notice(place: Place, joining: list[Household], day: date) -> tuple[str, str]:
    """A07.02: the households about to join the roster, posted for seven days."""
    rows = [f"| {i} | {h.head} | {h.group}组 | {h.members} | {h.members * h.per:,} |"
            for i, h in enumerate(joining, start=1)]
    title = f"{place.short}最低生活保障拟确认对象公示"
    body = "\n\n".join([
        f"经本人申请、{place.w('村', '社区')}入户调查和{place.township.short_name}审核，"
        f"下列家庭拟确认为最低生活保障对象，现予公示：",
        "\n".join(["| 序号 | 户主姓名 | 所在小组 | 保障人口(人) | 拟保障金额(元/月) |",
                   "|---:|---|---|---:|---:|", *rows]),
        f"公示期：{cn_date(day)}至{cn_date(day + timedelta(days=6))}。"
        f"对公示对象有异议的，请在公示期内向{place.township.short_name}社会事务办公室"
        f"（电话 {place.township.phone}）实名反映，我们将依法保护反映人信息。",
    ])
    return title, body


def _finance_review(place: Place, quarter: Quarter, rng: random.Random) -> tuple[str, str]:
    count = sum(len(v) for v in quarter.lines.values())
    returned = rng.randint(0, 2)
    p = place.people
    title = f"{place.short}民主理财小组{qlabel(quarter.y, quarter.q)}财务审核意见"
    body = "\n\n".join([
        f"{place.short}民主理财小组于{cn_date(quarter_end(quarter.y, quarter.q) + timedelta(days=3))}"
        f"对{qlabel(quarter.y, quarter.q)}财务收支进行了审核。",
        f"本季度共审核收支凭证{count}张，其中收入{money(quarter.income)}元，"
        f"支出{money(quarter.expense)}元。",
        ("审核意见：收支凭证合法有效，审批手续齐全，同意入账并公开。" if not returned else
         f"审核意见：{returned}张凭证经手人签字不全，已退回补签后入账；其余凭证合法有效，"
         "审批手续齐全，同意入账并公开。"),
        f"组长：{p['lc_head']}　成员：{p['lc_1']}、{p['lc_2']}",
    ])
    return title, body


def _environment(place: Place, y: int, q: int, rng: random.Random) -> tuple[str, str]:
    season = {1: "春节前后", 2: "春夏之交", 3: "汛期", 4: "秋冬季"}[q]
    if place.community:
        title = f"{place.short}{qlabel(y, q)}人居环境整治情况"
        body = "\n\n".join([
            f"{qlabel(y, q)}，{place.short}结合{season}特点开展院落和背街小巷环境整治：",
            "\n".join([
                f"- 组织居民和志愿者清理楼道、院坝杂物{rng.randint(3, 9)}次，参与{rng.randint(80, 360)}人次；",
                f"- 清运建筑垃圾和大件垃圾约{rng.randint(10, 60)}吨，清理“牛皮癣”小广告"
                f"{rng.randint(100, 600)}处；",
                f"- 垃圾分类投放点督导{rng.randint(40, 120)}次，厨余垃圾分出率约{rng.randint(18, 32)}%；",
                f"- 评选“文明院落”{rng.randint(2, 8)}个，整改占道堆放、飞线充电等问题"
                f"{rng.randint(6, 40)}处。",
            ]),
            "欢迎居民通过网格员或意见箱反映环境卫生问题。",
        ])
        return title, body
    title = f"{place.short}{qlabel(y, q)}农村人居环境整治情况"
    body = "\n\n".join([
        f"{qlabel(y, q)}，{place.short}结合{season}特点开展人居环境整治，情况如下：",
        "\n".join([
            f"- 组织{place.groups}个{place.group}开展“清垃圾、清沟渠、清杂物”行动{rng.randint(2, 6)}次，"
            f"投入劳力{rng.randint(120, 480)}人次；",
            f"- 清理沟渠{rng.randint(20, 90) / 10}公里，清运生活垃圾和杂物约{rng.randint(30, 160)}吨；",
            f"- 完成农户卫生厕所改造{rng.randint(0, 18)}户，维修公共厕所{rng.randint(0, 3)}座；",
            f"- 评选“美丽庭院”{rng.randint(6, 24)}户，在{place.w('村', '社区')}公开栏张榜表扬；",
            f"- 发现并整改乱堆乱放、畜禽散养等问题{rng.randint(5, 30)}处。",
        ]),
        f"下季度将重点做好{'秸秆禁烧和冬季清洁' if q == 3 else '垃圾分类收集点管护'}，"
        f"欢迎{place.w('村民', '居民')}监督并提出意见。",
    ])
    return title, body


def _safety(place: Place, y: int, q: int, rng: random.Random) -> tuple[str, str]:
    title = f"{place.short}{qlabel(y, q)}平安建设与综治工作情况"
    body = "\n\n".join([
        f"{qlabel(y, q)}，{place.short}平安建设和综治工作情况如下：",
        "\n".join([
            f"- 网格员开展日常巡查{rng.randint(300, 900)}次，上报并处置问题{rng.randint(20, 90)}件；",
            f"- 排查矛盾纠纷{(found := rng.randint(5, 25))}件，已调解化解"
            f"{found - rng.randint(0, 3)}件，其余正在跟进；",
            f"- 开展反电信网络诈骗宣传{rng.randint(2, 8)}场，入户发放宣传资料{rng.randint(500, 2000)}份；",
            f"- 检查沿街商铺、出租屋消防安全{rng.randint(40, 160)}户次，督促整改隐患{rng.randint(5, 30)}处；",
            f"- 组织志愿者夜间巡逻{rng.randint(8, 30)}次。",
        ]),
        f"如发现安全隐患或需要调解的纠纷，请联系所在网格员或拨打{_cun(place)}办公电话{place.site.phone}。",
    ])
    return title, body


def _annual_report(place: Place, quarters: list[Quarter], projects: list[Project],
                   rng: random.Random) -> tuple[str, str]:
    done = [p.name for p in projects if p.kind == "works" and p.finish.year == 2025]
    title = f"{place.org}2025年度工作报告"
    income = quarters[0].income * 4 // 100
    body = "\n\n".join([
        f"2025年，{place.short}“两委”在{place.township.short_name}党工委、办事处的领导下，"
        f"围绕乡村振兴和基层治理，主要做了以下工作：",
        f"**一、集体经济。**全年集体收入约{wan(income)}万元，"
        f"{'合作社经营稳定，' if place.has_coop else ''}各项收支均按季度公开。",
        f"**二、基础设施。**完成{'、'.join(done) or '公共设施维护'}，"
        f"群众生产生活条件进一步改善。",
        f"**三、民生保障。**落实低保、特困、高龄津贴等政策，走访慰问困难群众和老人"
        f"{rng.randint(60, 220)}人次。",
        f"**四、基层治理。**召开{place.meeting}{rng.randint(1, 3)}次、{place.reps}{rng.randint(4, 9)}次，"
        f"村务公开{rng.randint(40, 90)}项，办理群众诉求{rng.randint(20, 120)}件。",
        "**五、存在的不足。**集体经济增收渠道仍然较窄，部分公开内容更新不够及时。",
        f"2026年，我们将抓好专项资金项目建设，推动集体经济发展，做好“两委”换届相关工作。"
        f"本报告已经{place.reps}审议。",
    ])
    return title, body


def _appraisal(place: Place, rng: random.Random) -> tuple[str, str]:
    p = place.people
    reps = rng.randint(36, 60)
    rows = []
    for role, key in (("书记、主任", "secretary"), ("副书记", "deputy_secretary"),
                      ("副主任", "vice_director"), ("委员", "women"), ("委员", "member"),
                      ("委员（兼报账员）", "clerk")):
        unhappy = rng.randint(0, 3)
        basic = rng.randint(1, 8)
        good = reps - unhappy - basic
        rows.append(f"| {p[key]} | {role} | {good} | {basic} | {unhappy} | "
                    f"{100 * (good + basic) / reps:.1f}% |")
    title = f"{place.short}2025年度民主评议{place.w('村', '社区')}干部结果"
    body = "\n\n".join([
        f"{cn_date(date(2026, 1, rng.randint(8, 16)))}，{place.short}组织{place.w('村民', '居民')}代表、"
        f"党员代表{reps}人对“两委”成员2025年度履职情况进行了民主评议，结果如下：",
        "\n".join(["| 姓名 | 职务 | 满意 | 基本满意 | 不满意 | 满意率 |",
                   "|---|---|---:|---:|---:|---:|", *rows]),
        "满意率为“满意”与“基本满意”票数之和占参评人数的比例。评议结果作为年度考核和绩效报酬发放的依据。",
    ])
    return title, body


def _activity(place: Place, rng: random.Random) -> tuple[str, str, date]:
    kind = rng.choice(("chongyang", "duanwu", "spring"))
    if kind == "chongyang":
        day = date(2025, 10, 29)
        n = rng.randint(40, 120)
        title = f"{place.short}开展重阳节敬老活动"
        body = (f"{cn_date(day)}重阳节，{place.short}在党群服务中心开展“九九重阳·情暖夕阳”敬老活动，"
                f"为{n}名老人免费测量血压、血糖，志愿者为行动不便的老人上门理发，"
                f"{place.w('村', '社区')}卫生站医生讲解了秋冬季常见病预防知识。")
    elif kind == "duanwu":
        day = date(2026, 6, 19)
        n = rng.randint(30, 80)
        title = f"{place.short}开展“浓情端午”邻里活动"
        body = (f"{cn_date(day)}，{place.short}组织{n}名{place.w('村民', '居民')}和志愿者包粽子、"
                f"做香囊，包好的粽子由志愿者送到独居老人和困难家庭手中。")
    else:
        day = date(2026, 3, 12)
        n = rng.randint(20, 60)
        title = f"{place.short}组织义务植树活动"
        body = (f"{cn_date(day)}植树节，{place.short}组织党员、志愿者{n}人在"
                f"{place.w('村道两侧和河堤', '社区公园和院落空地')}补植桂花、香樟等苗木"
                f"{rng.randint(80, 300)}株，并落实了后期管护责任人。")
    return title, body, day


def _water_notice(place: Place, day: date, outage: date, hours: str) -> tuple[str, str]:
    title = f"关于{place.short}部分区域临时停水的通知"
    body = "\n\n".join([
        f"接供水单位通知，因{place.township.short_name}供水主管网改造施工，"
        f"{cn_date(outage)}{hours}，{place.short}{'1组至6组' if not place.community else '部分院落'}"
        f"将临时停水。",
        "请各户提前做好储水准备，停水期间关闭水龙头，防止来水时跑水。施工如有调整，另行通知。",
        f"咨询电话：{place.org}办公室 {place.site.phone}。",
    ])
    return title, body


# ---------------------------------------------------------------- the rest of the catalogue
#
# Every other category a village must publish: one text per standing category, the 2025
# yearly reports and registers, 2026-Q2 and Q3 for the remaining quarterly categories, and the
# latest event of a few event categories. Whether each is published on time, late or not at all
# follows the place's profile (_fate), seeded by the site code and the category.

CN_NUM = "一二三四五六七八九十"


def _fate(place: Place, *parts) -> str:
    """on_time, late or missing for one obligation of a place, as its profile has it."""
    on_time, late = place.profile
    roll = _rng(place.code, "fate", *parts).random()
    return "on_time" if roll < on_time else "late" if roll < on_time + late else "missing"


def _fated_day(rng: random.Random, fate: str, lo: date, due: date,
               late_days: tuple[int, ...] = (2, 5, 9, 16, 30)) -> date:
    """A publication day for a fate: within [lo, due], or some days after due."""
    if fate == "on_time":
        return weekday_between(rng, lo, due)
    start = due + timedelta(days=1)
    return weekday_between(rng, start, due + timedelta(days=rng.choice(late_days)))


def masked_mobile(rng: random.Random) -> str:
    """A mobile number as the privacy guard shows it: 139****2876."""
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}****{rng.randint(0, 9999):04d}"


def _numbered(items: list[str]) -> str:
    return "\n\n".join(f"{CN_NUM[i]}、{t}" for i, t in enumerate(items))


def _table(head: list[str], rows: list[list], right: int = 0) -> str:
    """A Markdown table; the last `right` columns are right-aligned."""
    align = ["---"] * (len(head) - right) + ["---:"] * right
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _party(place: Place) -> str:
    return place.w("党总支", "党委")


def _cun(place: Place) -> str:
    return place.w("村", "社区")


def _villagers(place: Place) -> str:
    return place.w("村民", "居民")


def _group_ranges(n: int, parts: int) -> list[str]:
    """Split groups 1..n into `parts` consecutive ranges: ["1—4组", "5—8组", ...]."""
    size, extra = divmod(n, parts)
    out, first = [], 1
    for i in range(parts):
        last = first + size - 1 + (i < extra)
        out.append(f"{first}组" if first == last else f"{first}—{last}组")
        first = last + 1
    return out


# ---- standing texts (one item each; the period is the day it was drawn up)


def _st_intro(place: Place, rng: random.Random) -> tuple[str, str]:
    f = place.facts
    land = f"耕地{f.farmland:,}亩，" if f.farmland else ""
    return f"{place.short}基本概况", "\n\n".join([
        place.feature,
        f"全{_cun(place)}面积{f.area}平方公里，{land}划分{f.grids}个网格，党员{f.members}名。",
        f"{place.org}办公地址：{place.site.address}；电话：{place.site.phone}。",
    ])


def _st_leaders(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    rows, total = [], 0
    per = max(2, place.facts.reps // place.groups)
    for g, leader in enumerate(place.leaders, start=1):
        reps = [pick_name(rng, taken) for _ in range(per)]
        total += per + 1
        rows.append([f"{g}组", leader, "、".join([leader, *reps])])
    return f"{place.short}{place.group}长及{_villagers(place)}代表名单", "\n\n".join([
        f"{place.short}现有{place.group}{place.groups}个，{_villagers(place)}代表{total}名"
        f"（{place.group}长均为{_villagers(place)}代表），名单如下：",
        _table(["小组", "组长", f"{_villagers(place)}代表"], rows),
        f"{_villagers(place)}代表每五年推选一次，每人联系5至15户，负责收集和反映本组意见。",
    ])


def _st_grids(place: Place, rng: random.Random) -> tuple[str, str]:
    f, p = place.facts, place.people
    heads = [p["secretary"], p["deputy_secretary"], p["vice_director"], p["women"], p["member"],
             p["clerk"]]
    taken = set(place.names)
    ranges = _group_ranges(place.groups, min(f.grids, place.groups))
    rows = [[f"第{i}网格", r, heads[(i - 1) % len(heads)], pick_name(rng, taken),
             masked_mobile(rng)] for i, r in enumerate(ranges, start=1)]
    return f"{place.short}网格划分及网格员信息", "\n\n".join([
        f"{place.short}划分{len(rows)}个网格，由“两委”成员任网格长，专职网格员负责日常巡查、"
        "信息采集和矛盾纠纷排查。",
        _table(["网格", "范围", "网格长", "网格员", "联系电话"], rows),
        "网格员手机号码仅显示前三位和后四位，完整号码张贴在各小组公示牌上。",
    ])


def _st_party(place: Place, rng: random.Random) -> tuple[str, str]:
    f, p = place.facts, place.people
    party = place.w("党总支", "党委")
    taken = set(place.names)
    ranges = _group_ranges(place.groups, f.branches)
    rows = [[f"第{CN_NUM[i]}党支部", pick_name(rng, taken), r] for i, r in enumerate(ranges)]
    return f"{place.short}{party}设置及班子成员分工", "\n\n".join([
        f"{place.short}{party}下设{f.branches}个党支部，共有党员{f.members}名。",
        f"{party}班子：书记{p['secretary']}（主持全面工作），副书记{p['deputy_secretary']}"
        f"（党建、宣传和党员教育管理），委员{p['vice_director']}（组织和产业发展）、"
        f"{p['women']}（纪检和群团工作）。",
        _table(["党支部", "支部书记", "联系小组"], rows),
    ])


def _st_powers(place: Place, rng: random.Random) -> tuple[str, str]:
    limit = rng.choice((2000, 3000, 5000))
    return f"{place.short}小微权力清单和廉洁履职规定", "\n\n".join([
        "**小微权力清单**",
        "\n".join([
            f"1. 重大事项决策：按“四议两公开”程序，由{place.reps}或{place.meeting}决定；",
            "2. 集体资产资源发包、出租：经民主决策后通过产权交易服务站公开交易；",
            "3. 工程项目建设：5万元以上项目公开比选，合同和验收结果公开；",
            f"4. 财务开支：{limit:,}元以下由主任审批，以上由“两委”集体研究；",
            "5. 低保、临时救助等初审：入户调查、民主评议后报街道审核；",
            "6. 宅基地申请：小组评议、村级审查后报街道审批；",
            "7. 印章使用和证明出具：登记备查，不出具与事实不符的证明。",
        ]),
        f"**廉洁履职规定：**{_cun(place)}干部不得在集体资产处置、项目建设中为本人和亲属谋利，"
        f"不得优亲厚友；违反规定的，由{place.township.short_name}纪工委依规处理。",
    ])


def _st_mandate(place: Place, rng: random.Random) -> tuple[str, str]:
    day = date(2025, 9, rng.randint(6, 26))
    cap = rng.choice((10, 20, 30))
    return f"{place.short}{place.meeting}授权{place.reps}的事项和范围", "\n\n".join([
        f"经{cn_date(day)}{place.meeting}表决通过，授权{place.reps}讨论决定下列事项：",
        "\n".join([
            f"1. 单项投资{cap}万元以下的公益事业建设项目；",
            f"2. {place.fund_name}年度使用计划；",
            "3. 集体资产资源年租金20万元以下、期限5年以下的出租、发包；",
            "4. 享受误工补贴的人员及补贴标准；",
            f"5. {place.meeting}交办的其他事项。",
        ]),
        "集体收益分配、土地承包方案、宅基地使用方案和征地补偿费分配不得授权，"
        f"由{place.meeting}决定。授权期限至本届{place.committee}任期届满。",
    ])


def _st_workrules(place: Place, rng: random.Random) -> tuple[str, str]:
    return f"{place.short}{place.committee}工作制度和办事指南", "\n\n".join([
        _numbered([
            f"坐班值班：“两委”成员轮流坐班，工作日9:00—12:00、13:30—17:30在便民服务站接待"
            f"{_villagers(place)}；节假日安排值班，值班电话{place.site.phone}。",
            "工作例会：每周一召开“两委”例会，研究部署当周工作，会议记录存档备查。",
            "首问负责：来访事项由首位接待人员登记并负责办理或转交，不得推诿。",
            "限时办结：能当场办理的当场办结；需上报的3个工作日内报送，并告知办理进度。",
        ]),
        "**常办事项**",
        _table(["事项", "所需材料", "时限"], [
            ["居住证明、亲属关系证明", "身份证、户口簿", "当场"],
            ["低保、临时救助申请(代办)", "身份证、户口簿、收入证明", "3个工作日内转报"],
            ["农村建房申请(代办)" if not place.community else "居住证申领(代办)",
             "身份证、户口簿、申请表", "5个工作日内转报"],
            ["高龄津贴申请", "身份证、户口簿", "5个工作日"],
        ]),
    ])


def _st_jianwei_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    return f"{place.short}{place.jianwei}工作制度", _numbered([
        f"监委会由{place.reps}选举产生，向{place.meeting}和{place.reps}负责并报告工作。",
        f"列席“两委”会议，对{place.w('村务', '居务')}决策、财务收支、工程项目、惠民资金发放进行监督。",
        "每季度会同民主理财小组审核全部收支凭证，未经审核的不得入账和公开。",
        f"{place.w('村务', '居务')}公开内容须经监委会会签后发布；有不同意见的，在会签时写明并一同公开。",
        "每季度向群众公开监督情况报告，每年向村民代表会议述职一次。",
        "监委会成员及其近亲属不得担任报账员和集体工程施工方。",
    ])


def _st_appraisal_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    return f"{place.short}民主评议{_cun(place)}干部制度", _numbered([
        f"每年1月由{place.jianwei}组织{_villagers(place)}代表和党员代表对“两委”成员上年度履职情况进行评议。",
        "评议前，“两委”成员在会上述职述廉，接受询问。",
        "评议采取无记名投票，分满意、基本满意、不满意三档，当场计票，结果在公开栏和本平台公开。",
        "满意率作为年度考核和绩效报酬发放的依据；不满意票超过半数的，由街道约谈并限期整改。",
        "连续两年不满意票超过半数的，依照《村民委员会组织法》启动罢免程序。",
    ])


def _st_consult_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    members = place.groups * 2 + rng.randint(1, 5)
    return f"{place.short}{_villagers(place)}议事会议事规则", _numbered([
        f"{_villagers(place)}议事会由各{place.group}推选的{members}名议事会成员组成，"
        f"受{place.meeting}委托对日常事务进行议事协商。",
        "议事会原则上每月召开一次，须有三分之二以上成员到会，决定须经到会成员过半数同意。",
        f"议题由{_party(place)}、{place.committee}或五分之一以上议事会成员提出，会前三天公告。",
        "议事结果在五日内公开，实施情况在季度决定事项实施情况中一并公开。",
    ])


def _st_seal_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    p = place.people
    return f"{place.short}{place.committee}印章使用管理制度", _numbered([
        f"{place.committee}印章由{p['clerk']}保管，财务专用章与名章分人保管。",
        "用印须填写用印登记簿，写明事由、份数和经办人，由主任或其授权的副主任签批。",
        "严禁在空白纸张、空白介绍信上加盖印章；确需外出用印的，须两人同行。",
        "出具证明须以事实为依据，不得出具与事实不符的证明。",
        f"用印登记簿每季度由{place.jianwei}检查一次。",
    ])


def _st_archive_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    return f"{place.short}档案管理制度", _numbered([
        f"{_cun(place)}档案包括文书、会计、基建项目、{place.meeting}记录和土地承包等档案，"
        "由报账员集中管理，存放在党群服务中心档案室。",
        "每年3月底前将上年度文件材料整理归档；会计档案按规定期限保管。",
        f"{_villagers(place)}查阅与本人有关的档案，持身份证登记后在档案室查阅，不得带出。",
        "档案室做到防火、防潮、防虫、防盗；档案损毁、遗失的，追究保管人责任。",
    ])


def _st_jobs_rules(place: Place, rng: random.Random) -> tuple[str, str]:
    cleaners, river = rng.randint(4, 12), rng.randint(1, 3)
    pay = rng.choice((1200, 1500, 1800))
    return f"{place.short}公益性岗位管理办法", _numbered([
        f"全{_cun(place)}设保洁员{cleaners}名、" + (f"河道巡查员{river}名" if not place.community
                                           else f"公共设施管护员{river}名") + "。",
        "岗位人员优先从脱贫人口、低保家庭成员和就业困难人员中公开招聘，名单公示5天。",
        f"岗位补贴每人每月{pay:,}元，按月考核发放，考核不合格的扣减当月补贴。",
        "连续两个月考核不合格或无故缺岗10天以上的，解除岗位协议。",
    ])


def _st_clinic(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    doctors = [pick_name(rng, taken) for _ in range(2)]
    where = place.w("卫生室", "卫生服务站")
    return f"{place.short}{where}和基本公共卫生服务", "\n\n".join([
        f"{place.short}{where}设在党群服务中心旁，{place.w('乡村医生', '全科医生')}{doctors[0]}、"
        f"{doctors[1]}，"
        f"开诊时间每天8:30—12:00、14:00—17:30。",
        "免费提供：65岁以上老年人年度体检、高血压和糖尿病患者随访、孕产妇和0—6岁儿童健康管理、"
        "家庭医生签约服务。预防接种在街道社区卫生服务中心进行。",
        f"截至目前，家庭医生签约{rng.randint(1200, 3000) if place.community else rng.randint(500, 1500)}人，"
        f"重点人群签约率{rng.randint(72, 90)}%。",
    ])


def _st_legal(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    lawyer = pick_name(rng, taken)
    firm = rng.choice(("四川蜀鼎律师事务所", "四川川西律师事务所", "四川锦望律师事务所"))
    week = rng.choice(("第一", "第二", "第三"))
    day = rng.choice(("二", "三", "四"))
    return f"{place.short}法律顾问和公共法律服务", "\n\n".join([
        f"{place.short}法律顾问：{firm}{lawyer}律师。每月{week}个星期{day}上午在党群服务中心坐班，"
        f"免费提供法律咨询、合同审查和纠纷调解指导。",
        "其他时间可拨打12348公共法律服务热线，或到街道公共法律服务站咨询。符合条件的困难群众"
        "可申请法律援助。",
    ])


def _st_elder(place: Place, rng: random.Random) -> tuple[str, str]:
    beds = rng.randint(6, 20)
    price = rng.choice((8, 10, 12))
    return f"{place.short}养老服务站和日间照料", "\n\n".join([
        f"{place.short}养老服务站设在党群服务中心一楼，面积约{rng.randint(150, 600)}平方米，设日间照料"
        f"床位{beds}张，开放时间每天8:30—17:30。",
        f"服务内容：老年助餐（午餐每餐{price}元，80岁以上老人每餐减免2元）、健康监测、文化娱乐；"
        "对失能、独居老人提供上门探访。",
        f"截至目前，{_cun(place)}内80岁以上老人{place.facts.elders}人，已建立探访台账。",
    ])


def _st_veterans(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    head = pick_name(rng, taken, False)
    return f"{place.short}退役军人服务站", "\n\n".join([
        f"{place.short}退役军人服务站站长{head}，设在党群服务中心，工作日9:00—17:00对外服务。",
        "服务内容：退役军人信息采集、优抚对象待遇申请代办、就业创业政策咨询、困难帮扶、"
        "节日走访慰问和“光荣之家”悬挂。",
        f"辖区登记退役军人和其他优抚对象{place.facts.veterans}人。",
    ])


def _st_disabled(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    officer = pick_name(rng, taken)
    return f"{place.short}残疾人服务", "\n\n".join([
        f"{place.short}残疾人专职委员：{officer}，工作日在便民服务站办公。",
        "代办事项：残疾人证申请和换领、困难残疾人生活补贴和重度残疾人护理补贴申请、辅助器具申领、"
        "残疾人家庭无障碍改造申请。",
        f"辖区持证残疾人{place.facts.disabled}人，两项补贴对象名单每季度公开。",
    ])


def _st_agency(place: Place, rng: random.Random) -> tuple[str, str]:
    rows = [
        ["城乡居民养老保险参保登记、待遇申领", "即办"],
        ["城乡居民医疗保险参保缴费", "即办"],
        ["最低生活保障、临时救助申请", "3个工作日内转报"],
        ["高龄津贴申请", "3个工作日内转报"],
        ["残疾人证申请和两项补贴申请", "3个工作日内转报"],
        ["农村建房申请" if not place.community else "居住证申领", "5个工作日内转报"],
        ["独生子女父母奖励扶助申请", "5个工作日内转报"],
        ["退役军人优待证申领", "5个工作日内转报"],
    ]
    return f"{place.short}代办事项清单", "\n\n".join([
        f"以下事项可由{place.short}便民服务站代办员全程代办，群众只需提供材料：",
        _table(["代办事项", "转报时限"], rows),
        f"代办员：{place.people['clerk']}，电话{place.site.phone}。代办不收取任何费用。",
    ])


def _st_station(place: Place, rng: random.Random) -> tuple[str, str]:
    return f"{place.short}便民服务站地址、电话和服务时间", "\n\n".join([
        f"地址：{place.site.address}一楼。电话：{place.site.phone}。",
        "服务时间：工作日9:00—12:00、13:30—17:30；周六上午安排值班。",
        f"行动不便的老人和残疾人可电话预约上门服务。对服务有意见的，可向{place.jianwei}反映。",
    ])


def _st_bookkeeping(place: Place, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    accountant = pick_name(rng, taken)
    kept = place.code in TOWNSHIP_KEPT
    return f"{place.short}会计委托代理服务信息", "\n\n".join([
        f"{place.short}财务由{place.township.short_name}农村集体“三资”代理服务中心委托代理，"
        f"代理会计{accountant}，{_cun(place)}报账员{place.people['clerk']}。",
        "报账时间：每月5日至15日。原始凭证经民主理财小组审核、监委会签字后报账。",
        ("本村季度财务公开资料由代理服务中心代为编制，民主理财小组审核会签后发布。" if kept else
         f"季度财务公开资料由代理服务中心提供，{_cun(place)}报账员发布，民主理财小组会签。"),
    ])


def _coop_name(place: Place) -> str:
    return f"{place.short}股份经济合作社"


def _st_coop_info(place: Place, rng: random.Random) -> tuple[str, str]:
    members = int(place.population * rng.uniform(0.9, 0.98))
    code = (f"N2{place.code[:6]}MF{rng.randint(0, 9)}{rng.choice('ABCDEFGHJK')}"
            f"{rng.randint(1000, 9999)}{rng.choice('LMNPQRTUWXY')}{rng.randint(1, 9)}")
    return f"{_coop_name(place)}登记赋码信息", "\n\n".join([
        f"名称：{_coop_name(place)}。统一社会信用代码：{code}。",
        f"登记机关：{place.district.short_name}农业农村局。成立日期："
        f"{cn_date(date(2019, rng.randint(3, 11), rng.randint(1, 28)))}。",
        f"法定代表人(理事长)：{place.people['secretary']}；监事长：{place.people['jw_head']}。",
        f"成员{members:,}人，股份以户为单位固化管理，“生不增、死不减”。",
    ])


def _st_coop_charter(place: Place, rng: random.Random) -> tuple[str, str]:
    share = rng.choice((15, 20))
    return f"{_coop_name(place)}章程（摘要）", _numbered([
        f"本社是{place.short}农民集体所有的资产经营管理主体，依法代表成员行使集体资产所有权。",
        "成员大会是本社的权力机构；成员代表大会由成员代表组成，每五年选举一次。",
        "理事会负责日常经营管理，监事会负责监督理事会和财务。",
        f"年度收益在弥补亏损后，提取不低于{share}%的公积公益金，其余按股分红。",
        "集体资产出租、发包和对外投资须经成员(代表)大会讨论决定，并公开交易。",
    ])


STANDING_TEXTS = {
    "A01.01": _st_intro, "A01.05": _st_leaders, "A01.06": _st_grids, "A02.01": _st_party,
    "A02.08": _st_powers, "A04.05": _st_mandate, "A05.02": _st_workrules,
    "A05.03": _st_jianwei_rules, "A05.04": _st_appraisal_rules, "A05.05": _st_consult_rules,
    "A05.06": _st_seal_rules, "A05.08": _st_archive_rules, "A05.09": _st_jobs_rules,
    "A08.03": _st_clinic, "A08.08": _st_legal, "A08.09": _st_elder, "A08.12": _st_veterans,
    "A08.13": _st_disabled, "A12.02": _st_agency, "A12.05": _st_station,
    "B08.05": _st_bookkeeping, "B10.01": _st_coop_info, "B10.02": _st_coop_charter,
}


# ---- yearly texts for 2025


@dataclass
class Books:
    """What a place's yearly, quarterly and event texts draw on."""

    projects: list[Project]
    quarters: list[Quarter]
    households: list[Household]


NIL_LAND = "经2025年度清产核资，本{cun}无{what}。"


def _budget(place: Place, books: Books) -> list[tuple[str, int, int]]:
    """2025's budget lines (name, plan, actual; 元), from the fourth quarter's books."""
    rng = _rng(place.code, "budget-2025")
    q4 = books.quarters[0]
    out = []
    for code, name in LEAF_NAMES.items():
        fen = sum(ln.fen for ln in q4.lines.get(code, []))
        if not fen:
            continue
        actual = fen * 4 // 100 * rng.randint(90, 112) // 100
        step = 1000 if actual >= 20000 else 100
        plan = actual * rng.randint(88, 112) // 100 // step * step or step
        out.append((name, plan, actual))
    return out


def _yr_population(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f, pop = place.facts, place.population
    rows = [["户籍户数(户)", f"{place.households:,}"], ["户籍人口(人)", f"{pop:,}"],
            ["其中60岁以上(人)", f"{int(pop * rng.uniform(0.2, 0.27)):,}"],
            ["全年出生(人)", rng.randint(pop // 160, pop // 110)],
            ["全年死亡(人)", rng.randint(pop // 120, pop // 80)]]
    if f.migrants:
        rows.append(["外出务工(人)", f"{f.migrants:,}"])
    rows.append(["本地就业和灵活就业(人)", f"{int(pop * rng.uniform(0.25, 0.35)):,}"])
    if f.farmland:
        rows.append(["耕地面积(亩)", f"{f.farmland:,}"])
    return f"{place.short}2025年度人口与就业概况", "\n\n".join([
        f"截至2025年12月31日，{place.short}人口与就业情况如下：",
        _table(["项目", "数量"], rows, 1),
        "数据来源：户籍登记、网格员入户核实和就业登记台账。",
    ])


def _yr_party_goals(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    target = rng.randint(20, 60)
    actual = int(target * rng.uniform(0.85, 1.2))
    rows = [
        ["发展党员", f"计划{rng.randint(1, 2)}名", "已完成，发展对象均经公示"],
        ["“三会一课”", "按季度落实", f"召开党员大会{rng.randint(4, 6)}次、讲党课{rng.randint(4, 6)}次"],
        ["集体经济收入", f"{target}万元", f"{actual}万元（完成{100 * actual // target}%）"],
        ["人居环境整治", "每季度评比一次", f"评选“{place.w('美丽庭院', '文明院落')}”"
                                    f"{rng.randint(30, 90)}户"],
        ["矛盾纠纷化解", "小事不出组", f"调解纠纷{rng.randint(15, 60)}件，无越级上访"],
    ]
    return f"{place.short}{_party(place)}2025年度工作目标及完成情况", "\n\n".join([
        _table(["目标", "年初计划", "完成情况"], rows),
        f"2026年，{_party(place)}将重点抓好集体经济增收和“两委”换届后的班子建设。",
    ])


def _yr_dues(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    members = place.facts.members
    due = members * rng.randint(24, 40) + rng.randint(0, 99)
    back = due * rng.choice((40, 50)) // 100
    return f"{place.short}{_party(place)}2025年度党费收缴、使用和管理情况", "\n\n".join([
        f"2025年，{_party(place)}应交党费党员{members}名，全年收缴党费{due:,}元，"
        f"已按季度全额上缴{place.township.short_name}党工委。",
        f"{place.township.short_name}党工委下拨党费{back:,}元，用于订阅党报党刊"
        f"{back * 45 // 100:,}元、慰问困难党员和老党员{back - back * 45 // 100:,}元。",
        "党费收缴按月登记，账目由党支部书记和组织委员共同核对。",
    ])


def _yr_party_review(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    members = place.facts.members
    away = rng.randint(1, max(2, members // 15))
    judged = members - away
    excellent = judged * rng.randint(12, 18) // 100
    basic = rng.randint(0, 2)
    return f"{place.short}2025年度民主评议党员结果", "\n\n".join([
        f"{cn_date(date(2026, 1, rng.randint(10, 24)))}，{_party(place)}组织召开民主评议党员大会。"
        f"全{_cun(place)}党员{members}名，参评{judged}名（{away}名流动党员书面报告思想和工作情况）。",
        _table(["评议等次", "人数"], [["优秀", excellent], ["合格", judged - excellent - basic],
                                   ["基本合格", basic], ["不合格", 0]], 1),
        "评议结果已报街道党工委备案。",
    ])


def _yr_allowances(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    pay = place.facts.leader_pay
    rows = [[f"{g}组", name, place.group + "长", pay, f"{pay * 12:,}"]
            for g, name in enumerate(place.leaders, start=1)]
    total = pay * 12 * len(rows)
    return f"{place.short}2025年度享受误工补贴人员及补贴标准", "\n\n".join([
        f"经{place.reps}讨论决定，{place.group}长误工补贴标准为每人每月{pay}元，按季度发放。",
        _table(["小组", "姓名", "职务", "标准(元/月)", "全年(元)"], rows, 2),
        f"全年合计{total:,}元，在管理费用中列支，发放情况随季度财务公开。",
    ])


def _yr_pension(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    insured = int(place.population * rng.uniform(0.32, 0.42))
    paid = int(place.population * rng.uniform(0.18, 0.24))
    tiers = [(300, 0.46), (500, 0.22), (800, 0.12), (1000, 0.1), (1500, 0.1)]
    rows = [[f"{t:,}元档", int(insured * share)] for t, share in tiers]
    return f"{place.short}2025年度城乡居民基本养老保险参保和待遇情况", "\n\n".join([
        f"2025年，{place.short}城乡居民基本养老保险参保缴费{insured:,}人，按月领取待遇{paid:,}人，"
        f"人均月待遇约{rng.randint(230, 320)}元。",
        _table(["缴费档次", "人数"], rows, 1),
        "缴费档次越高、缴费年限越长，领取的养老金越多。2026年度集中缴费期为3月10日至6月30日。",
    ])


def _yr_land_fund(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}2025年度耕地保护基金发放标准与名单"
    if not f.farmland:
        return title, f"本{_cun(place)}无承包耕地，2025年度不涉及耕地保护基金发放。"
    rows, total = [], 0
    per = f.farmland // place.groups
    for g in range(1, place.groups + 1):
        mu = per + rng.randint(-per // 6, per // 6)
        basic = mu * rng.randint(75, 90) // 100
        amount = basic * 400 + (mu - basic) * 300
        total += amount
        rows.append([f"{g}组", rng.randint(mu // 3, mu // 2), basic, mu - basic, f"{amount:,}"])
    return title, "\n\n".join([
        "发放标准：永久基本农田每亩每年400元，一般耕地每亩每年300元。",
        _table(["小组", "农户(户)", "基本农田(亩)", "一般耕地(亩)", "金额(元)"], rows, 4),
        f"全{_cun(place)}合计{total:,}元，已于2025年12月发放至承包农户“一卡通”账户。"
        "分户明细在各小组公示牌张贴，本人可在本平台查询。",
    ])


def _yr_budget(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    lines = _budget(place, books)
    rows = [[n, f"{p:,}"] for n, p, _a in lines]
    return f"{place.short}2025年度财务收支计划", "\n\n".join([
        f"经{place.reps}审议通过，{place.short}2025年度财务收支计划如下（单位：元）：",
        _table(["项目", "计划数"], rows, 1),
        "计划执行中确需调整的，须经“两委”研究并提交村民代表会议审议。",
    ])


def _yr_capital_plan(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    rows = [[p.name, f"{p.amount:,}", f"{place.fund_name}和集体收入"]
            for p in books.projects if p.kind == "works" and p.start.year == 2025]
    kit = rng.randint(6, 20) * 1000
    rows.append(["购置分类垃圾桶和保洁工具", f"{kit:,}", "集体收入"])
    return f"{place.short}2025年度固定资产购建与基本建设计划", "\n\n".join([
        _table(["项目", "计划投资(元)", "资金来源"], rows, 0),
        "以上项目按“四议两公开”程序实施，完成情况在季度决定事项实施情况中公开。",
    ])


def _yr_accounts(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    lines = _budget(place, books)
    rows = [[n, f"{p:,}", f"{a:,}", f"{100 * a / p:.1f}%"] for n, p, a in lines]
    return f"{place.short}2025年度财务计划执行情况", "\n\n".join([
        f"{place.short}2025年度财务收支计划执行情况如下（单位：元）：",
        _table(["项目", "计划数", "执行数", "执行率"], rows, 3),
        "执行数与计划数差异较大的项目，已在年度工作报告中说明原因。",
    ])


def _yr_fixed(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    rows = [["党群服务中心办公用房", "1处", rng.randint(2012, 2019),
             f"{rng.randint(80, 260) * 10000:,}", "在用"]]
    if not place.community:
        rows.append(["农田灌溉提灌站", f"{rng.randint(3, 8)}座", rng.randint(2008, 2016),
                     f"{rng.randint(20, 60) * 10000:,}", "在用"])
        rows.append(["村道(硬化)", f"{rng.randint(60, 140) / 10}公里", rng.randint(2010, 2020),
                     f"{rng.randint(200, 600) * 10000:,}", "在用"])
    else:
        rows.append(["院落门禁和监控设施", f"{rng.randint(8, 30)}套", rng.randint(2018, 2023),
                     f"{rng.randint(10, 40) * 10000:,}", "在用"])
    rows.append(["办公电脑、打印机等设备", f"{rng.randint(6, 14)}台", rng.randint(2019, 2024),
                 f"{rng.randint(3, 9) * 10000:,}", "在用"])
    return f"{place.short}固定资产台账(2025年末)", "\n\n".join([
        _table(["资产名称", "数量", "取得年份", "状态", "原值(元)"],
               [[a, b, c, e, d] for a, b, c, d, e in rows], 1),
        "固定资产每年末清查一次，新增、报废和处置按规定程序办理并公开。",
    ])


def _yr_stock(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    rows = [["防汛编织袋", f"{rng.randint(5, 20) * 100}条", "党群服务中心库房"],
            ["救生衣", f"{rng.randint(10, 40)}件", "党群服务中心库房"],
            ["铁锹、手推车等工具", f"{rng.randint(10, 40)}件", "党群服务中心库房"],
            ["分类垃圾桶(备用)", f"{rng.randint(10, 60)}个", f"{_cun(place)}保洁站"]]
    return f"{place.short}库存物资清查情况(2025年末)", "\n\n".join([
        _table(["物资", "数量", "存放地点"], rows),
        "应急物资专物专用，领用须登记，使用后及时补充。",
    ])


def _yr_investment(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}对外投资情况(2025年末)"
    if not f.shares:
        return title, NIL_LAND.format(cun=_cun(place), what="对外投资")
    return title, (f"2021年经{place.meeting}决定，{place.short}以集体资金{f.shares:,}元入股"
                   f"{place.township.short_name}农村集体经济联合社，持股比例"
                   f"{f.shares / 4_000_000 * 100:.2f}%。2025年度分红于2026年3月到账，"
                   "详见2026年第一季度投资收益明细。")


def _yr_bio(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}生物资产情况(2025年末)"
    if not f.forest:
        return title, NIL_LAND.format(cun=_cun(place), what="林木、牲畜等生物资产")
    trees = f.forest * rng.randint(40, 70)
    return title, _table(["品种", "数量", "分布", "估值(元)"], [
        ["桤木、香樟等集体林木", f"{trees:,}株", "河堤和村道两侧", f"{trees * rng.randint(30, 60):,}"],
    ], 1)


def _yr_farmland(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}耕地、园地、林地、草地情况(2025年末)"
    if not f.farmland:
        return title, NIL_LAND.format(cun=_cun(place), what="集体耕地、园地、林地和草地")
    rows = [["耕地(已承包到户)", f"{f.farmland:,}", "家庭承包经营"]]
    if f.reserve:
        rows.append(["机动地", f.reserve, "公开发包"])
    if f.forest:
        rows.append(["林地", f.forest, "集体统一管护"])
    return title, _table(["类别", "面积(亩)", "经营方式"], rows) + "\n\n无集体草地。"


def _yr_water(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}水面、滩涂情况(2025年末)"
    if not f.ponds:
        return title, NIL_LAND.format(cun=_cun(place), what="集体水面和滩涂")
    leased = rng.randint(0, f.ponds // 2)
    return title, (f"集体堰塘{f.ponds}口，水面合计{f.pond_mu}亩，主要用于农田灌溉和调蓄；"
                   + (f"其中{leased}口经公开发包用于养殖，承包费计入发包收入。" if leased
                      else "均未对外发包。") + "无滩涂。")


def _yr_wasteland(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    return (f"{place.short}“四荒地”情况(2025年末)",
            NIL_LAND.format(cun=_cun(place), what="荒山、荒沟、荒丘、荒滩等“四荒地”"))


def _yr_building_land(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}集体建设用地情况(2025年末)"
    if not f.build:
        return title, NIL_LAND.format(cun=_cun(place), what="集体建设用地")
    office = min(f.build, rng.randint(3, 6))
    rows = [["党群服务中心及广场", office, "公共服务"]]
    if f.build > office:
        rows.append(["原村小学及集体厂房" if not place.community else "集体物业用房",
                     f.build - office, "出租经营"])
    return title, _table(["地块", "面积(亩)", "用途"], rows, 0)


def _yr_reserve(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}机动地发包情况(2025年末)"
    if not f.reserve:
        return title, NIL_LAND.format(cun=_cun(place), what="机动地")
    taken = set(place.names)
    n = rng.randint(2, 4)
    parts = [f.reserve // n] * (n - 1) + [f.reserve - f.reserve // n * (n - 1)]
    rows = [[pick_name(rng, taken), f"{rng.randint(1, place.groups)}组", "2024—2026年", mu,
             f"{rng.choice((900, 1000, 1200)):,}"] for mu in parts]
    return title, "\n\n".join([
        _table(["承包方", "所在小组", "期限", "面积(亩)", "承包费(元/亩·年)"], rows, 2),
        "机动地经村民代表会议同意后公开发包，承包费每年1月收取。",
    ])


def _yr_debt(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    f = place.facts
    title = f"{place.short}2025年度村级债务化解情况"
    if not f.debt:
        return title, f"截至2025年12月31日，{place.short}无村级债务，未新增债务。"
    paid = f.debt * rng.randint(30, 70) // 100 // 1000 * 1000
    return title, "\n\n".join([
        _table(["项目", "金额(元)"], [["年初债务余额", f"{f.debt:,}"], ["本年化解", f"{paid:,}"],
                                  ["年末债务余额", f"{f.debt - paid:,}"]], 1),
        "债务主要为以前年度公益工程欠款，本年用集体发包收入偿还，未新增债务。",
    ])


def _dividend(books: Books) -> Project | None:
    return next((p for p in books.projects if p.kind == "dividend"), None)


def _yr_shares(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    d = _dividend(books)
    title = f"{place.short}2025年度成员分红情况"
    if d is None:
        return title, f"{_coop_name(place)}2025年度经营收益较少，经成员代表大会决定不进行分红。"
    e = d.extra
    rows, left = [], e["members"]
    for g in range(1, place.groups + 1):
        n = left if g == place.groups else e["members"] // place.groups + rng.randint(-5, 5)
        left -= n
        rows.append([f"{g}组", n, f"{n * e['per']:,}"])
    return title, "\n\n".join([
        f"按{cn_date(d.decided)}{place.meeting}决定，每名成员分红{e['per']}元。",
        _table(["小组", "成员(人)", "分红(元)"], rows, 2),
        f"合计{e['members']:,}人、{d.amount:,}元，已于{cn_month(d.finish)}发放至成员本人账户。",
    ])


def _yr_reserve_fund(place: Place, rng: random.Random, books: Books) -> tuple[str, str]:
    d = _dividend(books)
    title = f"{place.short}2025年度公积公益金提取情况"
    if d is None:
        return title, "2025年度集体经营收益较少，未提取公积公益金，收益全部用于公益事业支出。"
    return title, (f"2025年度可分配收益{d.extra['total']:,}元，按章程提取公积公益金"
                   f"{d.extra['reserve']:,}元，用于集体公益设施维护和发展生产，使用情况随季度财务公开。")


# code: (text, due, reviewer) — "fin" for the finance reviewer, "sup" for the 监委会.
YEARLY_TEXTS = {
    "A01.02": _yr_population, "A02.03": _yr_party_goals, "A02.05": _yr_dues,
    "A02.07": _yr_party_review, "A06.03": _yr_allowances, "A08.05": _yr_pension,
    "A13.02": _yr_land_fund, "B01.01": _yr_budget, "B01.02": _yr_capital_plan,
    "B01.03": _yr_accounts, "B04.02": _yr_fixed, "B04.03": _yr_stock, "B04.04": _yr_investment,
    "B04.05": _yr_bio, "B05.01": _yr_farmland, "B05.02": _yr_water, "B05.03": _yr_wasteland,
    "B05.04": _yr_building_land, "B05.05": _yr_reserve, "B06.03": _yr_debt,
    "B07.02": _yr_shares, "B07.03": _yr_reserve_fund,
}


# ---- quarterly texts (2026-Q2 and Q3)

THEMES = {4: ("清明祭英烈", "学习贯彻全国两会精神"), 5: ("“五一”志愿服务进院落", "防汛安全隐患排查"),
          6: ("防溺水安全宣传", "“七一”前夕走访老党员"), 7: ("“七一”重温入党誓词", "防汛值守和巡查"),
          8: ("“八一”走访退役军人", "暑期关爱留守儿童"), 9: ("秋收秋种志愿服务", "反电信网络诈骗宣传")}


def _qt_party_life(place: Place, y: int, q: int, rng: random.Random, books: Books
                   ) -> tuple[str, str]:
    months = [3 * q - 2, 3 * q - 1, 3 * q]
    members = place.facts.members
    rows = [[f"{m}月", rng.choice(THEMES[m]),
             int(members * rng.uniform(0.7, 0.9))] for m in months]
    return f"{place.short}{qlabel(y, q)}“三会一课”和主题党日开展情况", "\n\n".join([
        f"本季度召开党员大会1次、支委会{rng.randint(3, 5)}次、党小组会{rng.randint(3, 8)}次；"
        f"{place.people['secretary']}讲党课1次。",
        _table(["月份", "主题党日内容", "参加党员(人)"], rows, 1),
        "流动党员通过线上方式参加学习。",
    ])


def _qt_temporary(place: Place, y: int, q: int, rng: random.Random, books: Books
                  ) -> tuple[str, str]:
    title = f"{place.short}{qlabel(y, q)}临时救助对象及金额"
    n = rng.choice((0, 1, 1, 2, 3))
    if not n:
        return title, f"{qlabel(y, q)}，{place.short}无临时救助对象。"
    taken = set(place.names)
    qs = quarter_start(y, q)
    rows = [[pick_name(rng, taken), f"{rng.randint(1, place.groups)}组",
             rng.choice(("因病支出过大", "遭遇意外事故", "房屋受损", "突发重大变故")),
             f"{rng.randint(8, 40) * 100:,}", f"{qs.month + rng.randint(0, 2)}月"]
            for _ in range(n)]
    return title, "\n\n".join([
        _table(["户主", "小组", "救助事由", "金额(元)", "发放时间"], rows, 0),
        "临时救助经本人申请、入户核实和街道审批，资金直接发放至本人账户。",
    ])


def _qt_medical(place: Place, y: int, q: int, rng: random.Random, books: Books
                ) -> tuple[str, str]:
    taken = set(place.names)
    rows = [[pick_name(rng, taken), f"{rng.randint(1, place.groups)}组",
             rng.choice(("住院救助", "门诊慢特病救助", "住院救助")),
             f"{rng.randint(300, 6000):,}"] for _ in range(rng.randint(1, 4))]
    return f"{place.short}{qlabel(y, q)}医疗救助情况", "\n\n".join([
        _table(["姓名", "小组", "救助类别", "救助金额(元)"], rows, 1),
        "医疗救助对象为低保对象、特困人员和低收入家庭成员，救助金额由医保经办机构“一站式”结算。",
    ])


DISABILITY_AID = {"困难残疾人生活补贴": 90, "重度残疾人护理补贴": 80, "两项补贴": 170}


def _disabled_counts(place: Place, q: int) -> dict[str, int]:
    """Recipients of each 残疾人两项补贴 at the end of 2026-Q2 or Q3."""
    rng = _rng(place.code, "disabled", q)
    total = max(4, place.facts.disabled // 4) + (q == 3) * rng.randint(0, 2)
    both = total // 4
    care = (total - both) // 3
    return {"困难残疾人生活补贴": total - both - care, "重度残疾人护理补贴": care,
            "两项补贴": both}


def _qt_disabled(place: Place, y: int, q: int, rng: random.Random, books: Books
                 ) -> tuple[str, str]:
    counts = _disabled_counts(place, q)
    rows = [[k, n, v, f"{n * v * 3:,}"] for k, v in DISABILITY_AID.items() if (n := counts[k])]
    taken = set(place.names)
    joined = [f"{pick_name(rng, taken)}（{rng.randint(1, place.groups)}组，"
              f"{rng.choice(list(DISABILITY_AID))}）" for _ in range(rng.randint(1, 2))]
    return f"{place.short}{qlabel(y, q)}残疾人两项补贴对象情况", "\n\n".join([
        _table(["补贴类别", "人数", "标准(元/月)", "本季度(元)"], rows, 3),
        f"本季度新增：{'、'.join(joined)}。全部名单在{_cun(place)}公开栏张贴，本人可在本平台查询；"
        "名单不公开残疾类别和等级。",
    ])


def _qt_veterans(place: Place, y: int, q: int, rng: random.Random, books: Books
                 ) -> tuple[str, str]:
    rows = [["在乡退伍老兵", rng.randint(0, 3)], ["带病回乡退伍军人", rng.randint(0, 4)],
            ["烈士遗属", rng.randint(0, 2)], ["义务兵家庭", rng.randint(1, 5)]]
    money_ = sum(n for _k, n in rows) * rng.randint(1800, 3200)
    return f"{place.short}{qlabel(y, q)}优抚对象优待抚恤情况", "\n\n".join([
        _table(["类别", "人数"], rows, 1),
        f"本季度发放定期抚恤补助和优待金共{money_:,}元，均由区退役军人事务局直接发放至本人账户。",
    ])


def _qt_elders(place: Place, y: int, q: int, rng: random.Random, books: Books
               ) -> tuple[str, str]:
    total = place.facts.elders + (q - 2) * rng.randint(0, 3)
    n90 = total // rng.randint(6, 9)
    n100 = rng.randint(0, 1)
    bands = [("80—89周岁", total - n90 - n100, 50), ("90—99周岁", n90, 100),
             ("100周岁以上", n100, 300)]
    rows = [[b, n, s, f"{n * s * 3:,}"] for b, n, s in bands]
    return f"{place.short}{qlabel(y, q)}高龄津贴发放情况", "\n\n".join([
        _table(["年龄段", "人数", "标准(元/月)", "本季度(元)"], rows, 3),
        "高龄津贴按季度发放至本人账户；新满80周岁的老人请持身份证到便民服务站申请。",
    ])


def _qt_care(place: Place, y: int, q: int, rng: random.Random, books: Books
             ) -> tuple[str, str]:
    f = place.facts
    return f"{place.short}{qlabel(y, q)}留守儿童、妇女和老年人关爱服务情况", "\n".join([
        f"- 走访留守儿童和困境儿童{f.children}人，每人每月至少一次，建立“一人一档”；",
        f"- 探访独居、空巢老人{rng.randint(20, 80)}人次，为{rng.randint(3, 12)}名老人联系上门助餐；",
        f"- 组织{'暑期托管' if q == 3 else '亲子阅读'}活动{rng.randint(2, 6)}场，参加儿童"
        f"{rng.randint(20, 80)}人次；",
        f"- 协助{rng.randint(20, 90)}名适龄妇女参加“两癌”免费筛查。",
    ])


def _qt_births(place: Place, y: int, q: int, rng: random.Random, books: Books
               ) -> tuple[str, str]:
    born = rng.randint(place.population // 700, place.population // 400)
    return f"{place.short}{qlabel(y, q)}人口与生育政策落实情况", "\n".join([
        f"- 本季度出生{born}人，死亡{rng.randint(born, born + 8)}人，迁入{rng.randint(2, 15)}人，"
        f"迁出{rng.randint(2, 15)}人；",
        f"- 受理育儿补贴申请{born + rng.randint(0, 6)}件（3周岁以下婴幼儿每人每年3,600元）；",
        f"- 农村部分计划生育家庭奖励扶助对象{rng.randint(20, 90)}人，扶助金按年度发放；",
        "- 新生儿出生医学证明、户口登记和医保参保可在便民服务站一次申请。",
    ])


def _qt_homesteads(place: Place, y: int, q: int, rng: random.Random, books: Books
                   ) -> tuple[str, str]:
    title = f"{place.short}{qlabel(y, q)}宅基地使用和审批情况"
    n = 0 if not place.facts.farmland else rng.choice((0, 1, 1, 2, 3))
    if not n:
        return title, f"{qlabel(y, q)}，{place.short}无宅基地申请。"
    taken = set(place.names)
    rows = [[pick_name(rng, taken), f"{rng.randint(1, place.groups)}组",
             rng.choice(("原址翻建", "原址翻建", "分户新建")), rng.randint(90, 150),
             rng.choice(("街道已批准", "街道审核中", "小组评议已通过"))] for _ in range(n)]
    return title, "\n\n".join([
        _table(["申请人", "小组", "类型", "面积(平方米)", "进度"], rows, 0),
        "宅基地申请经小组评议、村级审查后公示5天，再报街道审批；不得占用永久基本农田。",
    ])


def _qt_mediation(place: Place, y: int, q: int, rng: random.Random, books: Books
                  ) -> tuple[str, str]:
    kinds = [("邻里纠纷", rng.randint(2, 8)), ("婚姻家庭纠纷", rng.randint(1, 5)),
             ("土地和宅基地纠纷" if not place.community else "物业和停车纠纷", rng.randint(0, 5)),
             ("损害赔偿纠纷", rng.randint(0, 3))]
    total = sum(n for _k, n in kinds)
    done = total - rng.randint(0, min(2, total))
    return f"{place.short}{qlabel(y, q)}人民调解工作情况", "\n\n".join([
        _table(["纠纷类型", "件数"], [[k, n] for k, n in kinds], 1),
        f"本季度{place.short}人民调解委员会受理纠纷{total}件，调解成功{done}件，"
        f"其余{total - done}件正在跟进或已引导通过诉讼解决。",
    ])


QUARTERLY_TEXTS = {
    "A02.06": _qt_party_life, "A07.05": _qt_temporary, "A07.06": _qt_medical,
    "A07.07": _qt_disabled, "A07.08": _qt_veterans, "A07.10": _qt_elders, "A07.11": _qt_care,
    "A08.10": _qt_births, "A09.02": _qt_homesteads, "A10.02": _qt_mediation,
}


# ---- the registers published with each quarter's statements


def _cash(place: Place, quarter: Quarter, projects: list[Project]) -> tuple[str, str]:
    rng = _rng(place.code, "cash", quarter.y, quarter.q)
    cash = rng.randint(300, 1800) * 100 + rng.randint(0, 99)
    bank = quarter.closing - cash
    rows = [["库存现金", money(cash), money(cash), "0.00"],
            ["银行存款", money(bank), money(bank), "0.00"],
            ["**合计**", f"**{money(quarter.closing)}**", f"**{money(quarter.closing)}**", "0.00"]]
    return f"{place.short}{qlabel(quarter.y, quarter.q)}货币资金情况", "\n\n".join([
        f"截至{cn_date(quarter_end(quarter.y, quarter.q))}（单位：元）：",
        _table(["项目", "账面数", "实存数", "差额"], rows, 3),
        "库存现金经民主理财小组当面盘点，银行存款与银行对账单核对一致。",
    ])


def _receivables(place: Place, quarter: Quarter, projects: list[Project]) -> tuple[str, str]:
    rng = _rng(place.code, "receivables", quarter.y, quarter.q)
    rows = []
    lease = next((p for p in projects if p.kind == "lease"), None)
    if lease and lease.start <= quarter_end(quarter.y, quarter.q) and rng.random() < 0.4:
        rows.append([lease.extra["lessee"], "租金", f"{lease.amount // 4:,}", "已催收，下季度初到账"])
    if not place.community and rng.random() < 0.5:
        rows.append([f"{rng.randint(1, place.groups)}组承包户", "机动地承包费",
                     f"{rng.randint(2, 12) * 500:,}", "已催收，约定年底前交清"])
    title = f"{place.short}{qlabel(quarter.y, quarter.q)}应收款情况"
    if not rows:
        return title, f"截至{cn_date(quarter_end(quarter.y, quarter.q))}，{place.short}无应收款。"
    return title, _table(["债务人", "事由", "金额(元)", "情况"], rows, 0)


def _payables(place: Place, quarter: Quarter, projects: list[Project]) -> tuple[str, str]:
    end = quarter_end(quarter.y, quarter.q)
    rows = [[p.name, "工程质保金(合同价5%)", f"{p.amount // 20:,}", cn_month(p.finish + timedelta(
        days=365))] for p in projects if p.kind == "works" and p.finish <= end]
    title = f"{place.short}{qlabel(quarter.y, quarter.q)}应付款和借款情况"
    if not rows:
        return title, f"截至{cn_date(end)}，{place.short}无应付款和借款。"
    return title, "\n\n".join([
        _table(["项目", "事由", "金额(元)", "约定支付时间"], rows, 0),
        "质保金待质保期满、经验收无质量问题后支付。无对外借款。",
    ])


# ---- events: the latest one of each is what the compliance board judges


def _event_by_election(place: Place, day: date) -> tuple[str, str]:
    p = place.people
    voters = int(place.population * 0.78)
    present = int(voters * 0.74)
    votes = present - 12 - len(p["member"]) * 7
    return f"{place.short}{place.committee}委员补选结果公告", "\n\n".join([
        f"{place.committee}委员{p['member']}因工作变动书面提出辞职，{place.committee}已按程序公告。",
        f"{cn_date(day)}，{place.short}召开{place.meeting}进行补选，应到选民{voters:,}人，"
        f"参加投票{present:,}人。{p['new_member']}得票{votes:,}张，超过参加投票人数的半数，当选"
        f"{place.committee}委员。",
        f"{place.township.short_name}派员指导，{place.jianwei}全程监督。",
    ])


def _agenda(p: Project) -> str:
    if p.kind == "rules":
        return f"表决{p.name}的有关规定（门前三包、垃圾分类和评比办法）"
    if p.kind == "dividend":
        return "表决2025年度集体经济组织收益分配方案"
    return f"表决{p.name}项目及资金安排"


def _event_meeting_notice(place: Place, p: Project, day: date) -> tuple[str, str]:
    return f"关于召开{place.short}{place.meeting}的通知", "\n\n".join([
        f"经{place.short}“两委”研究，定于{cn_date(p.decided)}上午9:00起分组召开{place.meeting}"
        f"（各组会场设在{place.w('组长家院坝', '各院落活动室')}或{_cun(place)}党群服务中心）。",
        f"**议题：**{_agenda(p)}。",
        "请每户派一名代表参加；本人不能参加的，可书面委托本户其他成年家庭成员。"
        f"对议题有意见的，可在会前向{place.committee}或{place.jianwei}反映。",
    ])


def _event_culture(place: Place, day: date, rng: random.Random) -> tuple[str, str]:
    kind = rng.choice(("film", "show", "library"))
    n = rng.randint(60, 300)
    if kind == "film":
        return f"{place.short}“坝坝电影”放映活动", (
            f"{cn_date(day)}晚，{place.short}在党群服务中心广场放映公益电影，"
            f"放映前开展防诈骗和秸秆禁烧宣传，约{n}名{_villagers(place)}观看。")
    if kind == "show":
        return f"{place.short}“丰收节”文艺演出", (
            f"{cn_date(day)}，{place.short}组织文艺队在{_cun(place)}广场演出川剧清唱、"
            f"广场舞和快板，约{n}名{_villagers(place)}观看。")
    library = place.w("农家书屋", "社区书屋")
    return f"{place.short}{library}开展阅读分享活动", (
        f"{cn_date(day)}，{place.short}{library}开展阅读分享会，新增图书{rng.randint(80, 300)}册，"
        f"参加{rng.randint(20, 60)}人。书屋每天9:00—17:00免费开放。")


def _event_volunteers(place: Place, day: date, rng: random.Random) -> tuple[str, str]:
    n = rng.randint(12, 40)
    what = rng.choice((f"为{rng.randint(10, 30)}户独居老人打扫卫生、检查用电",
                       "清理河堤和沟渠垃圾", "在公交站和路口开展文明劝导",
                       f"为{rng.randint(20, 60)}名老人义诊和理发"))
    return f"{place.short}志愿服务活动", (
        f"{cn_date(day)}，{place.short}新时代文明实践站组织党员和志愿者{n}人{what}。"
        f"志愿服务时长已录入“志愿四川”平台。")


def _event_acceptance(place: Place, p: Project, day: date, rng: random.Random
                      ) -> tuple[str, str]:
    builder = rng.choice(("四川蜀川建设工程有限公司", "成都郫筒市政工程有限公司",
                          "成都鑫安建筑劳务有限公司"))
    return f"{place.short}{p.name}项目竣工验收结果公示", "\n\n".join([
        _table(["项目", "内容"], [
            ["决策", f"{cn_date(p.decided)}{place.meeting if p.body == 'village' else place.reps}"],
            ["施工单位", f"{builder}（公开比选确定）"],
            ["合同价", f"{p.amount:,}元"],
            ["开工/完工", f"{cn_date(p.start)} / {cn_date(p.finish)}"],
            ["验收", f"{cn_date(day)}，{_villagers(place)}代表、监委会和街道联合验收，合格"],
        ]),
        f"已支付合同价的95%，质保金{p.amount // 20:,}元待质保期满后支付。对验收结果有异议的，"
        f"请在5日内向{place.jianwei}反映。",
    ])


def _event_fund_use(place: Place, books: Books, fund: int, day: date) -> tuple[str, str]:
    rows = [[p.name, f"{p.amount:,}", "已完工" if p.finish <= day else "实施中"]
            for p in books.projects if p.body in ("reps", "village") and p.kind == "works"
            and p.decided.year == 2026]
    return f"{place.short}2026年度{place.fund_name}项目实施情况", "\n\n".join([
        f"2026年度专项资金{fund:,}元已于3月拨付到位。截至{cn_date(day)}，项目实施情况如下：",
        _table(["项目", "预算(元)", "进度"], rows, 0),
        "保洁和困难群众慰问资金按季度列支，明细见季度财务公开。",
    ])


def _event_lease(place: Place, p: Project) -> tuple[str, str]:
    e = p.extra
    return f"{place.short}集体资产出租合同签订情况", "\n\n".join([
        _table(["项目", "内容"], [
            ["标的", p.name.replace("对外出租", "")], ["承租方", e["lessee"]], ["用途", e["use"]],
            ["租期", f"{e['years']}年（{cn_date(p.start)}起）"],
            ["年租金", f"{p.amount:,}元，按季度预收，第三年起每年递增3%"],
        ]),
        f"承租方经{place.township.short_name}农村产权交易服务站公开挂牌确定。",
    ])


def _event_flood(place: Place, day: date, rng: random.Random) -> tuple[str, str]:
    points = rng.randint(2, 6)
    return f"{place.short}防汛应急响应期间工作安排", "\n\n".join([
        f"根据市防汛抗旱指挥部{cn_date(day)}启动的防汛Ⅳ级应急响应，{place.short}安排如下：",
        "\n".join([
            f"- “两委”成员24小时值班，值班电话{place.site.phone}；",
            f"- 对{points}处{'河堤、沟渠' if not place.community else '低洼院落、地下车库'}"
            "隐患点每日巡查，暴雨期间加密巡查；",
            f"- 预置编织袋{rng.randint(5, 20) * 100}条、救生衣{rng.randint(10, 40)}件；",
            "- 危险区域群众按网格员通知提前转移。",
        ]),
    ])


def _event_farm_subsidy(place: Place, day: date, rng: random.Random) -> tuple[str, str]:
    f = place.facts
    rate = rng.choice((92, 96, 100))
    per = f.farmland // place.groups
    areas = [per + rng.randint(-per // 5, per // 5) for _ in range(place.groups)]
    rows = [[f"{g}组", mu, f"{mu * rate:,}"] for g, mu in enumerate(areas, start=1)]
    return f"{place.short}2026年耕地地力保护补贴发放情况", "\n\n".join([
        f"2026年耕地地力保护补贴标准为每亩{rate}元，按确权承包面积发放。",
        _table(["小组", "面积(亩)", "金额(元)"], rows, 2),
        f"补贴已于{cn_date(day)}发放至农户“一卡通”账户，分户明细可在本平台查询本人信息。",
    ])


def _event_new_members(place: Place, day: date, rng: random.Random) -> tuple[str, str]:
    taken = set(place.names)
    names = [pick_name(rng, taken) for _ in range(rng.randint(1, 2))]
    return f"{place.short}{_party(place)}发展党员公示", "\n\n".join([
        f"经支部委员会审查，{place.short}{_party(place)}拟接收{'、'.join(names)}同志为中共预备党员，"
        "提交支部大会讨论前，现予公示。",
        f"公示期：{cn_date(day)}至{cn_date(day + timedelta(days=4))}。如有意见，请向"
        f"{place.township.short_name}党工委组织办或{_party(place)}书记{place.people['secretary']}反映。",
    ])


# ---- planning the rest of a village's catalogue

YEARLY_MARCH = ("B04", "B05", "B06", "B07")  # villages' registers are due by 31 March
BY_ELECTIONS = {"510117004203": date(2026, 5, 14), "510117004206": date(2026, 6, 9),
                "510117004002": date(2026, 7, 21)}  # 两委 roster corrected after a by-election


def _plan_catalogue(plan: Plan, place: Place, books: Books, opened: date,
                    township_staff: Staff) -> None:
    site, st = place.site, place.staff
    key = place.code
    prepared = place.code in TOWNSHIP_KEPT

    def publish(code: str, period: str, day: date, title: str, body: str, *,
                drafted: date | None = None, suffix: str = "") -> None:
        if code.startswith(ops.FINANCE_PREFIXES):
            author = township_staff.publisher if prepared else st.publisher
            reviewer = st.finance
        else:
            author, reviewer = st.publisher, st.supervisor
        plan.publish(f"{key}:{code}{suffix}", site, author, reviewer, day, code, period, title,
                     body, drafted=drafted or day)

    # Standing: most when the portal opened, the rest over the following months.
    for code, maker in STANDING_TEXTS.items():
        fate = _fate(place, code)
        if fate == "missing":
            continue
        rng = _rng(place.code, code)
        day = (weekday_between(rng, opened, opened + timedelta(days=40)) if fate == "on_time"
               else weekday_between(rng, date(2026, 1, 5), date(2026, 6, 30)))
        title, body = maker(place, rng)
        start = max(date(2025, 10, 8), day - timedelta(days=rng.choice((0, 1, 2, 5))))
        publish(code, start.isoformat(), day, title, body, drafted=start)

    # Yearly, for 2025: budgets and plans when the portal opened, reports in early 2026.
    for code, maker in YEARLY_TEXTS.items():
        fate = _fate(place, code, 2025)
        if fate == "missing":
            continue
        rng = _rng(place.code, code, 2025)
        march = code.startswith(YEARLY_MARCH)
        due = date(2026, 3, 31) if march else date(2026, 1, 31)
        lo = (opened if code in ("B01.01", "B01.02") else
              date(2026, 2, 2) if march else date(2026, 1, 5))
        if fate == "on_time" and code in ("B01.01", "B01.02"):
            due = opened + timedelta(days=30)
        day = _fated_day(rng, fate, lo, due, (5, 12, 20, 35, 50))
        title, body = maker(place, rng, books)
        publish(code, "2025", day, title, body, drafted=max(lo, day - timedelta(days=2)))

    # Quarterly: the last two quarters.
    for y, q in QUARTERS[2:]:
        floor = quarter_end(y, q) + timedelta(days=1)
        for code, maker in QUARTERLY_TEXTS.items():
            rng = _rng(place.code, code, y, q)
            day = _quarter_day(place, rng, y, q, plan)
            if day is None:
                continue
            title, body = maker(place, y, q, rng, books)
            publish(code, f"{y}-Q{q}", day, title, body, suffix=f":{y}-Q{q}",
                    drafted=max(floor, day - timedelta(days=2)))

    # Events: the latest of each kind, mostly within the rule, a few days late now and then.
    rng = _rng(place.code, "events")

    def event(code: str, happened: date, title: str, body: str, before: int = 0) -> None:
        fate = _fate(place, code, "event")
        if fate == "missing" and code in ("A08.07", "B12.03", "A02.04"):
            return  # nothing written up this time: no obligation is judged
        if before:  # a notice due `before` days ahead of the event
            day = (happened - timedelta(days=rng.randint(before, before + 5)) if fate == "on_time"
                   else happened - timedelta(days=rng.randint(3, before - 2)))
        else:
            day = happened + timedelta(days=rng.randint(0, 4) if fate == "on_time"
                                       else rng.randint(6, 11))
        publish(code, happened.isoformat(), min(day, LAST_DAY), title, body)

    if place.code in BY_ELECTIONS:
        held = BY_ELECTIONS[place.code] - timedelta(days=6)
        event("A03.06", held, *_event_by_election(place, held))
    meetings = [p for p in books.projects if p.body == "village"]
    if meetings:
        last = max(meetings, key=lambda p: p.decided)
        event("A04.01", last.decided, *_event_meeting_notice(place, last, last.decided), before=10)
    day = weekday_between(rng, date(2026, 9, 10), date(2026, 11, 5))
    event("A08.07", day, *_event_culture(place, day, rng))
    day = weekday_between(rng, date(2026, 10, 8), date(2026, 11, 12))
    event("B12.03", day, *_event_volunteers(place, day, rng))
    works = [p for p in books.projects if p.kind == "works" and p.finish <= date(2026, 11, 2)]
    if works:
        last = max(works, key=lambda p: p.finish)
        day = min(last.finish + timedelta(days=rng.randint(3, 10)), date(2026, 11, 12))
        event("A09.07", day, *_event_acceptance(place, last, day, rng))
    funded = [p for p in books.projects if p.body == "reps" and p.kind == "works"]
    if funded:
        day = min(max(p.finish for p in funded) + timedelta(days=rng.randint(5, 15)),
                  date(2026, 11, 10))
        event("A13.03", day, *_event_fund_use(place, books, plan.funds[place.code], day))
    lease = next((p for p in books.projects if p.kind == "lease"), None)
    if lease:
        day = lease.start - timedelta(days=rng.randint(3, 10))
        event("B08.02", day, *_event_lease(place, lease))
    event("A10.05", date(2026, 7, 18), *_event_flood(place, date(2026, 7, 18), rng))
    if not place.community and place.facts.farmland:
        day = weekday_between(rng, date(2026, 5, 11), date(2026, 5, 29))
        event("B09.02", day, *_event_farm_subsidy(place, day, rng))
    if rng.random() < 0.5:
        day = weekday_between(rng, date(2026, 9, 1), date(2026, 10, 30))
        event("A02.04", day, *_event_new_members(place, day, rng))


# ---------------------------------------------------------------- dissent


def _dissent(place: Place, kind: str, rng: random.Random, extra: str = "") -> str:
    texts = {
        "finance": [
            f"第{rng.randint(2, 5)}项支出未附明细清单，建议下季度公开时列明采购物品、数量和单价。",
            "保洁费按月支付，但未公开保洁员考勤和考核情况，建议一并公开。",
            "同意公开。建议将专项资金收支单独列表，便于群众对照项目查看。",
        ],
        "implementation": [
            f"建议在实施情况中列明{extra or '工程项目'}的施工单位、合同金额和验收人员名单。",
            "部分事项只写了“正在施工”，建议写明计划完工时间和延期原因。",
        ],
        "decision": [
            f"本次会议部分{place.group}到会户代表不足，建议今后提前十日张贴会议通知，"
            f"并通过微信群告知外出务工人员，必要时实行委托投票。",
            "对项目概算无异议，建议施工比选结果和合同金额在签订合同后五日内公开。",
        ],
        "dibao": ["建议同时公开本季度新增和退出对象的审核确认时间，便于群众监督。"],
        "major": ["对出租期限无异议，建议在合同中约定承租方不得改变土地和房屋用途，"
                  "并明确到期后地上附着物的处置办法。"],
        "environment": [f"部分{place.group}垃圾收集点清运不及时，建议公开清运频次和保洁员考核结果。"],
    }
    return rng.choice(texts[kind])


# ---------------------------------------------------------------- planning a village


def _plan_village(plan: Plan, place: Place, township_staff: Staff) -> None:
    site, st = place.site, place.staff
    pub, sup, fin = st.publisher, st.supervisor, st.finance
    rng = _rng(place.code, "plan")
    key = place.code
    dissent_rate = 0.06

    def maybe_dissent(kind: str, extra: str = "") -> str:
        return _dissent(place, kind, rng, extra) if rng.random() < dissent_rate else ""

    def drafted(day: date, floor: date) -> date:
        return max(floor, day - timedelta(days=rng.choice((0, 0, 1, 2, 3))))

    # Standing: 两委, 监委会, rules, published when the portal opened in autumn 2025 (the period
    # of a standing item is the day it was drawn up).
    opened = weekday_between(rng, date(2025, 10, 9), date(2025, 10, 31))
    standing = [("A01.03", _roster_two_committees(place), opened),
                ("A01.04", _roster_jianwei(place), opened),
                ("A05.01", _village_rules(place)[:2],
                 weekday_between(rng, opened, date(2025, 11, 14))),
                ("A05.07", _finance_rules(place), weekday_between(rng, opened, date(2025, 11, 28)))]
    for code, (title, body), day in standing:
        start = drafted(day, date(2025, 10, 8))
        plan.publish(f"{key}:{code}", site, pub, sup, day, code, start.isoformat(), title, body,
                     drafted=start)

    projects = _projects(place)
    title, fund_body, fund, fund_day = _fund_plan(place, projects, rng)
    plan.funds[place.code] = fund
    quarters = _finance(place, projects, fund)
    households = _assistance(place)

    # Decisions as they happen (CD5: mostly within five days).
    def event_day(decided: date) -> date:
        late = rng.random() < 0.1
        return decided + timedelta(days=rng.randint(7, 14) if late else rng.randint(1, 4))

    day = event_day(fund_day)
    plan.publish(f"{key}:A04.02", site, pub, sup, day, "A04.02", fund_day.isoformat(), title,
                 fund_body, drafted=drafted(day, fund_day),
                 dissent=maybe_dissent("decision"))
    for p in projects:
        if p.body == "village":
            title, body = _decision(place, p)
            day = event_day(p.decided)
            plan.publish(f"{key}:A04.10:{p.key}", site, pub, sup, day, "A04.10",
                         p.decided.isoformat(), title, body, drafted=drafted(day, p.decided),
                         dissent=maybe_dissent("decision"))
        elif p.body == "major":
            title, body = _major(place, p)
            day = event_day(p.decided)
            plan.publish(f"{key}:A04.08", site, pub, sup, day, "A04.08", p.decided.isoformat(),
                         title, body, drafted=drafted(day, p.decided),
                         dissent=maybe_dissent("major"))

    # Yearly: the 2025 work report and the appraisal, due by 31 January 2026.
    for code, maker in (("A04.04", _annual_report), ("A06.01", _appraisal)):
        if code == "A04.04":
            title, body = maker(place, quarters, projects, rng)
        else:
            title, body = maker(place, rng)
        on_time = rng.random() < place.profile[0] + 0.05
        day = weekday_between(rng, date(2026, 1, 12) if on_time else date(2026, 2, 2),
                              date(2026, 1, 30) if on_time else date(2026, 2, 27))
        plan.publish(f"{key}:{code}", site, pub, sup, day, code, "2025", title, body,
                     drafted=drafted(day, date(2026, 1, 5)))

    # Quarterly obligations.
    prepared = place.code in TOWNSHIP_KEPT
    for quarter in quarters:
        y, q = quarter.y, quarter.q
        period = f"{y}-Q{q}"
        qrng = _rng(place.code, "quarter", y, q)
        floor = quarter_end(y, q) + timedelta(days=1)
        day = _quarter_day(place, qrng, y, q, plan, bonus=0.08)
        if day is not None:
            author = township_staff.publisher if prepared else pub
            for code in sorted(LEAF_NAMES):
                title, body = _statement(place, quarter, code)
                dissent = maybe_dissent("finance") if code in quarter.lines else ""
                reviewer = sup if dissent or qrng.random() < 0.2 else fin
                plan.publish(f"{key}:{code}:{period}", site, author, reviewer, day, code, period,
                             title, body, drafted=drafted(day, floor), dissent=dissent)
            for code, maker in (("B04.01", _cash), ("B06.01", _receivables),
                                ("B06.02", _payables)):
                title, body = maker(place, quarter, projects)
                plan.publish(f"{key}:{code}:{period}", site, author, fin, day, code, period,
                             title, body, drafted=drafted(day, floor))
            title, body = _finance_review(place, quarter, qrng)
            plan.publish(f"{key}:B08.06:{period}", site, pub, sup, day, "B08.06", period,
                         title, body, drafted=drafted(day, floor))
        for code in ("A04.03", "A06.02", "A07.03", "A09.12", "A10.01"):
            crng = _rng(place.code, code, y, q)
            day = _quarter_day(place, crng, y, q, plan)
            if day is None:
                continue
            author, reviewer, dissent = pub, sup, ""
            if code == "A04.03":
                title, body = _implementation(place, projects, y, q, crng)
                works = [p.name for p in projects if p.kind == "works"]
                dissent = maybe_dissent("implementation", works[-1] if works else "")
            elif code == "A06.02":
                title, body = _jianwei_report(place, quarter, projects, y, q, crng)
                author, reviewer = pub, sup
            elif code == "A07.03":
                title, body = _dibao_list(place, households, y, q)
                dissent = maybe_dissent("dibao")
                if prepared:
                    author = township_staff.publisher
            elif code == "A09.12":
                title, body = _environment(place, y, q, crng)
                dissent = maybe_dissent("environment")
            else:
                title, body = _safety(place, y, q, crng)
            plan.publish(f"{key}:{code}:{period}", site, author, reviewer, day, code, period,
                         title, body, drafted=drafted(day, floor), dissent=dissent)

    # Events of everyday life.
    title, body, day = _activity(place, rng)
    published = day + timedelta(days=rng.randint(0, 3))
    plan.publish(f"{key}:B12.02", site, pub, sup, published, "B12.02", day.isoformat(), title,
                 body, drafted=day)
    joining = [h for h in households if date(2026, 3, 1) <= h.start <= date(2026, 10, 1)]
    if joining and rng.random() < 0.5:
        start = rng.choice(joining).start
        day = weekday_between(rng, start - timedelta(days=26), start - timedelta(days=12))
        title, body = _dibao_notice(place, [h for h in joining if h.start == start], day)
        plan.publish(f"{key}:A07.02", site, township_staff.publisher if prepared else pub, sup,
                     day, "A07.02", day.isoformat(), title, body, drafted=day)

    _plan_catalogue(plan, place, Books(projects, quarters, households), opened, township_staff)


def _plan_corrections(plan: Plan, places: list[Place]) -> None:
    """Second revisions with their reasons, and the one withdrawal (安龙村's water notice)."""
    by_code = {p.code: p for p in places}

    def place(code: str) -> Place:
        return by_code[code]

    # 两委: a member resigned and was replaced after a by-election.
    for code, day in BY_ELECTIONS.items():
        pl = place(code)
        title, body = _roster_two_committees(pl, after_change=True)
        plan.correct(f"{code}:A01.03", pl.site, pl.staff.publisher, pl.staff.supervisor, day,
                     f"{pl.committee}委员{pl.people['member']}因工作变动辞职，经{pl.meeting}补选，"
                     f"由{pl.people['new_member']}担任{pl.committee}委员，更新名单。",
                     title=title, body=body)
    # 村规民约 amended by the 村民会议.
    pl = place("510117004205")
    title, body, _adopted = _village_rules(pl, amended=True)
    plan.correct("510117004205:A05.01", pl.site, pl.staff.publisher, pl.staff.supervisor,
                 date(2026, 4, 16), f"经2026年4月{pl.meeting}表决，修订第七条宴席桌数等内容。",
                 title=title, body=body)
    # Finance: the 民主理财小组 asked for the 经手人 and 证明人 on a line.
    for code, leaf, period in (("510117004200", "B03.02", "2026-Q1"),
                               ("510117004208", "B03.03", "2026-Q2")):
        pl = place(code)
        key = f"{code}:{leaf}:{period}"
        if not any(t.key == key for t in plan.tasks):
            continue
        original = plan.find(key)
        y, q = int(period[:4]), int(period[-1])
        quarter = next(qt for qt in _finance(pl, _projects(pl), plan.funds[pl.code])
                       if (qt.y, qt.q) == (y, q))
        note = f"（经手人：{pl.people['clerk']}，证明人：{pl.people['lc_1']}）"
        title, body = _statement(pl, quarter, leaf, note)
        plan.correct(key, pl.site, original.author, pl.staff.finance,
                     original.day + timedelta(days=6),
                     "按民主理财小组意见，第2项摘要补充经手人和证明人，金额不变。",
                     title=title, body=body)
    # A decision: the first version left out the abstentions (the plan has not run yet, so the
    # first version can still be cut down here).
    for code in ("510117004201", "510117004207"):
        key = next((t.key for t in plan.tasks if t.key.startswith(f"{code}:A04.10:")), None)
        if key is None:
            continue
        pl, original = place(code), plan.find(key)
        full = original.data["body"]
        abstain = re.search(r"，弃权(\d+)票", full)
        original.data["body"] = full.replace(abstain[0], "")
        plan.correct(key, pl.site, pl.staff.publisher, pl.staff.supervisor,
                     original.day + timedelta(days=3),
                     f"首次公布时遗漏弃权票数，据计票单补充“弃权{abstain[1]}票”，表决结果不变。",
                     body=full)

    # The withdrawal: 安龙村's water notice named the wrong day; the right one follows.
    pl = place(ANLONG)
    title, body = _water_notice(pl, date(2026, 8, 10), date(2026, 8, 13), "8:00至18:00")
    plan.publish(f"{ANLONG}:B12.04:wrong", pl.site, pl.staff.publisher, pl.staff.supervisor,
                 date(2026, 8, 10), "B12.04", "2026-08-10", title, body)
    plan.withdraw(f"{ANLONG}:B12.04:wrong", pl.site, pl.staff.publisher, date(2026, 8, 11),
                  "供水单位调整了施工安排，原通知的停水日期有误，已撤回；调整后的停水时间见8月11日的通知。")
    title, body = _water_notice(pl, date(2026, 8, 11), date(2026, 8, 15), "9:00至17:00")
    plan.publish(f"{ANLONG}:B12.04", pl.site, pl.staff.publisher, pl.staff.supervisor,
                 date(2026, 8, 11), "B12.04", "2026-08-11", title, body)


# ---------------------------------------------------------------- the levels above


def _policy(doc_no: str, title: str, issuer: str, issued: date, effective: date | None = None,
            interpretation: str = "", validity: str = "有效") -> dict:
    fields = {"doc_no": doc_no, "title": title, "issuer": issuer,
              "issued_on": issued.isoformat(), "validity": validity}
    if effective:
        fields["effective_on"] = effective.isoformat()
    if interpretation:
        fields["interpretation"] = interpretation
    return fields


def _plan_city(plan: Plan, staff: Staff) -> None:
    site = Site.by_code(CITY)
    pub, rev = staff.publisher, staff.supervisor

    def add(key, day, code, period, title, body, fields=None, links=None, drafted=None):
        plan.publish(f"city:{key}", site, pub, rev, day, code, period, title, body,
                     fields=fields, links=links, drafted=drafted)

    add("intro", date(2025, 10, 10), "A01.01", "2025-10-10", "成都市基本概况",
        "成都市是四川省省会，辖12个区、3个县、代管5个县级市，共20个区(市)县，"
        "261个乡镇(街道)，3000余个村(社区)。\n\n本平台汇集全市各级基层公开信息，"
        "村(社区)的村务、居务、财务公开内容由各村(社区)发布，经村务监督委员会会签后公开。")
    add("guide", date(2025, 10, 10), "A11.01", "2025-10-10", "成都市政府信息公开指南",
        "\n\n".join([
            "**一、主动公开。**政策文件、规划计划、财政预决算、重大建设项目等信息，"
            "自形成或变更之日起20个工作日内公开。",
            "**二、依申请公开。**公民、法人或者其他组织可通过本平台、信函或当面提交申请，"
            "行政机关自收到申请之日起20个工作日内答复；需要延长的，经批准可延长20个工作日。",
            "**三、监督和救济。**认为行政机关在政府信息公开工作中侵犯其合法权益的，"
            "可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请"
            "行政复议或者提起行政诉讼。",
        ]))
    cun = "成都市村(社区)公共服务和社会管理专项资金管理办法"
    add("fund", date(2025, 11, 18), "A11.02", "2025-11-10",
        f"成都市人民政府办公厅关于印发《{cun}》的通知",
        "\n\n".join([
            "各区(市)县人民政府，市政府有关部门：",
            f"《{cun}》已经市政府同意，现印发给你们，请认真贯彻执行。",
            "**主要内容：**",
            "\n".join([
                "1. 专项资金按村(社区)规模分档核定，由市、区(市)县两级财政共同承担，每年一季度拨付；",
                "2. 资金用于村(社区)公共服务、基础设施维护和社会管理，不得用于发放干部报酬和招待支出；",
                "3. 使用项目须经村(居)民会议或村(居)民代表会议决定，实行“四议两公开”；",
                "4. 项目立项、资金使用和验收结果按季度公开，接受村(居)务监督委员会监督。",
            ]),
        ]),
        fields=_policy("成办发〔2025〕41号", f"关于印发《{cun}》的通知", "成都市人民政府办公厅",
                       date(2025, 11, 10), date(2026, 1, 1)))
    plan_name = "成都市农村人居环境整治提升行动方案(2026—2028年)"
    add("env", date(2026, 3, 20), "A11.02", "2026-03-06",
        f"成都市人民政府关于印发《{plan_name}》的通知",
        "\n\n".join([
            "各区(市)县人民政府，市政府各部门：",
            f"现将《{plan_name}》印发给你们，请结合实际认真组织实施。",
            "**目标任务：**到2028年，农村生活垃圾收运处置体系实现全覆盖，农村卫生户厕普及率稳定在"
            "95%以上，农村生活污水治理率明显提升，村容村貌整体改善。",
            "**重点工作：**推进垃圾分类减量、厕所革命、生活污水治理、村容村貌提升和长效管护五项行动。",
        ]),
        fields=_policy("成府发〔2026〕6号", f"关于印发《{plan_name}》的通知", "成都市人民政府",
                       date(2026, 3, 6), date(2026, 3, 6)))
    add("env-read", date(2026, 3, 26), "A11.02", "2026-03-24", f"《{plan_name}》政策解读",
        "\n\n".join([
            "**一、为什么制定。**巩固农村人居环境整治成果，回应群众对干净整洁村庄的期待。",
            "**二、村(社区)做什么。**制定村规民约中的环境卫生条款，组织“门前三包”，"
            "每季度公开人居环境整治情况（公开目录A09.12）。",
            "**三、资金从哪里来。**市、区两级以奖代补，村级公共服务和社会管理专项资金可按程序安排。",
        ]),
        fields={**_policy("成府发〔2026〕6号解读", f"《{plan_name}》政策解读", "成都市农业农村局",
                          date(2026, 3, 24)),
                "interpretation": "解读村(社区)在整治提升行动中的任务和公开要求"},
        links={"interprets": "city:env"})
    reform = "关于深化农村集体产权制度改革发展新型农村集体经济的实施意见"
    add("reform", date(2026, 2, 26), "A13.05", "2026-02-13", f"中共成都市委 成都市人民政府{reform}",
        "\n\n".join([
            "**主要措施：**",
            "\n".join([
                "1. 完善集体经济组织成员身份确认和股权管理，成员名册经成员大会通过后公示；",
                "2. 鼓励村集体以资源发包、物业出租、入股经营等方式发展集体经济；",
                "3. 集体收益分配方案须经成员(代表)大会决定，并在村务公开栏和本平台公开；",
                "4. 村级财务实行委托代理，“三资”台账每年清查一次并公开结果。",
            ]),
        ]),
        fields=_policy("成委发〔2026〕3号", reform, "中共成都市委 成都市人民政府",
                       date(2026, 2, 13), date(2026, 2, 13)))
    add("subsidy", date(2026, 4, 15), "B09.01", "2026-04-15", "成都市2026年惠民惠农财政补贴政策清单",
        "\n\n".join([
            "| 序号 | 补贴项目 | 补贴对象 | 主管部门 |\n"
            "|---:|---|---|---|\n"
            "| 1 | 耕地地力保护补贴 | 承包耕地的农户 | 市农业农村局 |\n"
            "| 2 | 耕地保护基金 | 承担耕地保护责任的农户和集体经济组织 | 市规划和自然资源局 |\n"
            "| 3 | 农业保险保费补贴 | 参保农户和经营主体 | 市财政局 |\n"
            "| 4 | 城乡居民最低生活保障 | 符合条件的困难家庭 | 市民政局 |\n"
            "| 5 | 高龄津贴 | 80周岁以上老年人 | 市民政局 |\n"
            "| 6 | 困难残疾人生活补贴、重度残疾人护理补贴 | 符合条件的残疾人 | 市残联 |",
            "补贴资金通过惠民惠农财政补贴资金“一卡通”发放，个人发放明细可登录本平台查询本人信息。",
        ]),
        fields=_policy("成财农〔2026〕9号", "成都市2026年惠民惠农财政补贴政策清单",
                       "成都市财政局 成都市农业农村局", date(2026, 4, 10)))
    add("spring", date(2026, 2, 9), "B11.03", "2026-02-09",
        "2026年成都市“春风行动”就业援助专场招聘会",
        "2026年2月24日至3月15日，全市各区(市)县举办“春风行动”专场招聘会，提供制造业、"
        "服务业、建筑业等岗位。农村劳动力、脱贫人口和就业困难人员可到户籍所在地乡镇(街道)"
        "便民服务中心登记求职意向，免费获得岗位推荐和技能培训。")
    add("holiday", date(2025, 12, 22), "A11.10", "2025-12-22",
        "关于做好2026年元旦春节期间困难群众走访慰问工作的通知",
        "各区(市)县民政部门、各乡镇(街道)：\n\n请于2026年2月10日前完成对低保、特困、"
        "困境儿童等困难群众的走访慰问，慰问情况在村(社区)公开栏公布；"
        "重点关注独居、高龄老人的取暖和用电安全。")
    add("rain", date(2026, 7, 18), "B11.04", "2026-07-18", "成都市气象台发布暴雨橙色预警",
        "成都市气象台2026年7月18日11时发布暴雨橙色预警：预计18日夜间至19日白天，"
        "郫都、都江堰、彭州、新都等地将出现暴雨到大暴雨，局地伴有雷电和短时强降水。\n\n"
        "**防御指南：**远离河道、沟渠和地质灾害隐患点；山区和河道沿线群众按村(社区)通知提前转移；"
        "不在低洼处停放车辆。")
    add("flood", date(2026, 7, 18), "A10.04", "2026-07-18",
        "成都市防汛抗旱指挥部关于启动防汛Ⅳ级应急响应的通告",
        "根据气象预报和《成都市防汛应急预案》，市防汛抗旱指挥部决定自2026年7月18日14时起"
        "启动防汛Ⅳ级应急响应。各乡镇(街道)、村(社区)要落实24小时值班，加强河道、"
        "山洪和地质灾害隐患点巡查，发现险情立即组织群众转移。")
    add("prices", date(2026, 11, 5), "B11.02", "2026-11-05", "2026年10月成都市主要农产品批发价格",
        "\n".join([
            "| 品种 | 均价(元/公斤) | 环比 |",
            "|---|---:|---:|",
            "| 大米(籼米) | 5.40 | 0.0% |",
            "| 菜籽油 | 15.60 | +1.3% |",
            "| 猪肉(白条) | 22.80 | -2.1% |",
            "| 鸡蛋 | 9.20 | +3.4% |",
            "| 大白菜 | 1.60 | -5.9% |",
            "| 莴笋 | 3.10 | +6.9% |",
            "| 鲜辣椒(二荆条) | 7.80 | +4.0% |",
            "",
            "数据来源：市内主要农产品批发市场价格监测，仅供生产经营参考。",
        ]))
    add("annual", date(2026, 3, 25), "A11.05", "2025", "成都市2025年政府信息公开工作年度报告",
        "\n\n".join([
            "2025年，全市主动公开政府信息、办理依申请公开、接受监督的情况如下：",
            "| 项目 | 数量 |\n|---|---:|\n| 主动公开政府信息(条) | 186,420 |\n"
            "| 其中：政策文件(件) | 1,286 |\n| 收到依申请公开(件) | 6,312 |\n"
            "| 按期答复(件) | 6,305 |\n| 行政复议(件) | 41 |\n| 行政诉讼(件) | 17 |",
            "存在的问题：部分村(社区)财务公开更新不及时、内容不够细。2026年将通过本平台按月通报"
            "各区(市)县、乡镇(街道)和村(社区)的按时公开情况。",
        ]))


def _plan_district(plan: Plan, staff: Staff) -> None:
    site = Site.by_code(DISTRICT)
    pub, rev = staff.publisher, staff.supervisor

    def add(key, day, code, period, title, body, fields=None, drafted=None):
        plan.publish(f"district:{key}", site, pub, rev, day, code, period, title, body,
                     fields=fields, drafted=drafted)

    add("intro", date(2025, 10, 13), "A01.01", "2025-10-13", "郫都区基本概况",
        "郫都区位于成都平原腹心，是“郫县豆瓣”和川菜产业的发源地，辖街道和镇共十余个，"
        "农村以水稻、油菜、蔬菜和川芎种植为主。\n\n区民政局负责指导全区村(居)务公开，"
        "区农业农村局负责指导农村集体财务公开。")
    name = "郫都区最低生活保障审核确认实施细则"
    add("dibao", date(2025, 12, 15), "A07.01", "2025-12-08", f"关于印发《{name}》的通知",
        "\n\n".join([
            "各镇(街道)：",
            f"现将《{name}》印发给你们，请认真执行。",
            "**要点：**",
            "\n".join([
                "1. 申请人向户籍所在地镇(街道)提出申请，也可委托村(社区)代为提交；",
                "2. 镇(街道)自受理之日起30个工作日内完成家庭经济状况调查和审核；",
                "3. 拟确认对象在村(社区)公示7天，公示内容限于户主姓名、保障人口和拟保障金额；",
                "4. 在保对象名单按季度在村(社区)公开，身份证号码只显示后四位；",
                "5. 对公示有异议的，镇(街道)应重新调查核实。",
            ]),
        ]),
        fields=_policy("郫民发〔2025〕28号", f"关于印发《{name}》的通知", "郫都区民政局",
                       date(2025, 12, 8), date(2026, 1, 1)))
    name = "郫都区村级公益性岗位开发管理办法"
    add("jobs", date(2026, 4, 22), "A11.02", "2026-04-17",
        f"郫都区人民政府关于印发《{name}》的通知",
        "\n\n".join([
            "各镇人民政府、街道办事处，区级有关部门：",
            f"《{name}》已经区政府常务会议审议通过，现印发给你们，请遵照执行。",
            "**主要内容：**村级公益性岗位包括保洁、护林、河道巡查、养老服务等，优先安置脱贫人口、"
            "低保家庭成员和就业困难人员；岗位人员由村(社区)公开招聘，名单在村(社区)公示；"
            "岗位补贴按月发放，发放情况随村级财务一并公开。",
        ]),
        fields=_policy("郫府发〔2026〕12号", f"关于印发《{name}》的通知", "郫都区人民政府",
                       date(2026, 4, 17), date(2026, 4, 17)))
    jobs = plan.find("district:jobs")
    plan.correct("district:jobs", site, pub, rev, date(2026, 4, 24),
                 "施行日期录入有误：该办法自2026年5月1日起施行，不是成文日期。",
                 body=jobs.data["body"] + "\n\n本办法自2026年5月1日起施行。",
                 fields={**jobs.data["fields"], "effective_on": "2026-05-01"})
    name = "郫都区2026年义务教育阶段学校招生入学工作实施方案"
    add("school", date(2026, 5, 21), "A08.01", "2026-05-18", name,
        "\n\n".join([
            "**一、招生原则。**坚持免试就近入学，公办学校按划定的学区招生，民办学校纳入统一平台报名。",
            "**二、时间安排。**6月10日至6月20日网上报名；7月10日前公布录取结果。",
            "**三、随迁子女。**符合条件的随迁子女持居住证等材料报名，由区教育局统筹安排学位。",
            "**四、咨询。**各学校和区教育局招生办公室在报名期间开通咨询电话。",
        ]),
        fields=_policy("郫教发〔2026〕11号", name, "郫都区教育局", date(2026, 5, 18)))
    add("medical", date(2026, 9, 10), "A08.04", "2026-09-10",
        "关于做好2027年度城乡居民基本医疗保险参保缴费工作的通告",
        "\n\n".join([
            "2027年度城乡居民基本医疗保险集中缴费期为2026年9月1日至12月31日。",
            "**缴费方式：**通过“天府通办”、银行网点或村(社区)便民服务站代收点缴费。",
            "**资助参保：**低保对象、特困人员等困难群众的个人缴费部分按规定由财政资助，"
            "由村(社区)统一核对名单，无需本人缴纳。",
            "请各村(社区)于10月20日前通过公开栏和微信群将本通告告知到户。",
        ]))
    add("training", date(2026, 9, 1), "A08.06", "2026-09-01",
        "郫都区2026年秋季农村劳动力职业技能培训报名通知",
        "培训工种：中式烹调师（川菜）、电工、养老护理员、电子商务。\n\n"
        "报名条件：16周岁以上、有劳动能力和培训意愿的本区户籍农村劳动力。"
        "培训免费，考核合格发放职业技能等级证书。\n\n报名时间：9月1日至9月25日，"
        "到户籍所在镇(街道)便民服务中心或村(社区)便民服务站报名。")
    add("sowing", date(2026, 10, 12), "B11.01", "2026-10-12", "郫都区2026年小麦油菜秋播技术指导意见",
        "**油菜：**10月上旬至中旬育苗，11月上中旬移栽，每亩栽植6,000至8,000株；"
        "直播油菜10月中下旬播种。\n\n**小麦：**10月下旬至11月上旬播种，每亩基本苗15万至18万。"
        "\n\n播前开好边沟和厢沟，防止渍害；秸秆还田，禁止焚烧。"
        "如需技术指导，请联系镇(街道)农业服务中心。")
    add("loans", date(2026, 3, 16), "B11.05", "2026-03-16", "郫都区农村产权抵押融资和政策性贷款服务指南",
        "农村承包土地经营权、集体建设用地使用权、农业设施等可按规定办理抵押贷款。"
        "区农业融资担保公司为新型农业经营主体提供担保，财政按规定给予贴息。\n\n"
        "办理流程：向合作银行提出申请——产权评估——抵押登记——放款。"
        "咨询：区农业农村局或各镇(街道)农村产权交易服务站。")
    add("report", date(2025, 10, 20), "A07.12", "2025-10-20", "郫都区社会救助监督举报渠道",
        "\n\n".join([
            "对低保、特困供养、临时救助等社会救助工作中的优亲厚友、骗取救助、违规操作等问题，"
            "可通过以下渠道举报：",
            "- 郫都区民政局社会救助服务热线：028-87925123（工作日 9:00—17:00）\n"
            "- 成都市社会救助服务热线：12345\n- 本平台“写信”栏目（实名或匿名）",
            "受理的举报在15个工作日内核查并答复实名举报人，举报人信息严格保密。",
        ]))
    add("services", date(2026, 1, 12), "A12.01", "2026-01-12",
        "郫都区村(社区)便民服务事项清单及办事指南",
        "\n".join([
            "| 事项 | 办理地点 | 承诺时限 |",
            "|---|---|---|",
            "| 城乡居民养老保险参保登记 | 村(社区)便民服务站 | 即办 |",
            "| 城乡居民医疗保险参保登记 | 村(社区)便民服务站 | 即办 |",
            "| 最低生活保障申请(代办) | 村(社区)便民服务站 | 3个工作日内转报 |",
            "| 高龄津贴申请 | 村(社区)便民服务站 | 5个工作日 |",
            "| 残疾人证申请(代办) | 村(社区)便民服务站 | 3个工作日内转报 |",
            "| 农村建房申请(代办) | 村(社区)便民服务站 | 5个工作日内转报 |",
            "",
            "办理所需材料以村(社区)便民服务站公示为准，群众可委托村(社区)代办员全程代办。",
        ]))
    add("land", date(2026, 6, 8), "A09.04", "2026-06-08",
        "郫都区人民政府征收土地预公告",
        "\n\n".join([
            "因安德街道农产品加工配套道路建设需要，拟征收安德街道泉水村、红专村部分集体土地，"
            "现将有关事项公告如下：",
            "**一、征收范围：**泉水村3组、4组，红专村7组部分土地，具体以现场勘测定界为准。",
            "**二、土地现状调查：**自本公告发布之日起开展，请相关权利人予以配合。",
            "**三、暂停事项：**自本公告发布之日起，在拟征收范围内不得抢栽抢建；违反规定抢栽抢建的，"
            "对抢栽抢建部分不予补偿。",
            "本公告公示期为30日，对征收范围有异议的，可在公示期内向郫都区规划和自然资源局书面提出。",
        ]))
    add("annual", date(2026, 3, 27), "A11.05", "2025", "郫都区2025年政府信息公开工作年度报告",
        "\n\n".join([
            "| 项目 | 数量 |\n|---|---:|\n| 主动公开政府信息(条) | 12,870 |\n"
            "| 其中：政策文件(件) | 86 |\n| 收到依申请公开(件) | 318 |\n| 按期答复(件) | 318 |",
            "2026年重点：推动全区村(社区)在本平台按时公开财务收支和民主决策事项，"
            "按季度通报按时公开率。",
        ]))


def _plan_township(plan: Plan, staff: Staff) -> None:
    site = Site.by_code(TOWNSHIP)
    pub, rev = staff.publisher, staff.supervisor
    rng = _rng(TOWNSHIP, "plan")

    def add(key, day, code, period, title, body, fields=None, drafted=None):
        plan.publish(f"township:{key}", site, pub, rev, day, code, period, title, body,
                     fields=fields, drafted=drafted)

    add("duties", date(2025, 10, 14), "A01.07", "2025-10-14", "安德街道办事处机构职能及联系方式",
        "\n".join([
            "| 机构 | 主要职能 | 电话 |",
            "|---|---|---|",
            "| 党政办公室 | 综合协调、政务公开、督查督办 | 028-78008996 |",
            "| 社会事务办公室 | 民政、社会救助、退役军人、残疾人服务 | 028-78008512 |",
            "| 农业服务中心 | 农业生产、农村集体“三资”代理 | 028-78008627 |",
            "| 便民服务中心 | 各类便民服务事项受理 | 028-78008100 |",
            "",
            "办公地址：安德街道安德大道。对外办公时间：工作日 9:00—12:00，13:30—17:30。",
        ]))
    add("center", date(2025, 10, 14), "A12.05", "2025-10-14", "安德街道便民服务中心地址、电话和服务时间",
        "地址：安德街道安德大道便民服务中心一楼。\n\n电话：028-78008100。\n\n"
        "服务时间：工作日 9:00—12:00，13:30—17:30；周六上午提供社保、医保业务预约服务。"
        "\n\n各村(社区)便民服务站可代办社保、医保、低保申请、农村建房申请等事项。")
    add("agency", date(2025, 10, 24), "B08.05", "2025-10-24", "安德街道农村集体“三资”代理服务中心服务信息",
        "\n\n".join([
            "安德街道农村集体“三资”代理服务中心为辖区14个村(社区)提供会计委托代理服务，"
            "实行“资金所有权、使用权、审批权、监督权不变”。",
            "**服务内容：**会计核算、账务处理、财务报表编制；协助村(社区)按季度公开财务收支；"
            "对云凌村、金柏村等村的财务公开实行代为编制、村民主理财小组审核会签后发布。",
            "**报账时间：**每月5日至15日。",
            "**监督电话：**安德街道纪工委 028-78008300。",
        ]))
    name = "安德街道村(社区)村务公开工作考核办法"
    add("rules", date(2026, 2, 12), "A11.02", "2026-02-09", f"关于印发《{name}》的通知",
        "\n\n".join([
            "各村(社区)：",
            f"为推动村(居)务公开规范化，街道制定了《{name}》，现印发给你们。",
            "**考核内容：**公开是否全面（对照公开目录）、是否按时（以平台首次发布时间为准）、"
            "是否真实（监委会会签、群众异议处理）。",
            "**结果运用：**按时公开率纳入村(社区)年度目标考核，低于80%的村(社区)由街道约谈。",
        ]),
        fields=_policy("安德街办发〔2026〕5号", f"关于印发《{name}》的通知", "安德街道办事处",
                       date(2026, 2, 9), date(2026, 3, 1)))
    notices = [
        ("straw", date(2025, 10, 15), "关于开展2025年秋冬季秸秆禁烧和综合利用工作的通告",
         "秋收期间，辖区内全面禁止露天焚烧秸秆、垃圾和落叶。各村(社区)落实网格巡查，"
         "农户秸秆实行机械粉碎还田或交由收储点统一收储。违反规定的，依法予以处罚。"),
        ("fireworks", date(2026, 1, 20), "关于2026年春节期间烟花爆竹燃放安全管理的通告",
         "春节期间，请在指定区域、指定时段燃放合格烟花爆竹，不在林地、柴草堆、加油站等场所附近燃放。"
         "各村(社区)组织志愿者开展防火巡查，发现火情立即拨打119。"),
        ("pension", date(2026, 3, 5), "关于开展2026年城乡居民基本养老保险集中参保缴费的通知",
         "2026年城乡居民基本养老保险集中缴费时间为3月10日至5月31日。参保人可自主选择缴费档次，"
         "通过银行代扣或村(社区)便民服务站缴费。请各村(社区)于3月20日前将本通知告知到户。"),
        ("houses", date(2026, 4, 15), "关于开展农村房屋安全隐患排查的通知",
         "街道将于4月20日至5月31日对辖区农村自建房开展安全隐患排查，重点排查用作经营的自建房和"
         "老旧土木结构房屋。排查人员佩戴工作证入户，请群众予以配合。"),
        ("drowning", date(2026, 6, 10), "关于做好2026年夏季防溺水安全工作的通知",
         "暑期将至，请家长加强对未成年人的看护，不私自到河道、沟渠、堰塘游泳。"
         "各村(社区)在危险水域设置警示牌，组织志愿者在重点时段巡查。"),
        ("national-day", date(2026, 9, 25), "关于安德街道便民服务中心国庆期间办公安排的通知",
         "10月1日至7日放假，10月8日起正常办公。假期内紧急事项请拨打值班电话028-78008996。"),
    ]
    for key, day, title, body in notices:
        add(key, day, "A11.10", day.isoformat(), title, body)
    pension_body = notices[2][3]
    plan.correct("township:pension", site, pub, rev, date(2026, 3, 9),
                 "经区社保局通知，集中缴费截止时间由5月31日延长至6月30日，更正通知内容。",
                 body=pension_body.replace("5月31日", "6月30日"))
    add("objection", date(2026, 8, 24), "A06.05", "2026-08-06", "关于群众反映某村财务公开不及时问题的处理结果",
        "\n\n".join([
            "2026年8月6日，街道收到群众张某来信，反映所在村第二季度财务收支未在规定时间前公开。",
            "经核查，该村第二季度财务收支于7月20日后才在平台发布，属实。街道已约谈该村报账员和"
            "“两委”负责人，要求今后严格按季度结束后次月20日前公开，并将按时公开情况纳入年度考核。",
            "处理结果已书面告知反映人。",
        ]))
    add("annual", date(2026, 3, 24), "A11.05", "2025", "安德街道2025年政府信息公开工作年度报告",
        "\n\n".join([
            "| 项目 | 数量 |\n|---|---:|\n| 主动公开政府信息(条) | 426 |\n"
            "| 收到依申请公开(件) | 9 |\n| 按期答复(件) | 9 |",
            "2025年指导辖区14个村(社区)上线本平台，村(居)务公开由纸质公开栏扩展到网上公开。",
        ]))
    for y, q in QUARTERS:
        due = quarter_due(y, q)
        day = weekday_between(rng, quarter_end(y, q) + timedelta(days=5), due - timedelta(days=2))
        period = f"{y}-Q{q}"
        add(f"env:{period}", day, "A09.12", period, f"安德街道{qlabel(y, q)}农村人居环境整治工作情况",
            "\n".join([
                f"{qlabel(y, q)}，街道组织辖区村(社区)开展人居环境整治：",
                "",
                f"- 开展“五清”集中行动{rng.randint(3, 8)}次，清运垃圾杂物约{rng.randint(300, 900)}吨；",
                f"- 完成农户卫生厕所改造{rng.randint(20, 90)}户；",
                f"- 对14个村(社区)进行季度检查，{rng.randint(2, 4)}个村(社区)被通报表扬，"
                f"{rng.randint(1, 2)}个村(社区)限期整改。",
            ]))
        day = weekday_between(rng, quarter_end(y, q) + timedelta(days=5), due - timedelta(days=1))
        add(f"safety:{period}", day, "A10.01", period, f"安德街道{qlabel(y, q)}平安建设与综治工作情况",
            "\n".join([
                f"{qlabel(y, q)}，街道平安建设和综治工作情况如下：",
                "",
                f"- 受理矛盾纠纷{rng.randint(40, 120)}件，调解成功率{rng.randint(92, 99)}%；",
                f"- 开展反诈宣传{rng.randint(10, 30)}场，电信网络诈骗立案数同比下降"
                f"{rng.randint(5, 30)}%；",
                f"- 检查“九小场所”和出租屋{rng.randint(300, 800)}家次，整改火灾隐患{rng.randint(40, 160)}处。",
            ]))


# ---------------------------------------------------------------- the rest, for the levels above
#
# The township, the district and the city publish their own levels' standing, yearly and
# quarterly categories too, mostly on time; the gaps are deliberate: a few late, a few never.


def _upper_add(plan: Plan, site: Site, staff: Staff, prefix: str):
    def add(code, day, period, title, body, fields=None, key=""):
        plan.publish(f"{prefix}:{code}{key}", site, staff.publisher, staff.supervisor, day, code,
                     period, title, body, fields=fields)
    return add


def _plan_township_catalogue(plan: Plan, staff: Staff, places: list[Place]) -> None:
    site = Site.by_code(TOWNSHIP)
    add = _upper_add(plan, site, staff, "township")
    rng = _rng(TOWNSHIP, "catalogue")
    ours = [p for p in places if p.code.startswith(TOWNSHIP[:9])]
    people = sum(p.population for p in ours)
    homes = sum(p.households for p in ours)
    members = sum(p.facts.members for p in ours)
    farmland = sum(p.facts.farmland for p in ours)
    n = len(ours)

    add("A01.01", date(2025, 10, 14), "2025-10-14", "安德街道基本概况",
        f"安德街道位于郫都区西北部，辖{n - 3}个村、3个社区，户籍{homes:,}户{people:,}人，"
        f"耕地约{farmland:,}亩。\n\n街道以川芎、辣椒、蔬菜种植和郫县豆瓣原料基地为特色，"
        "近年发展农产品加工和乡村旅游。街道便民服务中心设在安德大道。")
    add("A01.06", date(2025, 10, 21), "2025-10-21", "安德街道网格划分及网格长信息",
        "\n\n".join([
            f"全街道划分{sum(p.facts.grids for p in ours)}个网格，村(社区)党组织书记任总网格长：",
            _table(["村(社区)", "总网格长", "网格数"],
                   [[p.short, p.people["secretary"], p.facts.grids] for p in ours], 1),
        ]))
    add("A02.01", date(2025, 10, 21), "2025-10-21", "中共安德街道工作委员会组织设置",
        f"街道党工委下设党政办公室、组织办等工作机构，辖村(社区)党组织{n}个、"
        f"党支部{sum(p.facts.branches for p in ours)}个，党员{members:,}名（不含机关党员）。"
        "\n\n党工委班子成员分工按党工委会议确定的分工方案执行，调整时在本平台更新。")
    add("A02.08", date(2025, 11, 5), "2025-11-05", "安德街道村级小微权力清单(指导目录)",
        "街道制定村级小微权力清单指导目录，涵盖重大事项决策、集体资产资源处置、工程项目建设、"
        "财务开支、惠民政策初审、宅基地申请审查、印章使用等7类事项，各村(社区)结合实际制定"
        "本村清单并公开。\n\n违反清单规定行使权力的，由街道纪工委依规依纪处理。")
    add("A07.12", date(2025, 10, 22), "2025-10-22", "安德街道社会救助监督举报渠道",
        "对低保、特困供养、临时救助中的优亲厚友、虚报冒领等问题，可向街道社会事务办公室"
        "（028-78008512）或街道纪工委（028-78008300）举报，也可拨打12345。\n\n"
        "实名举报的在15个工作日内答复，举报人信息严格保密。")
    add("A08.03", date(2025, 11, 12), "2025-11-12", "安德街道社区卫生服务中心和基本公共卫生服务",
        "安德街道社区卫生服务中心位于安德大道，门诊时间8:00—17:30，急诊24小时。\n\n"
        "免费提供预防接种、65岁以上老年人体检、慢性病随访、孕产妇和儿童健康管理等基本公共卫生服务；"
        f"各村(社区)卫生室{n}个，家庭医生团队{n + 4}个。")
    add("A08.08", date(2025, 11, 12), "2025-11-12", "安德街道公共法律服务站",
        "街道公共法律服务站设在便民服务中心二楼，工作日提供法律咨询、人民调解和法律援助申请受理。"
        f"\n\n全街道{n}个村(社区)均配备法律顾问，每月至少坐班一次；热线12348。")
    add("A08.11", date(2025, 11, 19), "2025-11-19", "户籍业务办事指南",
        "\n".join([
            _table(["事项", "办理地点", "材料"], [
                ["出生登记", "安德派出所户籍窗口", "出生医学证明、父母户口簿和身份证"],
                ["身份证申领和换领", "安德派出所户籍窗口", "户口簿、旧身份证"],
                ["户口迁入(投靠)", "安德派出所户籍窗口", "户口簿、关系证明、房产或租赁证明"],
            ]),
            "",
            "户籍窗口工作日9:00—17:00办公，周六上午办理身份证业务。",
        ]))
    add("A08.12", date(2025, 11, 19), "2025-11-19", "安德街道退役军人服务站",
        f"街道退役军人服务站设在便民服务中心，各村(社区)设服务站{n}个。\n\n"
        "服务内容：优抚待遇申请、优待证办理、就业创业扶持、困难帮扶和走访慰问。电话028-78008512。")
    add("A11.01", date(2025, 10, 14), "2025-10-14", "安德街道政府信息公开指南",
        "主动公开的信息在本平台发布；依申请公开可通过本平台、信函或到街道党政办公室提出，"
        "街道自收到申请之日起20个工作日内答复。\n\n受理机构：街道党政办公室，电话028-78008996，"
        "地址郫都区建设路193号。")
    add("A11.06", date(2025, 12, 10), "2025-12-10", "安德街道权责清单和公共服务事项清单",
        "\n".join([
            _table(["类别", "事项数"], [["行政检查", 12], ["行政处罚(综合执法)", 46],
                                      ["行政确认", 5], ["公共服务", 38]], 1),
            "",
            "事项名称、依据和办理流程以郫都区政务服务网公布为准。",
        ]))
    add("A11.08", date(2025, 12, 10), "2025-12-10", "安德街道依申请公开渠道和办理情况",
        "申请渠道：本平台“依申请公开”栏目、信函（郫都区建设路193号 安德街道党政办公室）、当面提交。"
        "\n\n2025年共收到依申请公开9件，均按期答复：予以公开6件，部分公开1件，信息不存在2件。")
    add("A12.01", date(2026, 1, 14), "2026-01-14", "安德街道便民服务事项办事指南",
        "\n".join([
            _table(["事项", "承诺时限", "是否可代办"], [
                ["最低生活保障审核确认", "30个工作日", "是"],
                ["临时救助", "10个工作日", "是"],
                ["高龄津贴", "5个工作日", "是"],
                ["农村宅基地和建房审批", "20个工作日", "是"],
                ["城乡居民养老保险待遇申领", "即办", "是"],
            ]),
            "",
            "申请表格可在街道便民服务中心领取，也可由村(社区)代办员上门代办。",
        ]))
    name = "安德街道2026年涉农补贴政策清单"
    add("B09.01", date(2026, 4, 20), "2026-04-20", name,
        "在市、区清单基础上，街道补充以下事项：\n\n"
        + _table(["补贴", "对象", "经办"], [
            ["耕地地力保护补贴", "承包耕地农户", "街道农业服务中心"],
            ["稻谷目标价格补贴", "种植水稻的农户和经营主体", "街道农业服务中心"],
            ["农业保险保费补贴", "参保农户", "承保机构"],
            ["川芎良种补贴(街道)", "种植川芎的农户", "街道农业服务中心"]]),
        fields=_policy("安德街办发〔2026〕11号", name, "安德街道办事处", date(2026, 4, 17)))
    add("B10.01", date(2025, 11, 26), "2025-11-26", "安德街道农村集体经济联合社登记赋码信息",
        f"名称：成都市郫都区安德街道农村集体经济联合社。登记机关：郫都区农业农村局。\n\n"
        f"成员单位：辖区{n - 1}个村(社区)股份经济合作社。主要业务：集体资产经营、联合投资和代理服务。")

    # Yearly, for 2025 (due 31 March): one late.
    for code, day, title, body in [
        ("A01.02", date(2026, 3, 16), "安德街道2025年度人口与就业概况",
         f"2025年末户籍{homes:,}户{people:,}人，其中60岁以上{people * 23 // 100:,}人；"
         f"全年出生{people // 130}人，死亡{people // 95}人。\n\n农村劳动力外出务工"
         f"{sum(p.facts.migrants for p in ours):,}人，街道举办招聘会6场，帮助312人就近就业。"),
        ("A02.03", date(2026, 3, 10), "安德街道党工委2025年度工作目标及完成情况",
         _table(["目标", "完成情况"], [
             ["村(社区)“两委”按时公开率达到85%", "全年平均87%"],
             ["集体经济收入10万元以上的村(社区)达到80%", f"{n}个村(社区)中{n - 2}个达到"],
             ["发展党员", f"{n + 3}名"],
             ["矛盾纠纷化解", "受理412件，调解成功率96%"]])),
        ("A02.05", date(2026, 4, 9), "安德街道2025年度党费收缴、使用和管理情况",
         f"2025年全街道收缴党费{members * 31:,}元，全额上缴区委组织部；区委组织部下拨"
         f"{members * 14:,}元，用于党员教育培训和走访慰问困难党员、老党员。"),
        ("A08.05", date(2026, 3, 20), "安德街道2025年度城乡居民基本养老保险参保和待遇情况",
         f"2025年全街道城乡居民养老保险参保{people * 37 // 100:,}人，按月领取待遇"
         f"{people * 21 // 100:,}人，代发待遇全部按时到账。2026年度集中缴费期为3月10日至6月30日。"),
        ("A11.03", date(2026, 3, 27), "安德街道2025年工作总结和2026年工作计划",
         "**2025年：**完成村道硬化16.8公里、高标准农田建设3,200亩，14个村(社区)上线本平台。"
         "\n\n**2026年：**推进农产品加工园区配套道路建设，抓好村(社区)“三资”监管和村务公开考核，"
         "全年按时公开率不低于85%。"),
        ("A13.02", date(2026, 3, 25), "安德街道2025年度耕地保护基金发放情况",
         f"2025年全街道发放耕地保护基金{farmland * 370:,}元（永久基本农田每亩400元、一般耕地每亩"
         "300元），已全部发放至承包农户“一卡通”账户，各村分组情况在本村公开。"),
    ]:
        add(code, day, "2025", title, body)

    # Quarterly summaries for 2026-Q2 and Q3: one late.
    for y, q in QUARTERS[2:]:
        period, due = f"{y}-Q{q}", quarter_due(y, q)
        qe = quarter_end(y, q)
        lo = qe + timedelta(days=6)
        rows = []
        for p in ours:
            current = [h for h in _assistance(p) if h.start <= qe and (h.end is None or h.end > qe)]
            rows.append([p.short, len(current), sum(h.members for h in current),
                         f"{sum(h.members * h.per for h in current):,}"])
        texts = {
            "A07.03": ("低保对象情况", "\n\n".join([
                _table(["村(社区)", "户数", "人数", "月保障金(元)"], rows, 3),
                "各村(社区)分户名单在本村(社区)公开，身份证号码只显示后四位。"])),
            "A07.05": ("临时救助情况", f"本季度全街道实施临时救助{rng.randint(12, 30)}户次，发放救助金"
                                  f"{rng.randint(40, 120) * 1000:,}元，各村(社区)名单在本村公开。"),
            "A07.06": ("医疗救助情况", f"本季度医疗救助{rng.randint(40, 90)}人次，救助金额"
                                  f"{rng.randint(15, 40) * 10000:,}元，均由医保经办机构“一站式”结算。"),
            "A07.07": ("残疾人两项补贴发放情况", _table(["村(社区)", "人数"], [
                [p.short, sum(_disabled_counts(p, q).values())] for p in ours], 1)),
            "A07.08": ("优抚对象优待抚恤情况", f"本季度全街道优抚对象{rng.randint(80, 130)}人，发放抚恤补助和"
                                     f"优待金{rng.randint(30, 60) * 10000:,}元。"),
            "A07.10": ("高龄津贴发放情况", _table(["村(社区)", "80岁以上(人)"], [
                [p.short, p.facts.elders] for p in ours], 1)),
            "A07.11": ("留守儿童和老年人关爱服务情况",
                       f"本季度走访留守和困境儿童{sum(p.facts.children for p in ours)}人，"
                       f"探访独居老人{rng.randint(300, 700)}人次，开展"
                       f"{'暑期托管' if q == 3 else '亲子阅读'}活动{rng.randint(10, 30)}场。"),
            "A08.10": ("人口与生育政策落实情况", f"本季度全街道出生{rng.randint(50, 90)}人，受理育儿补贴申请"
                                      f"{rng.randint(60, 110)}件，均已审核上报。"),
            "A09.02": ("宅基地审批情况", f"本季度受理农村宅基地和建房申请{rng.randint(5, 16)}件，批准"
                                  f"{rng.randint(3, 10)}件，均为原址翻建或分户新建，未占用永久基本农田。"),
        }
        for code, (what, body) in texts.items():
            day = weekday_between(rng, lo, due - timedelta(days=1))
            if (code, q) == ("A08.10", 3):
                day = date(2026, 10, 27)  # the township's own late one
            add(code, day, period, f"安德街道{qlabel(y, q)}{what}", body, key=f":{period}")


def _plan_district_catalogue(plan: Plan, staff: Staff) -> None:
    site = Site.by_code(DISTRICT)
    add = _upper_add(plan, site, staff, "district")
    rng = _rng(DISTRICT, "catalogue")
    add("A01.07", date(2025, 10, 13), "2025-10-13", "郫都区人民政府机构职能和联系方式",
        "区政府办公室地址：成都市团结路321号，电话028-65540533。\n\n"
        + _table(["部门", "与村(社区)有关的职能"], [
            ["区民政局", "社会救助、村(居)务公开指导、养老服务"],
            ["区农业农村局", "农村集体“三资”监管、涉农补贴"],
            ["区退役军人事务局", "优抚安置"], ["区医保局", "医疗救助、城乡居民医保"]]))
    add("A02.01", date(2025, 10, 13), "2025-10-13", "中共成都市郫都区委员会组织设置",
        "区委设工作机关和派出机关，辖镇(街道)党(工)委、村(社区)党组织和机关企事业单位党组织。"
        "\n\n区委常委会成员分工按区委全会和常委会确定的方案执行，调整时在本平台更新。")
    add("A02.08", date(2025, 11, 3), "2025-11-03", "郫都区村级小微权力清单(指导目录)",
        "区委、区政府制定村级小微权力清单指导目录，包括重大事项决策、“三资”管理、工程项目、"
        "惠民政策、便民服务等5大类32项，明确每项权力的流程和公开要求。各镇(街道)指导村(社区)"
        "制定本村清单。")
    add("A08.03", date(2025, 11, 10), "2025-11-10", "郫都区基本公共卫生服务项目",
        "城乡居民免费享有：建立居民健康档案、健康教育、预防接种、0—6岁儿童和孕产妇健康管理、"
        "65岁以上老年人健康管理、高血压和2型糖尿病患者健康管理、严重精神障碍患者管理等服务。"
        "\n\n服务由镇(街道)社区卫生服务中心和村(社区)卫生室提供。")
    add("A08.08", date(2025, 11, 10), "2025-11-10", "郫都区公共法律服务",
        "区公共法律服务中心设在区政务服务中心，提供法律咨询、法律援助、公证和人民调解服务。"
        "\n\n全区村(社区)法律顾问实现全覆盖，公共法律服务热线12348。")
    add("A08.09", date(2025, 12, 8), "2025-12-08", "郫都区养老服务机构和日间照料中心",
        f"全区有养老机构{rng.randint(20, 30)}家、镇(街道)综合养老服务中心{rng.randint(10, 14)}个、"
        f"村(社区)养老服务站{rng.randint(180, 230)}个。\n\n特困人员集中供养由区社会福利院和镇(街道)"
        "敬老院承担，失能特困人员优先入住。")
    add("A08.11", date(2025, 11, 17), "2025-11-17", "郫都区户籍管理办事指南",
        "出生登记、身份证申领、户口迁移等业务在户籍所在地派出所户籍窗口办理，"
        "部分业务可通过“天府通办”网上办理。\n\n跨省户口迁移实行“一站式”办理，无需往返迁出地。")
    add("A08.12", date(2025, 11, 17), "2025-11-17", "郫都区退役军人服务",
        "区退役军人服务中心提供退役报到、优抚待遇、优待证、就业创业和困难帮扶服务；"
        "镇(街道)、村(社区)设退役军人服务站。")
    add("A08.13", date(2025, 11, 17), "2025-11-17", "郫都区残疾人服务",
        "残疾人证办理、两项补贴申请、辅助器具适配和残疾人家庭无障碍改造，可到镇(街道)便民服务中心"
        "申请，也可由村(社区)残疾人专职委员代办。")
    add("A11.01", date(2025, 10, 13), "2025-10-13", "郫都区政府信息公开指南",
        "主动公开信息在本平台和区政府门户网站发布。依申请公开可通过本平台、信函或当面提交，"
        "受理机构为区政府办公室，自收到申请之日起20个工作日内答复。")
    add("A11.06", date(2025, 12, 15), "2025-12-15", "郫都区权责清单和公共服务事项清单",
        "区级部门权责清单和公共服务事项清单在四川政务服务网郫都区站点集中公布，"
        "事项调整后10个工作日内更新。镇(街道)权责清单由各镇(街道)在本平台公开。")
    add("A11.08", date(2025, 12, 15), "2025-12-15", "郫都区依申请公开渠道和办理情况",
        "申请渠道：本平台、信函（成都市团结路321号 郫都区人民政府办公室）、当面提交。"
        "\n\n2025年收到依申请公开318件，全部按期答复。")
    add("A12.05", date(2025, 10, 20), "2025-10-20", "郫都区政务服务中心地址、电话和服务时间",
        "地址：成都市团结路321号。服务时间：工作日9:00—17:00，周六9:00—12:00提供部分业务。"
        "\n\n咨询投诉：12345。各镇(街道)便民服务中心、村(社区)便民服务站提供就近办理。")
    name = "郫都区2026年涉农补贴政策清单"
    add("B09.01", date(2026, 4, 17), "2026-04-17", name,
        _table(["补贴", "标准", "主管部门"], [
            ["耕地地力保护补贴", "按省下达标准，每亩约90—100元", "区农业农村局"],
            ["稻谷目标价格补贴", "按实际种植面积", "区农业农村局"],
            ["农机购置补贴", "按目录定额补贴", "区农业农村局"],
            ["农业保险保费补贴", "财政补贴保费的70%—80%", "区财政局"]]),
        fields=_policy("郫农发〔2026〕7号", name, "郫都区农业农村局", date(2026, 4, 14)))
    for code, day, title, body in [
        ("A08.05", date(2026, 3, 19), "郫都区2025年度城乡居民基本养老保险参保和待遇情况",
         "2025年全区城乡居民养老保险参保缴费约16.8万人，按月领取待遇约9.6万人，基础养老金按规定"
         "调整并全部按时发放。"),
        ("A11.03", date(2026, 4, 10), "郫都区2026年政府工作报告",
         "2025年，全区地区生产总值保持稳定增长，完成高标准农田建设2.1万亩。2026年将推进"
         "“郫县豆瓣”产业链升级、农村人居环境整治提升和基层公开标准化。"),
        ("A13.02", date(2026, 3, 26), "郫都区2025年度耕地保护基金发放情况",
         "2025年全区发放耕地保护基金约1.2亿元，标准为永久基本农田每亩每年400元、一般耕地每亩每年"
         "300元，已全部发放至承包农户账户。"),
    ]:
        add(code, day, "2025", title, body)
    for y, q in QUARTERS[2:]:
        period = f"{y}-Q{q}"
        day = weekday_between(rng, quarter_end(y, q) + timedelta(days=8),
                              quarter_due(y, q) - timedelta(days=2))
        add("A07.06", day, period, f"郫都区{qlabel(y, q)}医疗救助情况",
            f"本季度全区实施医疗救助{rng.randint(2500, 4000):,}人次，救助金额"
            f"{rng.randint(600, 1100):,}万元，其中住院救助{rng.randint(55, 70)}%。",
            key=f":{period}")


def _plan_city_catalogue(plan: Plan, staff: Staff) -> None:
    site = Site.by_code(CITY)
    add = _upper_add(plan, site, staff, "city")
    add("A01.07", date(2025, 10, 10), "2025-10-10", "成都市人民政府机构职能和联系方式",
        "市政府工作部门的职能、内设机构和联系方式在市政府门户网站“机构职能”栏目公布。"
        "\n\n与村(社区)公开有关的部门：市民政局（村(居)务公开指导）、市农业农村局（农村集体"
        "“三资”监管）、市政务服务管理和网络理政办公室（政务公开）。热线12345。")
    add("A02.01", date(2025, 10, 10), "2025-10-10", "中共成都市委组织设置",
        "市委设工作机关和派出机关，下辖区(市)县委和市直机关、企事业单位党组织。"
        "市委常委会成员分工在市委全会、常委会确定后公布。")
    add("A08.14", date(2025, 11, 20), "2025-11-20", "成都市供水、供电、供气服务",
        _table(["服务", "办理渠道"], [
            ["供水报装、缴费、报修", "供水企业营业厅、“天府通办”或12345"],
            ["供电报装、缴费、报修", "供电营业厅、“网上国网”或12345"],
            ["供气报装、缴费、报修", "燃气企业营业厅、“天府通办”或12345"]])
        + "\n\n水电气联合报装实行“一表申请、一窗受理”，居民报装不收取费用。")
    add("A11.03", date(2026, 4, 8), "2025", "成都市2026年政府工作报告(摘要)",
        "2025年，全市经济运行总体平稳，城乡居民收入持续增长。2026年将深化城乡融合发展、"
        "推进乡村全面振兴，完善基层公开和群众监督机制。")
    add("A11.06", date(2025, 12, 12), "2025-12-12", "成都市权责清单和公共服务事项清单",
        "市级部门权责清单和公共服务事项清单在四川政务服务网成都站点公布，实行动态调整。")
    add("A11.08", date(2025, 12, 12), "2025-12-12", "成都市依申请公开渠道和办理情况",
        "申请人可通过本平台、市政府门户网站、信函或当面提出申请。2025年全市收到依申请公开"
        "6,312件，按期答复6,305件。")


# ---------------------------------------------------------------- running the plan


def _at(day: date, minutes: int) -> datetime:
    """A moment on a Shanghai working day, `minutes` after noon (negative: the morning)."""
    return shanghai_noon(day) + timedelta(minutes=minutes)


def _forget_written() -> None:
    """Flush, then drop the items, revisions and events written so far from the session.

    The rows stay in the transaction; the session just stops tracking them. Without this every
    ORM update (each publication bumps the content version) scans an ever longer identity map.
    """
    db.session.flush()
    for obj in list(db.session.identity_map.values()):
        if isinstance(obj, Item | ItemRevision | ReviewEvent | audit.AuditEvent):
            db.session.expunge(obj)


def _run(plan: Plan) -> dict[str, int]:
    """Carry out the plan in date order; the ids of the items published, by task key.

    The run happens inside one request context so that the permission checks share the
    per-request cache of each user's roles (no grant changes while the plan runs); the cache is
    dropped afterwards. No request address is recorded in the audit trail.
    """
    with current_app.test_request_context(environ_base={"REMOTE_ADDR": None}):
        try:
            return _run_tasks(plan)
        finally:
            flask.g.pop("permission_cache", None)


def _run_tasks(plan: Plan) -> dict[str, int]:
    items: dict[str, int] = {}
    for n, task in enumerate(sorted(plan.tasks, key=lambda t: (t.day, t.seq)), start=1):
        if n % 100 == 0:
            _forget_written()
        rng = _rng(task.key, task.action, task.seq)
        site = task.site
        if task.action == "publish":
            data = dict(task.data)
            if task.links:
                data["fields"] = {**data.get("fields", {}),
                                  **{k: items[v] for k, v in task.links.items()}}
            drafted = task.drafted or task.day
            with frozen(_at(drafted, rng.randint(-170, -20))):
                item = ops.create_item(task.author, site, data)
                ops.submit_item(task.author, site, item)
            with frozen(_at(task.day, rng.randint(30, 290))):
                ops.countersign_item(task.reviewer, site, item, task.dissent)
            items[task.key] = item.id
        elif task.action == "correct":
            if task.key not in items:
                continue
            item = db.session.get(Item, items[task.key])
            current = item.current_revision
            data = {"category": item.category_code,
                    "period": period_text(item.period_kind, item.period_start),
                    "title": task.data.get("title", current.title),
                    "body": task.data.get("body", current.body),
                    "fields": task.data.get("fields", current.field_values),
                    "reason": task.reason}
            with frozen(_at(task.day, rng.randint(-170, -20))):
                ops.start_correction(task.author, site, item)
                ops.update_draft(task.author, site, item, data)
                ops.submit_item(task.author, site, item)
            with frozen(_at(task.day, rng.randint(30, 290))):
                ops.countersign_item(task.reviewer, site, item)
        else:
            with frozen(_at(task.day, rng.randint(-60, 200))):
                ops.withdraw_item(task.author, site, db.session.get(Item, items[task.key]),
                                  task.reason)
    return items


def load_content() -> Iterator[str]:
    """Create the demo staff and a year of disclosures; yield summary lines for the console."""
    existing = db.session.scalar(db.select(db.func.count(Item.id)))
    if existing:
        yield f"demo content already present ({existing} items): skipped"
        return
    if current_version() is None:
        yield "no content standard loaded: demo content skipped"
        return
    password = current_app.config["DEMO_PASSWORD"]
    password_hash = account_ops.hash_password(password)
    created: list[User] = []
    with frozen(_at(date(2025, 9, 26), 0)):
        places, upper = _accounts(password_hash, created)
    yield (f"demo staff accounts: {len(created)} created (13801xxxxxx: publisher, supervisor and "
           f"民主理财小组 per village; reviewers at 安德街道, 郫都区, 成都市; same password)")

    plan = Plan()
    township_staff = upper["township_publisher"]
    for place in places:
        _plan_village(plan, place, township_staff)
    _plan_corrections(plan, places)
    _plan_city(plan, upper[CITY])
    _plan_district(plan, upper[DISTRICT])
    _plan_township(plan, upper[TOWNSHIP])
    _plan_township_catalogue(plan, upper[TOWNSHIP], places)
    _plan_district_catalogue(plan, upper[DISTRICT])
    _plan_city_catalogue(plan, upper[CITY])
    items = _run(plan)
    levels = Counter(t.site.level for t in plan.tasks if t.action == "publish")
    corrected = sum(1 for t in plan.tasks if t.action == "correct" and t.key in items)
    withdrawn = sum(1 for t in plan.tasks if t.action == "withdraw")
    dissent = sum(1 for t in plan.tasks if t.action == "publish" and t.dissent)
    prepared = db.session.scalar(db.select(db.func.count(Item.id))
                                 .where(Item.prepared_by_site_id.is_not(None)))
    db.session.commit()
    o = plan.outcomes
    judged = sum(o.values()) or 1
    yield (f"demo content: {len(items)} items (city {levels['city']}, district "
           f"{levels['district']}, township {levels['township']}, village {levels['village']}); "
           f"{corrected} corrected, {withdrawn} withdrawn, {dissent} with dissent, "
           f"{prepared} prepared by 安德街道")
    yield (f"quarterly obligations 2025-Q4..2026-Q3: {o['on_time']} on time "
           f"({100 * o['on_time'] // judged}%), {o['late']} late ({100 * o['late'] // judged}%), "
           f"{o['missing']} missing ({100 * o['missing'] // judged}%)")
