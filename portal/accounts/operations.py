"""Every change to accounts, login sessions, roles and residency."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import gettext as _

from portal.accounts.models import (
    Household,
    LoginSession,
    Residency,
    RoleGrant,
    User,
    hash_token,
)
from portal.core import audit
from portal.core.audit import utcnow
from portal.core.errors import OperationError
from portal.core.permissions import ROLES, require
from portal.extensions import db
from portal.sites.models import Site

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_HASHERS: dict[tuple, PasswordHasher] = {}
_DUMMIES: dict[PasswordHasher, str] = {}


def _hasher() -> PasswordHasher:
    """Argon2id with the deployment's cost parameters (tests use cheaper ones)."""
    params = current_app.config["PASSWORD_HASH_PARAMS"] if has_app_context() else {}
    key = tuple(sorted(params.items()))
    if key not in _HASHERS:
        _HASHERS[key] = PasswordHasher(**params)
    return _HASHERS[key]


def hash_password(password: str) -> str:
    """The Argon2id hash of a password, with the deployment's cost parameters."""
    return _hasher().hash(password)


def _dummy_hash() -> str:
    """A hash to verify against when the mobile number is unknown, so both paths cost the same."""
    hasher = _hasher()
    if hasher not in _DUMMIES:
        _DUMMIES[hasher] = hasher.hash("not-a-real-password")
    return _DUMMIES[hasher]
COMMON_PASSWORDS = {"12345678", "123456789", "1234567890", "password", "88888888", "11111111",
                    "00000000", "abc12345", "qwertyui", "password1", "a1234567", "woaini1314"}


def check_mobile(mobile: str) -> str:
    """A mainland mobile number of 11 digits, or a refusal."""
    mobile = (mobile or "").strip()
    if not MOBILE_RE.match(mobile):
        raise OperationError(_("请输入11位手机号码"), "mobile")
    return mobile


def check_password(password: str) -> str:
    """At least 8 characters, at most 128, not a well-known password."""
    if len(password or "") < 8:
        raise OperationError(_("密码至少8位"), "password")
    if len(password) > 128:
        raise OperationError(_("密码不能超过128位"), "password")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 3:
        raise OperationError(_("密码过于简单，请换一个"), "password")
    return password


def register_user(mobile: str, password: str, display_name: str) -> User:
    """Create an account; the mobile number must not be registered yet."""
    mobile = check_mobile(mobile)
    check_password(password)
    display_name = (display_name or "").strip()
    if not display_name or len(display_name) > 40:
        raise OperationError(_("请填写称呼(不超过40字)"), "display_name")
    if db.session.scalar(db.select(User.id).where(User.mobile == mobile)):
        raise OperationError(_("该手机号已注册，请直接登录"), "mobile")
    user = User(mobile=mobile, password_hash=hash_password(password), display_name=display_name)
    db.session.add(user)
    db.session.flush()
    audit.record(user, "accounts.register", target=user)
    return user


def authenticate(mobile: str, password: str) -> User | None:
    """The user with this mobile and password, or None; timing does not reveal which was wrong."""
    user = db.session.scalar(db.select(User).where(User.mobile == (mobile or "").strip()))
    try:
        _hasher().verify(user.password_hash if user else _dummy_hash(), password or "")
    except (VerificationError, InvalidHashError):
        if user is not None:
            audit.record(None, "accounts.login_failed", target=user)
        return None
    if user is None or user.disabled:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(user: User, ip: str | None = None) -> str:
    """Open a new server-side login session and return its token (a new id at every login)."""
    hours = current_app.config["LOGIN_SESSION_HOURS"] if has_app_context() else 12
    token = secrets.token_urlsafe(32)
    db.session.add(
        LoginSession(
            token_hash=hash_token(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=hours),
            ip=ip,
        )
    )
    user.last_login_at = utcnow()
    user.session_token = token
    audit.record(user, "accounts.login", target=user)
    return token


def end_session(user: User) -> None:
    """Revoke the session the user is logged in with: the old cookie stops working."""
    if not user.session_token:
        return
    db.session.execute(
        db.update(LoginSession)
        .where(LoginSession.token_hash == hash_token(user.session_token))
        .values(revoked_at=utcnow())
    )
    audit.record(user, "accounts.logout", target=user)
    user.session_token = None


def revoke_all_sessions(user: User) -> None:
    """End every login of a user (password change, account disabled)."""
    db.session.execute(
        db.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def change_password(user: User, old: str, new: str) -> None:
    """Change a password after checking the old one; other logins end."""
    try:
        _hasher().verify(user.password_hash, old or "")
    except (VerificationError, InvalidHashError):
        raise OperationError(_("原密码不正确"), "old_password") from None
    check_password(new)
    user.password_hash = hash_password(new)
    token = user.session_token
    revoke_all_sessions(user)
    db.session.flush()
    if token:
        db.session.execute(
            db.update(LoginSession)
            .where(LoginSession.token_hash == hash_token(token))
            .values(revoked_at=None)
        )
    audit.record(user, "accounts.change_password", target=user)


def set_disabled(actor: User, user: User, disabled: bool) -> None:
    """Disable or re-enable an account (superadmin only); disabling ends its sessions."""
    if not actor.is_superadmin:
        from werkzeug.exceptions import Forbidden

        raise Forbidden("accounts.disable")
    user.disabled = disabled
    if disabled:
        revoke_all_sessions(user)
    audit.record(actor, "accounts.disable" if disabled else "accounts.enable", target=user)


def create_superadmin(mobile: str, password: str, display_name: str) -> User:
    """Create (or promote) the superadmin account; used from the CLI only."""
    mobile = check_mobile(mobile)
    user = db.session.scalar(db.select(User).where(User.mobile == mobile))
    if user is None:
        user = register_user(mobile, password, display_name)
    user.is_superadmin = True
    audit.record(None, "accounts.superadmin", target=user)
    return user


def grant_role(actor: User, site: Site, mobile: str, role: str) -> RoleGrant:
    """Give a user a role on a site (and so on its whole subtree)."""
    require(actor, site, "roles.grant")
    if role not in ROLES:
        raise OperationError(_("未知的角色"), "role")
    mobile = check_mobile(mobile)
    user = db.session.scalar(db.select(User).where(User.mobile == mobile))
    if user is None:
        raise OperationError(_("该手机号尚未注册账号，请先请本人注册"), "mobile")
    exists = db.session.scalar(
        db.select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.site_id == site.id, RoleGrant.role == role
        )
    )
    if exists:
        raise OperationError(_("该用户在本站点已有此角色"), "role")
    grant = RoleGrant(user_id=user.id, site_id=site.id, role=role, granted_by_id=actor.id)
    db.session.add(grant)
    db.session.flush()
    audit.record(actor, "roles.grant", site=site, target=grant, detail={"role": role,
                                                                       "user": user.id})
    return grant


def revoke_role(actor: User, site: Site, grant: RoleGrant) -> None:
    """Take a role back; only from the site it was granted on."""
    require(actor, site, "roles.grant")
    if grant.site_id != site.id:
        raise OperationError(_("只能撤销在本站点授予的角色"))
    if grant.user_id == actor.id and grant.role == "site_admin" and not actor.is_superadmin:
        raise OperationError(_("不能撤销自己的站点管理员角色"))
    audit.record(actor, "roles.revoke", site=site, target=grant,
                 detail={"role": grant.role, "user": grant.user_id})
    db.session.delete(grant)


def apply_residency(user: User, village: Site, data: dict) -> Residency:
    """Ask a village to confirm the user as one of its residents (one home village per person)."""
    if village.level != "village":
        raise OperationError(_("请选择村(社区)一级作为户籍所在地"), "village_code")
    real_name = (data.get("real_name") or "").strip()
    number = (data.get("household_number") or "").strip()
    if not 2 <= len(real_name) <= 20:
        raise OperationError(_("请填写真实姓名(2至20字)"), "real_name")
    if not number or len(number) > 20:
        raise OperationError(_("请填写户号(不超过20字)"), "household_number")
    residency = db.session.scalar(db.select(Residency).where(Residency.user_id == user.id))
    if residency is not None and residency.status == "verified":
        raise OperationError(_("您的村(居)民身份已经核实，如需变更请联系村(社区)"))
    if residency is None:
        residency = Residency(user_id=user.id)
        db.session.add(residency)
    residency.site_id = village.id
    residency.real_name = real_name
    residency.household_number = number
    residency.is_migrant = bool(data.get("is_migrant"))
    residency.work_place = (data.get("work_place") or "").strip()[:80] or None
    from portal.voting.operations import hash_applicant_id

    residency.id_hash = hash_applicant_id(village, data.get("id_number") or "")
    residency.roster_entry_id = None
    residency.status = "pending"
    residency.applied_at = utcnow()
    residency.reviewed_by_id = residency.reviewed_at = residency.review_note = None
    db.session.flush()
    audit.record(user, "residency.apply", site=village, target=residency)
    return residency


def review_residency(actor: User, site: Site, residency: Residency, approve: bool,
                     note: str = "") -> None:
    """Verify or reject a residency application against the village roster."""
    require(actor, site, "residents.verify")
    if residency.site_id != site.id:
        raise OperationError(_("该申请不属于本村(社区)"))
    if residency.status != "pending":
        raise OperationError(_("该申请已处理"))
    note = (note or "").strip()[:200]
    if not approve and not note:
        raise OperationError(_("不予核实时请写明原因"), "note")
    from portal.voting.operations import has_roster, roster_match

    entry = roster_match(residency) if approve and has_roster(site.id) else None
    if approve and has_roster(site.id) and entry is None:
        raise OperationError(_("户籍花名册中没有与申请人姓名和身份证号一致的村民，不能核实"))
    if entry is not None:
        residency.roster_entry_id = entry.id
        residency.household_id = entry.household_id
        residency.household_number = entry.household.number
    elif approve:
        household = db.session.scalar(
            db.select(Household).where(
                Household.site_id == site.id, Household.number == residency.household_number
            )
        )
        if household is None:
            household = Household(
                site_id=site.id, number=residency.household_number, head_name=residency.real_name
            )
            db.session.add(household)
            db.session.flush()
        residency.household_id = household.id
    residency.status = "verified" if approve else "rejected"
    residency.reviewed_by_id = actor.id
    residency.reviewed_at = utcnow()
    residency.review_note = note or None
    audit.record(actor, "residency.verify" if approve else "residency.reject", site=site,
                 target=residency)
