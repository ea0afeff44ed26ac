"""The search outbox: every change to what is public, written in the same transaction as the change.

Indexers never delete rows here: each index remembers how far it has read (its position), so
several machines can each keep their own index fed from one PostgreSQL outbox. Old rows are
pruned by `flask --app portal search prune`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from portal.core.clock import utcnow
from portal.extensions import db


class SearchOutbox(db.Model):
    """One change to index: (kind, ref) is re-read from the database when the change is applied."""

    __tablename__ = "search_outbox"
    # SQLite would otherwise reuse the ids of pruned rows, which indexers have already passed.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(db.BigInteger().with_variant(db.Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(db.String(16))  # "item"
    ref_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
