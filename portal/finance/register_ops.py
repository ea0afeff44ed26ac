"""Every change to the 三资 registers: importing a snapshot (all or nothing, a new revision for the
same date), and publishing it as items of the standard's register categories (B04.02, B05.01–05,
B06.01–02) through the content workflow, as the ledger's statements are."""

from __future__ import annotations

import hashlib
from datetime import date

from flask_babel import gettext as _

from portal.content import operations as content_ops
from portal.content.models import Item, ItemRevision
from portal.content.periods import parse_period
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.errors import OperationError
from portal.core.permissions import require
from portal.extensions import db
from portal.finance import registers
from portal.finance.models import RegisterItem, RegisterRow, RegisterSnapshot
from portal.finance.operations import REASON_MAX, _cell, review_items
from portal.finance.parsing import read_rows, yuan
from portal.sites.models import Site
from portal.standards.models import get_category

ROW_FIELDS = ("code", "name", "category", "unit", "quantity", "value_fen", "depreciation_fen",
              "received_fen", "start", "end", "location", "status", "person", "method",
              "decision", "contract_ref", "note")


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise OperationError(_("台账日期应写成 2025-12-31"), "as_of") from None


def import_register(actor, site: Site, kind: str, as_of: date, filename: str, data: bytes,
                    reason: str = "") -> RegisterSnapshot:
    """Check a whole register file and store it as the next revision of the snapshot of that date."""
    require(actor, site, "finance.import")
    if kind not in registers.KINDS:
        raise OperationError(_("未知的台账类型"), "kind")
    if site.level != "village":
        raise OperationError(_("三资台账按村(社区)导入"), "kind")
    if not date(2000, 1, 1) <= as_of <= date(2100, 12, 31):
        raise OperationError(_("台账日期应写成 2025-12-31"), "as_of")
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise OperationError(_("更正原因不能超过%(n)d字", n=REASON_MAX), "reason")
    filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    rows = registers.parse_register(kind, read_rows(filename, data), as_of)
    number = (db.session.scalar(db.select(db.func.max(RegisterSnapshot.number)).where(
        RegisterSnapshot.site_id == site.id, RegisterSnapshot.kind == kind,
        RegisterSnapshot.as_of == as_of)) or 0) + 1
    if number > 1 and not reason:
        raise OperationError(_("该日期的台账已导入过，重新导入会生成新版本，请写明更正原因"),
                             "reason")
    snapshot = RegisterSnapshot(
        site_id=site.id, kind=kind, as_of=as_of, number=number, row_count=len(rows),
        filename=filename or "register", file_sha256=hashlib.sha256(data).hexdigest(),
        reason=reason or None, imported_by_id=actor.id, imported_at=utcnow())
    db.session.add(snapshot)
    db.session.flush()
    db.session.execute(db.insert(RegisterRow), [
        {"site_id": site.id, "snapshot_id": snapshot.id, "line": r.line,
         **{f: r.values[f] for f in ROW_FIELDS if r.values.get(f) is not None}}
        for r in rows])
    audit.record(actor, "finance.register_import", site=site, target=snapshot,
                 detail={"kind": kind, "as_of": as_of.isoformat(), "revision": number,
                         "rows": len(rows), "sha256": snapshot.file_sha256})
    return snapshot


def rows_of(snapshot: RegisterSnapshot | None) -> list[RegisterRow]:
    if snapshot is None:
        return []
    return list(db.session.scalars(db.select(RegisterRow).where(
        RegisterRow.snapshot_id == snapshot.id).order_by(RegisterRow.line)))


def latest_snapshot(site: Site, kind: str, before: date | None = None) -> RegisterSnapshot | None:
    """The newest revision of the newest snapshot of a register (dated on or before `before`)."""
    query = db.select(RegisterSnapshot).where(RegisterSnapshot.site_id == site.id,
                                              RegisterSnapshot.kind == kind)
    if before is not None:
        query = query.where(RegisterSnapshot.as_of <= before)
    return db.session.scalar(query.order_by(RegisterSnapshot.as_of.desc(),
                                            RegisterSnapshot.number.desc()).limit(1))


def period_key(kind: str, as_of: date) -> str:
    if registers.PERIOD_KIND[kind] == "quarter":
        return f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}"
    return str(as_of.year)


# ----------------------------------------------------------------------------- item bodies


def _table(headers: list[str], align: str, lines: list[list[str]], total: list[str] | None):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join(align) + "|"]
    out += ["| " + " | ".join(_cell(v) for v in line) + " |" for line in lines]
    if total:
        out.append("| " + " | ".join(total) + " |")
    return out


def _qty(value) -> str:
    return "" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


def body_lines(kind: str, rows: list[RegisterRow], contracts: list[RegisterRow] = ()) -> list[str]:
    """The Markdown table of one category's rows (as published in the item)."""
    if kind == "asset":
        lines = [[r.code, r.name, r.category, f"{_qty(r.quantity)}{r.unit}", yuan(r.value_fen),
                  yuan(r.depreciation_fen), yuan(r.value_fen - r.depreciation_fen),
                  r.start.isoformat() if r.start else "", r.location, r.status, r.person]
                 for r in rows]
        value = sum(r.value_fen for r in rows)
        dep = sum(r.depreciation_fen for r in rows)
        return _table([_("编号"), _("名称"), _("类别"), _("数量"), _("原值(元)"), _("累计折旧(元)"),
                       _("净值(元)"), _("购建日期"), _("存放地点"), _("使用状态"), _("保管人")],
                      ["---"] * 4 + ["---:"] * 3 + ["---"] * 4, lines,
                      ["", _("**合计**"), "", "", f"**{yuan(value)}**", f"**{yuan(dep)}**",
                       f"**{yuan(value - dep)}**", "", "", "", ""])
    if kind == "resource":
        lines = [[r.code, r.name, f"{r.category} {registers.LAND_CLASSES[r.category]}",
                  _qty(r.quantity), r.location, r.status, r.contract_ref] for r in rows]
        area = sum((r.quantity for r in rows), start=0)
        out = _table([_("编号"), _("名称"), _("地类"), _("面积(亩)"), _("坐落"), _("经营方式"),
                      _("合同编号")], ["---", "---", "---", "---:", "---", "---", "---"], lines,
                     ["", _("**合计**"), "", f"**{_qty(area)}**", "", "", ""])
        refs = {r.contract_ref for r in rows if r.contract_ref}
        mine = [c for c in contracts if c.code in refs]
        if mine:
            out += ["", _("**承包(租赁)合同**（单位：元）"), "", *body_lines("contract", mine)]
        return out
    if kind == "contract":
        lines = [[c.code, c.name, c.person, c.method,
                  f"{c.start.isoformat()} 至 {c.end.isoformat()}", yuan(c.value_fen),
                  yuan(c.received_fen),
                  (f"**{yuan(registers.overdue_fen(c))}**" if registers.overdue_fen(c) else "0.00"),
                  c.decision] for c in rows]
        return _table([_("合同编号"), _("标的"), _("承包(租赁)方"), _("发包方式"), _("期限"),
                       _("应收(元)"), _("已收(元)"), _("欠收(元)"), _("民主决策依据")],
                      ["---"] * 5 + ["---:"] * 3 + ["---"], lines,
                      ["", _("**合计**"), "", "", "", f"**{yuan(sum(c.value_fen for c in rows))}**",
                       f"**{yuan(sum(c.received_fen for c in rows))}**",
                       f"**{yuan(sum(registers.overdue_fen(c) for c in rows))}**", ""])
    lines = [[r.person, yuan(r.value_fen), r.start.isoformat() if r.start else "",
              r.end.isoformat() if r.end else "", r.note, r.status] for r in rows]
    return _table([_("对方单位或个人"), _("金额(元)"), _("发生日期"), _("到期日期"), _("事由"),
                   _("状态")], ["---", "---:", "---", "---", "---", "---"], lines,
                  [_("**合计**"), f"**{yuan(sum(r.value_fen for r in rows))}**", "", "", "", ""])


def item_body(site: Site, snapshot: RegisterSnapshot, code: str, rows: list[RegisterRow],
              contracts: list[RegisterRow]) -> tuple[str, str]:
    """Title and Markdown body of one category's part of a register snapshot."""
    category = get_category(code)
    name = category.name.split("(")[0] if category else code
    when = snapshot.as_of.isoformat()
    title = _("%(s)s%(n)s（截至%(d)s）", s=site.short_name, n=name, d=when)
    mine = [r for r in rows if registers.category_of(snapshot.kind, r) == code]
    lines = [_("%(s)s%(n)s截至%(d)s的情况如下（金额单位：元，面积单位：亩）。", s=site.short_name,
               n=name, d=when), ""]
    if mine:
        lines += body_lines(snapshot.kind, mine, contracts)
    else:
        lines.append(_("截至%(d)s无%(n)s。", d=when, n=name))
    lines += ["", _("完整台账和数据下载见本站“财务公开”栏目的“三资台账”。")]
    return title, "\n".join(lines)


# ----------------------------------------------------------------------------- publishing


def snapshot_items(snapshot: RegisterSnapshot) -> dict[str, Item]:
    rows = db.session.execute(
        db.select(RegisterItem.category_code, Item).join(Item, Item.id == RegisterItem.item_id)
        .where(RegisterItem.snapshot_id == snapshot.id)).all()
    return {code: item for code, item in rows}


def _earlier_items(snapshot: RegisterSnapshot) -> dict[str, Item]:
    """Items of earlier revisions of the same register in the same period (the latest wins)."""
    key = period_key(snapshot.kind, snapshot.as_of)
    rows = db.session.execute(
        db.select(RegisterItem.category_code, Item, RegisterSnapshot)
        .join(Item, Item.id == RegisterItem.item_id)
        .join(RegisterSnapshot, RegisterSnapshot.id == RegisterItem.snapshot_id)
        .where(RegisterSnapshot.site_id == snapshot.site_id,
               RegisterSnapshot.kind == snapshot.kind, RegisterSnapshot.id != snapshot.id)
        .order_by(RegisterSnapshot.as_of, RegisterSnapshot.number)).all()
    return {code: item for code, item, s in rows if period_key(s.kind, s.as_of) == key}


def _hand_written(site: Site, code: str, kind: str, as_of: date) -> Item | None:
    """An item of the same category and period written by hand: the register corrects it."""
    start, _end = parse_period(registers.PERIOD_KIND[kind], period_key(kind, as_of), as_of)
    return db.session.scalar(
        db.select(Item).where(Item.site_id == site.id, Item.category_code == code,
                              Item.period_kind == registers.PERIOD_KIND[kind],
                              Item.period_start == start, Item.status != "withdrawn",
                              Item.id.not_in(db.select(RegisterItem.item_id)))
        .order_by(Item.id).limit(1))


def _check_contract_refs(rows, contracts, linked) -> None:
    """Every 合同编号 a parcel names must be in the contracts register it is published with."""
    known = {c.code for c in contracts}
    unknown = [f"{r.code}（{r.contract_ref}）" for r in rows
               if r.contract_ref and r.contract_ref not in known]
    if not unknown:
        return
    where = (_("%(d)s的合同台账", d=linked.as_of.isoformat()) if linked
             else _("合同台账(尚未导入)"))
    raise OperationError(_("以下地块的合同编号在%(w)s中找不到：%(l)s。请先导入包含这些合同的合同台账，"
                           "或更正地块的合同编号后重新导入", w=where, l="、".join(unknown[:20])))


def submit_register(actor, site: Site, snapshot: RegisterSnapshot) -> list[Item]:
    """Write a snapshot into its categories' items and hand them to the reviewers.

    Each category's item of the period is created, or corrected when an earlier revision (or a
    person, by hand) wrote it already. Only the latest revision of a date may be submitted, and not
    once a later date of the same period was. A resource register is submitted with the latest
    contracts snapshot dated on or before it: each B05 item lists the contracts of its parcels,
    and the contracts become public with it.
    """
    require(actor, site, "finance.import")
    require(actor, site, "content.publish")
    if snapshot.site_id != site.id:
        raise OperationError(_("台账不属于本站"))
    if snapshot.kind == "contract":
        raise OperationError(_("承包(租赁)合同随资源台账一同公开，请提交资源台账"))
    if snapshot.submitted_at is not None:
        raise OperationError(_("本版本已提交会签"))
    same_date = db.session.scalar(db.select(db.func.max(RegisterSnapshot.number)).where(
        RegisterSnapshot.site_id == site.id, RegisterSnapshot.kind == snapshot.kind,
        RegisterSnapshot.as_of == snapshot.as_of))
    if same_date != snapshot.number:
        raise OperationError(_("已有更新的导入版本，请提交最新版本"))
    key = period_key(snapshot.kind, snapshot.as_of)
    later = db.session.scalars(db.select(RegisterSnapshot.as_of).where(
        RegisterSnapshot.site_id == site.id, RegisterSnapshot.kind == snapshot.kind,
        RegisterSnapshot.as_of > snapshot.as_of, RegisterSnapshot.submitted_at.is_not(None)))
    if any(period_key(snapshot.kind, d) == key for d in later):
        raise OperationError(_("同一期间已提交了日期更晚的台账，不能再提交较早的台账"))
    rows = rows_of(snapshot)
    contracts: list[RegisterRow] = []
    if snapshot.kind == "resource":
        linked = latest_snapshot(site, "contract", snapshot.as_of)
        snapshot.contracts_id = linked.id if linked else None
        contracts = rows_of(linked)
        _check_contract_refs(rows, contracts, linked)
    earlier, own = _earlier_items(snapshot), snapshot_items(snapshot)
    items = []
    for code in registers.CATEGORIES[snapshot.kind]:
        title, body = item_body(site, snapshot, code, rows, contracts)
        data = {"category": code, "period": key, "title": title, "body": body,
                "reason": snapshot.reason or _("以导入的台账为准")}
        item = (own.get(code) or earlier.get(code)
                or _hand_written(site, code, snapshot.kind, snapshot.as_of))
        if item is None:
            item = content_ops.create_item(actor, site, data)
        else:
            if item.status == "submitted":
                raise OperationError(_("上一版本尚在会签中，请先会签或退回后再提交新版本"))
            if item.status in ("published", "withdrawn"):
                content_ops.start_correction(actor, site, item)
            content_ops.update_draft(actor, site, item, data)
        content_ops.submit_item(actor, site, item)
        prior = db.session.scalar(db.select(db.func.max(ItemRevision.number))
                                  .where(ItemRevision.item_id == item.id)) or 0
        link = db.session.get(RegisterItem, (snapshot.id, code))  # there when submitted again
        if link is None:
            db.session.add(RegisterItem(snapshot_id=snapshot.id, category_code=code,
                                        site_id=site.id, item_id=item.id, prior_number=prior))
        else:
            link.item_id, link.prior_number = item.id, prior
        items.append(item)
    snapshot.submitted_at = utcnow()
    snapshot.submitted_by_id = actor.id
    audit.record(actor, "finance.register_submit", site=site, target=snapshot,
                 detail={"kind": snapshot.kind, "as_of": snapshot.as_of.isoformat(),
                         "revision": snapshot.number})
    return items


def countersign_register(actor, site: Site, snapshot: RegisterSnapshot, dissent: str = "") -> int:
    """Countersign every submitted item of a snapshot at once (each checked as usual)."""
    pending = review_items(actor, site, snapshot_items(snapshot).values(), dissent=dissent)
    audit.record(actor, "finance.register_countersign", site=site, target=snapshot,
                 detail={"kind": snapshot.kind, "revision": snapshot.number})
    return len(pending)


def return_register(actor, site: Site, snapshot: RegisterSnapshot, reason: str) -> None:
    """Send every submitted item of a snapshot back, with the reason; it may be submitted again."""
    review_items(actor, site, snapshot_items(snapshot).values(), reason=reason)
    snapshot.submitted_at = None
    audit.record(actor, "finance.register_return", site=site, target=snapshot,
                 detail={"reason": reason})


def public_snapshot_ids(site: Site) -> set[int]:
    """Snapshots whose every item was countersigned after they were handed over, and the
    contracts snapshots published with a public resource snapshot."""
    links = db.session.execute(
        db.select(RegisterItem.snapshot_id, RegisterItem.prior_number,
                  db.func.max(ItemRevision.number))
        .join(RegisterSnapshot, RegisterSnapshot.id == RegisterItem.snapshot_id)
        .outerjoin(ItemRevision, ItemRevision.item_id == RegisterItem.item_id)
        .where(RegisterItem.site_id == site.id, RegisterSnapshot.submitted_at.is_not(None))
        .group_by(RegisterItem.snapshot_id, RegisterItem.item_id,
                  RegisterItem.prior_number)).all()
    state: dict[int, bool] = {}
    for snapshot_id, prior, newest in links:
        state[snapshot_id] = state.get(snapshot_id, True) and (newest or 0) > prior
    public = {s for s, ok in state.items() if ok}
    if public:
        public |= {c for (c,) in db.session.execute(
            db.select(RegisterSnapshot.contracts_id).where(RegisterSnapshot.id.in_(public),
                                                          RegisterSnapshot.contracts_id
                                                          .is_not(None)))}
    return public
