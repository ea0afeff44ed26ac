"""Working days on the Chinese public-holiday calendar, including make-up working days (调休).

chinese-calendar knows the State Council's holiday notice up to the year it was released for;
for a later year it raises NotImplementedError. Then we fall back to Monday-Friday and say so in
`calendar_known`, rather than crash: the notice for a year is published each November or December,
and upgrading the package brings it in.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def calendar_known(day: date) -> bool:
    """Whether the official holiday calendar covers this day's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """A working day: official calendar where known (holidays off, 调休 Saturdays on), else Mon-Fri."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_workday(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current):
            count += 1
    return count
