"""Front page and finder, display preferences, /healthz and the Chinese error pages."""

from urllib.parse import urlsplit

from flask import current_app, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import text

from portal.core.cache import public_page
from portal.extensions import db
from portal.main import bp
from portal.search.service import search_service
from portal.sites.models import Site, ancestors_of_many, find_sites

ONE_YEAR = 365 * 24 * 3600


@bp.route("/")
@public_page
def index():
    """Browse the region from the top, or find a site by name, pinyin or initials."""
    query = request.args.get("q", "").strip()[:40]
    results, labels = [], {}
    if query:
        results = find_sites(query)
        labels = ancestors_of_many(results)
    roots = db.session.scalars(
        db.select(Site).where(Site.parent_id.is_(None)).order_by(Site.code)
    ).all()
    top = roots[0].children() if len(roots) == 1 else roots
    return render_template(
        "main/index.html",
        query=query,
        results=results,
        labels=labels,
        roots=roots,
        top=top,
    )


def _safe_next(default: str = "/") -> str:
    """A local path to go back to; anything pointing elsewhere becomes the front page."""
    target = request.args.get("next", "") or request.referrer or default
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return default
    path = parts.path or "/"
    if not path.startswith("/") or path.startswith("//"):
        return default
    return path + (f"?{parts.query}" if parts.query else "")


@bp.route("/prefs/text")
def text_size():
    """Switch large text on or off; the choice is kept in a cookie for a year."""
    size = "large" if request.args.get("size") == "large" else "normal"
    response = redirect(_safe_next())
    response.set_cookie("ts", size, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.route("/prefs/lang")
def language():
    """Choose the page language (Simplified Chinese by default)."""
    lang = request.args.get("l", "")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    response = redirect(_safe_next())
    response.set_cookie("lang", lang, max_age=ONE_YEAR, samesite="Lax", httponly=True)
    return response


@bp.route("/healthz")
def healthz():
    """Liveness and readiness: can the database answer?"""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        service = search_service()
        service.backend.count()  # an index that cannot be read (IndexOutdated) is not ready
        lag = service.indexer.lag()
        checks["search"] = "ok" if lag <= current_app.config["SEARCH_HEALTHY_LAG"] else (
            f"error: {lag} outbox change(s) not indexed")
    except Exception as exc:  # an unreadable index is not ready either
        checks["search"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ok else "error", checks=checks), 200 if ok else 503


def register_error_handlers(app):
    """Chinese pages for 400, 403, 404, 405, 413, 429 and 500."""

    def page(status, title, message):
        def handler(error):
            if status == 500:
                db.session.rollback()
            if request.path.startswith("/healthz") or request.accept_mimetypes.best == (
                "application/json"
            ):
                return jsonify(status=status, error=title()), status
            return (
                render_template(
                    "errors/error.html", status=status, title=title(), message=message()
                ),
                status,
            )

        return handler

    messages = {
        400: (lambda: _("请求有误"), lambda: _("提交的内容无法处理，请返回检查后重试。")),
        403: (lambda: _("没有权限"), lambda: _("您没有执行此操作的权限。如需办理，请联系本站点管理员。")),
        404: (
            lambda: _("页面不存在"),
            lambda: _("找不到您要访问的页面或站点，请用下面的查找框找到您的村(社区)。"),
        ),
        405: (lambda: _("请求方式不支持"), lambda: _("此地址不支持这种请求方式。")),
        413: (lambda: _("文件太大"), lambda: _("上传的内容超过了大小限制。")),
        429: (lambda: _("操作过于频繁"), lambda: _("您的操作过于频繁，请稍后再试。")),
        500: (lambda: _("服务器出错"), lambda: _("系统暂时出现问题，我们已记录，请稍后再试。")),
    }
    for status, (title, message) in messages.items():
        app.register_error_handler(status, page(status, title, message))

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return (
            render_template(
                "errors/error.html",
                status=400,
                title=_("页面已过期"),
                message=_("表单已过期或缺少安全校验码，请返回刷新页面后重新提交。"),
            ),
            400,
        )
