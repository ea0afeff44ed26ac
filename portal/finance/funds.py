"""Special funds (专项资金): registering what a higher level granted a village — from which level,
for what, how much, when, under which document and which 民主决策 — and correcting it with a reason
(every version kept), then reading it against the public ledgers: granted → received → spent →
balance, and what is still to come.

Ledger entries belong to a fund by name: the ledger's 专项资金 column must read exactly as the
registered name. Entries naming a fund nobody registered are still shown, as 未登记的专项资金, and
are listed among the statement's anomalies (queries.anomalies).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.accounts.models import User
from portal.content.models import Item, ItemRevision
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.cache import bump_content_version
from portal.core.clock import local_date, today
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.core.privacy import find_identifiers
from portal.extensions import db
from portal.finance import queries
from portal.finance.models import LedgerEntry, LedgerRevision, SpecialFund, SpecialFundRevision
from portal.finance.operations import REASON_MAX
from portal.finance.parsing import _text, mask_person, parse_day, parse_money, yuan
from portal.sites.models import Site

# The levels of government a fund comes from, as stored; the labels are what a reader sees.
LEVELS = {"中央": _l("中央"), "省级": _l("省级"), "市级": _l("市级"), "区县级": _l("区县级"),
          "乡镇级": _l("乡镇级"), "其他": _l("其他")}
NAME_MAX, PURPOSE_MAX, DOCUMENT_MAX = 100, 1000, 200
EARLIEST = date(2000, 1, 1)
# A fund is spent as a village decided: a published item of the standard's 民主决策 group
# (村民会议、村民代表会议决定, 四议两公开 results, ...).
DECISION_GROUP = "A04."
VALUE_FIELDS = ("name", "level", "purpose", "granted_fen", "granted_on", "document",
                "decision_item_id")
FIELD_LABELS = {"name": _l("资金名称"), "level": _l("下达层级"), "purpose": _l("资金用途"),
                "granted_fen": _l("下达金额"), "granted_on": _l("下达日期"),
                "document": _l("批复文号或文件"), "decision_item_id": _l("民主决策事项")}


# ----------------------------------------------------------------------------- checks


def _amount(value) -> int:
    try:
        fen = parse_money(value)
    except ValueError as error:
        reason = str(error)
        if reason == "negative":
            raise OperationError(_("下达金额不能为负数"), "granted") from None
        if reason == "precision":
            raise OperationError(_("下达金额最多两位小数"), "granted") from None
        raise OperationError(_("下达金额“%(v)s”不是金额，应写成 150000.00",
                               v=_text(value)[:20]), "granted") from None
    if fen is None:
        raise OperationError(_("请填写下达金额"), "granted")
    if fen == 0:
        raise OperationError(_("下达金额应大于零"), "granted")
    return fen


def _day(value) -> date:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise OperationError(_("请填写下达日期"), "granted_on")
    day = parse_day(value)
    if day is None:
        raise OperationError(_("下达日期“%(v)s”无法识别，应写成 2025-03-18",
                               v=_text(value)[:20]), "granted_on")
    if day > today():
        raise OperationError(_("下达日期%(d)s晚于今天", d=day.isoformat()), "granted_on")
    if day < EARLIEST:
        raise OperationError(_("下达日期应在2000年以后"), "granted_on")
    return day


def _decision(site: Site, value, linked: int | None = None) -> int | None:
    """The id of a published 民主决策 item of this very site, or None when none is chosen.

    The item a fund is linked to already stays acceptable in its corrections even if it was
    withdrawn since, so that correcting the amount does not silently unlink the decision.
    """
    text = _text(value)
    if text in ("", "0"):
        return None
    refused = OperationError(_("所选民主决策事项不是本村(社区)已公开的事项"), "decision_item_id")
    if not text.isdigit():
        raise refused
    item = db.session.get(Item, int(text))
    if item is not None and item.id == linked and item.site_id == site.id:
        return item.id
    if (item is None or item.site_id != site.id or item.current_revision_id is None
            or item.withdrawn_at is not None):
        raise refused
    if not item.category_code.startswith(DECISION_GROUP):
        raise OperationError(_("请选择“民主决策”类目下的事项(村民会议、村民代表会议决定等)"),
                             "decision_item_id")
    return item.id


def _values(site: Site, data: dict, fund: SpecialFund | None = None) -> dict:
    """The checked values of a registration or correction form; the first problem is raised."""
    name = _text(data.get("name"))
    if not name:
        raise OperationError(_("请填写专项资金名称"), "name")
    if len(name) > NAME_MAX:
        raise OperationError(_("资金名称不能超过%(n)d字", n=NAME_MAX), "name")
    level = _text(data.get("level"))
    if level not in LEVELS:
        raise OperationError(_("未知的下达层级“%(v)s”，应为 %(l)s 之一", v=level[:10],
                               l="、".join(LEVELS)), "level")
    purpose = (data.get("purpose") or "").strip()
    if not purpose:
        raise OperationError(_("请填写资金用途"), "purpose")
    if len(purpose) > PURPOSE_MAX:
        raise OperationError(_("资金用途不能超过%(n)d字", n=PURPOSE_MAX), "purpose")
    granted_fen = _amount(data.get("granted"))
    granted_on = _day(data.get("granted_on"))
    document = _text(data.get("document"))
    if len(document) > DOCUMENT_MAX:
        raise OperationError(_("批复文号或文件不能超过%(n)d字", n=DOCUMENT_MAX), "document")
    for key, text in (("name", name), ("purpose", purpose), ("document", document)):
        if find_identifiers(text):
            raise OperationError(_("不能填写身份证号、手机号、银行卡号等个人信息"), key)
    same_name = db.select(SpecialFund.id).where(SpecialFund.site_id == site.id,
                                                SpecialFund.name == name)
    if fund is not None:
        same_name = same_name.where(SpecialFund.id != fund.id)
    if db.session.scalar(same_name.limit(1)):
        raise OperationError(_("本村(社区)已登记名为“%(n)s”的专项资金", n=name), "name")
    return {"name": name, "level": level, "purpose": purpose, "granted_fen": granted_fen,
            "granted_on": granted_on, "document": document,
            "decision_item_id": _decision(site, data.get("decision_item_id"),
                                          fund.decision_item_id if fund else None)}


def _snapshot(fund: SpecialFund, actor, reason: str | None) -> SpecialFundRevision:
    revision = SpecialFundRevision(fund_id=fund.id, site_id=fund.site_id, number=fund.number,
                                   reason=reason, changed_by_id=actor.id, changed_at=utcnow(),
                                   **{k: getattr(fund, k) for k in VALUE_FIELDS})
    db.session.add(revision)
    return revision


def _shown(key: str, value) -> str:
    """A value as the audit log and the history show it."""
    if value is None:
        return ""
    if key == "granted_fen":
        return yuan(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------- operations


def register_fund(actor, site: Site, data: dict) -> SpecialFund:
    """Register a special fund granted to a village (its first version)."""
    require(actor, site, "finance.import")
    if site.level != "village":
        raise OperationError(_("专项资金按村(社区)登记"))
    values = _values(site, data)
    fund = SpecialFund(site_id=site.id, number=1, created_by_id=actor.id, created_at=utcnow(),
                       **values)
    db.session.add(fund)
    db.session.flush()
    _snapshot(fund, actor, None)
    audit.record(actor, "finance.fund_register", site=site, target=fund,
                 detail={k: _shown(k, values[k]) for k in VALUE_FIELDS if k != "purpose"})
    bump_content_version()
    return fund


def correct_fund(actor, site: Site, fund: SpecialFund, data: dict,
                 reason: str) -> SpecialFundRevision:
    """Correct a registered fund: a new version with the reason; the earlier ones stay visible."""
    require(actor, site, "finance.import")
    if fund.site_id != site.id:
        raise OperationError(_("专项资金不属于本站"))
    values = _values(site, data, fund)
    changes = {k: [_shown(k, getattr(fund, k)), _shown(k, values[k])] for k in VALUE_FIELDS
               if getattr(fund, k) != values[k]}
    if not changes:
        raise OperationError(_("没有修改任何内容"))
    reason = (reason or "").strip()
    if not reason:
        raise OperationError(_("请写明更正原因"), "reason")
    if len(reason) > REASON_MAX:
        raise OperationError(_("更正原因不能超过%(n)d字", n=REASON_MAX), "reason")
    for key, value in values.items():
        setattr(fund, key, value)
    fund.number += 1
    revision = _snapshot(fund, actor, reason)
    audit.record(actor, "finance.fund_correct", site=site, target=fund,
                 detail={"revision": fund.number, "reason": reason, "changes": changes})
    bump_content_version()
    return revision


# ----------------------------------------------------------------------------- reading


def funds_of(site: Site) -> list[SpecialFund]:
    """A site's registered funds, the latest grant first."""
    return list(db.session.scalars(db.select(SpecialFund).where(SpecialFund.site_id == site.id)
                                   .order_by(SpecialFund.granted_on.desc(), SpecialFund.id)))


def decision_choices(site: Site) -> list[tuple[int, str, date]]:
    """(id, title, first published) of the site's published 民主决策 items, newest first."""
    rows = db.session.execute(
        db.select(Item.id, ItemRevision.title, Item.first_published_at)
        .join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(Item.site_id == site.id, Item.category_code.startswith(DECISION_GROUP),
               Item.withdrawn_at.is_(None))
        .order_by(Item.first_published_at.desc(), Item.id.desc())).all()
    return [(i, title, local_date(first)) for i, title, first in rows]


def item_titles(ids) -> dict[int, str]:
    """The current public title of each item (a fund's decision, in its history too)."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(db.session.execute(
        db.select(Item.id, ItemRevision.title)
        .join(ItemRevision, ItemRevision.id == Item.current_revision_id)
        .where(Item.id.in_(ids))).all())


@dataclass
class FundLine:
    """An entry booked against a fund, with the statement revision it was published in."""

    entry: LedgerEntry
    revision: LedgerRevision


@dataclass
class FundReport:
    """A fund as the public ledgers show it; `fund` is None for a name nobody registered."""

    name: str
    fund: SpecialFund | None
    level: str | None  # registered, or read from the name: “……（区级）”
    received: int = 0
    spent: int = 0
    lines: list[FundLine] = field(default_factory=list)

    @property
    def balance(self) -> int:
        return self.received - self.spent

    @property
    def overdrawn(self) -> bool:
        """More spent than received (透支)."""
        return self.spent > self.received

    @property
    def outstanding(self) -> int | None:
        """Granted but not received yet (negative when more came than was granted)."""
        return None if self.fund is None else self.fund.granted_fen - self.received


def report(site: Site) -> tuple[list[FundReport], list[FundReport]]:
    """Registered funds and unregistered fund names against the site's public ledgers."""
    public = {r.id: r for r in queries.current_public([site.id]).values()}
    registered = {f.name: FundReport(f.name, f, f.level) for f in funds_of(site)}
    unregistered: dict[str, FundReport] = {}
    entries = db.session.scalars(db.select(LedgerEntry).where(
        LedgerEntry.revision_id.in_(public), LedgerEntry.fund != "")
        .order_by(LedgerEntry.day, LedgerEntry.line)) if public else []
    for e in entries:
        found = registered.get(e.fund)
        if found is None:
            found = unregistered.get(e.fund)
            if found is None:
                found = unregistered[e.fund] = FundReport(e.fund, None,
                                                          queries.level_in_name(e.fund))
        found.received += e.income_fen
        found.spent += e.expense_fen
        found.lines.append(FundLine(e, public[e.revision_id]))
    return (list(registered.values()),
            sorted(unregistered.values(), key=lambda f: f.lines[0].entry.day, reverse=True))


@dataclass
class HistoryStep:
    """One version of a fund: who made it and when, why, and what changed from the one before."""

    revision: SpecialFundRevision
    by: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def history(funds: list[SpecialFund], masked: bool = True) -> dict[int, list[HistoryStep]]:
    """Fund id -> its versions, oldest first, in one query; who made them masked as a person's
    name is for the public (张*英; an office such as 红光街道农经站会计 stays as it is)."""
    if not funds:
        return {}
    rows = db.session.execute(
        db.select(SpecialFundRevision, User.display_name)
        .join(User, User.id == SpecialFundRevision.changed_by_id)
        .where(SpecialFundRevision.fund_id.in_([f.id for f in funds]))
        .order_by(SpecialFundRevision.fund_id, SpecialFundRevision.number)).all()
    titles = item_titles(r.decision_item_id for r, _name in rows)
    out: dict[int, list[HistoryStep]] = {}
    for revision, name in rows:
        steps = out.setdefault(revision.fund_id, [])
        before = steps[-1].revision if steps else None
        changes = []
        if before is not None:
            for key in VALUE_FIELDS:
                old, new = getattr(before, key), getattr(revision, key)
                if old != new:
                    if key == "decision_item_id":
                        old, new = titles.get(old, ""), titles.get(new, "")
                    elif key == "level":
                        old, new = str(LEVELS.get(old, old)), str(LEVELS.get(new, new))
                    changes.append((str(FIELD_LABELS[key]), _shown(key, old), _shown(key, new)))
        steps.append(HistoryStep(revision, mask_person(name) if masked else name, changes))
    return out
