"""Letters, their handling spells at each office, the public timeline, replies and the mail outbox."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.content.models import Item
from portal.core.clock import utcnow
from portal.extensions import db
from portal.sites.models import Site

KINDS = {
    "consult": _l("咨询"),
    "suggest": _l("建议"),
    "complain": _l("投诉"),
    "help": _l("求助"),
    "report": _l("举报"),
    "objection": _l("对公开内容的异议"),
    "info_request": _l("政府信息公开申请"),
}
# Villages are not administrative organs: the 政府信息公开条例 binds townships and above.
KIND_LEVELS = {"info_request": ("township", "district", "city")}

STATES = {
    "pending": _l("待受理"),
    "accepted": _l("已受理"),
    "rejected": _l("不予受理"),
    "processing": _l("办理中"),
    "answered": _l("已答复"),
    "closed": _l("已办结"),
}
OPEN_STATES = ("pending", "accepted", "processing")

RATINGS = {"satisfied": _l("满意"), "fair": _l("基本满意"), "unsatisfied": _l("不满意")}

# Where a refused matter belongs instead (12345 and 信访 practice).
REFERRALS = {
    "court": _l("人民法院或仲裁机构(已进入诉讼、仲裁程序的事项)"),
    "petition": _l("信访部门(已进入信访程序的事项)"),
    "police": _l("公安机关，紧急情况请拨打110"),
    "hotline": _l("12345政务服务便民热线(属于其他部门职责的事项)"),
    "other": _l("其他途径(请在说明中写明)"),
}

PUBLIC_STATES = {
    "private": _l("来信人未同意公开"),
    "pending": _l("待审核公开"),
    "approved": _l("已公开"),
    "hidden": _l("不予公开"),
}


class Mailbox(db.Model):
    """A named leader mailbox (区县长信箱, 市长信箱) of a district or the city."""

    __tablename__ = "letter_mailbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    name: Mapped[str] = mapped_column(db.String(40))
    holder: Mapped[str] = mapped_column(db.String(80), default="")  # e.g. 郫都区人民政府区长
    intro: Mapped[str] = mapped_column(db.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()


class Letter(db.Model):
    """One letter; site_id is the office holding it now, origin_site_id the one written to."""

    __tablename__ = "letter"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(db.String(24), unique=True)
    code_hash: Mapped[str] = mapped_column(db.String(255))
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    origin_site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    mailbox_id: Mapped[int | None] = mapped_column(db.ForeignKey("letter_mailbox.id"))
    kind: Mapped[str] = mapped_column(db.String(16))
    item_id: Mapped[int | None] = mapped_column(db.ForeignKey("item.id"))
    subject: Mapped[str] = mapped_column(db.String(100))
    body: Mapped[str] = mapped_column(db.Text)
    state: Mapped[str] = mapped_column(db.String(12), default="pending", index=True)
    writer_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"), index=True)
    writer_name: Mapped[str | None] = mapped_column(db.String(40))
    writer_mobile: Mapped[str | None] = mapped_column(db.String(20))
    writer_email: Mapped[str | None] = mapped_column(db.String(120))
    consent_public: Mapped[bool] = mapped_column(default=False)
    public_status: Mapped[str] = mapped_column(db.String(10), default="private", index=True)
    public_subject: Mapped[str | None] = mapped_column(db.String(100))
    public_body: Mapped[str | None] = mapped_column(db.Text)
    moderated_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    moderated_at: Mapped[datetime | None]
    moderation_note: Mapped[str | None] = mapped_column(db.String(500))
    submit_token: Mapped[str | None] = mapped_column(db.String(64), unique=True)
    dedupe_hash: Mapped[str] = mapped_column(db.String(64), index=True)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    simple: Mapped[bool] = mapped_column(default=False)  # answered under the short deadline
    extended_at: Mapped[datetime | None]
    extension_reason: Mapped[str | None] = mapped_column(db.String(500))
    reopened: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[str | None] = mapped_column(db.String(12))
    rated_at: Mapped[datetime | None]
    rating_comment: Mapped[str | None] = mapped_column(db.String(500))  # seen by offices
    closed_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship(foreign_keys=[site_id])
    origin_site: Mapped[Site] = relationship(foreign_keys=[origin_site_id])
    mailbox: Mapped[Mailbox | None] = relationship()
    item: Mapped[Item | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="letter", order_by="Assignment.id")
    events: Mapped[list[LetterEvent]] = relationship(order_by="LetterEvent.id")
    replies: Mapped[list[Reply]] = relationship(order_by="Reply.id")
    attachments: Mapped[list[LetterAttachment]] = relationship(order_by="LetterAttachment.id")

    @property
    def current(self) -> Assignment | None:
        """The open handling spell (or the last one, once the letter is finished)."""
        return self.assignments[-1] if self.assignments else None

    @property
    def kind_name(self) -> str:
        return KINDS[self.kind]

    @property
    def state_name(self) -> str:
        return STATES[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_public(self) -> bool:
        return self.public_status == "approved"


class Assignment(db.Model):
    """One office's spell with a letter, from receipt (or transfer, escalation) to its end."""

    __tablename__ = "letter_assignment"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(db.ForeignKey("letter.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    how: Mapped[str] = mapped_column(db.String(12))  # submitted, transferred, escalated, reopened
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    accept_due: Mapped[date]
    answer_due: Mapped[date | None]
    accepted_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # answered, rejected, transferred, escalated (overdue), reopened-above is a new spell
    outcome: Mapped[str | None] = mapped_column(db.String(12))
    late: Mapped[bool] = mapped_column(default=False)  # a deadline passed before the answer
    overdue_flagged_at: Mapped[datetime | None]  # overdue with nobody above to escalate to
    rating: Mapped[str | None] = mapped_column(db.String(12))

    letter: Mapped[Letter] = relationship(back_populates="assignments")
    site: Mapped[Site] = relationship()


class LetterEvent(db.Model):
    """A step on the public timeline; the acting person is kept for the office, not shown."""

    __tablename__ = "letter_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(db.ForeignKey("letter.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    to_site_id: Mapped[int | None] = mapped_column(db.ForeignKey("site.id"))
    action: Mapped[str] = mapped_column(db.String(16))
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(db.Text)  # public text, masked

    site: Mapped[Site] = relationship(foreign_keys=[site_id])
    to_site: Mapped[Site | None] = relationship(foreign_keys=[to_site_id])


class Reply(db.Model):
    """An answer from the office; public_body is the masked text shown when the letter is public."""

    __tablename__ = "letter_reply"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(db.ForeignKey("letter.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    assignment_id: Mapped[int] = mapped_column(db.ForeignKey("letter_assignment.id"))
    author_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(db.Text)
    public_body: Mapped[str] = mapped_column(db.Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()


class Note(db.Model):
    """An internal note between offices; never shown to the writer or the public."""

    __tablename__ = "letter_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(db.ForeignKey("letter.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    author_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(db.Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[Site] = relationship()


class LetterAttachment(db.Model):
    """A file sent with a letter; seen by the offices and the writer only, never published."""

    __tablename__ = "letter_attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(db.ForeignKey("letter.id"), index=True)
    sha256: Mapped[str] = mapped_column(db.String(64))
    filename: Mapped[str] = mapped_column(db.String(200))
    mimetype: Mapped[str] = mapped_column(db.String(100))
    size: Mapped[int]


class LetterCounter(db.Model):
    """The last number given to a letter of a site in a year (2026-510117004200-0007)."""

    __tablename__ = "letter_counter"
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class Captcha(db.Model):
    """A CAPTCHA challenge, kept on the server and used at most once."""

    __tablename__ = "letter_captcha"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(db.String(64), unique=True)
    answer: Mapped[str] = mapped_column(db.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class HandlerEmail(db.Model):
    """Where a letter handler wants notices of new, transferred and escalated letters."""

    __tablename__ = "letter_handler_email"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"), unique=True)
    email: Mapped[str] = mapped_column(db.String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailOutbox(db.Model):
    """A message queued in the same transaction as its cause and delivered after commit."""

    __tablename__ = "mail_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    to_addr: Mapped[str] = mapped_column(db.String(120))
    subject: Mapped[str] = mapped_column(db.String(200))
    body: Mapped[str] = mapped_column(db.Text)
    letter_id: Mapped[int | None] = mapped_column(db.ForeignKey("letter.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(db.String(500))
