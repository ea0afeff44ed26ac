"""Periods an item covers: a month, a quarter, a year or an event date, as the category says."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from flask_babel import gettext as _

from portal.core.errors import OperationError

KIND_BY_FREQUENCY = {"MONTHLY": "month", "QUARTERLY": "quarter", "YEARLY": "year"}


def period_kind_for(frequency: str | None) -> str:
    """The period an item of a category covers: month, quarter, year, or an event date."""
    return KIND_BY_FREQUENCY.get(frequency or "", "event")


def period_hint(kind: str) -> str:
    """How to type a period of this kind."""
    return {
        "month": _("月份，如 2026-10"),
        "quarter": _("季度，如 2026-Q3"),
        "year": _("年度，如 2026"),
        "event": _("日期，如 2026-10-15"),
    }[kind]


def parse_period(kind: str, text: str, today: date) -> tuple[date, date]:
    """First and last day of the period typed for a category, refusing what does not fit it."""
    text = (text or "").strip().upper()
    try:
        if kind == "month":
            m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
            if not m:
                raise ValueError
            y, mo = int(m[1]), int(m[2])
            start, end = date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        elif kind == "quarter":
            m = re.fullmatch(r"(\d{4})-?Q([1-4])", text)
            if not m:
                raise ValueError
            y, q = int(m[1]), int(m[2])
            start = date(y, 3 * q - 2, 1)
            end_month = 3 * q
            end = date(y, end_month, calendar.monthrange(y, end_month)[1])
        elif kind == "year":
            if not re.fullmatch(r"\d{4}", text):
                raise ValueError
            start, end = date(int(text), 1, 1), date(int(text), 12, 31)
        else:
            start = end = date.fromisoformat(text)
    except ValueError:
        raise OperationError(
            _("本类目按%(k)s公开，请填写%(h)s", k=_kind_name(kind), h=period_hint(kind)), "period"
        ) from None
    if start.year < 2000:
        raise OperationError(_("期间不能早于2000年"), "period")
    if kind != "event" and start > today:
        raise OperationError(_("期间不能晚于今天"), "period")
    if kind == "event" and start > today + timedelta(days=366):
        # Notices of meetings and elections are published before the event, but not years ahead.
        raise OperationError(_("事件日期不能晚于一年以后"), "period")
    return start, end


def _kind_name(kind: str) -> str:
    return {"month": _("月"), "quarter": _("季度"), "year": _("年度"), "event": _("事件日期")}[kind]


def period_label(kind: str, start: date) -> str:
    """A period as people write it: 2026年10月, 2026年第3季度, 2026年度, 2026年10月15日."""
    if kind == "month":
        return _("%(y)d年%(m)d月", y=start.year, m=start.month)
    if kind == "quarter":
        return _("%(y)d年第%(q)d季度", y=start.year, q=(start.month - 1) // 3 + 1)
    if kind == "year":
        return _("%(y)d年度", y=start.year)
    return _("%(y)d年%(m)d月%(d)d日", y=start.year, m=start.month, d=start.day)


def period_text(kind: str, start: date) -> str:
    """A period in the form the editing form accepts."""
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == "year":
        return str(start.year)
    return start.isoformat()
