"""A per-process cache of public pages, invalidated by a content version that every publish bumps.

Anonymous GETs of pages marked with @public_page are answered from memory with an ETag and
Last-Modified, and conditional GETs get 304. The version lives in the database, so a publish in
any process invalidates every process: the publishing process at once, others within
CONTENT_VERSION_CHECK_SECONDS.

Two layers share one cache:

* @public_page renders a page on a miss and stores its body, ETag and Last-Modified;
* PageCacheMiddleware, wrapped around app.wsgi_app by init_app, remembers the complete status
  line and headers Flask sent for that entry (after every after_request hook: CSP, nosniff,
  Referrer-Policy, X-Frame-Options, ETag, Last-Modified, Vary: Cookie, ...) and answers later
  identical requests itself, without building a request context. Such a hit therefore skips
  before_request hooks and url_value_preprocessors; a page may only be @public_page if its
  response depends on nothing but the key below and the content version.

The key is the raw scheme, host, script root, path and query string plus the ts and lang
cookies; a request carrying the session cookie is never served from or stored in the cache.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from datetime import UTC, datetime
from functools import wraps

from flask import Flask, current_app, make_response, request
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.http import http_date, is_resource_modified, parse_cookie

from portal.core.clock import today
from portal.extensions import db

# Set by @public_page on the request environ: which entry the response belongs to.
ENVIRON_KEY = "portal.page_cache"


class ContentVersion(db.Model):
    """One row: a counter bumped whenever anything public changes."""

    __tablename__ = "content_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class Entry:
    """One rendered page, and the responses Flask sent for it, by status code."""

    __slots__ = ("body", "etag", "mimetype", "modified", "responses", "version")

    def __init__(self, version: int, body: bytes, mimetype: str, etag: str, modified: datetime):
        self.version = version
        self.body = body
        self.mimetype = mimetype
        self.etag = etag
        self.modified = modified
        # "200" / "304" -> (status line, headers without Date, whether Flask sent a Date)
        self.responses: dict[str, tuple[str, list[tuple[str, str]], bool]] = {}


class PageCache:
    """An LRU of rendered pages tagged with the content version they were rendered at."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.version = None
        self.checked_at = 0.0

    def fresh_version(self, max_age: float) -> int | None:
        """The content version if it was read less than max_age seconds ago, else None."""
        version = self.version
        if version is None or time.monotonic() - self.checked_at >= max_age:
            return None
        return version

    def current_version(self, max_age: float) -> int:
        """The content version, read from the database at most every max_age seconds."""
        now = time.monotonic()
        if self.version is None or now - self.checked_at >= max_age:
            value = db.session.scalar(
                db.select(ContentVersion.version).where(ContentVersion.id == 1)
            )
            self.version = value or 0
            self.checked_at = now
        return self.version

    def get(self, key, version) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.version != version:
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, entry: Entry) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def remember_response(self, key, entry: Entry, code: str, response: tuple) -> None:
        """Keep what Flask sent for an entry, unless the entry was replaced or cleared meanwhile."""
        with self.lock:
            if self.entries.get(key) is entry:
                entry.responses[code] = response

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.version = None


def page_key(environ: dict, session_cookie_name: str) -> tuple | None:
    """The cache key of a request, or None when it carries a session cookie."""
    ts = lang = ""
    header = environ.get("HTTP_COOKIE")
    if header:
        cookies = parse_cookie(header)
        if session_cookie_name in cookies:
            return None
        ts = cookies.get("ts", "")
        lang = cookies.get("lang", "")
    return (
        environ.get("wsgi.url_scheme", "http"),  # HSTS is sent on HTTPS only
        # Feeds carry absolute URLs built from the Host header: never share them across hosts.
        environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
        environ.get("SCRIPT_NAME", ""),
        environ.get("PATH_INFO", ""),
        environ.get("QUERY_STRING", ""),
        ts,
        lang,
        # Deadlines and statuses shown on pages depend on the date: a new day, a new page.
        today().isoformat(),
    )


def init_app(app: Flask) -> None:
    """Give the app its own page cache, answered in front of Flask for repeated requests."""
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_SIZE"])
    app.wsgi_app = PageCacheMiddleware(app, app.wsgi_app)


def bump_content_version() -> None:
    """Mark public content as changed; call inside the transaction that changes it."""
    updated = db.session.execute(
        db.update(ContentVersion)
        .where(ContentVersion.id == 1)
        .values(version=ContentVersion.version + 1)
    ).rowcount
    if not updated:
        db.session.add(ContentVersion(id=1, version=1))
    db.session.info["content_changed"] = True


@event.listens_for(Session, "after_commit")
def _clear_after_publish(session):
    if session.info.pop("content_changed", False):
        from flask import has_app_context

        if has_app_context():
            current_app.extensions["page_cache"].clear()


@event.listens_for(Session, "after_rollback")
def _forget_change(session):
    session.info.pop("content_changed", None)


def public_page(view):
    """Serve an anonymous GET of this view from the page cache when the content is unchanged."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if request.method not in {"GET", "HEAD"}:
            return view(*args, **kwargs)
        key = page_key(request.environ, current_app.config["SESSION_COOKIE_NAME"])
        if key is None:
            return view(*args, **kwargs)
        cache: PageCache = current_app.extensions["page_cache"]
        version = cache.current_version(current_app.config["CONTENT_VERSION_CHECK_SECONDS"])
        entry = cache.get(key, version)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or "Set-Cookie" in response.headers:
                return response
            body = response.get_data()
            etag = hashlib.sha256(body).hexdigest()[:32]
            modified = datetime.now(UTC).replace(microsecond=0)
            entry = Entry(version, body, response.mimetype, etag, modified)
            cache.put(key, entry)
        request.environ[ENVIRON_KEY] = (key, entry)
        response = current_app.response_class(entry.body, mimetype=entry.mimetype)
        response.set_etag(entry.etag)
        response.last_modified = entry.modified
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.must_revalidate = True
        response.vary.add("Cookie")
        return response.make_conditional(request)

    return wrapper


_date = [0, ""]


def _http_date_now() -> str:
    """The Date header value, formatted once per second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, http_date(now)]
    return _date[1]


class PageCacheMiddleware:
    """Answer a request that Flask already answered from the page cache with the same response.

    Only the status line and headers Flask itself sent for a cache entry are replayed (with a
    fresh Date), so a hit looks exactly like the response the full stack would give. Anything
    not seen before, any request with a session cookie or If-Match, and every other method go
    to Flask.
    """

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.cache: PageCache = app.extensions["page_cache"]

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if method != "GET" and method != "HEAD":
            return self.wsgi_app(environ, start_response)
        config = self.app.config
        key = page_key(environ, config["SESSION_COOKIE_NAME"])
        if key is None:
            return self.wsgi_app(environ, start_response)
        max_age = config["CONTENT_VERSION_CHECK_SECONDS"]
        version = self.cache.fresh_version(max_age)
        if version is None:
            try:
                with self.app.app_context():
                    version = self.cache.current_version(max_age)
            except Exception:  # let Flask meet the error and render its 500 page
                return self._forward(environ, start_response, method)
        entry = self.cache.get(key, version)
        if entry is not None:
            code = "200"
            if environ.get("HTTP_IF_MATCH"):
                entry = None  # 412 handling stays with werkzeug
            elif environ.get("HTTP_IF_NONE_MATCH") or environ.get("HTTP_IF_MODIFIED_SINCE"):
                if not is_resource_modified(
                    environ, f'"{entry.etag}"', last_modified=entry.modified
                ):
                    code = "304"
            sent = entry.responses.get(code) if entry is not None else None
            if sent is not None:
                status, headers, dated = sent
                if dated:
                    headers = [*headers, ("Date", _http_date_now())]
                start_response(status, headers)
                if method == "HEAD" or code == "304":
                    return []
                return [entry.body]
        return self._forward(environ, start_response, method)

    def _forward(self, environ, start_response, method):
        """Call Flask, and remember the response if @public_page served it from an entry."""
        if method != "GET":
            return self.wsgi_app(environ, start_response)

        def capture(status, headers, exc_info=None):
            served = environ.get(ENVIRON_KEY)
            if served is not None and exc_info is None:
                self._remember(served, status, headers)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, capture)

    def _remember(self, served, status: str, headers) -> None:
        key, entry = served
        code = status[:3]
        if code not in {"200", "304"}:
            return
        kept, dated, etag = [], False, None
        for name, value in headers:
            lowered = name.lower()
            if lowered == "set-cookie":
                return  # a personalised response is never replayed
            if lowered == "date":
                dated = True
                continue
            if lowered == "etag":
                etag = value
            kept.append((name, value))
        if etag != f'"{entry.etag}"':
            return
        self.cache.remember_response(key, entry, code, (status, kept, dated))
