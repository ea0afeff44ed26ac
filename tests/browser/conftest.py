"""Browser fixtures: a live demo server and Debian's chromium driven by Playwright.

The live server is its own application (not the unit tests' `app`): a SQLite file in a temporary
folder, migrated, with all of Chengdu and the demo accounts loaded by `portal.demo.load()`, served
by werkzeug in a daemon thread. Every test gets a fresh browser context (no shared cookies) with a
360 x 740 phone-sized viewport and the zh-CN locale. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app, demo
from portal.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 360, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _clean():
    """Replaces tests/conftest.py's _clean: browser tests never build the unit tests' app."""
    yield


@pytest.fixture(scope="session")
def live_app():
    """The demo application on a fresh SQLite file: Chengdu imported, demo accounts created."""
    with tempfile.TemporaryDirectory(prefix="portal-browser-") as tmp:
        app = create_app(
            {
                "SECRET_KEY": "browser-test-secret",
                "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(tmp, "portal.sqlite3"),
                "RATELIMIT_STORAGE_URI": "memory://",
                # Several tests log in from 127.0.0.1 within one minute.
                "LOGIN_RATE_LIMIT": "100 per minute",
            }
        )
        app.instance_path = tmp
        with app.app_context():
            upgrade()
            for _line in demo.load():
                pass
            db.session.remove()
        yield app
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    """The base URL of the demo application served on a free port of 127.0.0.1."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def demo_password(live_app):
    return live_app.config["DEMO_PASSWORD"]


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole run."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def _new_page(browser, base_url, **options):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=base_url, **options)
    context.set_default_timeout(10_000)
    return context, context.new_page()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh browser context: no cookies from other tests."""
    context, page = _new_page(browser, live_server)
    yield page
    context.close()


@pytest.fixture
def nojs_page(browser, live_server):
    """A page in a fresh context with JavaScript switched off."""
    context, page = _new_page(browser, live_server, java_script_enabled=False)
    yield page
    context.close()


@pytest.fixture
def shot(request):
    """shot(page, "step") saves artifacts/screenshots/<test-name>-<step>.png (whole page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)

    def take(page, step: str) -> Path:
        path = SCREENSHOTS / f"{name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
