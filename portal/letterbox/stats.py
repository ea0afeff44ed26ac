"""Published answer statistics of an office and of a subtree of offices.

Method (shown on the pages that publish the figures):

* The unit is a handling spell: one office's time with one letter, from receipt (or transfer,
  escalation, reopening) until it answers, refuses, transfers it or is escalated past. A letter
  handled by two offices counts once at each; a subtree adds up the spells of its offices.
* Received: spells that started within the last LETTERS_STATS_DAYS days up to today
  (Shanghai dates).
* On-time rate: spells answered with no deadline missed (acceptance within its deadline, answer
  by the answer deadline, an extension counted) divided by the spells that had to be answered:
  the answered ones plus those escalated for being overdue and those still open past a deadline.
  Refused and transferred spells are not judged: they are counted separately.
* Days to answer: working days (holiday calendar with 调休) from receipt at the office to its
  answer, the median over answered spells.
* Satisfaction: the writers' ratings of the answers; the rate is (满意 + 基本满意) / rated.
* A rate or median is published only when LETTERS_STATS_MIN_SAMPLE spells or more stand behind
  it; below that the counts are shown and the rate reads "样本不足".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app

from portal.core.clock import local_date, today
from portal.core.tenancy import LEVELS, PREFIX_LENGTH
from portal.core.workdays import working_days_between
from portal.extensions import db
from portal.letterbox.models import Assignment, Letter
from portal.sites.models import Site


@dataclass
class Stats:
    """Counts and rates of the spells of one office or subtree."""

    min_sample: int
    received: int = 0
    answered: int = 0
    refused: int = 0
    transferred: int = 0
    open: int = 0
    overdue: int = 0  # open past a deadline now
    escalated: int = 0  # moved up for being overdue
    judged: int = 0
    on_time: int = 0
    ratings: dict = field(default_factory=lambda: {"satisfied": 0, "fair": 0, "unsatisfied": 0})
    days: list = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged >= self.min_sample else None

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.days) if len(self.days) >= self.min_sample else None

    @property
    def satisfaction_rate(self) -> float | None:
        good = self.ratings["satisfied"] + self.ratings["fair"]
        return good / self.rated if self.rated >= self.min_sample else None

    def add(self, spell: Assignment, state: str, day: date) -> None:
        """Count one spell as of `day`."""
        self.received += 1
        if spell.rating in self.ratings:
            self.ratings[spell.rating] += 1
        if spell.outcome == "answered":
            self.answered += 1
            self.judged += 1
            self.on_time += 0 if spell.late else 1
            self.days.append(working_days_between(local_date(spell.started_at),
                                                  local_date(spell.answered_at)))
        elif spell.outcome == "rejected":
            self.refused += 1
        elif spell.outcome == "transferred":
            self.transferred += 1
        elif spell.outcome == "escalated":
            self.escalated += 1
            self.judged += 1
        elif spell.outcome is None:
            self.open += 1
            due = spell.answer_due if spell.accepted_at else spell.accept_due
            if (due is not None and day > due) or spell.late:
                self.overdue += 1
                self.judged += 1


def window_start(day: date) -> datetime:
    """Naive UTC of the first moment counted: Shanghai midnight LETTERS_STATS_DAYS days back."""
    first = day - timedelta(days=current_app.config["LETTERS_STATS_DAYS"] - 1)
    return datetime(first.year, first.month, first.day) - timedelta(hours=8)  # UTC+8, no DST


def window_end(day: date) -> datetime:
    """Naive UTC of the end of `day` in Shanghai (spells started later are not counted yet)."""
    return datetime(day.year, day.month, day.day) + timedelta(days=1) - timedelta(hours=8)


def _spells(condition, day: date):
    return db.session.execute(
        db.select(Assignment, Letter.state, Site.code)
        .join(Letter, Letter.id == Assignment.letter_id)
        .join(Site, Site.id == Assignment.site_id)
        .where(condition, Assignment.started_at >= window_start(day),
               Assignment.started_at < window_end(day))).all()


def _new(min_sample: int | None = None) -> Stats:
    return Stats(min_sample if min_sample is not None else
                 current_app.config["LETTERS_STATS_MIN_SAMPLE"])


def site_stats(site: Site, subtree: bool = False, day: date | None = None) -> Stats:
    """The figures of one office, or of the office and every office below it."""
    day = day or today()
    stats = _new()
    condition = site.subtree() if subtree else (Assignment.site_id == site.id)
    for spell, state, _code in _spells(condition, day):
        stats.add(spell, state, day)
    return stats


def children_stats(site: Site, day: date | None = None) -> list[tuple[Site, Stats]]:
    """Each site directly below, with the figures of its whole subtree (one query)."""
    day = day or today()
    children = site.children()
    if not children:
        return []
    level = LEVELS[LEVELS.index(site.level) + 1]
    width = PREFIX_LENGTH[level]
    by_prefix = {c.code[:width]: (c, _new()) for c in children}
    for spell, state, code in _spells(site.subtree(), day):
        entry = by_prefix.get(code[:width])
        if entry is not None and code != site.code:
            entry[1].add(spell, state, day)
    return list(by_prefix.values())
