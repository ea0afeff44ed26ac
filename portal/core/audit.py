"""An append-only record of who did what, where and when."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow  # re-exported: the one source of "now"
from portal.extensions import db

__all__ = ["AuditEvent", "record", "utcnow"]


class AuditEvent(db.Model):
    """One recorded action; rows are never updated or deleted."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    site_id: Mapped[int | None] = mapped_column(db.ForeignKey("site.id"), index=True)
    action: Mapped[str] = mapped_column(db.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(db.String(32))
    target_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(db.String(64))
    detail: Mapped[str] = mapped_column(db.Text, default="{}")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target):
    raise RuntimeError("audit events are append-only")


def record(actor, action, *, site=None, target=None, detail=None) -> None:
    """Add an audit event to the current transaction: it is kept only if the action is."""
    from flask import has_request_context, request

    ip = request.remote_addr if has_request_context() else None
    event_row = AuditEvent(
        at=utcnow(),
        actor_id=getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None,
        site_id=site.id if site is not None else None,
        action=action,
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        ip=ip,
        detail=json.dumps(detail or {}, ensure_ascii=False, sort_keys=True),
    )
    db.session.add(event_row)
