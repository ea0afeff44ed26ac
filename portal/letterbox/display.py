"""Texts and figures for letter pages: timeline lines, deadlines, statistics (template helpers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from portal.core.clock import today
from portal.letterbox import stats as letter_stats
from portal.letterbox.models import PUBLIC_STATES, RATINGS, Letter, LetterEvent
from portal.letterbox.operations import overdue_on


def event_text(event: LetterEvent) -> str:
    """One line of the public timeline, in Chinese."""
    site = event.site.name
    to = event.to_site.name if event.to_site else ""
    note = event.note or ""
    lines = {
        "submitted": _("%(s)s收到来信", s=site) + (f"({note})" if note else ""),
        "accepted": _("%(s)s已受理", s=site) + (f"({note})" if note else ""),
        "rejected": _("%(s)s不予受理。%(n)s", s=site, n=note),
        "processing": _("%(s)s正在办理", s=site) + (f"：{note}" if note else ""),
        "extended": _("%(s)s延期答复：%(n)s", s=site, n=note),
        "transferred": _("%(s)s转办至%(t)s，理由：%(n)s", s=site, t=to, n=note),
        "escalated": note,
        "overdue": note,
        "answered": _("%(s)s已答复", s=site),
        "supplemented": _("%(s)s补充答复", s=site),
        "rated": _("来信人评价：%(n)s", n=RATINGS[note] if note in RATINGS else note),
        "reopened": _("来信人对答复不满意，转由%(t)s复核", t=to),
        "closed": _("已办结") + (f"({note})" if note else ""),
    }
    return lines.get(event.action, note)


@dataclass
class Deadline:
    """What the office holding a letter owes next, by when, and whether it is late."""

    label: str
    due: date
    overdue: bool


def deadline_of(letter: Letter, day: date | None = None) -> Deadline | None:
    """The deadline that applies to an open letter now, or None when nothing is owed."""
    spell = letter.current
    if not letter.is_open or spell is None or spell.ended_at is not None:
        return None
    day = day or today()
    if spell.accepted_at is None:
        return Deadline(_("应于%(d)s前受理", d=spell.accept_due.isoformat()), spell.accept_due,
                        overdue_on(spell, day))
    return Deadline(_("应于%(d)s前答复", d=spell.answer_due.isoformat()), spell.answer_due,
                    overdue_on(spell, day))


def rate_text(value: float | None) -> str:
    """A share as a whole percentage, or 样本不足 below the minimum sample."""
    return _("样本不足") if value is None else f"{value * 100:.0f}%"


def median_text(value: float | None) -> str:
    return _("样本不足") if value is None else _("%(d)s个工作日", d=f"{value:g}")


def may(site, permission: str = "letters.handle") -> bool:
    """For templates: whether to show a link to the staff pages (the operations check again)."""
    from flask_login import current_user

    from portal.core.permissions import can

    return can(current_user, site, permission)


def register(bp) -> None:
    """Make the helpers available to every template (site page, compliance board)."""
    bp.add_app_template_global(letter_stats.site_stats, "letter_stats")
    bp.add_app_template_global(letter_stats.children_stats, "letter_children_stats")
    bp.add_app_template_global(rate_text, "letter_rate")
    bp.add_app_template_global(median_text, "letter_median")
    bp.add_app_template_global(deadline_of, "letter_deadline")
    bp.add_app_template_global(may, "may_handle_letters")
    bp.add_app_template_filter(event_text, "letter_event")
    bp.add_app_template_filter(lambda r: str(RATINGS.get(r, r)), "letter_rating")
    bp.add_app_template_filter(lambda s: str(PUBLIC_STATES.get(s, s)), "letter_public_status")
