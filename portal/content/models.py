"""Items, their immutable published revisions, attachments and the review trail."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.audit import utcnow
from portal.extensions import db
from portal.sites.models import Site

ITEM_STATES = ("draft", "submitted", "returned", "published", "withdrawn")
PERIOD_KINDS = ("month", "quarter", "year", "event")

draft_attachment = db.Table(
    "item_draft_attachment",
    db.Column("item_id", db.ForeignKey("item.id"), primary_key=True),
    db.Column("attachment_id", db.ForeignKey("attachment.id"), primary_key=True),
)
revision_attachment = db.Table(
    "revision_attachment",
    db.Column("revision_id", db.ForeignKey("item_revision.id"), primary_key=True),
    db.Column("attachment_id", db.ForeignKey("attachment.id"), primary_key=True),
)


class Attachment(db.Model):
    """An uploaded file, stored by its SHA-256 outside static/, with its extracted text."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    sha256: Mapped[str] = mapped_column(db.String(64), index=True)
    filename: Mapped[str] = mapped_column(db.String(200))
    mimetype: Mapped[str] = mapped_column(db.String(100))
    size: Mapped[int]
    text: Mapped[str] = mapped_column(db.Text, default="")  # for the privacy guard and search
    uploaded_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Item(db.Model):
    """A disclosure of one site in one category and period; its public text lives in revisions."""

    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    category_code: Mapped[str] = mapped_column(db.String(16), index=True)
    standard_version: Mapped[str] = mapped_column(db.String(16))
    period_kind: Mapped[str] = mapped_column(db.String(8))
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(db.String(12), default="draft", index=True)
    # The working copy: what the next revision will say.
    draft_title: Mapped[str] = mapped_column(db.String(200), default="")
    draft_body: Mapped[str] = mapped_column(db.Text, default="")
    draft_reason: Mapped[str | None] = mapped_column(db.String(500))  # why a correction
    draft_fields: Mapped[str] = mapped_column(db.Text, default="{}")  # structured fields, JSON
    posting_days: Mapped[int | None]  # 公示期 in days, when the category or publisher sets one
    created_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prepared_by_site_id: Mapped[int | None] = mapped_column(db.ForeignKey("site.id"))  # 代发布
    submitted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime | None]
    return_reason: Mapped[str | None] = mapped_column(db.String(500))
    current_revision_id: Mapped[int | None] = mapped_column(
        db.ForeignKey("item_revision.id", use_alter=True)
    )
    first_published_at: Mapped[datetime | None] = mapped_column(index=True)
    last_published_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(db.String(500))
    withdrawn_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))

    site: Mapped[Site] = relationship(foreign_keys=[site_id])
    prepared_by_site: Mapped[Site | None] = relationship(foreign_keys=[prepared_by_site_id])
    current_revision: Mapped[ItemRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    draft_attachments: Mapped[list[Attachment]] = relationship(secondary=draft_attachment)

    @property
    def is_public(self) -> bool:
        return self.current_revision_id is not None

    @property
    def draft_field_values(self) -> dict:
        return json.loads(self.draft_fields or "{}")


class ItemRevision(db.Model):
    """One published version of an item. Rows are never updated or deleted (a trigger refuses)."""

    __tablename__ = "item_revision"
    __table_args__ = (db.UniqueConstraint("item_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(db.ForeignKey("item.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    number: Mapped[int]
    category_code: Mapped[str] = mapped_column(db.String(16))
    period_kind: Mapped[str] = mapped_column(db.String(8))
    period_start: Mapped[date]
    period_end: Mapped[date]
    title: Mapped[str] = mapped_column(db.String(200))
    body: Mapped[str] = mapped_column(db.Text)  # Markdown as written (masked)
    fields: Mapped[str] = mapped_column(db.Text, default="{}")  # structured fields (policies), JSON
    reason: Mapped[str | None] = mapped_column(db.String(500))  # why this correction
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    countersigned_by_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    countersign_role: Mapped[str] = mapped_column(db.String(32))
    dissent: Mapped[str | None] = mapped_column(db.Text)
    prepared_by_site_id: Mapped[int | None] = mapped_column(db.ForeignKey("site.id"))
    posting_until: Mapped[date | None]
    content_sha256: Mapped[str] = mapped_column(db.String(64))

    attachments: Mapped[list[Attachment]] = relationship(secondary=revision_attachment)

    @property
    def field_values(self) -> dict:
        return json.loads(self.fields or "{}")


class ReviewEvent(db.Model):
    """The workflow trail of an item: submitted, returned, countersigned, withdrawn."""

    __tablename__ = "item_review_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(db.ForeignKey("item.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"))
    action: Mapped[str] = mapped_column(db.String(16))
    actor_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str | None] = mapped_column(db.Text)


@event.listens_for(ItemRevision, "before_update")
@event.listens_for(ItemRevision, "before_delete")
def _published_is_permanent(mapper, connection, target):
    raise RuntimeError("a published revision is never changed; publish a correction instead")


# The same rule is enforced in the database by triggers created in the content migration.
