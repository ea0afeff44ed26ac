"""Binding extensions, blueprints, hooks and commands to an application (called by create_app)."""

from flask import Flask, g, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.config import PACKAGE_DIR
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate


def init_extensions(app: Flask) -> None:
    """Initialise every extension against this app."""
    app.config.setdefault(
        "BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations")
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page explains itself
    login_manager.session_protection = None  # sessions are server-side tokens, see accounts
    from portal.accounts.models import load_user_from_token

    login_manager.user_loader(load_user_from_token)


def select_locale() -> str:
    """Simplified Chinese unless the visitor chose another catalogue."""
    from flask import current_app, has_request_context

    chosen = request.cookies.get("lang") if has_request_context() else None

    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, enforced foreign keys and a busy timeout on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    """One blueprint per feature package."""
    from portal.accounts import bp as accounts_bp
    from portal.compliance import bp as compliance_bp
    from portal.content import bp as content_bp
    from portal.feeds import bp as feeds_bp
    from portal.finance import bp as finance_bp
    from portal.letterbox import bp as letterbox_bp
    from portal.main import bp as main_bp
    from portal.manage import bp as manage_bp
    from portal.policies import bp as policies_bp
    from portal.search import bp as search_bp
    from portal.sites import bp as sites_bp
    from portal.standards import models as _standards  # noqa: F401  (tables only, no pages yet)
    from portal.voting import bp as voting_bp

    for bp in (main_bp, sites_bp, content_bp, compliance_bp, policies_bp, feeds_bp, accounts_bp,
               manage_bp, search_bp, letterbox_bp, finance_bp, voting_bp):
        app.register_blueprint(bp)

    from portal.cli import register_commands
    from portal.letterbox.cli import letters_cli

    register_commands(app)
    app.cli.add_command(letters_cli)


def register_hooks(app: Flask) -> None:
    """Security headers, error pages, template helpers and the page cache."""
    from portal.core import cache, security
    from portal.main.views import register_error_handlers

    security.init_app(app)
    cache.init_app(app)
    _index_after_commit()
    register_error_handlers(app)

    @app.context_processor
    def inject_preferences():
        return {
            "large_text": request.cookies.get("ts") == "large",
            "current_lang": select_locale(),
        }

    from portal.content.periods import period_label
    from portal.core.markup import render_markdown
    from portal.core.permissions import ROLES
    from portal.sites.models import path_label

    app.add_template_filter(path_label)
    app.add_template_filter(period_label)
    app.add_template_filter(render_markdown, "markdown")
    app.add_template_filter(lambda role: ROLES.get(role, role), "role_name")
    app.add_template_filter(item_state)

    @app.teardown_request
    def _forget_request_state(exc):
        g.pop("permission_cache", None)


def _index_after_commit() -> None:
    """Search: apply the outbox right after each commit that wrote to it (once per process)."""
    from flask_sqlalchemy.session import Session as FlaskSession

    from portal.search.indexer import install_after_commit
    from portal.search.service import indexer_after_commit

    if not getattr(FlaskSession, "_portal_search_hooked", False):
        install_after_commit(FlaskSession, indexer_after_commit)
        FlaskSession._portal_search_hooked = True


def item_state(status: str) -> str:
    """The Chinese name of an item's workflow state."""
    from flask_babel import gettext as _

    return {
        "draft": _("草稿"),
        "submitted": _("待会签"),
        "returned": _("已退回"),
        "published": _("已发布"),
        "withdrawn": _("已撤回"),
    }.get(status, status)
