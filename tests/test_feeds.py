"""Atom feeds: a site's items and what applies from above, its subtree, one category."""
# ruff: noqa: F811  (the people, standard and upper fixtures are imported from other test modules)

import xml.etree.ElementTree as ET
from datetime import datetime

from portal.content import operations as ops
from portal.core.clock import frozen
from portal.extensions import db
from portal.feeds.queries import feed_items
from portal.sites.models import Site
from tests.test_content import (  # noqa: F401  (people and standard are fixtures)
    OTHER,
    TOWNSHIP,
    VILLAGE,
    make_draft,
    people,
    publish,
    who,
)
from tests.test_policies import DISTRICT, SIBLING_VILLAGE, publish_policy, upper  # noqa: F401

ATOM = "{http://www.w3.org/2005/Atom}"
SIBLING_TOWNSHIP = "510117005000"


def publish_on(people, day, title, **data):
    """Publish a village decision at 10:00 Shanghai time on a day of October 2026."""
    with frozen(datetime(2026, 10, day, 2)):
        item = make_draft(people, {"title": title, **data})
        publish(people, item)
    db.session.commit()
    return item


def feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.data)  # noqa: S314  (our own response, not untrusted input)


def _alternate(element):
    """The href of an element's alternate link (Atom's default rel)."""
    links = element.findall(f"{ATOM}link")
    return next(a.get("href") for a in links if a.get("rel", "alternate") == "alternate")


def entries(root):
    return [{
        "id": e.findtext(f"{ATOM}id"),
        "title": e.findtext(f"{ATOM}title"),
        "link": _alternate(e),
        "updated": e.findtext(f"{ATOM}updated"),
        "summary": e.findtext(f"{ATOM}summary"),
        "author": e.findtext(f"{ATOM}author/{ATOM}name"),
    } for e in root.findall(f"{ATOM}entry")]


def titles(client, url):
    return [e["title"] for e in entries(feed(client, url))]


def test_site_feed_lists_published_items_newest_first(client, app, people):
    body = "三组至五组村道" + "硬化" * 150
    with app.app_context():
        first = publish_on(people, 16, "十六日的决定", body=body)
        publish_on(people, 18, "十八日的决定")
        publish_on(people, 17, "十七日的决定")
        village = Site.by_code(VILLAGE).name
        first_id = first.id
    root = feed(client, f"/s/{VILLAGE}/feed.atom")
    assert village in root.findtext(f"{ATOM}title")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == (
        f"http://localhost/s/{VILLAGE}/feed.atom")
    assert root.findtext(f"{ATOM}updated") == "2026-10-18T02:00:00+00:00"
    found = entries(root)
    assert [e["title"] for e in found] == ["十八日的决定", "十七日的决定", "十六日的决定"]
    oldest = found[-1]
    assert oldest["link"] == oldest["id"] == f"http://localhost/s/{VILLAGE}/items/{first_id}"
    assert oldest["updated"] == "2026-10-16T02:00:00+00:00"
    assert oldest["summary"] == body[:200] and oldest["author"] == village


def test_feed_is_cached_with_an_etag_until_something_is_published(client, app, people):
    with app.app_context():
        publish_on(people, 16, "第一条")
    first = client.get(f"/s/{VILLAGE}/feed.atom")
    etag = first.headers["ETag"]
    assert client.get(f"/s/{VILLAGE}/feed.atom",
                      headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        publish_on(people, 17, "第二条")
    fresh = client.get(f"/s/{VILLAGE}/feed.atom", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "第二条" in fresh.get_data(as_text=True)


def test_feed_carries_what_applies_from_above_and_sub_adds_the_subtree(client, app, upper):
    with app.app_context():
        publish_policy(upper, title="郫都区耕保补贴办法")
        publish_on(upper, 16, "安龙村修路决定")
    assert set(titles(client, f"/s/{VILLAGE}/feed.atom")) == {"郫都区耕保补贴办法", "安龙村修路决定"}
    assert titles(client, f"/s/{DISTRICT}/feed.atom") == ["郫都区耕保补贴办法"]
    assert set(titles(client, f"/s/{DISTRICT}/feed.atom?sub=1")) == {
        "郫都区耕保补贴办法", "安龙村修路决定"}
    assert set(titles(client, f"/s/{TOWNSHIP}/feed.atom?sub=1")) == {
        "郫都区耕保补贴办法", "安龙村修路决定"}
    # Another township of the district: the district's policy, not our village's decision.
    assert titles(client, f"/s/{SIBLING_TOWNSHIP}/feed.atom?sub=1") == ["郫都区耕保补贴办法"]
    assert titles(client, f"/s/{SIBLING_VILLAGE}/feed.atom") == ["郫都区耕保补贴办法"]
    assert titles(client, f"/s/{OTHER}/feed.atom?sub=1") == []
    root = feed(client, f"/s/{TOWNSHIP}/feed.atom?sub=1")
    assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feed.atom?sub=1")
    authors = {e["title"]: e["author"] for e in entries(root)}
    with app.app_context():
        assert authors["郫都区耕保补贴办法"] == Site.by_code(DISTRICT).name
        assert authors["安龙村修路决定"] == Site.by_code(VILLAGE).name


def test_feed_items_cut_the_subtree_and_the_upper_part_to_the_limit(ctx, upper):
    publish_policy(upper, title="区政策")  # published now, after the village's October items
    for day in (16, 17, 18):
        publish_on(upper, day, f"{day}日决定")
    township = Site.by_code(TOWNSHIP)
    newest = feed_items(township, subtree=True, limit=2)
    assert [i.current_revision.title for i in newest] == ["区政策", "18日决定"]
    assert [i.current_revision.title for i in feed_items(township, limit=5)] == ["区政策"]


def test_category_feed(client, app, people):
    with app.app_context():
        publish_on(people, 16, "修路决定")
        publish_on(people, 17, "村情简介", category="A01.01")
    assert titles(client, f"/s/{VILLAGE}/c/A04.10/feed.atom") == ["修路决定"]
    assert titles(client, f"/s/{VILLAGE}/c/A01.01/feed.atom") == ["村情简介"]
    assert titles(client, f"/s/{TOWNSHIP}/c/A04.10/feed.atom?sub=1") == ["修路决定"]
    assert titles(client, f"/s/{TOWNSHIP}/c/A04.10/feed.atom") == []
    assert client.get(f"/s/{VILLAGE}/c/Z99.99/feed.atom").status_code == 404
    assert client.get(f"/s/{VILLAGE}/c/A04/feed.atom").status_code == 404  # a 大类


def test_withdrawn_item_is_marked_with_its_reason(client, app, people):
    with app.app_context():
        item = publish_on(people, 16, "修路决定")
        with frozen(datetime(2026, 10, 20, 2)):
            ops.withdraw_item(who(people, "publisher"), item.site, item, "村民会议已撤销该决定")
        db.session.commit()
    (entry,) = entries(feed(client, f"/s/{VILLAGE}/feed.atom"))
    assert entry["title"] == "【已撤回】修路决定"
    assert "村民会议已撤销该决定" in entry["summary"]
    assert entry["updated"] == "2026-10-20T02:00:00+00:00"


def test_drafts_never_appear(client, app, people):
    with app.app_context():
        make_draft(people, {"title": "草稿中的决定"})
        submitted = make_draft(people, {"title": "待会签的决定"})
        ops.submit_item(who(people, "publisher"), submitted.site, submitted)
        item = publish_on(people, 16, "已发布的决定")
        ops.start_correction(who(people, "publisher"), item.site, item)
        ops.update_draft(who(people, "publisher"), item.site, item, {
            "category": "A04.10", "period": "2026-10-15", "title": "更正中的标题",
            "body": "更正中的正文", "reason": "里程数有误"})
        db.session.commit()
    for url in (f"/s/{VILLAGE}/feed.atom", f"/s/{TOWNSHIP}/feed.atom?sub=1",
                f"/s/{VILLAGE}/c/A04.10/feed.atom"):
        text = client.get(url).get_data(as_text=True)
        assert "已发布的决定" in text
        for draft in ("草稿中的决定", "待会签的决定", "更正中的标题", "更正中的正文"):
            assert draft not in text, (url, draft)


def test_unknown_site_is_404(client, people):
    for url in ("/s/999999999999/feed.atom", "/s/abc/feed.atom",
                "/s/999999999999/c/A04.10/feed.atom"):
        assert client.get(url).status_code == 404, url


def test_site_page_offers_the_feed(client, people):
    text = client.get(f"/s/{TOWNSHIP}/").get_data(as_text=True)
    assert (f'<link rel="alternate" type="application/atom+xml" title="安德街道公开信息" '
            f'href="/s/{TOWNSHIP}/feed.atom">') in text
    assert f'<a href="/s/{TOWNSHIP}/feed.atom">订阅</a>' in text
    assert f'href="/s/{TOWNSHIP}/feed.atom?sub=1"' in text
    assert f'href="/s/{TOWNSHIP}/policies/"' in text
