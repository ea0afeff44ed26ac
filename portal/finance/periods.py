"""The periods a village's books are published for, and the finance-heavy flag that sets them.

A village publishes its income and expense every quarter; one whose collective has many
transactions (集体财务往来较多) publishes every month (村民委员会组织法 art. 30, the standard's
[finance_heavy] rule). The township decides which villages those are. A year is never imported: its
statement is put together from the published months or quarters it contains (see yearly.py).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from flask_babel import gettext as _

from portal.core import audit
from portal.core.cache import bump_content_version
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.extensions import db
from portal.sites.models import Site

MONTH = re.compile(r"(\d{4})-(\d{1,2})")
QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
YEAR = re.compile(r"\d{4}")
REASON_MAX = 500


def ledger_kind(site: Site) -> str:
    """The period a village's ledgers are imported and published for: month or quarter."""
    return "month" if site.finance_heavy else "quarter"


def kind_of(text: str) -> str | None:
    """month, quarter or year for a typed period (2026-10, 2026-Q3, 2026), None if none."""
    text = (text or "").strip().upper()
    if MONTH.fullmatch(text):
        return "month"
    if QUARTER.fullmatch(text):
        return "quarter"
    if YEAR.fullmatch(text):
        return "year"
    return None


def bounds(kind: str, text: str) -> tuple[date, date] | None:
    """First and last day of a typed period of that kind, None if it is not one."""
    text = (text or "").strip().upper()
    try:
        if kind == "month" and (m := MONTH.fullmatch(text)):
            y, mo = int(m[1]), int(m[2])
            return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
        if kind == "quarter" and (m := QUARTER.fullmatch(text)):
            y, q = int(m[1]), int(m[2])
            return date(y, 3 * q - 2, 1), date(y, 3 * q, calendar.monthrange(y, 3 * q)[1])
        if kind == "year" and YEAR.fullmatch(text):
            return date(int(text), 1, 1), date(int(text), 12, 31)
    except ValueError:  # month 13, year 0
        return None
    return None


def key_of(kind: str, start: date) -> str:
    """The address form of a period: 2026-10, 2026-Q3, 2026."""
    if kind == "month":
        return f"{start.year}-{start.month:02d}"
    if kind == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def hint(site: Site) -> str:
    """How the accountant of this village types the period of an import."""
    if ledger_kind(site) == "month":
        return _("本村按月公开财务收支，填写月份，如 2026-10")
    return _("本村按季度公开财务收支，填写季度，如 2026-Q3")


def check_typed(site: Site, text: str) -> None:
    """Refuse a period of the wrong kind for this village with a message that says which."""
    kind, wanted = kind_of(text), ledger_kind(site)
    if kind == wanted:
        return
    if kind == "year":
        raise OperationError(_("年度财务收支由各月或各季度的明细账汇总而成，不单独导入。%(h)s",
                               h=hint(site)), "period")
    if kind is None:
        raise OperationError(_("无法识别的期间“%(t)s”。%(h)s", t=(text or "").strip()[:20],
                               h=hint(site)), "period")
    if wanted == "month":
        raise OperationError(_("本村集体财务往来较多，由乡镇确定按月公开，请按月导入。%(h)s",
                               h=hint(site)), "period")
    raise OperationError(_("本村按季度公开财务收支，请按季度导入。%(h)s", h=hint(site)), "period")


def set_finance_heavy(actor, village: Site, heavy: bool, reason: str) -> bool:
    """The township (or a site above it) decides whether a village publishes monthly.

    Returns whether anything changed. The village's own staff cannot lift the duty: the
    permission is checked on the site above the village.
    """
    if village.level != "village" or village.parent is None:
        raise OperationError(_("只有村(社区)才分按月或按季度公开财务"))
    require(actor, village.parent, "site.edit")
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("请写明调整公开周期的依据，如乡镇党委会议纪要"), "reason")
    if len(reason) > REASON_MAX:
        raise OperationError(_("依据不能超过%(n)d字", n=REASON_MAX), "reason")
    if bool(village.finance_heavy) == heavy:
        return False
    village.finance_heavy = heavy
    bump_content_version()
    audit.record(actor, "site.finance_heavy", site=village, target=village,
                 detail={"finance_heavy": heavy, "reason": reason})
    return True


def overlapping(site: Site, kind: str, start: date, end: date):
    """A period of another kind of this site's books that covers any of these days."""
    from portal.finance.models import LedgerPeriod

    return db.session.scalar(db.select(LedgerPeriod).where(
        LedgerPeriod.site_id == site.id, LedgerPeriod.kind != kind,
        LedgerPeriod.start <= end, LedgerPeriod.end >= start).limit(1))
