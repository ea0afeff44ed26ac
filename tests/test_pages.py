"""What every page promises: headers, Chinese error pages, preferences, caching, health."""

import re
from pathlib import Path

import pytest

from portal.config import TEMPLATES_DIR
from portal.core.cache import bump_content_version
from portal.extensions import db


def test_security_headers(client, tree):
    response = client.get("/s/510117004200/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_templates_have_no_inline_script_or_style():
    for path in Path(TEMPLATES_DIR).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text, path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path  # no inline event handlers


def test_account_pages_are_not_cached(client):
    assert client.get("/accounts/login").headers["Cache-Control"] == "no-store"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "search": "ok"}}


def test_404_and_405_are_chinese(client):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "页面不存在" in missing.get_data(as_text=True)
    wrong_method = client.raw.delete("/")
    assert wrong_method.status_code == 405
    assert "请求方式不支持" in wrong_method.get_data(as_text=True)


def test_500_is_chinese(client, app, monkeypatch):
    def boom():
        raise RuntimeError("broken")

    monkeypatch.setitem(app.view_functions, "main.healthz", boom)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = client.get("/healthz", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.json == {"status": 500, "error": "服务器出错"}


def test_large_text_switch_persists(client, tree):
    response = client.get("/prefs/text?size=large&next=/s/510117004200/")
    assert response.status_code == 302 and response.location == "/s/510117004200/"
    assert "ts=large" in response.headers["Set-Cookie"]
    page = client.get("/s/510117004200/").get_data(as_text=True)
    assert 'class="large-text"' in page
    assert "标准字号" in page
    client.get("/prefs/text?size=normal")
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/x", "javascript:x"])
def test_preferences_never_redirect_away(client, target):
    response = client.get("/prefs/text", query_string={"size": "large", "next": target})
    assert response.location == "/"


def test_english_catalogue(client, tree):
    client.get("/prefs/lang?l=en")
    page = client.get("/s/510117004200/").get_data(as_text=True)
    assert "Contact" in page and 'lang="en"' in page
    client.get("/prefs/lang?l=zh_Hans_CN")
    assert "联系方式" in client.get("/s/510117004200/").get_data(as_text=True)


def test_public_pages_are_cached_with_etag(client, app, tree):
    first = client.get("/s/510117004200/")
    etag = first.headers["ETag"]
    assert first.headers.get("Last-Modified")
    again = client.get("/s/510117004200/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    with app.app_context():
        from portal.sites.models import Site

        site = Site.by_code("510117004200")
        site.phone = "028-87654321"
        bump_content_version()
        db.session.commit()
    fresh = client.get("/s/510117004200/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert "028-87654321" in fresh.get_data(as_text=True)


def test_logged_in_pages_bypass_the_cache(client, auth, tree, make_user):
    make_user("13912345678", name="赵德明")
    anonymous = client.get("/s/510117004200/").get_data(as_text=True)
    assert "赵德明" not in anonymous
    auth.login("13912345678")
    page = client.get("/s/510117004200/").get_data(as_text=True)
    assert "赵德明" in page


def test_anonymous_pages_set_no_cookie(client, tree):
    for url in ("/", "/s/510117004200/", "/?q=alc"):
        assert "Set-Cookie" not in client.get(url).headers, url


def test_forms_have_labels(client):
    page = client.get("/accounts/register").get_data(as_text=True)
    for field_id in ("mobile", "display_name", "password", "confirm"):
        assert f'<label for="{field_id}">' in page
