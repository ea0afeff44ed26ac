"""Roles granted on a site, cascading down its subtree, and the one table of what each may do."""

from __future__ import annotations

import logging

from flask import g, has_request_context
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Forbidden

from portal.core.tenancy import ancestor_codes
from portal.extensions import db

log = logging.getLogger("portal.security")

# Every permission the operations check. Keep this list and ROLE_PERMISSIONS the only source.
PERMISSIONS = {
    "console.view": _l("进入管理后台"),
    "site.edit": _l("维护站点资料"),
    "roles.grant": _l("授予和撤销角色"),
    "residents.verify": _l("审核村(居)民身份"),
    "content.draft": _l("起草公开事项"),
    "content.publish": _l("提交和发布公开事项"),
    "content.review": _l("审核会签公开事项(村务监督委员会)"),
    "finance.import": _l("导入财务数据"),
    "finance.review": _l("审核财务公开(民主理财小组)"),
    "letters.handle": _l("受理和答复来信"),
    "letters.manage_mailboxes": _l("设立和维护领导信箱"),
    "polls.manage": _l("组织投票和评议"),
    "matters.manage": _l("办理四议两公开事项"),
    "compliance.view": _l("查看公开合规情况"),
}

ROLES = {
    "site_admin": _l("站点管理员"),
    "publisher": _l("信息发布员"),
    "supervisor": _l("村务监督委员会成员"),
    "finance_reviewer": _l("民主理财小组成员"),
    "letter_handler": _l("信件办理员"),
    "poll_manager": _l("投票管理员"),
}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    "site_admin": frozenset(
        {"console.view", "site.edit", "roles.grant", "residents.verify", "compliance.view",
         "letters.manage_mailboxes"}
    ),
    "publisher": frozenset(
        {"console.view", "content.draft", "content.publish", "finance.import", "compliance.view"}
    ),
    "supervisor": frozenset({"console.view", "content.review", "finance.review", "compliance.view"}),
    "finance_reviewer": frozenset({"console.view", "finance.review", "compliance.view"}),
    "letter_handler": frozenset({"console.view", "letters.handle"}),
    "poll_manager": frozenset({"console.view", "polls.manage", "matters.manage",
                               "residents.verify"}),
}


def roles_at(user, site) -> set[str]:
    """The roles a user holds on a site, directly or from any site above it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cache = g.setdefault("permission_cache", {}) if has_request_context() else {}
    key = (user.id, site.code)
    if key not in cache:
        from portal.accounts.models import RoleGrant
        from portal.sites.models import Site

        rows = db.session.scalars(
            db.select(RoleGrant.role)
            .join(Site, Site.id == RoleGrant.site_id)
            .where(RoleGrant.user_id == user.id, Site.code.in_(ancestor_codes(site.code)))
        )
        cache[key] = set(rows)
    return cache[key]


def can(user, site, permission: str) -> bool:
    """Whether the user may do `permission` on this site."""
    if permission not in PERMISSIONS:
        raise KeyError(f"unknown permission {permission!r}")
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    if user.is_superadmin:
        return True
    return any(permission in ROLE_PERMISSIONS[r] for r in roles_at(user, site))


def require(user, site, permission: str) -> None:
    """Raise 403 unless the user may do `permission` on this site."""
    if not can(user, site, permission):
        # Refusals go to the security log, not the audit table: the request is rolled back.
        log.warning(
            "permission denied: user=%s site=%s permission=%s",
            getattr(user, "id", None),
            site.code,
            permission,
        )
        raise Forbidden(permission)
