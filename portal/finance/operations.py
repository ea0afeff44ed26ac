"""Every change to the books: importing a ledger (all or nothing, a new revision each time) and
publishing its statement as items of the standard's finance categories, which then go through the
content workflow (submit, countersign by 民主理财小组 or 监委会, permanent revisions)."""

from __future__ import annotations

import hashlib

from flask_babel import gettext as _

from portal.content import operations as content_ops
from portal.content.models import Item, ItemRevision
from portal.content.periods import parse_period, period_label
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.clock import today
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.extensions import db
from portal.finance import periods
from portal.finance.accounts import STATEMENT_CATEGORIES
from portal.finance.models import LedgerEntry, LedgerPeriod, LedgerRevision, StatementItem
from portal.finance.parsing import Ledger, parse_ledger, read_rows, yuan
from portal.sites.models import Site
from portal.standards.models import get_category

REASON_MAX = 500


def import_ledger(actor, site: Site, period: str, filename: str, data: bytes,
                  reason: str = "") -> LedgerRevision:
    """Check a whole ledger file for one period and store it as the period's next revision.

    The period is a month for a finance-heavy village and a quarter otherwise; a month may not
    overlap a quarter already imported (or the other way round) when the township changed that.
    """
    require(actor, site, "finance.import")
    if site.level != "village":
        raise OperationError(_("财务数据按村(社区)导入"), "period")
    kind = periods.ledger_kind(site)
    periods.check_typed(site, period)
    start, end = parse_period(kind, period, today())
    other = periods.overlapping(site, kind, start, end)
    if other is not None:
        raise OperationError(_("%(q)s与已经导入的%(p)s明细账时间重叠，同一段时间不能导入两次",
                               p=other.label, q=period_label(kind, start)), "period")
    filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    ledger = parse_ledger(read_rows(filename, data), start, end)
    row = db.session.scalar(db.select(LedgerPeriod).where(
        LedgerPeriod.site_id == site.id, LedgerPeriod.kind == kind,
        LedgerPeriod.start == start))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise OperationError(_("更正原因不能超过%(n)d字", n=REASON_MAX), "reason")
    if row is None:
        row = LedgerPeriod(site_id=site.id, kind=kind, start=start, end=end)
        db.session.add(row)
        db.session.flush()
        number = 1
    else:
        number = (db.session.scalar(db.select(db.func.max(LedgerRevision.number))
                                    .where(LedgerRevision.period_id == row.id)) or 0) + 1
        if not reason:
            raise OperationError(_("本期已导入过，重新导入会生成新版本，请写明更正原因"), "reason")
    revision = _store(actor, site, row, number, ledger, filename,
                      hashlib.sha256(data).hexdigest(), reason or None)
    audit.record(actor, "finance.import", site=site, target=revision,
                 detail={"period": row.key, "revision": number, "entries": len(ledger.entries),
                         "sha256": revision.file_sha256})
    return revision


def _store(actor, site, period, number, ledger: Ledger, filename, sha, reason) -> LedgerRevision:
    revision = LedgerRevision(
        site_id=site.id, period_id=period.id, number=number, opening_fen=ledger.opening,
        income_fen=ledger.income, expense_fen=ledger.expense, closing_fen=ledger.closing,
        entry_count=len(ledger.entries), filename=filename or "ledger", file_sha256=sha,
        reason=reason, imported_by_id=actor.id, imported_at=utcnow())
    db.session.add(revision)
    db.session.flush()
    db.session.execute(db.insert(LedgerEntry), [
        {"site_id": site.id, "revision_id": revision.id, "line": e.line, "day": e.day,
         "voucher": e.voucher, "account_code": e.account.code, "account_name": e.account.name,
         "category_code": e.account.category, "summary": e.summary, "income_fen": e.income,
         "expense_fen": e.expense, "counterparty": e.counterparty, "settlement": e.settlement,
         "fund": e.fund}
        for e in ledger.entries])
    return revision


def statement_body(site: Site, revision: LedgerRevision, code: str, entries) -> tuple[str, str]:
    """Title and Markdown body of one finance category's part of a statement."""
    category = get_category(code)
    name = category.name.split("(")[0] if category else code
    when = revision.period.label
    title = _("%(s)s%(p)s%(n)s明细公开", s=site.short_name, p=when, n=name)
    mine = [e for e in entries if e.category_code == code]
    lines = [_("%(s)s%(p)s%(n)s明细如下（单位：元）。", s=site.short_name, p=when, n=name), ""]
    if mine:
        lines += [_("| 序号 | 日期 | 凭证号 | 科目 | 摘要 | 对方单位 | 金额(元) |"),
                  "|---:|---|---|---|---|---|---:|"]
        for n, e in enumerate(mine, start=1):
            amount = e.income_fen or e.expense_fen
            lines.append(f"| {n} | {e.day.isoformat()} | {_cell(e.voucher)} | "
                         f"{e.account_code} {_cell(e.account_name)} | {_cell(e.summary)} | "
                         f"{_cell(e.counterparty)} | {yuan(amount)} |")
        total = sum(e.income_fen or e.expense_fen for e in mine)
        lines.append(_("|  |  |  |  | **合计** |  | **%(t)s** |", t=yuan(total)))
    else:
        lines.append(_("本期无%(n)s发生额（合计0.00元）。", n=name))
    lines += ["", _("**本期资金收支总体情况**（单位：元）"), "",
              _("| 项目 | 金额(元) |"), "|---|---:|",
              _("| 上期末结余 | %(v)s |", v=yuan(revision.opening_fen)),
              _("| 本期收入合计 | %(v)s |", v=yuan(revision.income_fen)),
              _("| 本期支出合计 | %(v)s |", v=yuan(revision.expense_fen)),
              _("| 本期末结余 | %(v)s |", v=yuan(revision.closing_fen)), "",
              _("完整的收支明细、图表和数据下载见本站“财务公开”栏目 %(p)s 期。", p=revision.period.key)]
    return title, "\n".join(lines)


def _cell(text: str) -> str:
    return (text or "").replace("|", "／").replace("\n", " ")


def statement_items(revision: LedgerRevision) -> dict[str, Item]:
    """Category code -> the item a revision's statement was handed over as."""
    rows = db.session.execute(
        db.select(StatementItem.category_code, Item)
        .join(Item, Item.id == StatementItem.item_id)
        .where(StatementItem.revision_id == revision.id)).all()
    return {code: item for code, item in rows}


def _earlier_items(revision: LedgerRevision) -> dict[str, Item]:
    rows = db.session.execute(
        db.select(StatementItem.category_code, Item)
        .join(Item, Item.id == StatementItem.item_id)
        .join(LedgerRevision, LedgerRevision.id == StatementItem.revision_id)
        .where(LedgerRevision.period_id == revision.period_id,
               LedgerRevision.number <= revision.number)
        .order_by(LedgerRevision.number)).all()
    return {code: item for code, item in rows}  # the latest revision's item wins (and its own)


def _hand_written(site: Site, code: str, period: LedgerPeriod) -> Item | None:
    """An item of the same category and period written by hand: the statement corrects it."""
    return db.session.scalar(
        db.select(Item).where(Item.site_id == site.id, Item.category_code == code,
                              Item.period_kind == period.kind, Item.period_start == period.start,
                              Item.status != "withdrawn").order_by(Item.id).limit(1))


def submit_statement(actor, site: Site, revision: LedgerRevision) -> list[Item]:
    """Write the statement into the finance categories' items and hand them to the reviewers.

    A first statement creates one item per category (a nil return where nothing happened, as the
    standard requires every quarter) or corrects the one written by hand for that quarter; a
    re-imported period corrects the same items, with the import's reason, so their public history
    shows each revision.
    """
    require(actor, site, "finance.import")
    require(actor, site, "content.publish")
    if revision.submitted_at is not None:
        raise OperationError(_("本版本已提交会签"))
    latest = db.session.scalar(db.select(db.func.max(LedgerRevision.number))
                               .where(LedgerRevision.period_id == revision.period_id))
    if revision.number != latest:
        raise OperationError(_("已有更新的导入版本，请提交最新版本"))
    if revision.period.kind != periods.ledger_kind(site):
        raise OperationError(_("乡镇已调整本村的财务公开周期，此版本不能再提交。%(h)s",
                               h=periods.hint(site)))
    entries = list(db.session.scalars(db.select(LedgerEntry).where(
        LedgerEntry.revision_id == revision.id).order_by(LedgerEntry.day, LedgerEntry.line)))
    earlier = _earlier_items(revision)
    linked = set(statement_items(revision))
    items = []
    for code in STATEMENT_CATEGORIES:
        title, body = statement_body(site, revision, code, entries)
        data = {"category": code, "period": revision.period.key, "title": title, "body": body,
                "reason": revision.reason or _("以导入的明细账为准")}
        item = earlier.get(code) or _hand_written(site, code, revision.period)
        if item is None:
            item = content_ops.create_item(actor, site, data)
        else:
            if item.status == "submitted":
                raise OperationError(_("上一版本尚在会签中，请先会签或退回后再提交新版本"))
            if item.status in ("published", "withdrawn"):
                content_ops.start_correction(actor, site, item)
            content_ops.update_draft(actor, site, item, data)
        content_ops.submit_item(actor, site, item)
        if code not in linked:
            prior = db.session.scalar(db.select(db.func.max(ItemRevision.number))
                                      .where(ItemRevision.item_id == item.id)) or 0
            db.session.add(StatementItem(revision_id=revision.id, category_code=code,
                                         site_id=site.id, item_id=item.id, prior_number=prior))
        items.append(item)
    revision.submitted_at = utcnow()
    revision.submitted_by_id = actor.id
    audit.record(actor, "finance.submit", site=site, target=revision,
                 detail={"period": revision.period.key, "revision": revision.number})
    return items


def review_items(actor, site: Site, items, dissent: str = "", reason: str | None = None) -> list:
    """Countersign (or, given a reason, return) every submitted item of one statement or register."""
    require(actor, site, "finance.review")
    pending = [i for i in items if i.status == "submitted"]
    if not pending:
        raise OperationError(_("本版本没有待会签的内容"))
    for item in pending:
        if reason is None:
            content_ops.countersign_item(actor, site, item, dissent)
        else:
            content_ops.return_item(actor, site, item, reason)
    return pending


def countersign_statement(actor, site: Site, revision: LedgerRevision, dissent: str = "") -> int:
    """Countersign every submitted item of a statement at once (each one is checked as usual)."""
    pending = review_items(actor, site, statement_items(revision).values(), dissent=dissent)
    audit.record(actor, "finance.countersign", site=site, target=revision,
                 detail={"period": revision.period.key, "revision": revision.number})
    return len(pending)


def return_statement(actor, site: Site, revision: LedgerRevision, reason: str) -> None:
    """Send every submitted item of a statement back, with the reason."""
    review_items(actor, site, statement_items(revision).values(), reason=reason)
    revision.submitted_at = None  # the accountant may submit it again (or import a fix)
    audit.record(actor, "finance.return", site=site, target=revision, detail={"reason": reason})
