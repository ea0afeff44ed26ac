"""The deadline grammar of the standard: rules such as WD20, Q20, Y03-31 and POST7.

A deadline cell of categories.csv holds one rule for all a category's levels ("Q20") or one per
group of levels ("CDT:WD20 V:CD5"); content_standards/README.md explains each rule and its source.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from portal.standards.models import FREQUENCIES, GOVERNMENT_LETTERS, LETTER_ORDER, NOTICE_PREFIX

NOTICE_RE = re.compile(rf"^{NOTICE_PREFIX}([1-9]\d?)$")
RULE_RE = re.compile(r"^(WD|CD|PRE|POST|M|Q)([1-9]\d{0,2})$|^Y(\d\d)-(\d\d)$")
GOVERNMENT_MAX_DAYS = 20  # 政府信息公开条例 第26条: within 20 working days of creation or change

# Which rule types fit which frequency family.
RULES_FOR = {
    "EVENT": {"within", "before"},
    "STANDING": {"within"},
    "MONTHLY": {"month"},
    "QUARTERLY": {"quarter"},
    "YEARLY": {"year", "within"},  # "within": due n days after the annual approval
    NOTICE_PREFIX: {"posting"},
}


def parse_rule(text: str) -> dict | None:
    """Turn a rule such as "WD20", "Q20" or "Y03-31" into its machine form (None if malformed)."""
    match = RULE_RE.match(text)
    if not match:
        return None
    prefix, number, month, day = match.groups()
    if month is not None:
        mm, dd = int(month), int(day)
        try:
            date(2001, mm, dd)  # a common year: 29 February is not a deadline
        except ValueError:
            return None
        return {"rule": text, "type": "year", "month": mm, "day": dd}
    n = int(number)
    if prefix in ("M", "Q"):
        if n > 28:
            return None  # a day every month has
        return {"rule": text, "type": "month" if prefix == "M" else "quarter", "day": n}
    if n > 366:
        return None
    kinds = {
        "WD": ("within", "working"),
        "CD": ("within", "calendar"),
        "PRE": ("before", "calendar"),
        "POST": ("posting", "calendar"),
    }
    rule_type, days_kind = kinds[prefix]
    return {"rule": text, "type": rule_type, "days": n, "day_kind": days_kind}


def format_deadline(rules: dict[str, dict]) -> str:
    """The canonical text of per-level rules: "Q20" when all agree, else "CDT:WD20 V:CD5"."""
    by_rule: dict[str, str] = {}
    for letter in LETTER_ORDER:
        if letter in rules:
            by_rule[rules[letter]["rule"]] = by_rule.get(rules[letter]["rule"], "") + letter
    if len(by_rule) == 1:
        return next(iter(by_rule))
    return " ".join(f"{letters}:{rule}" for rule, letters in by_rule.items())


def period_due_date(rule: dict, period_end: date) -> date:
    """The due date of a periodic item whose period ends on period_end (M, Q and Y rules)."""
    year, month = period_end.year, period_end.month + 1
    if month == 13:
        year, month = year + 1, 1
    if rule["type"] == "year":
        return date(period_end.year + 1, rule["month"], rule["day"])
    if rule["type"] in ("month", "quarter"):
        return date(year, month, rule["day"])
    raise ValueError(f"{rule['rule']} is not a periodic rule")


def frequency_family(frequency: str) -> str | None:
    """EVENT, MONTHLY, ... as they are; NOTICE7, NOTICE30 as NOTICE; None if unknown."""
    if frequency in FREQUENCIES:
        return frequency
    if NOTICE_RE.match(frequency):
        return NOTICE_PREFIX
    return None


def parse_deadline(text: str, levels: str, frequency: str, where: str, problems: list[str]):
    """Per-level rules from a deadline cell, checked against the levels and the frequency."""
    items = text.split()
    if not items:
        problems.append(_("%(w)s：deadline 为空", w=where))
        return {}
    rules: dict[str, dict] = {}
    complete = True
    for item in items:
        letters, sep, rule_text = item.rpartition(":")
        if not sep:
            if len(items) > 1:
                problems.append(
                    _("%(w)s：deadline 有多条规则时每条都要写层级，如 CDT:WD20 V:CD5", w=where)
                )
                return {}
            letters = levels
        rule = parse_rule(rule_text)
        if rule is None:
            problems.append(_("%(w)s：无法识别的期限规则“%(r)s”", w=where, r=rule_text))
            complete = False
            continue
        for letter in letters:
            if letter not in levels:
                problems.append(
                    _(
                        "%(w)s：期限规则的层级 %(l)s 不在 levels %(v)s 中",
                        w=where,
                        l=letter,
                        v=levels,
                    )
                )
            elif letter in rules:
                problems.append(_("%(w)s：层级 %(l)s 的期限规则重复", w=where, l=letter))
            else:
                rules[letter] = rule
    missing = [c for c in levels if c not in rules]
    if missing and complete:
        problems.append(_("%(w)s：层级 %(l)s 没有期限规则", w=where, l="".join(missing)))
    family = frequency_family(frequency)
    reported: set[str] = set()  # one message per rule, not per level sharing it
    for letter, rule in rules.items():
        if rule["rule"] in reported:
            continue
        if family and rule["type"] not in RULES_FOR[family]:
            reported.add(rule["rule"])
            problems.append(
                _("%(w)s：期限规则 %(r)s 与频率 %(f)s 不符", w=where, r=rule["rule"], f=frequency)
            )
        elif family == NOTICE_PREFIX and rule["days"] != int(frequency[len(NOTICE_PREFIX) :]):
            reported.add(rule["rule"])
            problems.append(
                _("%(w)s：公示期 %(r)s 与频率 %(f)s 不一致", w=where, r=rule["rule"], f=frequency)
            )
        elif (
            letter in GOVERNMENT_LETTERS
            and family in ("EVENT", "STANDING")
            and rule["type"] == "within"
            and rule["days"] > GOVERNMENT_MAX_DAYS
        ):
            problems.append(
                _(
                    "%(w)s：政府层级 %(l)s 的期限 %(r)s 超过 20 个工作日(政府信息公开条例第26条)",
                    w=where,
                    l=letter,
                    r=rule["rule"],
                )
            )
    return rules
