"""Users, their server-side login sessions, role grants, households and residency."""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.audit import utcnow
from portal.extensions import db
from portal.sites.models import Site


class User(UserMixin, db.Model):
    """A person with an account; staff powers come from RoleGrant, voting from Residency."""

    __tablename__ = "user_account"
    id: Mapped[int] = mapped_column(primary_key=True)
    mobile: Mapped[str] = mapped_column(db.String(11), unique=True)
    password_hash: Mapped[str] = mapped_column(db.String(255))
    display_name: Mapped[str] = mapped_column(db.String(40))
    is_superadmin: Mapped[bool] = mapped_column(default=False)
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    # The login session this request runs under (set by the user loader and at login).
    session_token = None

    @property
    def is_active(self) -> bool:
        return not self.disabled

    def get_id(self) -> str | None:
        """Flask-Login keeps the login-session token in the cookie, never the user id."""
        return self.session_token

    @property
    def masked_mobile(self) -> str:
        return self.mobile[:3] + "****" + self.mobile[-4:]


class LoginSession(db.Model):
    """A server-side login: the cookie holds its token; logout revokes the row."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(db.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(db.String(64))

    user: Mapped[User] = relationship()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user_from_token(token: str) -> User | None:
    """Flask-Login's user loader: a live, unrevoked, unexpired session of an active user."""
    if not token or len(token) > 128:
        return None
    row = db.session.scalar(
        db.select(LoginSession).where(LoginSession.token_hash == hash_token(token))
    )
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    user = row.user
    if user.disabled:
        return None
    user.session_token = token
    return user


class RoleGrant(db.Model):
    """A role held on a site; it applies to the site and every site below it."""

    __tablename__ = "role_grant"
    __table_args__ = (db.UniqueConstraint("user_id", "site_id", "role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"), index=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    role: Mapped[str] = mapped_column(db.String(32))
    granted_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    site: Mapped[Site] = relationship()


class Household(db.Model):
    """A registered household (户) of a village, with its head."""

    __tablename__ = "household"
    __table_args__ = (db.UniqueConstraint("site_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    number: Mapped[str] = mapped_column(db.String(20))
    head_name: Mapped[str] = mapped_column(db.String(40))
    group_name: Mapped[str | None] = mapped_column(db.String(40))  # 村民小组


RESIDENCY_STATES = ("pending", "verified", "rejected")


class Residency(db.Model):
    """A person's claim to belong to one home village, verified by that village's staff."""

    __tablename__ = "residency"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(db.ForeignKey("user_account.id"), unique=True)
    site_id: Mapped[int] = mapped_column(db.ForeignKey("site.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(db.ForeignKey("household.id"))
    real_name: Mapped[str] = mapped_column(db.String(40))
    household_number: Mapped[str] = mapped_column(db.String(20))
    is_migrant: Mapped[bool] = mapped_column(default=False)
    work_place: Mapped[str | None] = mapped_column(db.String(80))
    status: Mapped[str] = mapped_column(db.String(10), default="pending")
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(db.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(db.String(200))
    # The applicant's ID number as the village's salted hash, matched against the roster.
    id_hash: Mapped[str | None] = mapped_column(db.String(64))
    roster_entry_id: Mapped[int | None] = mapped_column(db.ForeignKey("roster_entry.id"),
                                                        unique=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    site: Mapped[Site] = relationship()
    household: Mapped[Household | None] = relationship()
