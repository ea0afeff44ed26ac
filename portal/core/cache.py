"""A per-process cache of public pages, invalidated by a content version that every publish bumps.

Anonymous GETs of pages marked with @public_page are answered from memory with an ETag and
Last-Modified, and conditional GETs get 304. The version lives in the database, so a publish in
any process invalidates every process: the publishing process at once, others within
CONTENT_VERSION_CHECK_SECONDS.
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

from portal.extensions import db


class ContentVersion(db.Model):
    """One row: a counter bumped whenever anything public changes."""

    __tablename__ = "content_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class PageCache:
    """An LRU of rendered pages tagged with the content version they were rendered at."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.version = None
        self.checked_at = 0.0

    def current_version(self, max_age: float) -> int:
        """The content version, read from the database at most every max_age seconds."""
        now = time.monotonic()
        if self.version is None or now - self.checked_at >= max_age:
            value = db.session.scalar(db.select(ContentVersion.version).where(ContentVersion.id == 1))
            self.version = value or 0
            self.checked_at = now
        return self.version

    def get(self, key, version):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, version, entry) -> None:
        with self.lock:
            self.entries[key] = (version, *entry)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.version = None


def init_app(app: Flask) -> None:
    """Give the app its own page cache."""
    app.extensions["page_cache"] = PageCache(app.config["PAGE_CACHE_SIZE"])


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


def _cacheable_request() -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    )


def public_page(view):
    """Serve an anonymous GET of this view from the page cache when the content is unchanged."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not _cacheable_request():
            return view(*args, **kwargs)
        cache: PageCache = current_app.extensions["page_cache"]
        version = cache.current_version(current_app.config["CONTENT_VERSION_CHECK_SECONDS"])
        key = (
            request.full_path,
            request.cookies.get("ts", ""),
            request.cookies.get("lang", ""),
        )
        entry = cache.get(key, version)
        if entry is None:
            response = make_response(view(*args, **kwargs))
            if response.status_code != 200 or "Set-Cookie" in response.headers:
                return response
            body = response.get_data()
            etag = hashlib.sha256(body).hexdigest()[:32]
            modified = datetime.now(UTC).replace(microsecond=0)
            entry = (body, response.mimetype, etag, modified)
            cache.put(key, version, entry)
        else:
            _, *entry = entry
        body, mimetype, etag, modified = entry
        response = current_app.response_class(body, mimetype=mimetype)
        response.set_etag(etag)
        response.last_modified = modified
        response.cache_control.public = True
        response.cache_control.max_age = 0
        response.cache_control.must_revalidate = True
        response.vary.add("Cookie")
        return response.make_conditional(request)

    return wrapper
