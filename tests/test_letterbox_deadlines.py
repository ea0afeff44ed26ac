"""Letter deadlines over National Day 2025 and the Spring Festival 2026 (with their 调休 working
days), and the sweep: escalation to the office above, idempotent, flagged at the top, auto-close.

Expected dates are counted by hand from the State Council's notices:
* National Day 2025: 1-8 October off; Sunday 28 September and Saturday 11 October are worked.
* Spring Festival 2026: 15-23 February off; Saturday 14 and Saturday 28 February are worked.
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.core.clock import frozen
from portal.extensions import db
from portal.letterbox import deadlines, handling, sweep
from portal.letterbox.models import (
    Assignment,
    HandlerEmail,
    Letter,
    LetterEvent,
    MailOutbox,
)
from portal.sites.models import Site
from tests.test_letterbox import (
    CITY,
    TOWNSHIP,
    noon,
    person,
    staff,  # noqa: F401  (fixture)
    write,
)


@pytest.mark.parametrize("start, days, expected", [
    # National Day: Fri 26 Sep + 3 -> Sun 28 (调休), Mon 29, Tue 30.
    (date(2025, 9, 26), 3, date(2025, 9, 30)),
    # Tue 30 Sep + 3 -> Thu 9, Fri 10, Sat 11 October (调休).
    (date(2025, 9, 30), 3, date(2025, 10, 11)),
    # Tue 30 Sep + 10 -> 9, 10, 11, 13, 14, 15, 16, 17, 20, 21 October.
    (date(2025, 9, 30), 10, date(2025, 10, 21)),
    # Mon 29 Sep + 20 (信息公开): 30 Sep, 9-11 Oct, 13-17, 20-24, 27-31, 3 Nov.
    (date(2025, 9, 29), 20, date(2025, 11, 3)),
    # Spring Festival: Fri 13 Feb + 3 -> Sat 14 (调休), Tue 24, Wed 25.
    (date(2026, 2, 13), 3, date(2026, 2, 25)),
    # Fri 13 Feb + 10 -> 14, 24, 25, 26, 27, Sat 28 (调休), 2, 3, 4, 5 March.
    (date(2026, 2, 13), 10, date(2026, 3, 5)),
])
def test_working_day_deadlines_over_the_holidays(ctx, start, days, expected):
    assert deadlines.add_days(start, days, "working") == expected


def test_rules_come_from_the_deployment_settings(ctx, app):
    assert deadlines.rule_for("help", "village") == deadlines.Rule(3, 10, 3, 10, "working",
                                                                   "accepted")
    village = deadlines.rule_for("objection", "village")
    township = deadlines.rule_for("objection", "township")
    assert (village.answer, township.answer, village.unit) == (10, 20, "calendar")
    assert village.extension == 0 and village.answer_simple is None
    info = deadlines.rule_for("info_request", "district")
    assert (info.answer, info.extension, info.counted_from) == (20, 20, "received")
    # Objections are calendar days: National Day counts. 30 Sep + 10 days = 10 October.
    assert deadlines.answer_due(date(2025, 9, 30), village) == date(2025, 10, 10)
    assert deadlines.answer_due(date(2025, 9, 30), township) == date(2025, 10, 20)
    old = app.config["LETTER_DEADLINES"]
    app.config["LETTER_DEADLINES"] = {**old, "complain": {"answer": 15}}
    try:
        assert deadlines.rule_for("complain", "village").answer == 15
        assert deadlines.rule_for("complain", "village").accept == 3
    finally:
        app.config["LETTER_DEADLINES"] = old


def test_letter_deadlines_across_national_day(ctx, staff):  # noqa: F811
    letter, _ = write(at=noon(2025, 9, 30))
    assert letter.current.accept_due == date(2025, 10, 11)
    with frozen(noon(2025, 10, 9)):
        handling.accept_letter(person(staff, "village"), letter)
    # 10 working days from Thu 9 Oct: 10, 11 (调休), 13-17, 20, 21, 22.
    assert letter.current.answer_due == date(2025, 10, 22)


def test_letter_deadlines_across_the_spring_festival(ctx, staff):  # noqa: F811
    letter, _ = write(at=noon(2026, 2, 13))
    assert letter.current.accept_due == date(2026, 2, 25)
    with frozen(noon(2026, 2, 14)):  # accepted on the 调休 Saturday
        handling.accept_letter(person(staff, "village"), letter, simple=True)
    # 3 working days from Sat 14 Feb: Tue 24, Wed 25, Thu 26.
    assert letter.current.answer_due == date(2026, 2, 26)


def _snapshot():
    """Every letterbox row that a sweep could change, as comparable tuples."""
    rows = []
    for model in (Letter, Assignment, LetterEvent, MailOutbox):
        for row in db.session.scalars(db.select(model).order_by(model.id)):
            rows.append(tuple(sorted((k, str(v)) for k, v in vars(row).items()
                                     if not k.startswith("_"))))
    return rows


def test_sweep_escalates_overdue_letters_once(ctx, staff):  # noqa: F811
    db.session.add(HandlerEmail(user_id=staff["township"], email="andejiedao@example.org"))
    letter, _ = write(at=noon(2025, 9, 30))
    db.session.commit()
    with frozen(noon(2025, 10, 11)):  # the last day to accept is a 调休 Saturday: not overdue
        assert sweep.run(deliver_mail=False).escalated == 0
    with frozen(noon(2025, 10, 12)):
        first = sweep.run(deliver_mail=False)
        assert first.escalated == 1
        before = _snapshot()
        second = sweep.run(deliver_mail=False)
        assert (second.escalated, second.flagged, second.closed) == (0, 0, 0)
        assert _snapshot() == before
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    village_spell, township_spell = letter.assignments
    assert village_spell.outcome == "escalated" and village_spell.late
    assert township_spell.site.code == TOWNSHIP and township_spell.how == "escalated"
    assert township_spell.accept_due == date(2025, 10, 15)  # Sun 12: 13, 14, 15
    assert letter.site.code == TOWNSHIP and letter.state == "pending"
    event = letter.events[-1]
    assert event.action == "escalated" and "逾期未受理" in event.note and "2025-10-11" in event.note
    sent_to = set(db.session.scalars(db.select(MailOutbox.to_addr)))
    assert {"andejiedao@example.org", "lijianguo@example.org"} <= sent_to
    township_mail = db.session.scalar(db.select(MailOutbox).where(
        MailOutbox.to_addr == "andejiedao@example.org"))
    assert letter.number in township_mail.subject and "李建国" not in township_mail.body


def test_sweep_escalates_late_answers_up_to_the_city_then_flags(ctx, staff):  # noqa: F811
    letter, _ = write({"recipient": f"site:{CITY}"}, at=noon(2026, 11, 2))
    with frozen(noon(2026, 11, 3)):
        handling.accept_letter(person(staff, "city"), letter)
    db.session.commit()
    assert letter.current.answer_due == date(2026, 11, 17)
    with frozen(noon(2026, 11, 17)):
        assert sweep.run(deliver_mail=False).flagged == 0
    with frozen(noon(2026, 11, 18)):
        assert sweep.run(deliver_mail=False).flagged == 1
        assert sweep.run(deliver_mail=False).flagged == 0
    db.session.expire_all()
    letter = db.session.get(Letter, letter.id)
    assert letter.site.code == CITY and letter.current.late
    assert letter.current.overdue_flagged_at is not None
    assert [e.action for e in letter.events][-1] == "overdue"
    # Answered late: the spell stays late in the statistics.
    with frozen(noon(2026, 11, 19)):
        handling.reply_letter(person(staff, "city"), letter, "经市级部门会商，答复如下：已安排维修。")
    assert letter.current.outcome == "answered" and letter.current.late


def test_answered_letters_close_after_the_rating_period(ctx, staff):  # noqa: F811
    letter, _ = write(at=noon(2026, 11, 2))
    with frozen(noon(2026, 11, 3)):
        handling.accept_letter(person(staff, "village"), letter)
        handling.reply_letter(person(staff, "village"), letter, "已核实并补发，请查收一卡通。")
    db.session.commit()
    with frozen(noon(2026, 11, 18)):  # 15 days after the answer: still open for a rating
        assert sweep.run(deliver_mail=False).closed == 0
    with frozen(noon(2026, 11, 19)):
        assert sweep.run(deliver_mail=False).closed == 1
        assert sweep.run(deliver_mail=False).closed == 0
    db.session.expire_all()
    assert db.session.get(Letter, letter.id).state == "closed"


def test_sweep_command(ctx, staff, runner):  # noqa: F811
    write(at=noon(2025, 9, 30))
    db.session.commit()
    with frozen(noon(2025, 10, 20)):
        result = runner.invoke(args=["letters", "sweep", "--no-mail"])
        assert result.exit_code == 0, result.output
        assert "escalated 1" in result.output
        again = runner.invoke(args=["letters", "sweep", "--no-mail"])
        assert "escalated 0" in again.output
    assert Site.by_code(TOWNSHIP) is not None
