"""Benefit lists (惠农补贴, 低保, 特困): imported all or nothing with masked identifiers,
countersigned, posted for 7 days to everyone; afterwards the public sees only the totals and the
list stays visible to staff and to the verified residents of that village.

Only masked identifiers are ever stored: an ID number in the file is checked (checksum, birth
date) and kept as 510104********1234; a name as 张*英.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from portal.core import audit
from portal.core.audit import utcnow
from portal.core.errors import OperationError
from portal.core.permissions import can, require
from portal.core.privacy import find_identifiers, id_checksum_ok, mask_id
from portal.extensions import db
from portal.finance.accounts import normalise_header
from portal.finance.parsing import LedgerRefused, _text, mask_person, parse_money, read_rows
from portal.sites.models import Site

KINDS = {"subsidy": _l("惠农补贴"), "dibao": _l("最低生活保障(低保)"), "tekun": _l("特困人员救助供养")}
POSTING_DAYS = 7
HEADERS = {
    "name": ("姓名", "户主姓名", "户主", "救助对象", "补贴对象", "享受人"),
    "id_number": ("身份证号", "身份证号码", "身份证", "证件号码"),
    "household": ("家庭人口", "户人口", "家庭人数", "保障人数", "人口"),
    "amount": ("金额", "补贴金额", "保障金额", "发放金额", "救助金额", "月保障金"),
}
LOOKUP = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")


class BenefitList(db.Model):
    """One posted list of a village: who receives a benefit, how many in the household, how much."""

    __tablename__ = "benefit_list"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    kind: Mapped[str] = mapped_column(db.String(12))
    title: Mapped[str] = mapped_column(db.String(200))
    recipients: Mapped[int]
    persons: Mapped[int]
    total_fen: Mapped[int] = mapped_column(db.BigInteger)
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    countersigned_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    posted_at: Mapped[datetime | None]

    @property
    def posting_until(self) -> datetime | None:
        return self.posted_at + timedelta(days=POSTING_DAYS) if self.posted_at else None

    def in_window(self, now: datetime) -> bool:
        return self.posted_at is not None and self.posted_at <= now < self.posting_until


class BenefitRecipient(db.Model):
    """One line of a benefit list, with its identifiers already masked."""

    __tablename__ = "benefit_recipient"
    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(db.ForeignKey("benefit_list.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    line: Mapped[int]
    name: Mapped[str] = mapped_column(db.String(40))  # masked: 张*英
    id_masked: Mapped[str] = mapped_column(db.String(18), default="")
    household: Mapped[int]
    amount_fen: Mapped[int] = mapped_column(db.BigInteger)


def _rows(filename: str, data: bytes) -> list[tuple[int, str, str, int, int]]:
    rows = read_rows(filename, data)
    header, columns = None, {}
    for index, (_n, cells) in enumerate(rows[:10]):
        found = {}
        for i, cell in enumerate(cells):
            key = LOOKUP.get(normalise_header(cell))
            if key and key not in found:
                found[key] = i
        if {"name", "household", "amount"} <= set(found):
            header, columns = index, found
            break
    if header is None:
        raise LedgerRefused([(None, _("找不到表头：应有 姓名、家庭人口、金额 三列（身份证号可选）"))])
    errors, out = [], []

    def get(cells, key):
        i = columns.get(key)
        return cells[i] if i is not None and i < len(cells) else None

    for number, cells in rows[header + 1:]:
        if all(_text(c) == "" for c in cells):
            continue
        before = len(errors)
        name = _text(get(cells, "name"))
        if not re.fullmatch(r"[\u4e00-\u9fff·*]{2,10}", name):
            errors.append((number, _("姓名“%(v)s”应为2至10个汉字", v=name[:20])))
        raw_id = _text(get(cells, "id_number")).upper().translate(str.maketrans("Ｘｘ", "XX"))
        id_masked = ""
        if raw_id:
            if MASKED_ID.fullmatch(raw_id):
                id_masked = raw_id
            elif re.fullmatch(r"\d{17}[\dX]", raw_id) and id_checksum_ok(raw_id):
                id_masked = mask_id(raw_id)
            else:
                errors.append((number, _("身份证号“%(v)s”无效", v=raw_id[:6] + "…")))
        household = _text(get(cells, "household"))
        if not re.fullmatch(r"\d{1,2}", household) or not 1 <= int(household) <= 20:
            errors.append((number, _("家庭人口应为1至20的整数")))
        try:
            amount = parse_money(get(cells, "amount"))
        except ValueError:
            amount = None
        if not amount:
            errors.append((number, _("金额应为大于零的数字，最多两位小数")))
        for cell in cells:
            if find_identifiers(_text(cell)) and _text(cell) != raw_id:
                errors.append((number, _("除身份证号列外，不能填写手机号、银行卡号等个人信息")))
                break
        if len(errors) == before:
            out.append((number, mask_person(name) if "*" not in name else name, id_masked,
                        int(household), amount))
    if not errors and not out:
        errors.append((None, _("名单中没有任何人员")))
    if errors:
        raise LedgerRefused(errors)
    return out


def import_list(actor, site: Site, kind: str, title: str, filename: str,
                data: bytes) -> BenefitList:
    """Check a whole list and store it masked; it is posted once a reviewer countersigns it."""
    require(actor, site, "finance.import")
    if site.level != "village":
        raise OperationError(_("名单按村(社区)公示"), "kind")
    if kind not in KINDS:
        raise OperationError(_("请选择名单类别"), "kind")
    title = (title or "").strip()
    if not 4 <= len(title) <= 200:
        raise OperationError(_("标题应为4至200字"), "title")
    if find_identifiers(title):
        raise OperationError(_("标题不能包含个人信息"), "title")
    rows = _rows(filename, data)
    benefit = BenefitList(site_id=site.id, kind=kind, title=title, recipients=len(rows),
                          persons=sum(r[3] for r in rows), total_fen=sum(r[4] for r in rows),
                          created_by_id=actor.id, created_at=utcnow())
    db.session.add(benefit)
    db.session.flush()
    db.session.execute(db.insert(BenefitRecipient), [
        {"list_id": benefit.id, "site_id": site.id, "line": n, "name": name, "id_masked": idm,
         "household": household, "amount_fen": amount}
        for n, name, idm, household, amount in rows])
    audit.record(actor, "finance.benefits_import", site=site, target=benefit,
                 detail={"kind": kind, "recipients": len(rows)})
    return benefit


def countersign_list(actor, site: Site, benefit: BenefitList) -> None:
    """A reviewer who did not import the list countersigns it; the 7-day posting starts."""
    require(actor, site, "finance.review")
    if benefit.posted_at is not None:
        raise OperationError(_("该名单已公示"))
    if actor.id == benefit.created_by_id:
        raise OperationError(_("导入人不能会签自己导入的名单"))
    benefit.countersigned_by_id = actor.id
    benefit.posted_at = utcnow().replace(microsecond=0)
    from portal.core.cache import bump_content_version

    bump_content_version()
    audit.record(actor, "finance.benefits_post", site=site, target=benefit)


def may_see_names(user, site: Site, benefit: BenefitList, now: datetime) -> bool:
    """Names during the posting window for everyone; afterwards staff and verified residents."""
    if benefit.in_window(now):
        return True
    if any(can(user, site, p) for p in ("finance.import", "finance.review")):
        return True
    if benefit.posted_at is None or not getattr(user, "is_authenticated", False):
        return False
    from portal.accounts.models import Residency

    return bool(db.session.scalar(db.select(Residency.id).where(
        Residency.user_id == user.id, Residency.site_id == site.id,
        Residency.status == "verified")))


def lists_of(site: Site, staff: bool) -> list[BenefitList]:
    query = db.select(BenefitList).where(BenefitList.site_id == site.id)
    if not staff:
        query = query.where(BenefitList.posted_at.is_not(None))
    return list(db.session.scalars(query.order_by(BenefitList.created_at.desc())))


def recipients_of(benefit: BenefitList) -> list[BenefitRecipient]:
    return list(db.session.scalars(db.select(BenefitRecipient).where(
        BenefitRecipient.list_id == benefit.id).order_by(BenefitRecipient.line)))
