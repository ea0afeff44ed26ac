"""The periodic sweep: escalate overdue letters, close unrated ones, send mail, prune CAPTCHAs.

Safe to run every minute from cron and from several machines: each letter is handled in its own
transaction behind a guarded UPDATE, so a second run (or a concurrent one) finds nothing to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from portal.core.clock import today
from portal.extensions import db
from portal.letterbox import captcha, handling, notify
from portal.letterbox.models import OPEN_STATES, Assignment, Letter

log = logging.getLogger("portal.letters")


@dataclass
class SweepResult:
    escalated: int = 0
    flagged: int = 0
    closed: int = 0
    mail_sent: int = 0
    mail_failed: int = 0
    captchas_pruned: int = 0

    def __str__(self) -> str:
        return (f"escalated {self.escalated}, flagged overdue at the top {self.flagged}, "
                f"closed unrated {self.closed}, mail sent {self.mail_sent} "
                f"(failed {self.mail_failed}), expired CAPTCHAs removed {self.captchas_pruned}")


def run(deliver_mail: bool = True) -> SweepResult:
    """One pass over open and answered letters; commits letter by letter."""
    result = SweepResult()
    day = today()
    # Only spells past the deadline that applies to them (escalate_overdue checks again).
    past_due = db.or_(
        db.and_(Assignment.accepted_at.is_(None), Assignment.accept_due < day),
        db.and_(Assignment.accepted_at.is_not(None), Assignment.answer_due < day))
    open_ids = db.session.scalars(
        db.select(Assignment.id).join(Letter, Letter.id == Assignment.letter_id)
        .where(Assignment.ended_at.is_(None), Assignment.overdue_flagged_at.is_(None),
               Letter.state.in_(OPEN_STATES), past_due)
        .order_by(Assignment.id)).all()
    for spell_id in open_ids:
        try:
            outcome = handling.escalate_overdue(db.session.get(Assignment, spell_id))
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("escalating letter spell %s failed", spell_id)
            continue
        if outcome == "escalated":
            result.escalated += 1
        elif outcome == "flagged":
            result.flagged += 1
    # Answered before the rating period began (close_unrated checks the latest answer again).
    first = day - timedelta(days=current_app.config["LETTERS_RATING_DAYS"])
    cutoff = datetime(first.year, first.month, first.day) - timedelta(hours=8)  # Shanghai
    answered_ids = db.session.scalars(
        db.select(Letter.id).join(Assignment, Assignment.letter_id == Letter.id)
        .where(Letter.state == "answered", Assignment.outcome == "answered",
               Assignment.answered_at < cutoff)
        .distinct().order_by(Letter.id)).all()
    for letter_id in answered_ids:
        if handling.close_unrated(db.session.get(Letter, letter_id)):
            result.closed += 1
        db.session.commit()
    result.captchas_pruned = captcha.prune()
    db.session.commit()
    if deliver_mail:
        result.mail_sent, result.mail_failed = notify.deliver()
    return result
