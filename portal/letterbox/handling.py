"""What offices do with letters: accept or refuse, process, extend, transfer, answer, publish,
note; and the sweep's escalation of overdue letters. Check permission first; never commit."""

from __future__ import annotations

from flask_babel import gettext as _

from portal.core import audit
from portal.core.clock import local_date, today, utcnow
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.extensions import db
from portal.letterbox import deadlines, notify
from portal.letterbox.models import OPEN_STATES, REFERRALS, Assignment, Letter, Note, Reply
from portal.letterbox.operations import (
    BODY_MAX,
    SUBJECT_MAX,
    add_event,
    in_reach,
    overdue_on,
    public_text,
    start_assignment,
    text,
    touch,
)
from portal.sites.models import Site

REASON_MAX = 500
REPLY_MAX = 5000


def _handler(actor, letter: Letter) -> None:
    require(actor, letter.site, "letters.handle")


def _state(letter: Letter, *allowed: str) -> None:
    if letter.state in allowed:
        return
    messages = {
        "closed": _("该来信已办结，不能再办理或答复"),
        "rejected": _("该来信已不予受理"),
        "pending": _("请先受理该来信"),
        "answered": _("该来信已答复"),
    }
    raise OperationError(messages.get(letter.state, _("该来信当前状态不能进行此操作")))


def accept_letter(actor, letter: Letter, simple: bool = False) -> None:
    """Accept a letter (受理); a simple matter gets the short answer deadline."""
    _handler(actor, letter)
    _state(letter, "pending")
    now = utcnow()
    spell = letter.current
    rule = deadlines.rule_for(letter.kind, letter.site.level)
    simple = bool(simple and rule.answer_simple)
    spell.accepted_at = now
    spell.late = spell.late or local_date(now) > spell.accept_due
    if rule.counted_from == "accepted":
        spell.answer_due = deadlines.answer_due(local_date(now), rule, simple)
    letter.simple = simple
    letter.state = "accepted"
    note = _("按简单事项办理") if simple else None
    add_event(letter, "accepted", letter.site, actor, note=note)
    audit.record(actor, "letters.accept", site=letter.site, target=letter,
                 detail={"simple": simple, "answer_due": spell.answer_due.isoformat()})
    notify.tell_writer(letter, _("已受理"))
    touch()


def reject_letter(actor, letter: Letter, reason: str, referral: str, referral_note: str = "") -> None:
    """Refuse a letter (不予受理) with the reason and where the matter belongs instead."""
    _handler(actor, letter)
    _state(letter, "pending")
    reason = text(reason, _("不予受理的理由"), "reason", 4, REASON_MAX)
    if referral not in REFERRALS:
        raise OperationError(_("请选择建议的反映途径"), "referral")
    referral_note = (referral_note or "").strip()
    if referral == "other" and not referral_note:
        raise OperationError(_("请说明建议的反映途径"), "referral_note")
    if len(referral_note) > 200:
        raise OperationError(_("途径说明不能超过200字"), "referral_note")
    now = utcnow()
    spell = letter.current
    spell.ended_at, spell.outcome = now, "rejected"
    spell.late = spell.late or local_date(now) > spell.accept_due
    letter.state, letter.closed_at = "rejected", now
    way = str(REFERRALS[referral]) if referral != "other" else ""
    note = _("理由：%(r)s。建议向以下途径反映：%(w)s", r=reason,
             w="；".join(p for p in (way, referral_note) if p))
    add_event(letter, "rejected", letter.site, actor, note=note)
    audit.record(actor, "letters.reject", site=letter.site, target=letter,
                 detail={"referral": referral})
    notify.tell_writer(letter, _("不予受理"))
    touch()


def start_processing(actor, letter: Letter, note: str = "") -> None:
    """Mark an accepted letter as in hand (办理中), optionally with a public progress note."""
    _handler(actor, letter)
    _state(letter, "accepted", "processing")
    note = (note or "").strip()
    if note:
        note = text(note, _("办理进展"), "note", 2, REASON_MAX)
    letter.state = "processing"
    add_event(letter, "processing", letter.site, actor, note=note or None)
    audit.record(actor, "letters.process", site=letter.site, target=letter)
    notify.tell_writer(letter, _("正在办理"))
    touch()


def extend_letter(actor, letter: Letter, reason: str) -> None:
    """Extend the answer deadline once per letter, with a reason shown publicly."""
    _handler(actor, letter)
    _state(letter, "accepted", "processing")
    rule = deadlines.rule_for(letter.kind, letter.site.level)
    if rule.extension <= 0:
        raise OperationError(_("此类来信的答复期限由法规规定，不能延期"))
    if letter.extended_at is not None:
        raise OperationError(_("每件来信只能延期一次"))
    spell = letter.current
    if today() > spell.answer_due:
        raise OperationError(_("答复期限已过，不能再延期"))
    reason = text(reason, _("延期理由"), "reason", 4, REASON_MAX)
    spell.answer_due = deadlines.add_days(spell.answer_due, rule.extension, rule.unit)
    letter.extended_at, letter.extension_reason = utcnow(), reason
    letter.state = "processing"
    add_event(letter, "extended", letter.site, actor,
              note=_("%(r)s。答复期限延至%(d)s", r=reason, d=spell.answer_due.isoformat()))
    audit.record(actor, "letters.extend", site=letter.site, target=letter,
                 detail={"answer_due": spell.answer_due.isoformat()})
    notify.tell_writer(letter, _("延期答复"))
    touch()


def transfer_letter(actor, letter: Letter, target: Site | None, reason: str) -> None:
    """Hand a letter up its branch or down to an office the handler serves (转办), with a reason."""
    _handler(actor, letter)
    _state(letter, *OPEN_STATES)
    if target is None:
        raise OperationError(_("请选择或填写转办单位(12位区划代码)"), "target")
    if target.id == letter.site_id:
        raise OperationError(_("来信已在%(s)s，不能转办给本单位", s=target.name), "target")
    if not in_reach(actor, letter, target):
        raise OperationError(
            _("不能转办给%(s)s：只能转办给本单位的上级，或您有权办理来信的下辖单位", s=target.name),
            "target")
    reason = text(reason, _("转办理由"), "reason", 4, REASON_MAX)
    source = letter.site
    spell = letter.current
    spell.ended_at, spell.outcome = utcnow(), "transferred"
    start_assignment(letter, target, "transferred")
    add_event(letter, "transferred", source, actor, to_site=target, note=reason)
    audit.record(actor, "letters.transfer", site=source, target=letter,
                 detail={"to": target.code, "reason": reason})
    notify.tell_handlers(letter, target, _("由%(s)s转办", s=source.short_name))
    notify.tell_writer(letter, _("已转至%(s)s办理", s=target.name))
    touch()


def reply_letter(actor, letter: Letter, body: str) -> Reply:
    """Answer a letter; a further reply may follow until the letter is closed."""
    _handler(actor, letter)
    _state(letter, "accepted", "processing", "answered")
    body = text(body, _("答复内容"), "body", 10, REPLY_MAX)
    now = utcnow()
    spell = letter.current
    first = letter.state != "answered"
    if first:
        spell.answered_at, spell.ended_at, spell.outcome = now, now, "answered"
        spell.late = spell.late or local_date(now) > spell.answer_due
        letter.state = "answered"
    reply = Reply(letter_id=letter.id, site_id=letter.site_id, assignment_id=spell.id,
                  author_id=actor.id, body=body, public_body=public_text(body, letter), at=now)
    letter.replies.append(reply)
    add_event(letter, "answered" if first else "supplemented", letter.site, actor)
    db.session.flush()
    audit.record(actor, "letters.reply", site=letter.site, target=letter,
                 detail={"reply": reply.id, "late": spell.late})
    notify.tell_writer(letter, _("已答复") if first else _("补充答复"))
    touch()
    return reply


def publish_letter(actor, letter: Letter, subject: str, body: str) -> None:
    """Approve a consenting writer's letter for public display, in a masked, checked version."""
    _handler(actor, letter)
    if not letter.consent_public:
        raise OperationError(_("来信人未同意公开，不能公开这件来信"))
    subject = text(subject, _("公开的主题"), "public_subject", 2, SUBJECT_MAX)
    body = text(body, _("公开的内容"), "public_body", 2, BODY_MAX)
    letter.public_subject = public_text(subject, letter)
    letter.public_body = public_text(body, letter)
    letter.public_status = "approved"
    letter.moderated_by_id, letter.moderated_at = actor.id, utcnow()
    letter.moderation_note = None
    audit.record(actor, "letters.publish", site=letter.site, target=letter)
    touch()


def hide_letter(actor, letter: Letter, reason: str) -> None:
    """Keep a letter off the public pages (or take it down), with the reason for the record."""
    _handler(actor, letter)
    reason = text(reason, _("不予公开的理由"), "reason", 2, REASON_MAX)
    letter.public_status = "hidden"
    letter.moderated_by_id, letter.moderated_at = actor.id, utcnow()
    letter.moderation_note = reason
    audit.record(actor, "letters.hide", site=letter.site, target=letter, detail={"reason": reason})
    touch()


def add_note(actor, letter: Letter, body: str) -> Note:
    """An internal note for the offices handling the letter; never public, never to the writer."""
    _handler(actor, letter)
    body = text(body, _("内部备注"), "body", 2, 2000)
    note = Note(letter_id=letter.id, site_id=letter.site_id, author_id=actor.id, body=body,
                at=utcnow())
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "letters.note", site=letter.site, target=letter)
    return note


def escalate_overdue(spell: Assignment) -> str | None:
    """Escalate one overdue spell to the office above (the sweep); idempotent under concurrency.

    Returns "escalated", "flagged" (overdue at the top, nobody above) or None (nothing to do).
    """
    letter = spell.letter
    if letter.state not in OPEN_STATES or not overdue_on(spell):
        return None
    stage = _("受理") if spell.accepted_at is None else _("答复")
    due = spell.accept_due if spell.accepted_at is None else spell.answer_due
    site = spell.site
    parent = site.parent
    now = utcnow()
    if parent is None:
        flagged = db.session.execute(
            db.update(Assignment)
            .where(Assignment.id == spell.id, Assignment.overdue_flagged_at.is_(None))
            .values(overdue_flagged_at=now, late=True)).rowcount
        if not flagged:
            return None
        db.session.refresh(spell)
        add_event(letter, "overdue", site, note=_("%(s)s逾期未%(t)s", s=site.name, t=stage))
        notify.tell_handlers(letter, site, _("已逾期未%(t)s", t=stage))
        audit.record(None, "letters.overdue", site=site, target=letter)
        touch()
        return "flagged"
    # The guarded UPDATE makes a second sweep (or a concurrent one) a no-op for this spell.
    ended = db.session.execute(
        db.update(Assignment)
        .where(Assignment.id == spell.id, Assignment.ended_at.is_(None))
        .values(ended_at=now, outcome="escalated", late=True)).rowcount
    if not ended:
        return None
    db.session.refresh(spell)
    start_assignment(letter, parent, "escalated")
    add_event(letter, "escalated", site, to_site=parent,
              note=_("%(s)s逾期未%(t)s(期限%(d)s)，自动提级至%(p)s办理", s=site.name, t=stage,
                     d=due.isoformat(),
                     p=parent.name))
    audit.record(None, "letters.escalate", site=site, target=letter, detail={"to": parent.code})
    notify.tell_handlers(letter, parent, _("%(s)s逾期未%(t)s，已自动提级", s=site.short_name, t=stage))
    notify.tell_writer(letter, _("逾期未%(t)s，已提级至%(p)s", t=stage, p=parent.name))
    touch()
    return "escalated"


def close_unrated(letter: Letter) -> bool:
    """Close an answered letter the writer did not rate in time (the sweep)."""
    from flask import current_app

    if letter.state != "answered":
        return False
    answered = local_date(letter.current.answered_at)
    days = current_app.config["LETTERS_RATING_DAYS"]
    if (today() - answered).days <= days:
        return False
    closed = db.session.execute(
        db.update(Letter).where(Letter.id == letter.id, Letter.state == "answered")
        .values(state="closed", closed_at=utcnow())).rowcount
    if not closed:
        return False
    db.session.refresh(letter)
    add_event(letter, "closed", letter.site, note=_("%(d)d日内未评价，自动办结", d=days))
    audit.record(None, "letters.autoclose", site=letter.site, target=letter)
    notify.tell_writer(letter, _("已办结"))
    touch()
    return True
