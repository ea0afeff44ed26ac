"""The statutory rule library (rules.toml) and the one function that judges a count against a rule.

Ratios are exact fractions: "exactly 2/3" passes an at-least-2/3 rule, "exactly half" fails a
more-than-half (过半数) rule. A rule's quorum is a list of alternatives (村民会议: a majority of
adult villagers OR representatives of 2/3 of households); an alternative whose basis the poll's
electorate cannot measure is skipped.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).with_name("rules.toml")
QUORUM_BASES = ("persons", "households", "members")
PASS_BASES = ("present", "cast", "registered")
ELECTORATES = ("adults", "households", "representatives")
# Which quorum bases each electorate can measure.
MEASURABLE = {
    "adults": {"persons", "households"},
    "households": {"households"},
    "representatives": {"members"},
}


@dataclass(frozen=True)
class Threshold:
    basis: str
    ratio: Fraction
    strict: bool

    def met(self, count: int, base: int) -> bool:
        """count/base > ratio (strict) or >= ratio; nothing is met against an empty base."""
        if base <= 0:
            return False
        share = Fraction(count, base)
        return share > self.ratio if self.strict else share >= self.ratio

    def needed(self, base: int) -> int:
        """The smallest count that meets the threshold against this base."""
        need = self.ratio * base
        whole = need.numerator // need.denominator
        if self.strict or need != whole:
            return whole + 1
        return whole

    def as_dict(self) -> dict:
        return {"basis": self.basis, "ratio": f"{self.ratio.numerator}/{self.ratio.denominator}",
                "strict": self.strict}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    basis: str
    electorates: tuple[str, ...]
    quorum: tuple[Threshold, ...]
    passing: Threshold

    def as_dict(self) -> dict:
        """The rule's parameters as frozen into a poll."""
        return {"code": self.code, "name": self.name, "basis": self.basis,
                "electorates": list(self.electorates),
                "quorum": [q.as_dict() for q in self.quorum], "pass": self.passing.as_dict()}


def _threshold(data: dict, bases) -> Threshold:
    if data["basis"] not in bases:
        raise ValueError(f"unknown basis {data['basis']!r}")
    ratio = Fraction(data["ratio"])
    if not 0 < ratio <= 1:
        raise ValueError(f"ratio out of range: {data['ratio']}")
    return Threshold(data["basis"], ratio, bool(data["strict"]))


def rule_from_dict(data: dict) -> Rule:
    """A rule from its data (the library file, or the copy frozen into a poll)."""
    electorates = tuple(data["electorates"])
    if not electorates or any(e not in ELECTORATES for e in electorates):
        raise ValueError(f"bad electorates in {data['code']}")
    return Rule(
        code=data["code"], name=data["name"], basis=data["basis"], electorates=electorates,
        quorum=tuple(_threshold(q, QUORUM_BASES) for q in data["quorum"]),
        passing=_threshold(data["pass"], PASS_BASES),
    )


@cache
def library() -> dict[str, Rule]:
    """Every rule of the library, by code, in file order."""
    data = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))
    rules = [rule_from_dict(r) for r in data["rule"]]
    return {r.code: r for r in rules}


@dataclass(frozen=True)
class Counts:
    """What a judgement needs: the electorate's size and what happened."""

    registered: int  # persons, households or members in the electorate
    registered_households: int  # households of the village (for the households quorum)
    present: int  # participants (ballots, blank ones included)
    households_present: int  # distinct households among the participants
    cast: int  # ballots that chose at least one option
    votes: dict  # option key -> votes


@dataclass(frozen=True)
class Judgement:
    quorum_met: bool
    quorum_detail: list  # [(basis, count, base, needed, met)]
    pass_base: int
    needed: int
    passed: dict  # option key -> bool
    winners: list  # option keys that pass


def judge(rule: Rule, electorate: str, counts: Counts) -> Judgement:
    """Whether the quorum is met and which options pass under the rule."""
    detail = []
    for q in rule.quorum:
        if q.basis not in MEASURABLE[electorate]:
            continue
        if q.basis == "households":
            count, base = counts.households_present, counts.registered_households
        else:
            count, base = counts.present, counts.registered
        detail.append((q.basis, count, base, q.needed(base), q.met(count, base)))
    quorum_met = not rule.quorum or any(d[4] for d in detail)
    base = {"present": counts.present, "cast": counts.cast,
            "registered": counts.registered}[rule.passing.basis]
    passed = {key: quorum_met and rule.passing.met(n, base) for key, n in counts.votes.items()}
    return Judgement(quorum_met=quorum_met, quorum_detail=detail, pass_base=base,
                     needed=rule.passing.needed(base), passed=passed,
                     winners=[k for k, ok in passed.items() if ok])
