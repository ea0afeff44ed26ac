"""Letter deadlines as data: the rule for a letter type at a level, and due dates from it.

The rules live in the LETTER_DEADLINES setting (see portal/config.py and README, "Letterbox").
Acceptance is always counted in working days; answers in the unit the rule names. A deadline
is a date in Shanghai: the office has until the end of that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

from portal.core.workdays import add_working_days


@dataclass(frozen=True)
class Rule:
    """How long an office has for one letter type at one level."""

    accept: int  # working days to accept or refuse
    answer: int  # days to answer, in `unit`
    answer_simple: int | None  # a shorter answer deadline for simple matters, if any
    extension: int  # days one extension adds (0: the law allows none)
    unit: str  # "working" or "calendar"
    counted_from: str  # "received" or "accepted"


def rule_for(kind: str, level: str) -> Rule:
    """The deadline rule of a letter type at a site level, from the deployment's settings."""
    table = current_app.config["LETTER_DEADLINES"]
    merged = {**table["default"], **table.get(kind, {})}
    answer = merged.get("answer_by_level", {}).get(level, merged["answer"])
    unit = merged.get("unit", "working")
    if unit not in ("working", "calendar"):
        raise ValueError(f"LETTER_DEADLINES[{kind!r}]: unit must be working or calendar")
    counted_from = merged.get("from", "accepted")
    if counted_from not in ("received", "accepted"):
        raise ValueError(f"LETTER_DEADLINES[{kind!r}]: from must be received or accepted")
    simple = merged.get("answer_simple")
    return Rule(accept=int(merged["accept"]), answer=int(answer),
                answer_simple=int(simple) if simple else None,
                extension=int(merged.get("extension", 0)), unit=unit,
                counted_from=counted_from)


def add_days(start: date, days: int, unit: str) -> date:
    """The date `days` working or calendar days after `start` (start itself not counted)."""
    if unit == "working":
        return add_working_days(start, days)
    return start + timedelta(days=days)


def accept_due(start: date, rule: Rule) -> date:
    """The last day to accept or refuse a letter received on `start`."""
    return add_working_days(start, rule.accept)


def answer_due(start: date, rule: Rule, simple: bool = False) -> date:
    """The last day to answer, counted from `start` (receipt or acceptance, as the rule says)."""
    days = rule.answer_simple if simple and rule.answer_simple else rule.answer
    return add_days(start, days, rule.unit)


def unit_name(unit: str) -> str:
    """工作日 or 日, for the deadline texts shown to people."""
    from flask_babel import gettext as _

    return _("个工作日") if unit == "working" else _("日")
