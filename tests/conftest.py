"""Fixtures in the Flask tutorial's manner: app, client, runner, auth; one schema per run.

The schema is made by the migrations (never create_all), once per test session, on SQLite by
default or on PostgreSQL when PORTAL_TEST_DATABASE_URL is set. Every test starts from empty tables.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from portal import create_app
from portal.config import DIVISIONS_DIR, normalise_database_url
from portal.extensions import db, limiter

# One schema per pytest process, so that two runs on one server never drop each other's tables.
PG_SCHEMA = f"portal_test_{os.getpid()}"
PASSWORD = "Test-pass-2026"

# A small real slice of Chengdu: two districts, three townships, six villages and communities.
TREE_CODES = {
    "5101",
    "510104", "510117",
    "510104017", "510117004", "510117005",
    "510104017001", "510104017002",
    "510117004200", "510117004201", "510117004001",
    "510117005200",
}


def database_url(tmp_dir: str) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(tmp_dir, "test.sqlite3")
    url = normalise_database_url(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    engine.dispose()
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{PG_SCHEMA}"


def drop_test_schema() -> None:
    """Remove this run's PostgreSQL schema (nothing to do on SQLite)."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def app():
    """One application and one migrated database for the whole run."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": database_url(tmp),
                "RATELIMIT_STORAGE_URI": "memory://",
                "SERVER_NAME": None,
                "SEARCH_INDEX_DIR": os.path.join(tmp, "search"),
                # Cheap argon2 parameters: the tests check behaviour, not hashing cost.
                "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
            }
        )
        app.instance_path = tmp
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()
        drop_test_schema()


@pytest.fixture(autouse=True)
def _clean(app):
    """Empty every table, the rate limiter and the page cache after each test."""
    yield
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                # The permanence triggers refuse deletes; lift them while emptying the tables.
                triggers = conn.execute(text(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
                conn.execute(text("UPDATE item SET current_revision_id = NULL"))  # FK cycle
                for name, _sql in triggers:
                    conn.execute(text(f"DROP TRIGGER {name}"))
                for name in tables:
                    conn.execute(text(f"DELETE FROM {name}"))
                conn.execute(text("DELETE FROM sqlite_sequence"))  # as RESTART IDENTITY
                for _name, sql in triggers:
                    conn.execute(text(sql))
        limiter.reset()
        app.extensions["page_cache"].clear()
        if "portal_search" in app.extensions:
            app.extensions["portal_search"].indexer.reset()


@pytest.fixture
def ctx(app):
    """An application context for calling operations directly."""
    with app.app_context():
        yield
        db.session.rollback()


def division_files(codes=TREE_CODES):
    """The shipped Chengdu files cut down to the given code prefixes (real names and codes)."""
    files = []
    for name in ("cities.csv", "areas.csv", "streets.csv", "villages.csv"):
        lines = (DIVISIONS_DIR / "chengdu" / name).read_text(encoding="utf-8").splitlines()
        kept = [lines[0]] + [ln for ln in lines[1:] if ln.split(",")[0] in codes]
        files.append((name, "\n".join(kept) + "\n"))
    return files


@pytest.fixture
def tree(app):
    """Import the small tree; returns {code: Site} (detached copies of code and id)."""
    from portal.sites.models import Site
    from portal.sites.operations import import_divisions

    with app.app_context():
        import_divisions(division_files())
        db.session.commit()
        sites = {s.code: s for s in db.session.scalars(db.select(Site))}
        for s in sites.values():
            db.session.expunge(s)
    return sites


@pytest.fixture
def standard(app, tree):
    """The tree plus the shipped content standard, loaded as the current version."""
    from portal.standards.operations import ensure_loaded

    with app.app_context():
        ensure_loaded()
        db.session.commit()


@pytest.fixture
def make_user(app):
    """Create a user with roles: make_user("13900000001", roles=[("510117004200", "publisher")])."""
    from portal.accounts.models import RoleGrant
    from portal.accounts.operations import register_user
    from portal.sites.models import Site

    def make(mobile, name="测试用户", roles=(), superadmin=False, password=PASSWORD):
        with app.app_context():
            user = register_user(mobile, password, name)
            user.is_superadmin = superadmin
            for code, role in roles:
                site = Site.by_code(code)
                db.session.add(RoleGrant(user_id=user.id, site_id=site.id, role=role))
            db.session.commit()
            return user.id

    return make


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """Wraps the test client with a helper that submits a page's form with its CSRF token."""

    def __init__(self, client):
        self.raw = client

    def __getattr__(self, name):
        return getattr(self.raw, name)

    def submit(self, form_url, data, post_url=None, **kwargs):
        """GET form_url, take its CSRF token, POST data to post_url (or form_url)."""
        page = self.raw.get(form_url)
        token = csrf_from(page.get_data(as_text=True))
        return self.raw.post(post_url or form_url, data={**data, "csrf_token": token}, **kwargs)


@pytest.fixture
def client(app):
    return Client(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, mobile, password=PASSWORD):
        return self._client.submit(
            "/accounts/login", {"mobile": mobile, "password": password}
        )

    def logout(self):
        return self._client.submit("/accounts/me", {}, post_url="/accounts/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def read_csv(text_: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text_)))
