"""Every change to disclosure items: drafting, attachments, the privacy guard, submission,
countersigning (which publishes), returning, corrections and withdrawal."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from werkzeug.exceptions import Forbidden

from portal.content.files import check_upload, masked_xlsx
from portal.content.models import Attachment, Item, ItemRevision, ReviewEvent
from portal.content.periods import parse_period, period_kind_for
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.cache import bump_content_version
from portal.core.clock import local_date, today
from portal.core.errors import OperationError
from portal.core.markup import has_markup_danger
from portal.core.permissions import ROLE_PERMISSIONS, can, require, roles_at
from portal.core.privacy import KIND_NAMES, find_identifiers, line_of, mask_text
from portal.core.storage import storage
from portal.extensions import db
from portal.search.indexer import enqueue as enqueue_search
from portal.sites.models import Site
from portal.standards.models import Category, current_version, get_category

TITLE_MAX = 200
BODY_MAX = 50_000
REASON_MAX = 500
FINANCE_PREFIXES = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08")


def _text(value, name: str, field: str, max_len: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise OperationError(_("请填写%(n)s", n=name), field)
    if len(value) > max_len:
        raise OperationError(_("%(n)s不能超过%(m)d字", n=name, m=max_len), field)
    return value


def _category_for(site: Site, code: str) -> Category:
    category = get_category(code)
    if category is None or not category.is_leaf:
        raise OperationError(_("请选择公开类目"), "category")
    if not category.publishes_at(site.level):
        raise OperationError(
            _("“%(c)s”不在%(l)s一级公开", c=category.name, l=site.level_name), "category"
        )
    return category


def _preparing_site(actor, site: Site) -> Site | None:
    """The upper site an actor works from when preparing for a site below (代发布), else None."""
    if actor.is_superadmin or roles_at_exact(actor, site):
        return None
    from portal.accounts.models import RoleGrant

    grants = db.session.scalars(
        db.select(Site)
        .join(RoleGrant, RoleGrant.site_id == Site.id)
        .where(RoleGrant.user_id == actor.id, RoleGrant.role == "publisher")
    ).all()
    above = [s for s in grants if site.code.startswith(s.prefix) and s.id != site.id]
    return max(above, key=lambda s: len(s.prefix)) if above else None


def roles_at_exact(actor, site: Site) -> bool:
    """Whether the actor holds any role granted on this very site."""
    from portal.accounts.models import RoleGrant

    return bool(
        db.session.scalar(
            db.select(RoleGrant.id).where(RoleGrant.user_id == actor.id,
                                          RoleGrant.site_id == site.id)
        )
    )


def _apply_fields(site: Site, item: Item, data: dict) -> None:
    category = _category_for(site, data.get("category") or item.category_code)
    kind = period_kind_for(category.frequency_at(site.level, site.finance_heavy))
    start, end = parse_period(kind, data.get("period"), today())
    title = _text(data.get("title"), _("标题"), "title", TITLE_MAX)
    body = _text(data.get("body"), _("正文"), "body", BODY_MAX)
    if has_markup_danger(title) or has_markup_danger(body):
        raise OperationError(_("正文不能包含网页代码、脚本或样式，请使用纯文字或 Markdown 格式"), "body")
    posting = data.get("posting_days")
    if category.frequency and category.frequency.startswith("NOTICE"):
        posting = int(category.frequency[len("NOTICE"):])
    elif posting in (None, ""):
        posting = None
    else:
        try:
            posting = int(posting)
        except (TypeError, ValueError):
            raise OperationError(_("公示期应为天数"), "posting_days") from None
        if not 1 <= posting <= 90:
            raise OperationError(_("公示期应在1至90天之间"), "posting_days")
    fields = _structured_fields(category, data.get("fields") or {})
    item.category_code = category.code
    item.standard_version = category.version.version
    item.draft_fields = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    item.period_kind, item.period_start, item.period_end = kind, start, end
    item.draft_title, item.draft_body, item.posting_days = title, body, posting


ITEM_LEVEL_KINDS = ("policy",)  # kinds whose standard fields describe the item itself


def _structured_fields(category: Category, values: dict) -> dict:
    """Validate the item-level fields a category carries (a policy's 文号, issuer, dates...)."""
    if category.kind not in ITEM_LEVEL_KINDS:
        return {}
    cleaned = {}
    for spec in category.field_list:
        name, label = spec["name"], spec.get("label", spec["name"])
        raw = values.get(name)
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in (None, ""):
            if spec.get("required"):
                raise OperationError(_("请填写%(n)s", n=label), f"f_{name}")
            continue
        kind = spec["type"]
        if kind == "date":
            try:
                raw = date.fromisoformat(str(raw)).isoformat()
            except ValueError:
                raise OperationError(_("%(n)s应为日期，如 2026-10-15", n=label),
                                     f"f_{name}") from None
        elif kind == "enum":
            if raw not in spec.get("choices", []):
                raise OperationError(_("%(n)s应为：%(c)s", n=label,
                                       c="、".join(spec.get("choices", []))), f"f_{name}")
        else:
            raw = str(raw)
            if len(raw) > 200:
                raise OperationError(_("%(n)s不能超过200字", n=label), f"f_{name}")
        cleaned[name] = raw
    for link in ("interprets", "replaces"):  # ids of earlier policy items this one relates to
        value = values.get(link)
        if value not in (None, ""):
            try:
                cleaned[link] = int(value)
            except (TypeError, ValueError):
                raise OperationError(_("关联的政策编号应为数字"), f"f_{link}") from None
    return cleaned


def create_item(actor, site: Site, data: dict) -> Item:
    """Start a draft disclosure for a site (a township may prepare one for its village)."""
    require(actor, site, "content.draft")
    if current_version() is None:
        raise OperationError(_("尚未加载公开目录标准，请联系管理员"))
    item = Item(site_id=site.id, created_by_id=actor.id, status="draft")
    _apply_fields(site, item, data)
    preparing = _preparing_site(actor, site)
    item.prepared_by_site_id = preparing.id if preparing else None
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "content.create", site=site, target=item)
    return item


def _editable(item: Item) -> None:
    if item.status not in ("draft", "returned"):
        raise OperationError(_("已提交审核的事项不能修改；如需修改请等待退回"))


def update_draft(actor, site: Site, item: Item, data: dict) -> None:
    """Change the working copy of an item that is not under review."""
    require(actor, site, "content.draft")
    _editable(item)
    reason = None
    if item.current_revision_id is not None:
        reason = _text(data.get("reason"), _("更正原因"), "reason", REASON_MAX)
    _apply_fields(site, item, data)
    item.draft_reason = reason
    audit.record(actor, "content.update_draft", site=site, target=item)


def add_attachment(actor, site: Site, item: Item, filename: str, data: bytes) -> Attachment:
    """Check an upload by its content, store it outside static/ and attach it to the draft."""
    require(actor, site, "content.draft")
    _editable(item)
    filename = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
    if not filename:
        raise OperationError(_("请选择要上传的文件"), "attachment")
    if len(item.draft_attachments) >= 20:
        raise OperationError(_("每个事项最多20个附件"), "attachment")
    checked = check_upload(filename, data, current_app.config["ATTACHMENT_MAX_BYTES"])
    attachment = _store(actor, site, filename, checked.mimetype, checked.data, checked.text)
    item.draft_attachments.append(attachment)
    audit.record(actor, "content.attach", site=site, target=item,
                 detail={"file": filename, "sha256": attachment.sha256})
    return attachment


def _store(actor, site, filename, mimetype, data, text) -> Attachment:
    sha = storage().save(data)
    attachment = Attachment(site_id=site.id, sha256=sha, filename=filename, mimetype=mimetype,
                            size=len(data), text=text, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove_attachment(actor, site: Site, item: Item, attachment: Attachment) -> None:
    """Take a file off the draft (the file itself stays if a published revision uses it)."""
    require(actor, site, "content.draft")
    _editable(item)
    if attachment in item.draft_attachments:
        item.draft_attachments.remove(attachment)
    audit.record(actor, "content.detach", site=site, target=item,
                 detail={"file": attachment.filename})


@dataclass
class PrivacyProblem:
    place: str
    kind: str
    masked: str


def privacy_problems(item: Item) -> list[PrivacyProblem]:
    """Every unmasked identifier in the draft, with the place it stands."""
    problems = []
    for f in find_identifiers(item.draft_title):
        problems.append(PrivacyProblem(_("标题"), KIND_NAMES[f.kind], f.masked))
    for f in find_identifiers(item.draft_body):
        problems.append(PrivacyProblem(_("正文第%(n)d行", n=line_of(item.draft_body, f.start)),
                                       KIND_NAMES[f.kind], f.masked))
    for name, value in item.draft_field_values.items():
        for f in find_identifiers(str(value)):
            problems.append(PrivacyProblem(_("字段“%(n)s”", n=name), KIND_NAMES[f.kind], f.masked))
    for attachment in item.draft_attachments:
        for line in attachment.text.splitlines():
            place, _sep, text = line.partition("\t")
            for f in find_identifiers(text):
                where = (_("第%(p)s页", p=place[1:]) if place.startswith("p") and
                         place[1:].isdigit() else _("单元格 %(c)s", c=place))
                problems.append(PrivacyProblem(
                    _("附件“%(f)s” %(w)s", f=attachment.filename, w=where),
                    KIND_NAMES[f.kind], f.masked))
    return problems


def mask_draft(actor, site: Site, item: Item) -> list[str]:
    """Mask every identifier in the title, body and XLSX attachments; name what could not be."""
    require(actor, site, "content.draft")
    _editable(item)
    item.draft_title = mask_text(item.draft_title)
    item.draft_body = mask_text(item.draft_body)
    item.draft_fields = json.dumps(
        {k: mask_text(v) if isinstance(v, str) else v for k, v in item.draft_field_values.items()},
        ensure_ascii=False, sort_keys=True)
    left = []
    for attachment in list(item.draft_attachments):
        if not any(find_identifiers(line) for line in attachment.text.splitlines()):
            continue
        if attachment.mimetype.endswith("spreadsheetml.sheet"):
            data = masked_xlsx(storage().read(attachment.sha256))
            checked = check_upload(attachment.filename, data,
                                   current_app.config["ATTACHMENT_MAX_BYTES"])
            masked = _store(actor, site, attachment.filename, checked.mimetype, checked.data,
                            checked.text)
            index = item.draft_attachments.index(attachment)
            item.draft_attachments[index] = masked
        else:
            left.append(attachment.filename)
    audit.record(actor, "content.mask", site=site, target=item, detail={"left": left})
    return left


def _refuse_unmasked(item: Item) -> None:
    problems = privacy_problems(item)
    if problems:
        places = "；".join(f"{p.place}：{p.kind}（应为 {p.masked}）" for p in problems[:50])
        raise OperationError(_("发现未遮蔽的个人信息，不能发布：%(p)s", p=places), "privacy")


def submit_item(actor, site: Site, item: Item) -> None:
    """Hand the draft to the supervisors for countersigning."""
    require(actor, site, "content.publish")
    _editable(item)
    if item.current_revision_id is not None and not item.draft_reason:
        raise OperationError(_("更正已发布的内容须写明更正原因"), "reason")
    _refuse_unmasked(item)
    item.status = "submitted"
    item.submitted_by_id = actor.id
    item.submitted_at = utcnow()
    item.return_reason = None
    db.session.add(ReviewEvent(item_id=item.id, site_id=site.id, action="submit",
                               actor_id=actor.id, note=item.draft_reason))
    audit.record(actor, "content.submit", site=site, target=item)


def review_permission(item: Item) -> str:
    """Finance statements are countersigned by 民主理财小组 or 监委会; the rest by 监委会."""
    return "finance.review" if item.category_code.startswith(FINANCE_PREFIXES) else "content.review"


def _check_reviewer(actor, site: Site, item: Item) -> str:
    permission = review_permission(item)
    require(actor, site, permission)
    if item.status != "submitted":
        raise OperationError(_("该事项不在待会签状态"))
    if actor.id in (item.submitted_by_id, item.created_by_id):
        raise OperationError(_("提交人不能会签自己提交的事项，请由村务监督委员会或民主理财小组其他成员会签"))
    return permission


def return_item(actor, site: Site, item: Item, reason: str) -> None:
    """Send a submitted item back to its publisher with the reason."""
    _check_reviewer(actor, site, item)
    reason = _text(reason, _("退回原因"), "reason", REASON_MAX)
    item.status = "returned"
    item.return_reason = reason
    db.session.add(ReviewEvent(item_id=item.id, site_id=site.id, action="return",
                               actor_id=actor.id, note=reason))
    audit.record(actor, "content.return", site=site, target=item, detail={"reason": reason})


def content_hash(values: dict) -> str:
    """SHA-256 of a revision's canonical JSON (sorted keys, no spaces), for the transparency log."""
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def countersign_item(actor, site: Site, item: Item, dissent: str = "") -> ItemRevision:
    """Countersign a submitted item, which publishes it as a new permanent revision."""
    permission = _check_reviewer(actor, site, item)
    _refuse_unmasked(item)
    dissent = (dissent or "").strip()
    if len(dissent) > 5000:
        raise OperationError(_("不同意见不能超过5000字"), "dissent")
    dissent = mask_text(dissent) or None
    role = next((r for r in sorted(roles_at(actor, site)) if permission in ROLE_PERMISSIONS[r]),
                "superadmin")
    number = (db.session.scalar(db.select(db.func.max(ItemRevision.number))
                                .where(ItemRevision.item_id == item.id)) or 0) + 1
    now = utcnow().replace(microsecond=0)
    posting_until = (local_date(now) + timedelta(days=item.posting_days)
                     if item.posting_days else None)
    attachments = list(item.draft_attachments)
    values = {
        "site": site.code, "item": item.id, "number": number, "category": item.category_code,
        "standard": item.standard_version, "period": [item.period_kind,
                                                      item.period_start.isoformat(),
                                                      item.period_end.isoformat()],
        "title": item.draft_title, "body": item.draft_body,
        "fields": json.loads(item.draft_fields or "{}"),
        "reason": item.draft_reason if number > 1 else None,
        "attachments": [[a.filename, a.sha256] for a in attachments],
        "published_at": now.isoformat(), "dissent": dissent,
        "posting_until": posting_until.isoformat() if posting_until else None,
    }
    revision = ItemRevision(
        item_id=item.id, site_id=site.id, number=number, category_code=item.category_code,
        period_kind=item.period_kind, period_start=item.period_start,
        period_end=item.period_end, title=item.draft_title, body=item.draft_body,
        fields=item.draft_fields or "{}",
        reason=values["reason"], published_at=now, published_by_id=item.submitted_by_id,
        countersigned_by_id=actor.id, countersign_role=role, dissent=dissent,
        prepared_by_site_id=item.prepared_by_site_id, posting_until=posting_until,
        content_sha256=content_hash(values), attachments=attachments,
    )
    db.session.add(revision)
    db.session.flush()
    item.current_revision_id = revision.id
    item.status = "published"
    item.first_published_at = item.first_published_at or now
    item.last_published_at = now
    item.draft_reason = None
    item.withdrawn_at = item.withdraw_reason = item.withdrawn_by_id = None
    db.session.add(ReviewEvent(item_id=item.id, site_id=site.id, action="countersign",
                               actor_id=actor.id, note=dissent))
    bump_content_version()
    enqueue_search("item", item.id)
    audit.record(actor, "content.publish", site=site, target=item,
                 detail={"revision": number, "sha256": revision.content_sha256})
    return revision


def start_correction(actor, site: Site, item: Item) -> None:
    """Open a new working copy of a published item; the published text stays until the next."""
    require(actor, site, "content.draft")
    if item.status != "published" or item.current_revision is None:
        raise OperationError(_("只有已发布的事项可以更正"))
    current = item.current_revision
    item.draft_title, item.draft_body = current.title, current.body
    item.draft_fields = current.fields
    item.draft_attachments = list(current.attachments)
    item.draft_reason = None
    item.status = "draft"
    audit.record(actor, "content.start_correction", site=site, target=item)


def withdraw_item(actor, site: Site, item: Item, reason: str) -> None:
    """Withdraw a published item: a public notice with the reason replaces it."""
    require(actor, site, "content.publish")
    if item.current_revision_id is None or item.withdrawn_at is not None:
        raise OperationError(_("只有已发布的事项可以撤回"))
    reason = _text(reason, _("撤回原因"), "reason", REASON_MAX)
    item.withdrawn_at = utcnow()
    item.withdraw_reason = mask_text(reason)
    item.withdrawn_by_id = actor.id
    item.status = "withdrawn"
    db.session.add(ReviewEvent(item_id=item.id, site_id=site.id, action="withdraw",
                               actor_id=actor.id, note=reason))
    bump_content_version()
    enqueue_search("item", item.id)
    audit.record(actor, "content.withdraw", site=site, target=item, detail={"reason": reason})


def may_review(actor, site: Site, item: Item) -> bool:
    """For templates: whether to show the countersign buttons."""
    return can(actor, site, review_permission(item)) and actor.id not in (
        item.submitted_by_id, item.created_by_id)


def refuse_if_not_staff(actor, site: Site) -> None:
    """Drafts and the review queue are for staff of the site or above."""
    if not any(can(actor, site, p) for p in ("content.draft", "content.review", "finance.review")):
        raise Forbidden("content.view_drafts")
