"""Time as the portal sees it: stored in UTC, shown in Asia/Shanghai, and movable.

`utcnow()` is the one source of "now" for every record. `frozen(moment)` sets it for a block of
code: the demo generator uses it to publish items on past dates, and tests use it to advance the
clock (deadlines, escalation) without sleeping.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_frozen: ContextVar[datetime | None] = ContextVar("frozen_now", default=None)


def utcnow() -> datetime:
    """The current time in UTC, without tzinfo, as stored in every table."""
    moment = _frozen.get()
    if moment is not None:
        return moment
    return datetime.now(UTC).replace(tzinfo=None)


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Make utcnow() return `moment` (naive UTC) inside the block."""
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)


def shanghai_noon(day: date) -> datetime:
    """Naive UTC for 12:00 in Shanghai on a day (a handy time to freeze the clock at)."""
    return datetime(day.year, day.month, day.day, 12) - timedelta(hours=8)


def local_date(moment: datetime) -> date:
    """The calendar date in Shanghai of a stored (naive UTC) time."""
    return moment.replace(tzinfo=UTC).astimezone(SHANGHAI).date()


def today() -> date:
    """Today in Shanghai (follows a frozen clock)."""
    return local_date(utcnow())
