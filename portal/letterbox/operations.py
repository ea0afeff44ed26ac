"""Writing, tracking and rating letters, and the offices' mailboxes; office handling is in handling.py.

Like every operations module: check permission, change rows, audit, flush; never commit.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.exceptions import Forbidden

from portal.content.files import check_upload
from portal.content.models import Item
from portal.content.queries import visible_condition
from portal.core import audit
from portal.core.cache import bump_content_version
from portal.core.clock import local_date, today, utcnow
from portal.core.errors import OperationError
from portal.core.markup import has_markup_danger
from portal.core.permissions import can, require
from portal.core.privacy import mask_text
from portal.core.storage import storage
from portal.core.tenancy import ancestor_codes
from portal.extensions import db
from portal.letterbox import deadlines, notify
from portal.letterbox.models import (
    KIND_LEVELS,
    KINDS,
    RATINGS,
    Assignment,
    HandlerEmail,
    Letter,
    LetterAttachment,
    LetterCounter,
    LetterEvent,
    Mailbox,
)
from portal.sites.models import Site

SUBJECT_MIN, SUBJECT_MAX = 4, 50
BODY_MIN, BODY_MAX = 10, 3000
NAME_MAX = 20
MAX_FILES = 3
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[A-Za-z]{2,}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{7,20}$")
TAG_RE = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")
ITEM_REF_RE = re.compile(r"(?:/items/)?(\d{1,10})/?(?:[?#].*)?$")


class DuplicateLetter(Exception):
    """The same letter was submitted a moment ago: point to it instead of making another."""

    def __init__(self, letter: Letter):
        super().__init__(letter.number)
        self.letter = letter


def text(value, name: str, field: str, min_len: int, max_len: int) -> str:
    """A stripped text within its length limits and without HTML, or a refusal naming the field."""
    value = (value or "").strip()
    if not value:
        raise OperationError(_("请填写%(n)s", n=name), field)
    if len(value) < min_len:
        raise OperationError(_("%(n)s至少%(m)d个字", n=name, m=min_len), field)
    if len(value) > max_len:
        raise OperationError(_("%(n)s不能超过%(m)d个字(现有%(c)d个字)", n=name, m=max_len,
                               c=len(value)), field)
    if TAG_RE.search(value) or has_markup_danger(value):
        raise OperationError(_("%(n)s不能包含网页代码(如 <a>、<script> 等标签)，请只写文字", n=name),
                             field)
    return value


def public_text(value: str, letter: Letter) -> str:
    """Text fit to publish: identifiers masked, the writer's name and contacts never shown."""
    value = mask_text(value or "")
    for private in (letter.writer_name, letter.writer_email, letter.writer_mobile):
        if private and len(private) >= 2:
            value = value.replace(private, _("来信人") if private == letter.writer_name else "***")
    return value


def touch() -> None:
    """Letters feed public pages (lists, statistics): refresh the page cache with this change."""
    bump_content_version()


def add_event(letter: Letter, action: str, site: Site, actor=None, to_site: Site | None = None,
              note: str | None = None) -> LetterEvent:
    """A step on the public timeline; the note is masked before it is stored."""
    event = LetterEvent(letter_id=letter.id, site_id=site.id,
                        to_site_id=to_site.id if to_site else None, action=action,
                        actor_id=getattr(actor, "id", None) if getattr(
                            actor, "is_authenticated", False) else None,
                        at=utcnow(), note=public_text(note, letter) if note else None)
    letter.events.append(event)  # joins the session through the relationship
    return event


def start_assignment(letter: Letter, site: Site, how: str) -> Assignment:
    """Hand a letter to an office with fresh deadlines; it waits there to be accepted."""
    now = utcnow()
    rule = deadlines.rule_for(letter.kind, site.level)
    day = local_date(now)
    assignment = Assignment(
        letter_id=letter.id, site_id=site.id, how=how, started_at=now,
        accept_due=deadlines.accept_due(day, rule),
        answer_due=deadlines.answer_due(day, rule) if rule.counted_from == "received" else None)
    letter.assignments.append(assignment)
    letter.site_id = site.id
    letter.site = site
    letter.state = "pending"
    letter.simple = False
    return assignment


def home_village(user) -> Site | None:
    """The verified home village of a logged-in resident, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    from portal.accounts.models import Residency

    residency = db.session.scalar(db.select(Residency).where(
        Residency.user_id == user.id, Residency.status == "verified"))
    return residency.site if residency else None


def recipients(site: Site, writer=None) -> list[tuple[str, str, Site, Mailbox | None]]:
    """Where a letter written from a site's page may go: its office and every office above,
    with the leader mailboxes of each, then a verified writer's home village and the offices
    above it; as (value, label, site, mailbox), nearest first."""
    chain = [site, *reversed(site.ancestors())]
    home = home_village(writer)
    if home is not None and home.id != site.id:
        chain += [s for s in [home, *reversed(home.ancestors())] if s.id not in
                  {c.id for c in chain}]
    boxes = db.session.scalars(
        db.select(Mailbox).where(Mailbox.site_id.in_([s.id for s in chain]),
                                 Mailbox.active.is_(True)).order_by(Mailbox.id)).all()
    options = []
    for s in chain:
        options.append((f"site:{s.code}", _("%(l)s：%(s)s", l=s.level_name, s=s.name), s, None))
        for box in boxes:
            if box.site_id == s.id:
                options.append((f"mailbox:{box.id}",
                                _("%(l)s：%(s)s%(b)s", l=s.level_name, s=s.name, b=box.name),
                                s, box))
    return options


def _recipient(site: Site, value: str, writer) -> tuple[Site, Mailbox | None]:
    for option, _label, target, box in recipients(site, writer):
        if option == value:
            return target, box
    raise OperationError(_("请选择收信单位"), "recipient")


def _objection_item(target: Site, ref) -> Item:
    """A published, not withdrawn item visible on the office's site or published below it."""
    match = ITEM_REF_RE.search((ref or "").strip())
    if not match:
        raise OperationError(_("请填写您有异议的公开事项编号(事项页面地址中 /items/ 后面的数字)"),
                             "item")
    item = db.session.scalar(
        db.select(Item).join(Site, Site.id == Item.site_id)
        .where(Item.id == int(match.group(1)), Item.current_revision_id.is_not(None),
               Item.withdrawn_at.is_(None),
               db.or_(visible_condition(target), target.subtree())))
    if item is None:
        raise OperationError(
            _("没有找到编号为 %(n)s 的公开事项：请确认它已在%(s)s或其下辖站点公开且未撤回",
              n=match.group(1), s=target.name), "item")
    return item


def _contact(data: dict) -> tuple[str | None, str | None, str | None]:
    name = (data.get("name") or "").strip() or None
    if name and len(name) > NAME_MAX:
        raise OperationError(_("姓名不能超过%(m)d个字", m=NAME_MAX), "name")
    if name and (TAG_RE.search(name) or has_markup_danger(name)):
        raise OperationError(_("姓名不能包含网页代码"), "name")
    mobile = re.sub(r"\s", "", data.get("mobile") or "") or None
    if mobile and not PHONE_RE.match(mobile):
        raise OperationError(_("联系电话格式不正确"), "mobile")
    email = (data.get("email") or "").strip() or None
    if email and (len(email) > 120 or not EMAIL_RE.match(email)):
        raise OperationError(_("电子邮箱格式不正确"), "email")
    return name, mobile, email


def _next_number(site: Site) -> str:
    """2026-510117004200-0001: the site's count of letters this year, safe under concurrency."""
    year = local_date(utcnow()).year
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(LetterCounter).values(site_id=site.id, year=year, last=0)
                       .on_conflict_do_nothing())
    # The UPDATE takes the row lock: concurrent writers to one site get consecutive numbers.
    db.session.execute(db.update(LetterCounter)
                       .where(LetterCounter.site_id == site.id, LetterCounter.year == year)
                       .values(last=LetterCounter.last + 1))
    last = db.session.scalar(db.select(LetterCounter.last).where(
        LetterCounter.site_id == site.id, LetterCounter.year == year))
    return f"{year}-{site.code}-{last:04d}"


def new_code() -> str:
    """A random query code, shown once to the writer and stored only as an Argon2 hash."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def normalise_code(code: str | None) -> str:
    return re.sub(r"[\s\-]", "", code or "").upper()[:40]


def _dedupe_hash(target: Site, box, kind, subject, body, writer_id, contact) -> str:
    parts = [target.code, str(getattr(box, "id", "")), kind, subject, body, str(writer_id or ""),
             *[c or "" for c in contact]]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def submit_letter(actor, site: Site, data: dict, files=()) -> tuple[Letter, str | None]:
    """Write to an office: returns the letter and its query code (None if it already existed)."""
    writer = actor if getattr(actor, "is_authenticated", False) else None
    if writer is None and not current_app.config["LETTERS_ALLOW_ANONYMOUS"]:
        raise Forbidden("letters.write_anonymously")
    token = (data.get("token") or "").strip()[:64] or None
    if token:
        existing = db.session.scalar(db.select(Letter).where(Letter.submit_token == token))
        if existing is not None:
            return existing, None
    target, box = _recipient(site, data.get("recipient") or "", writer)
    kind = data.get("kind")
    if kind not in KINDS:
        raise OperationError(_("请选择来信类型"), "kind")
    if target.level not in KIND_LEVELS.get(kind, (target.level,)):
        raise OperationError(_("政府信息公开申请请写给乡镇(街道)及以上的行政机关；村(居)务可选择“咨询”或“对公开内容的异议”"),
                             "kind")
    item = _objection_item(target, data.get("item")) if kind == "objection" else None
    subject = text(data.get("subject"), _("主题"), "subject", SUBJECT_MIN, SUBJECT_MAX)
    body = text(data.get("body"), _("来信内容"), "body", BODY_MIN, BODY_MAX)
    contact = _contact(data)
    files = [(name, blob) for name, blob in files if name or blob]
    if len(files) > MAX_FILES:
        raise OperationError(_("最多上传%(m)d个附件", m=MAX_FILES), "attachments")
    checked = [(name, check_upload(name, blob, current_app.config["ATTACHMENT_MAX_BYTES"]))
               for name, blob in files]
    dedupe = _dedupe_hash(target, box, kind, subject, body, getattr(writer, "id", None), contact)
    since = utcnow() - timedelta(minutes=current_app.config["LETTERS_DUPLICATE_MINUTES"])
    twin = db.session.scalar(db.select(Letter).where(Letter.dedupe_hash == dedupe,
                                                     Letter.submitted_at >= since))
    if twin is not None:
        raise DuplicateLetter(twin)

    from portal.accounts.operations import hash_password

    code = new_code()
    code_hash = hash_password(code)  # before numbering: the counter's row lock is held briefly
    letter = Letter(
        number=_next_number(target), code_hash=code_hash, site_id=target.id,
        origin_site_id=target.id, mailbox_id=box.id if box else None, kind=kind,
        item_id=item.id if item else None, subject=subject, body=body, state="pending",
        writer_id=getattr(writer, "id", None), writer_name=contact[0], writer_mobile=contact[1],
        writer_email=contact[2], consent_public=bool(data.get("consent_public")),
        public_status="pending" if data.get("consent_public") else "private",
        submit_token=token, dedupe_hash=dedupe, submitted_at=utcnow())
    letter.site = target
    db.session.add(letter)
    db.session.flush()
    for name, result in checked:
        clean = name.replace("\\", "/").rsplit("/", 1)[-1].strip()[:200]
        db.session.add(LetterAttachment(letter_id=letter.id, sha256=storage().save(result.data),
                                        filename=clean, mimetype=result.mimetype,
                                        size=len(result.data)))
    start_assignment(letter, target, "submitted")
    add_event(letter, "submitted", target, writer,
              note=box.name if box else None)
    db.session.flush()
    audit.record(writer, "letters.submit", site=target, target=letter,
                 detail={"number": letter.number, "kind": kind})
    notify.tell_handlers(letter, target, _("新来信"))
    notify.tell_writer(letter, _("来信已收到"))
    touch()
    return letter, code


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("letter_dummy_hash", {})
    params = tuple(sorted(current_app.config["PASSWORD_HASH_PARAMS"].items()))
    if params not in cache:
        from portal.accounts.operations import hash_password

        cache[params] = hash_password("not-a-real-query-code")
    return cache[params]


def find_by_code(number: str, code: str) -> Letter | None:
    """The letter with this number if the query code matches; an unknown number costs the same."""
    number = (number or "").strip()[:24]
    letter = db.session.scalar(db.select(Letter).where(Letter.number == number)) if number else None
    try:
        PasswordHasher().verify(letter.code_hash if letter else _dummy_hash(),
                                normalise_code(code))
    except (VerificationError, InvalidHashError):
        return None
    return letter


def rate_letter(letter: Letter, rating: str, comment: str = "") -> None:
    """The writer rates the answer; 不满意 reopens the letter once, at the office above."""
    if rating not in RATINGS:
        raise OperationError(_("请选择评价"), "rating")
    if letter.state != "answered":
        raise OperationError(_("只能评价已答复、尚未办结的来信"))
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise OperationError(_("评价说明不能超过500字"), "comment")
    if comment and (TAG_RE.search(comment) or has_markup_danger(comment)):
        raise OperationError(_("评价说明不能包含网页代码"), "comment")
    now = utcnow()
    answered_by = letter.current
    answered_by.rating = rating
    letter.rating, letter.rated_at, letter.rating_comment = rating, now, comment or None
    add_event(letter, "rated", letter.site, note=rating)  # the key: shown in the reader's language
    parent = letter.site.parent
    if rating == "unsatisfied" and not letter.reopened and parent is not None:
        letter.reopened = True
        start_assignment(letter, parent, "reopened")
        add_event(letter, "reopened", answered_by.site, to_site=parent)
        notify.tell_handlers(letter, parent, _("来信人对答复不满意，请复核"))
        notify.tell_writer(letter, _("已转由%(s)s复核", s=parent.name))
    else:
        letter.state = "closed"
        letter.closed_at = now
        add_event(letter, "closed", letter.site)
        notify.tell_writer(letter, _("已办结"))
    audit.record(None, "letters.rate", site=letter.site, target=letter, detail={"rating": rating})
    touch()


def may_see_privately(user, letter: Letter, tracked_ids) -> bool:
    """The writer (logged in, or holding the query code in this session) sees everything."""
    if letter.id in (tracked_ids or ()):
        return True
    return bool(getattr(user, "is_authenticated", False) and letter.writer_id == user.id)


def create_mailbox(actor, site: Site, data: dict) -> Mailbox:
    """Open a leader mailbox (区县长信箱, 市长信箱) on a district or the city."""
    require(actor, site, "letters.manage_mailboxes")
    if site.level not in ("district", "city"):
        raise OperationError(_("领导信箱只能设在区(市)县和市一级"))
    box = Mailbox(site_id=site.id, created_by_id=actor.id, created_at=utcnow())
    _mailbox_fields(site, box, data)
    db.session.add(box)
    db.session.flush()
    audit.record(actor, "letters.mailbox_create", site=site, target=box,
                 detail={"name": box.name})
    touch()
    return box


def update_mailbox(actor, site: Site, box: Mailbox, data: dict) -> None:
    """Rename, describe, open or close a leader mailbox."""
    require(actor, site, "letters.manage_mailboxes")
    _mailbox_fields(site, box, data)
    box.active = bool(data.get("active"))
    audit.record(actor, "letters.mailbox_update", site=site, target=box,
                 detail={"name": box.name, "active": box.active})
    touch()


def _mailbox_fields(site: Site, box: Mailbox, data: dict) -> None:
    name = text(data.get("name"), _("信箱名称"), "name", 2, 40)
    clash = db.session.scalar(db.select(Mailbox.id).where(
        Mailbox.site_id == site.id, Mailbox.name == name, Mailbox.id != (box.id or 0)))
    if clash:
        raise OperationError(_("本站点已有同名信箱"), "name")
    holder = (data.get("holder") or "").strip()
    if len(holder) > 80:
        raise OperationError(_("负责人职务不能超过80字"), "holder")
    intro = (data.get("intro") or "").strip()
    if len(intro) > 1000:
        raise OperationError(_("说明不能超过1000字"), "intro")
    if TAG_RE.search(holder + intro):
        raise OperationError(_("不能包含网页代码"), "intro")
    box.name, box.holder, box.intro = name, holder, intro


def handles_anywhere(user) -> bool:
    """Whether a user holds letters.handle on any site (for the handler's own settings)."""
    from portal.accounts.models import RoleGrant
    from portal.core.permissions import ROLE_PERMISSIONS

    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superadmin:
        return True
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if "letters.handle" in perms]
    return bool(db.session.scalar(db.select(RoleGrant.id).where(
        RoleGrant.user_id == user.id, RoleGrant.role.in_(roles)).limit(1)))


def set_handler_email(actor, email: str) -> None:
    """Set (or clear) where a handler receives notices of letters."""
    if not handles_anywhere(actor):
        raise Forbidden("letters.handle")
    email = (email or "").strip()
    row = db.session.scalar(db.select(HandlerEmail).where(HandlerEmail.user_id == actor.id))
    if not email:
        if row is not None:
            db.session.delete(row)
        audit.record(actor, "letters.handler_email", detail={"email": None})
        return
    if len(email) > 120 or not EMAIL_RE.match(email):
        raise OperationError(_("电子邮箱格式不正确"), "email")
    if row is None:
        row = HandlerEmail(user_id=actor.id)
        db.session.add(row)
    row.email, row.updated_at = email, utcnow()
    audit.record(actor, "letters.handler_email", detail={"email": email})


def in_reach(actor, letter: Letter, target: Site) -> bool:
    """A transfer may go up the letter's branch, or down to any office the handler serves."""
    return target.code in ancestor_codes(letter.site.code) or can(actor, target, "letters.handle")


def overdue_on(assignment: Assignment, day=None) -> bool:
    """Whether an open spell has passed the deadline that applies to it now."""
    if assignment.ended_at is not None:
        return False
    day = day or today()
    due = assignment.answer_due if assignment.accepted_at else assignment.accept_due
    return due is not None and day > due
