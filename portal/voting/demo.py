"""Demo votes for 安龙村: a household roster, verified residents, a closed and published vote, a
democratic evaluation, an open consultation with an approved proxy, and 四议两公开 matters.

Everything goes through the operations with the clock frozen on the day it happened; names and ID
numbers come from a seeded generator, so the data are the same on every machine. Loading again
does nothing once the roster exists.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from flask import current_app

from portal.accounts import operations as account_ops
from portal.accounts.models import Residency, User
from portal.content import operations as content_ops
from portal.content.models import Item
from portal.core.clock import frozen, shanghai_noon, today
from portal.core.privacy import ID_CHECK, ID_WEIGHTS
from portal.extensions import db
from portal.sites.models import Site
from portal.voting import operations as ops
from portal.voting.models import Poll, RosterEntry

VILLAGE = "510117004200"  # 安龙村
STAFF, SUPERVISOR = "13800000004", "13800000005"
SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭罗宋谢唐韩曹邓冯"
GIVEN = ["建国", "秀英", "桂兰", "德明", "志强", "淑华", "国庆", "明辉", "玉兰", "春梅", "小红",
         "文军", "海燕", "家福", "永贵", "素芳", "天成", "丽娟", "光荣", "晓东", "学勤", "红梅"]
GROUPS = ["一组", "二组", "三组", "四组", "五组", "六组"]
# Demo residents already in portal/demo.py: (household, name, ID birth date, sequence).
KNOWN = {"张秀英": ("0312", date(1968, 4, 12), 221), "李建国": ("0147", date(1986, 9, 3), 135)}
VOTERS = 40  # demo residents with accounts 13802000001... who vote


def _id_number(born: date, seq: int) -> str:
    body = f"510117{born:%Y%m%d}{seq % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def id_number_of(real_name: str) -> str | None:
    """The demo ID number of a demo resident named in portal/demo.py."""
    if real_name not in KNOWN:
        return None
    _household, born, seq = KNOWN[real_name]
    return _id_number(born, seq)


def roster_rows() -> list[tuple]:
    """About 150 people in 48 households over six 村民小组, with 15 村民代表."""
    rng = random.Random(510117004200)
    rows, seq = [], 300
    numbers = [f"{n:04d}" for n in range(101, 150) if n != 147]
    numbers[10], numbers[20] = "0147", "0312"
    for i, number in enumerate(numbers):
        group = GROUPS[i % len(GROUPS)]
        surname = SURNAMES[rng.randrange(len(SURNAMES))]
        members = [("户主", date(rng.randint(1950, 1985), rng.randint(1, 12), rng.randint(1, 28)))]
        members.append(("配偶", date(members[0][1].year + rng.randint(-3, 3), rng.randint(1, 12),
                                    rng.randint(1, 28))))
        for _ in range(rng.randint(0, 2)):
            members.append(("子女", date(rng.randint(1990, 2015), rng.randint(1, 12),
                                        rng.randint(1, 28))))
        known = next((n for n, v in KNOWN.items() if v[0] == number), None)
        for k, (relation, born) in enumerate(members):
            if k == 0 and known:
                _number, born_known, seq_known = KNOWN[known]
                rows.append([number, known, _id_number(born_known, seq_known), "户主", group, ""])
                continue
            family = surname if k != 1 else SURNAMES[rng.randrange(len(SURNAMES))]
            seq += 1
            rows.append([number, family + rng.choice(GIVEN), _id_number(born, seq), relation,
                         group, "是" if k == 0 and i % 3 == 0 else ""])
    return rows


def _csv() -> bytes:
    lines = ["户号,姓名,身份证号,与户主关系,村民小组,村民代表"]
    lines += [",".join(r) for r in roster_rows()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _user(mobile: str) -> User:
    return db.session.scalar(db.select(User).where(User.mobile == mobile))


def _local(day: date, hour: int) -> datetime:
    """Naive UTC for a Shanghai wall-clock hour on a day."""
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=8)


def _voters(village: Site, staff: User) -> list[User]:
    """40 verified adult residents with accounts, matched to the roster (one password hash)."""
    password_hash = account_ops.hash_password(current_app.config["DEMO_PASSWORD"])
    adults = [r for r in roster_rows() if r[0] not in ("0147", "0312")
              and int(r[2][6:10]) <= 2006][:VOTERS]
    users = []
    with frozen(shanghai_noon(date(2026, 3, 2))):
        for n, (number, name, id_no, *_rest) in enumerate(adults, start=1):
            user = User(mobile=f"138020{n:05d}", password_hash=password_hash, display_name=name)
            db.session.add(user)
            db.session.flush()
            residency = account_ops.apply_residency(user, village, {
                "real_name": name, "household_number": number, "id_number": id_no,
                "is_migrant": n % 5 == 0, "work_place": "广东省东莞市" if n % 5 == 0 else None})
            account_ops.review_residency(staff, village, residency, True)
            users.append(user)
    return users


def load_voting() -> Iterator[str]:
    """Create the demo roster, votes, evaluation and matters; yield summary lines."""
    village = Site.by_code(VILLAGE)
    if village is None or db.session.scalar(
            db.select(RosterEntry.id).where(RosterEntry.site_id == village.id).limit(1)):
        yield "demo votes already present: skipped"
        return
    staff, supervisor = _user(STAFF), _user(SUPERVISOR)
    with frozen(shanghai_noon(date(2026, 3, 1))):
        result = ops.import_roster(staff, village, "安龙村户籍花名册.csv", _csv())
    _link_known(village)
    voters = _voters(village, staff)
    db.session.commit()
    yield (f"demo roster of 安龙村: {result.added} people in {result.households} households; "
           f"{len(voters)} verified voters 13802000001-13802000040 (same password)")

    # A closed vote under the 村民会议 rule, with its paper count and published result.
    road = _closed_vote(village, staff, supervisor, voters)
    _evaluation(village, staff, supervisor, voters)
    _matters(village, staff, supervisor, road)
    _open_poll(village, staff, voters)
    db.session.commit()
    yield "demo votes: 1 closed vote, 1 evaluation, 1 open consultation, 2 四议两公开 matters"


def _link_known(village: Site) -> None:
    """Demo residents verified before the roster existed are matched to it now."""
    for residency in db.session.scalars(db.select(Residency).where(
            Residency.site_id == village.id)):
        number = id_number_of(residency.real_name)
        if number is None:
            continue
        residency.id_hash = ops.id_hash(village, number)
        entry = ops.roster_match(residency)
        if residency.status == "verified" and entry is not None:
            residency.roster_entry_id, residency.household_id = entry.id, entry.household_id


def _closed_vote(village, staff, supervisor, voters) -> Poll:
    with frozen(_local(date(2026, 9, 1), 9)):
        poll = ops.create_poll(staff, village, {
            "title": "关于硬化三组至五组机耕道(全长1.2公里)的意见征集",
            "description": "项目预算38.6万元，其中财政奖补26万元，村集体经济收入12.6万元，不向村民筹资。",
            "options": ["同意", "不同意"], "secret": True, "electorate": "adults",
            "rule": "villagers_meeting", "opens_at": _local(date(2026, 9, 5), 8),
            "closes_at": _local(date(2026, 9, 12), 20)})
    rng = random.Random(7)
    for n, user in enumerate(voters[:36]):
        with frozen(_local(date(2026, 9, 5 + n % 7), 10 + n % 9)):
            choice = [] if n % 17 == 16 else [poll.options[0 if rng.random() < 0.82 else 1].id]
            ops.cast_vote(user, village, poll, choice)
    with frozen(_local(date(2026, 9, 13), 15)):
        ops.record_paper_count(staff, village, poll, date(2026, 9, 13), 68,
                               {poll.options[0].id: 57, poll.options[1].id: 9})
        item = ops.publish_results(staff, village, poll)
    with frozen(_local(date(2026, 9, 14), 10)):
        content_ops.countersign_item(supervisor, village, item)
    return poll


def _evaluation(village, staff, supervisor, voters) -> None:
    with frozen(_local(date(2026, 1, 5), 9)):
        poll = ops.create_poll(staff, village, {
            "kind": "evaluation", "title": "2025年度村民委员会成员民主评议",
            "description": "由村务监督委员会主持，对领取误工补贴的村委会成员逐一评议。",
            "options": ["赵德明 村委会主任", "钱小红 村委会副主任", "孙永贵 村委会委员(会计)"],
            "electorate": "adults", "rule": "villagers_meeting",
            "opens_at": _local(date(2026, 1, 10), 8), "closes_at": _local(date(2026, 1, 17), 20)})
    rng = random.Random(11)
    for n, user in enumerate(voters[:30]):
        with frozen(_local(date(2026, 1, 10 + n % 7), 9 + n % 10)):
            ratings = {o.id: rng.choices(["competent", "basic", "incompetent"],
                                         weights=[7, 2, 1] if i != 2 else [4, 4, 2])[0]
                       for i, o in enumerate(poll.options)}
            ops.cast_vote(user, village, poll, ratings=ratings)
    with frozen(_local(date(2026, 1, 18), 10)):
        item = ops.publish_results(staff, village, poll)
        content_ops.countersign_item(supervisor, village, item)


def _matters(village, staff, supervisor, road: Poll) -> None:
    steps = [
        (date(2026, 8, 18), "村党支部委员会", "村党支部会议提议：三组至五组机耕道雨天泥泞，影响农机下田和村民出行，"
         "提议申报财政奖补项目硬化。"),
        (date(2026, 8, 21), "村党支部、村民委员会联席会议", "两委联席会议商议：确定硬化宽度3.5米、长1.2公里，"
         "预算38.6万元，资金来源为财政奖补和村集体经济收入，形成初步方案。"),
        (date(2026, 8, 27), "村党员大会", "党员大会审议初步方案，应到党员42人、实到37人，一致同意提交村民会议表决。"),
        (date(2026, 9, 13), "村民会议", "村民会议表决，到会68人，同意57人，不同意9人；网上意见征集同步进行，"
         "结果供会议参考。"),
        (date(2026, 9, 15), "村民委员会", "决议在村务公开栏和本平台公开，公开期7天，期间未收到异议。"),
        (date(2026, 11, 14), "村民委员会、村务监督委员会", "工程于11月8日竣工，经村务监督委员会和村民代表验收合格，"
         "实际支出37.9万元，结余0.7万元转入村集体账户。"),
    ]
    matter = None
    for n, (day, who, minutes) in enumerate(steps):
        with frozen(_local(day, 16)):
            if matter is None:
                matter = ops.create_matter(staff, village, {
                    "title": "三组至五组机耕道硬化", "summary": "全长1.2公里，宽3.5米，预算38.6万元。"})
            step = ops.record_step(staff, village, matter, {
                "acted_on": day, "acted_by": who, "minutes": minutes,
                "poll_id": road.id if n == 3 else 0})
        if step.item_id:
            with frozen(_local(day + timedelta(days=1), 10)):
                content_ops.countersign_item(supervisor, village, db.session.get(Item, step.item_id))
    with frozen(_local(date(2026, 11, 25), 16)):
        pending = ops.create_matter(staff, village, {
            "title": "村级文化活动室改造", "summary": "改造面积120平方米，增设适老化扶手和无障碍坡道。"})
        ops.record_step(staff, village, pending, {
            "acted_on": date(2026, 11, 25), "acted_by": "村党支部委员会",
            "minutes": "支部会议提议利用闲置村小学教室改造文化活动室，提交两委商议。"})


def _open_poll(village, staff, voters) -> None:
    """A consultation open from yesterday to ten days ahead, with one approved proxy."""
    day = today()
    with frozen(_local(day - timedelta(days=2), 9)):
        poll = ops.create_poll(staff, village, {
            "title": "2027年村集体经济收益分配方案意见征集",
            "description": "村集体经济2026年收益预计46万元，请对分配方案提出意见。",
            "options": ["方案一：40%用于公益事业，60%按成员分红", "方案二：60%用于公益事业，40%按成员分红",
                        "方案三：全部用于扩大集体经营"],
            "secret": True, "electorate": "adults", "rule": "villagers_meeting",
            "opens_at": _local(day - timedelta(days=1), 8),
            "closes_at": _local(day + timedelta(days=10), 20)})
        grant = ops.request_proxy(voters[4], village, poll, voters[5].mobile, "sibling")
        ops.decide_proxy(staff, village, grant, True)
    with frozen(_local(day - timedelta(days=1), 12)):
        for n, user in enumerate(voters[6:20]):
            ops.cast_vote(user, village, poll, [poll.options[n % 3 if n % 4 else 0].id])
