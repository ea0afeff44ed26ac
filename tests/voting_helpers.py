"""Shared set-up for the voting tests: a village roster with valid ID numbers and verified voters."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from portal.accounts.models import Residency, User
from portal.accounts.operations import apply_residency, register_user, review_residency
from portal.core.audit import utcnow
from portal.core.privacy import ID_CHECK, ID_WEIGHTS
from portal.extensions import db
from portal.sites.models import Site
from portal.voting import operations as ops

VILLAGE = "510117004200"  # 安龙村
OTHER = "510117004201"
STAFF = "13900000001"
SUPERVISOR = "13900000002"


def id_number(seq: int, born: date = date(1980, 5, 1)) -> str:
    """A valid 18-digit ID number (checksum and birth date) for test person `seq`."""
    body = f"510117{born:%Y%m%d}{seq % 1000:03d}"
    return body + ID_CHECK[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


def roster_csv(people) -> bytes:
    """people: [(household, name, seq, relation, group, representative, born)]."""
    lines = ["户号,姓名,身份证号,与户主关系,村民小组,村民代表"]
    for household, name, seq, relation, group, rep, born in people:
        lines.append(f"{household},{name},{id_number(seq, born)},{relation},{group},"
                     f"{'是' if rep else ''}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def person(i, household=None, relation="户主", group="一组", rep=False, born=date(1980, 5, 1)):
    return (household or f"H{i:03d}", f"村民{i:03d}", i, relation, group, rep, born)


def staff(village_code=VILLAGE) -> User:
    return db.session.scalar(db.select(User).where(User.mobile == STAFF))


def make_voter(site: Site, i: int, name=None, migrant=False, verify=True) -> User:
    """Register person i of the roster, apply with their ID number and (optionally) verify."""
    user = register_user(f"137{i:08d}", "Test-pass-2026", name or f"村民{i:03d}")
    residency = apply_residency(user, site, {
        "real_name": name or f"村民{i:03d}", "household_number": f"H{i:03d}",
        "id_number": id_number(i), "is_migrant": migrant,
        "work_place": "广东省深圳市" if migrant else None})
    if verify:
        review_residency(staff(), site, residency, True)
    db.session.flush()
    return user


def residency_of(user: User) -> Residency:
    return db.session.scalar(db.select(Residency).where(Residency.user_id == user.id))


def poll_data(**overrides) -> dict:
    now = utcnow().replace(second=0, microsecond=0)
    data = {"title": "是否同意硬化三组至五组机耕道", "description": "",
            "options": ["同意", "不同意"], "multiple": False, "max_choices": 1, "secret": True,
            "opens_at": now + timedelta(minutes=1), "closes_at": now + timedelta(days=3),
            "electorate": "adults", "rule": "villagers_meeting"}
    data.update(overrides)
    return data


def at(moment: datetime):
    from portal.core.clock import frozen

    return frozen(moment)


def create_open_poll(site, **overrides):
    """A poll created now that is open one hour later; returns (poll, open moment)."""
    poll = ops.create_poll(staff(), site, poll_data(**overrides))
    db.session.flush()
    return poll, poll.opens_at + timedelta(hours=1)
