"""Search through the application: the outbox keeps the index in step, scopes, facets, the page.

Every test here runs once per engine (tantivy and Whoosh) through the `engine` fixture, and the
whole file runs on SQLite and on PostgreSQL like the rest of the suite.
"""
# ruff: noqa: F811  (fixtures imported from other test modules)

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.content import operations as ops
from portal.core.clock import frozen, shanghai_noon
from portal.extensions import db
from portal.search import indexer as indexer_module
from portal.search.models import SearchOutbox
from portal.search.service import SearchRequest, run_search, search_service
from portal.sites.models import Site
from tests.test_content import DECISION, VILLAGE, people, who  # noqa: F401
from tests.test_policies import DISTRICT, TOWNSHIP, publish_policy, upper  # noqa: F401

NEIGHBOUR = "510117004201"  # another village of the same township
OTHER_TOWNSHIP_VILLAGE = "510117005200"


@pytest.fixture(params=["tantivy", "whoosh"])
def engine(request, app):
    """Run the test with this engine as the application's search backend."""
    previous = app.config["SEARCH_BACKEND"]
    app.config["SEARCH_BACKEND"] = request.param
    old = app.extensions.pop("portal_search", None)
    yield request.param
    with app.app_context():
        service = app.extensions.pop("portal_search", None)
        if service is not None:
            service.indexer.reset()
            service.backend.close()
    app.config["SEARCH_BACKEND"] = previous
    if old is not None:
        app.extensions["portal_search"] = old


@pytest.fixture
def village_people(upper, make_user):
    """Publishers and supervisors of the village, its neighbour and a village elsewhere."""
    return {
        **upper,
        "n_pub": make_user("13900000031", "邻村发布员", roles=[(NEIGHBOUR, "publisher")]),
        "n_rev": make_user("13900000032", "邻村监委", roles=[(NEIGHBOUR, "supervisor")]),
        "o_pub": make_user("13900000041", "外镇发布员", roles=[(OTHER_TOWNSHIP_VILLAGE, "publisher")]),
        "o_rev": make_user("13900000042", "外镇监委", roles=[(OTHER_TOWNSHIP_VILLAGE, "supervisor")]),
    }


STAFF = {VILLAGE: ("publisher", "supervisor"), NEIGHBOUR: ("n_pub", "n_rev"),
         OTHER_TOWNSHIP_VILLAGE: ("o_pub", "o_rev")}


def publish(people, site=VILLAGE, commit=True, **data):
    """Publish a village decision (A04.10) through the ordinary workflow; returns the item."""
    publisher, reviewer = STAFF[site]
    item = ops.create_item(who(people, publisher), Site.by_code(site), {**DECISION, **data})
    ops.submit_item(who(people, publisher), item.site, item)
    ops.countersign_item(who(people, reviewer), item.site, item)
    if commit:
        db.session.commit()
    return item


def found(q, scope=None, **args):
    """Ids of the items a search finds, in order (the first page, up to 50)."""
    query = {"q": q, **({"scope": scope} if scope else {}), **args}
    request = SearchRequest.from_args(query)
    return [r.item.id for r in run_search(request).results]


LOW_INCOME = {"title": "2026年第三季度低保对象名单公示",
              "body": "经村民代表会议评议，以下家庭纳入最低生活保障：张**，3人，每月 1,260 元。"}
HOMESTEAD = {"title": "宅基地审批结果公示", "category": "A04.10",
             "body": "村民王**申请新建住房宅基地 120 平方米，经审查符合规划，予以公示。"}


# -- in step with what is published -------------------------------------------------------------


def test_publish_is_searchable_at_once_and_drafts_never(ctx, engine, village_people):
    draft = ops.create_item(who(village_people, "publisher"), Site.by_code(VILLAGE),
                            {**DECISION, **LOW_INCOME})
    db.session.commit()
    assert found("低保") == []  # a draft is not searchable
    item = publish(village_people, **HOMESTEAD)
    assert found("宅基地") == [item.id]
    assert found("宅基地 审批") == [item.id]
    assert draft.id not in found("低保")


def test_correction_and_withdrawal_change_results_at_once(ctx, engine, village_people):
    item = publish(village_people, **HOMESTEAD)
    ops.start_correction(who(village_people, "publisher"), item.site, item)
    db.session.commit()
    assert found("宅基地") == [item.id]  # the public still sees the published text
    ops.update_draft(who(village_people, "publisher"), item.site, item,
                     {**DECISION, "title": "村道修建工程验收公示", "body": "村道已完工并验收。",
                      "reason": "发错了内容"})
    ops.submit_item(who(village_people, "publisher"), item.site, item)
    ops.countersign_item(who(village_people, "supervisor"), item.site, item)
    db.session.commit()
    assert found("宅基地") == []
    assert found("验收") == [item.id]
    ops.withdraw_item(who(village_people, "publisher"), item.site, item, "内容有误")
    db.session.commit()
    assert found("验收") == []


def test_rolled_back_publish_leaves_nothing_to_index(ctx, engine, village_people):
    publish(village_people, commit=False, **HOMESTEAD)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(SearchOutbox.id))) == 0
    assert found("宅基地") == []


# -- Chinese first -------------------------------------------------------------------------------


def test_synonyms_traditional_numbers_and_highlight(ctx, engine, village_people):
    item = publish(village_people, **LOW_INCOME)
    assert found("最低生活保障") == [item.id]
    assert found("低保 公示") == [item.id]
    assert found("低保户") == [item.id]  # a synonym that is in neither text
    assert found("低保對象") == [item.id]  # traditional characters fold to simplified
    assert found("２０２６") == [item.id]  # full-width digits
    assert found("2026 低保") == [item.id]
    page = run_search(SearchRequest.from_args({"q": "低保"}))
    assert "<mark>低保对象</mark>" in str(page.results[0].title)  # a synonym of 低保
    assert "<mark>最低生活保障</mark>：张**，3人" in str(page.results[0].snippet)


def test_pinyin_of_a_site_name_finds_its_disclosures(ctx, engine, village_people):
    item = publish(village_people, **HOMESTEAD)
    other = publish(village_people, site=OTHER_TOWNSHIP_VILLAGE, **HOMESTEAD)
    village = db.session.scalar(db.select(Site).where(Site.code == VILLAGE))
    pinyin = village.pinyin
    assert set(found(pinyin)) == {item.id}
    assert set(found(f"{village.initials} 宅基地")) == {item.id}
    assert set(found(f"{village.short_name} 宅基地")) == {item.id}
    assert other.id not in found("宅基地", scope=VILLAGE)


# -- scope and facets ----------------------------------------------------------------------------


def test_scopes_and_policies_from_above(ctx, engine, village_people):
    here = publish(village_people, **HOMESTEAD)
    neighbour = publish(village_people, site=NEIGHBOUR, **HOMESTEAD)
    elsewhere = publish(village_people, site=OTHER_TOWNSHIP_VILLAGE, **HOMESTEAD)
    policy = publish_policy(village_people, title="郫都区农村宅基地管理办法",
                            body="规范农村宅基地审批。")
    assert set(found("宅基地")) == {here.id, neighbour.id, elsewhere.id, policy.id}
    assert set(found("宅基地", scope=VILLAGE)) == {here.id, policy.id}
    assert set(found("宅基地", scope=TOWNSHIP)) == {here.id, neighbour.id, policy.id}
    assert set(found("宅基地", scope=TOWNSHIP, within="site")) == {policy.id}
    assert set(found("宅基地", scope=DISTRICT)) == {here.id, neighbour.id, elsewhere.id,
                                                    policy.id}
    assert set(found("宅基地", scope=DISTRICT, within="site")) == {policy.id}


def test_a_site_added_later_finds_the_policies_from_above(ctx, engine, village_people):
    from portal.sites.operations import import_divisions

    policy = publish_policy(village_people, title="郫都区农村宅基地管理办法",
                            body="规范农村宅基地审批。")
    new_village = TOWNSHIP[:9] + "299"
    import_divisions([("villages.csv", "code,name,streetCode,provinceCode,cityCode,areaCode\n"
                       f"{new_village},新建村村民委员会,{TOWNSHIP[:9]},51,5101,{DISTRICT[:6]}\n")])
    db.session.commit()  # the items of the sites above go through the outbox again
    assert search_service().indexer.lag() == 0
    assert found("宅基地", scope=new_village) == [policy.id]
    assert found("宅基地", scope=new_village, within="site") == [policy.id]


def test_facets_count_and_filter(ctx, engine, village_people):
    a = publish(village_people, **HOMESTEAD)
    b = publish(village_people, site=NEIGHBOUR, **HOMESTEAD)
    policy = publish_policy(village_people, title="郫都区宅基地管理办法", body="宅基地审批。")
    page = run_search(SearchRequest.from_args({"q": "宅基地"}))
    facets = {name: {f.value: f.count for f in values} for name, values in page.facets.items()}
    assert facets["level"] == {"village": 2, "district": 1}
    assert facets["category"] == {"A04.10": 2, "A11.02": 1}
    assert facets["publisher"] == {VILLAGE: 1, NEIGHBOUR: 1, DISTRICT: 1}
    assert facets["year"] == {"2026": 3}
    labels = {f.value: f.label for f in page.facets["publisher"]}
    assert labels[NEIGHBOUR] == db.session.scalar(
        db.select(Site.short_name).where(Site.code == NEIGHBOUR))
    assert set(found("宅基地", level="village")) == {a.id, b.id}
    assert found("宅基地", publisher=DISTRICT) == [policy.id]
    assert found("宅基地", category="A04.10", publisher=NEIGHBOUR) == [b.id]


def test_order_by_date_and_paging(ctx, engine, village_people, app):
    items = []
    for day in (3, 20, 11):
        with frozen(shanghai_noon(date(2026, 10, day))):
            items.append(publish(village_people, title=f"10月{day}日宅基地审批公示",
                                 body="宅基地。"))
    newest_first = [items[1].id, items[2].id, items[0].id]
    assert found("宅基地", order="date") == newest_first
    app.config["SEARCH_PAGE_SIZE"] = 2
    try:
        first = run_search(SearchRequest.from_args({"q": "宅基地", "order": "date"}))
        second = run_search(SearchRequest.from_args({"q": "宅基地", "order": "date",
                                                     "page": "2"}))
    finally:
        app.config["SEARCH_PAGE_SIZE"] = 10
    assert first.total == second.total == 3 and first.pages == 2
    assert [r.item.id for r in first.results + second.results] == newest_first


# -- crashes, replays and drift ------------------------------------------------------------------


def test_out_of_order_commits_are_not_skipped(ctx, engine, village_people, app, monkeypatch):
    app.config["SEARCH_INDEX_AFTER_COMMIT"] = False
    try:
        first = publish(village_people, **HOMESTEAD)
        second = publish(village_people, **LOW_INCOME)
        rows = db.session.scalars(db.select(SearchOutbox).order_by(SearchOutbox.id)).all()
        early = rows[0].id
        db.session.delete(rows[0])  # as if its transaction had not committed yet
        db.session.commit()
        indexer = search_service().indexer
        indexer.apply_pending()
        assert found("低保") == [second.id] and found("宅基地") == []
        assert indexer.state()["gaps"].keys() == {early}
        db.session.add(SearchOutbox(id=early, kind="item", ref_id=first.id))  # commits late
        db.session.commit()
        indexer.apply_pending()
        assert found("宅基地") == [first.id]
        assert indexer.state()["gaps"] == {}
        # A gap that never fills (a rolled-back transaction) is forgotten after GAP_SECONDS.
        db.session.add(SearchOutbox(id=early + 10, kind="item", ref_id=first.id))
        db.session.commit()
        indexer.apply_pending()
        assert indexer.state()["gaps"].keys() == set(range(rows[1].id + 1, early + 10))
        monkeypatch.setattr(indexer_module, "GAP_SECONDS", 0)
        indexer.apply_pending()
        assert indexer.state()["gaps"] == {}
    finally:
        app.config["SEARCH_INDEX_AFTER_COMMIT"] = True


KILLED_AFTER_COMMIT = textwrap.dedent("""
    import os, signal, sys
    from sqlalchemy import event
    from flask_sqlalchemy.session import Session
    from portal import create_app
    from portal.content import operations as ops
    from portal.accounts.models import User
    from portal.extensions import db
    from portal.sites.models import Site

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                      "SEARCH_BACKEND": sys.argv[2], "SEARCH_INDEX_DIR": sys.argv[3]})

    def crash(session):
        os.kill(os.getpid(), signal.SIGKILL)  # the commit is done, the index not yet touched

    with app.app_context():
        event.listen(Session, "after_commit", crash, insert=True)
        publisher = db.session.scalar(db.select(User).where(User.mobile == "13900000001"))
        reviewer = db.session.scalar(db.select(User).where(User.mobile == "13900000002"))
        site = Site.by_code("510117004200")
        item = ops.create_item(publisher, site, {"category": "A04.10", "period": "2026-10-15",
                               "title": "宅基地审批结果公示", "body": "宅基地 120 平方米。"})
        ops.submit_item(publisher, site, item)
        ops.countersign_item(reviewer, site, item)
        db.session.commit()
    print("not killed")
""")


def test_kill_between_commit_and_indexing_then_replay(ctx, engine, village_people, app, runner):
    indexer = search_service().indexer
    db.session.commit()
    result = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, app.config["SQLALCHEMY_DATABASE_URI"],
         engine, app.config["SEARCH_INDEX_DIR"]],
        capture_output=True, text=True, timeout=120, cwd=os.getcwd())
    assert result.returncode == -9, result.stderr  # SIGKILL
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(SearchOutbox.id))) == 1  # committed
    assert found("宅基地") == []  # ... but never indexed
    assert indexer.lag() == 1
    output = runner.invoke(args=["search", "follow", "--once"])
    assert output.exit_code == 0, output.output
    assert "applied 1 change(s): 1 indexed" in output.output
    assert len(found("宅基地")) == 1 and indexer.lag() == 0


def test_check_reports_drift_and_rebuild_repairs_it(ctx, engine, village_people, runner):
    item = publish(village_people, **HOMESTEAD)
    publish(village_people, **LOW_INCOME)
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0 and "in step with the database" in result.output
    search_service().backend.apply([], [f"item:{item.id}"])  # the index loses a document
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"missing: 1: item:{item.id}" in result.output
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "indexed 2 item(s)" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert found("宅基地") == [item.id]


@pytest.mark.parametrize("engine", ["tantivy"], indirect=True)
def test_an_index_of_an_older_layout_is_reported_and_rebuilt(ctx, app, engine, village_people,
                                                            runner, client):
    from tests.test_search_backends import write_first_layout_index

    first = publish(village_people, **HOMESTEAD).id
    service = search_service()
    path = service.backend.path
    service.backend.close()
    for entry in path.iterdir():  # what an upgrade finds: the index the previous version wrote
        if entry.name not in ("position.json", "indexer.lock"):
            entry.unlink()
    write_first_layout_index(path, number=first)
    app.extensions.pop("portal_search")  # the upgraded processes start
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError)
    assert "旧版本的结构" in result.output and "search rebuild" in result.output
    second = publish(village_people, **LOW_INCOME).id  # publishing works; the change waits
    assert search_service().indexer.lag() == 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["search"] == "error: IndexOutdated"
    result = runner.invoke(args=["search", "follow", "--once"])
    assert result.exit_code == 1 and "search rebuild" in result.output
    result = runner.invoke(args=["search", "rebuild"])
    assert result.exit_code == 0 and "indexed 2 item(s)" in result.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert found("宅基地") == [first] and found("低保") == [second]


def test_healthz_reports_an_index_that_falls_behind(ctx, engine, village_people, app, client):
    app.config["SEARCH_INDEX_AFTER_COMMIT"] = False
    app.config["SEARCH_HEALTHY_LAG"] = 0
    try:
        publish(village_people, **HOMESTEAD)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json["checks"]["search"] == "error: 1 outbox change(s) not indexed"
        search_service().indexer.apply_pending()
        assert client.get("/healthz").status_code == 200
    finally:
        app.config["SEARCH_INDEX_AFTER_COMMIT"] = True
        app.config["SEARCH_HEALTHY_LAG"] = 1000


# -- the page ------------------------------------------------------------------------------------


def test_search_page_highlights_scopes_and_filters_without_javascript(
        client, app, engine, village_people):
    with app.app_context():
        item_id = publish(village_people, **LOW_INCOME).id
        publish_policy(village_people, title="郫都区低保审核确认办法", body="低保审核。")
    response = client.get("/search", query_string={"q": "低保 公示", "scope": VILLAGE})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"/s/{VILLAGE}/items/{item_id}" in html
    assert "<mark>低保对象</mark>" in html
    html = client.get("/search", query_string={"q": "低保", "scope": TOWNSHIP}).get_data(
        as_text=True)
    assert "找到 2 条" in html
    assert "level=district" in html  # a facet link, a plain GET that needs no script
    html = client.get("/search", query_string={"q": "低保", "scope": TOWNSHIP,
                                               "level": "district"}).get_data(as_text=True)
    assert "找到 1 条" in html and "发布层级" in html
    site_page = client.get(f"/s/{VILLAGE}/").get_data(as_text=True)
    assert f'name="scope" value="{VILLAGE}"' in site_page  # the header box searches the site


def test_nothing_found_offers_help(client, app, engine, village_people):
    with app.app_context():
        publish(village_people, **LOW_INCOME)
    html = client.get("/search", query_string={"q": "低宝", "scope": VILLAGE}).get_data(
        as_text=True)
    assert "没有找到与“低宝”相符的公开内容" in html
    assert "q=%E4%BD%8E%E4%BF%9D" in html  # 您是不是要找 低保
    assert "扩大到" in html and "在全部站点中搜索" in html


@pytest.mark.parametrize("args, message", [
    ({"q": ""}, "输入关键词"),
    ({"q": "低保", "scope": "999999999999"}, "没有编码为“999999999999”的站点"),
    ({"q": "低保", "scope": "<script>"}, "找到"),
    ({"q": "低保", "page": "-3"}, "找到"),
    ({"q": "低保", "page": "99999999999999999999"}, "找到"),
    ({"q": "低保", "level": "village' OR 1=1"}, "找到"),
    ({"q": "宅" * 1000}, "找到"),
    ({"q": "\x00\x1b[31m低保\u200b"}, "找到"),
    ({"q": 'AND OR NOT * " : ( ) - + ~ ^ [ ] { } \\ / title:低保'}, "找到"),
], ids=["empty", "unknown-scope", "bad-scope", "negative-page", "huge-page", "bad-filter",
        "1000-chars", "controls", "syntax"])
def test_bad_input_never_fails(client, app, engine, village_people, args, message):
    with app.app_context():
        publish(village_people, **LOW_INCOME)
    response = client.get("/search", query_string=args)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=1000), scope=st.text(max_size=20))
def test_any_query_and_scope_answer_200(client, app, engine, q, scope):
    response = client.get("/search", query_string={"q": q, "scope": scope})
    assert response.status_code == 200
