"""Compliance: on time, late, missing and due, worked out by hand against the shipped standard."""

import json
from datetime import date, datetime, timedelta

import pytest

from portal.accounts.models import User
from portal.content.compliance import (
    category_status,
    owed_next,
    site_report,
    subtree_report,
)
from portal.content.models import Item, ItemRevision
from portal.extensions import db
from portal.sites.models import Site
from portal.standards.loader import parse_rule
from portal.standards.models import Category, get_category

CITY, DISTRICT, TOWNSHIP = "510100000000", "510117000000", "510117004000"
VILLAGE, VILLAGE_B, VILLAGE_C = "510117004200", "510117004201", "510117004001"
OTHER_TOWNSHIP = "510117005000"
QUARTERLY = ["B02.01", "B02.02", "B02.03", "B02.04"]  # 村级 每季度 Q20
NOTICES = "A11.10"  # 通知公告: CDT, EVENT, WD20
# A village publishes 53 periodic (29 quarterly, 24 yearly) and 27 standing categories:
# 80 obligations count; its 55 event and 3 notice categories count only once it publishes.
VILLAGE_OBLIGATIONS = 80


@pytest.fixture
def publisher(standard, make_user):
    return make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")])


def shanghai(*args) -> datetime:
    """A Shanghai wall-clock time as stored: naive UTC."""
    return datetime(*args) - timedelta(hours=8)


def publish(code, category, start, end, at, user_id, kind="quarter", withdrawn=False):
    """A published item and its revision, written directly (the workflow is tested elsewhere)."""
    site = Site.by_code(code)
    item = Item(site_id=site.id, category_code=category, standard_version="2026.1",
                period_kind=kind, period_start=start, period_end=end, status="published",
                draft_title="公开", draft_body="内容", created_by_id=user_id,
                first_published_at=at, last_published_at=at)
    db.session.add(item)
    db.session.flush()
    revision = ItemRevision(item_id=item.id, site_id=site.id, number=1, category_code=category,
                            period_kind=kind, period_start=start, period_end=end, title="公开",
                            body="内容", published_at=at, published_by_id=user_id,
                            countersigned_by_id=user_id, countersign_role="supervisor",
                            content_sha256="0" * 64)
    db.session.add(revision)
    db.session.flush()
    item.current_revision_id = revision.id
    if withdrawn:
        item.status, item.withdrawn_at, item.withdraw_reason = "withdrawn", at, "发布有误"
    db.session.flush()
    return item


def q3(code, category, at, user_id, **kw):
    return publish(code, category, date(2026, 7, 1), date(2026, 9, 30), at, user_id, **kw)


def status(code, category, today):
    return category_status(Site.by_code(code), get_category(category), today=today)


# ---------------------------------------------------------------- periodic


def test_quarterly_on_time_late_and_missing(ctx, publisher):
    # Q3 2026 is due by 20 October (Q20); judged from the 21st.
    q3(VILLAGE, "B02.01", shanghai(2026, 10, 20, 23, 30), publisher)  # the last evening
    q3(VILLAGE, "B02.02", shanghai(2026, 10, 21, 0, 30), publisher)  # 16:30 UTC on the 20th
    today = date(2026, 10, 25)

    on_time = status(VILLAGE, "B02.01", today)
    assert on_time.state == "on_time" and on_time.due_date == date(2026, 10, 20)
    assert on_time.period_label == "2026年第3季度" and on_time.message == "2026年第3季度按时公开"

    late = status(VILLAGE, "B02.02", today)
    assert late.state == "late" and late.published_on == date(2026, 10, 21)
    assert "逾期1天" in late.message

    missing = status(VILLAGE, "B02.03", today)
    assert missing.state == "missing" and missing.due_date == date(2026, 10, 20)
    assert missing.message == "2026年第3季度应于2026年10月20日前公开，已逾期"
    assert missing.label == "逾期未公开"


def test_quarter_in_its_window_is_due_until_its_date_passes(ctx, publisher):
    publish(VILLAGE, "B02.01", date(2026, 4, 1), date(2026, 6, 30),
            shanghai(2026, 7, 10, 9), publisher)  # Q2 on time
    for today in (date(2026, 10, 10), date(2026, 10, 20)):  # the due day itself is not late
        due = status(VILLAGE, "B02.01", today)
        assert due.state == "due" and due.due_date == date(2026, 10, 20)
        assert due.message == "本期（2026年第3季度）应于2026年10月20日前公开"
        assert due.counted == "on_time" and due.owes  # Q2 still counts as on time
    assert status(VILLAGE, "B02.01", date(2026, 10, 21)).state == "missing"
    # Publishing Q3 early in its window makes it on time at once.
    q3(VILLAGE, "B02.01", shanghai(2026, 10, 9, 10), publisher)
    early = status(VILLAGE, "B02.01", date(2026, 10, 10))
    assert early.state == "on_time" and early.period_label == "2026年第3季度"


def test_an_item_covering_the_quarter_partly_counts(ctx, publisher):
    publish(VILLAGE, "B02.01", date(2026, 7, 1), date(2026, 12, 31),
            shanghai(2026, 10, 1, 9), publisher, kind="year")
    assert status(VILLAGE, "B02.01", date(2026, 10, 25)).state == "on_time"


def monthly(category: Category) -> Category:
    """A transient monthly copy of a category (as for villages with many transactions: M20)."""
    return Category(code=category.code, name=category.name, part=category.part,
                    parent_code=category.parent_code, is_leaf=True, position=category.position,
                    levels="V", frequency="MONTHLY",
                    deadline=json.dumps({"rules": {"V": parse_rule("M20")}}))


def test_monthly(ctx, publisher):
    village = Site.by_code(VILLAGE)
    cat = monthly(get_category("B02.05"))
    publish(VILLAGE, "B02.05", date(2026, 8, 1), date(2026, 8, 31),
            shanghai(2026, 9, 15, 15), publisher, kind="month")
    publish(VILLAGE, "B02.05", date(2026, 9, 1), date(2026, 9, 30),
            shanghai(2026, 10, 9, 15), publisher, kind="month")
    # 5 November: September (due 20 October) was on time; October is due by 20 November.
    due = category_status(village, cat, today=date(2026, 11, 5))
    assert due.state == "due" and due.due_date == date(2026, 11, 20)
    assert due.period_label == "2026年10月" and due.counted == "on_time"
    # 21 November: October has fallen due with nothing published.
    missing = category_status(village, cat, today=date(2026, 11, 21))
    assert missing.message == "2026年10月应于2026年11月20日前公开，已逾期"
    # 10 October: August was on time, September is in its window and already published.
    early = category_status(village, cat, today=date(2026, 10, 10))
    assert early.state == "on_time" and early.period_label == "2026年9月"


def test_yearly_rule_is_judged_for_last_year(ctx, publisher):
    # B01.01 年度财务收支计划: Y01-31, so 2025 fell due on 31 January 2026.
    publish(VILLAGE, "B01.01", date(2025, 1, 1), date(2025, 12, 31),
            shanghai(2026, 2, 3, 10), publisher, kind="year")
    late = status(VILLAGE, "B01.01", date(2026, 10, 25))
    assert late.state == "late" and late.due_date == date(2026, 1, 31)
    assert late.message == "2025年度应于2026年1月31日前公开，2026年2月3日才公开，逾期3天"


# ---------------------------------------------------------------- what does not count


def test_withdrawn_item_does_not_count(ctx, publisher):
    q3(VILLAGE, "B02.01", shanghai(2026, 10, 15, 9), publisher, withdrawn=True)
    assert status(VILLAGE, "B02.01", date(2026, 10, 25)).state == "missing"


def test_upper_level_item_does_not_count_for_the_village(ctx, publisher):
    # 低保对象名单 is published by townships and villages; the township's own does not cover
    # the village's obligation.
    q3(TOWNSHIP, "A07.03", shanghai(2026, 10, 15, 9), publisher)
    assert status(TOWNSHIP, "A07.03", date(2026, 10, 25)).state == "on_time"
    assert status(VILLAGE, "A07.03", date(2026, 10, 25)).state == "missing"


def test_category_of_another_level_is_not_applicable(ctx, standard):
    found = status(VILLAGE, NOTICES, date(2026, 10, 25))
    assert found.state == "not_applicable" and found.due_date is None


# ---------------------------------------------------------------- events and standing


def test_wd20_event_across_national_day(ctx, publisher):
    # Event on Monday 28 September 2026. Working days after it: 29, 30 Sept (2); 1-7 Oct off;
    # 8, 9 and Saturday 10 Oct (调休) (5); 12-16 (10); 19-23 (15); 26-30 (20): due Friday 30 Oct.
    # Counting Monday to Friday only would give Monday 2 November.
    event = date(2026, 9, 28)
    publish(TOWNSHIP, NOTICES, event, event, shanghai(2026, 10, 30, 18), publisher, kind="event")
    publish(OTHER_TOWNSHIP, NOTICES, event, event, shanghai(2026, 10, 31, 9), publisher,
            kind="event")
    today = date(2026, 11, 23)
    on_time = status(TOWNSHIP, NOTICES, today)
    assert on_time.state == "on_time" and on_time.due_date == date(2026, 10, 30)
    assert on_time.message == "最近一次（2026年9月28日）按时公开"
    late = status(OTHER_TOWNSHIP, NOTICES, today)
    assert late.state == "late" and late.due_date == date(2026, 10, 30)
    assert "逾期1天" in late.message


def test_event_category_without_items_has_no_obligation(ctx, standard):
    found = status(VILLAGE, "A04.10", date(2026, 10, 25))  # V: CD5
    assert found.state == "event" and found.counted is None
    assert found.message == "随时公开：事项发生后5日内"


def test_calendar_day_event_and_the_latest_item_decides(ctx, publisher):
    publish(VILLAGE, "A04.10", date(2026, 9, 1), date(2026, 9, 1),
            shanghai(2026, 9, 20, 9), publisher, kind="event")  # late, but older
    publish(VILLAGE, "A04.10", date(2026, 10, 1), date(2026, 10, 1),
            shanghai(2026, 10, 6, 20), publisher, kind="event")  # CD5: by 6 October
    found = status(VILLAGE, "A04.10", date(2026, 10, 25))
    assert found.state == "on_time" and found.due_date == date(2026, 10, 6)


def test_standing_missing_until_published(ctx, publisher):
    assert status(VILLAGE, "A05.01", date(2026, 10, 25)).state == "missing"
    publish(VILLAGE, "A05.01", date(2026, 3, 1), date(2026, 3, 1),
            shanghai(2026, 3, 2, 9), publisher, kind="event")
    assert status(VILLAGE, "A05.01", date(2026, 10, 25)).state == "on_time"


def test_yearly_due_after_approval_is_not_judged(ctx, standard):
    found = status(TOWNSHIP, "A11.04", date(2026, 10, 25))  # 财政预决算: CD20 after approval
    assert found.state == "event" and found.message == "每年公开：批准后20日内"


# ---------------------------------------------------------------- reports


def test_site_report_totals(ctx, publisher):
    q3(VILLAGE, "B02.01", shanghai(2026, 10, 20, 9), publisher)
    q3(VILLAGE, "B02.02", shanghai(2026, 10, 22, 9), publisher)
    report = site_report(Site.by_code(VILLAGE), today=date(2026, 10, 25))
    assert len(report.rows) == 138
    assert [r.category.code for r in report.rows][:2] == ["A01.01", "A01.02"]
    t = report.totals
    assert (t.on_time, t.late, t.missing, t.due) == (1, 1, VILLAGE_OBLIGATIONS - 2, 0)
    assert t.rate == pytest.approx(1 / VILLAGE_OBLIGATIONS)
    by_code = {r.category.code: r.status for r in report.rows}
    assert by_code["B02.02"].state == "late" and by_code["A04.10"].state == "event"


def test_site_report_counts_due_beside_last_period(ctx, publisher):
    publish(VILLAGE, "B02.01", date(2026, 4, 1), date(2026, 6, 30),
            shanghai(2026, 7, 10, 9), publisher)
    t = site_report(Site.by_code(VILLAGE), today=date(2026, 10, 10)).totals
    assert t.on_time == 1 and t.due == 29  # every quarterly category owes Q3 by 20 October


def test_subtree_ranking_worst_first(ctx, publisher):
    at = shanghai(2026, 10, 15, 9)
    for category in QUARTERLY:
        q3(VILLAGE, category, at, publisher)  # 4 on time
    q3(VILLAGE_B, "B02.01", at, publisher)  # 2 on time, 2 late
    q3(VILLAGE_B, "B02.02", at, publisher)
    q3(VILLAGE_B, "B02.03", shanghai(2026, 10, 22, 9), publisher)
    q3(VILLAGE_B, "B02.04", shanghai(2026, 10, 23, 9), publisher)
    report = subtree_report(Site.by_code(TOWNSHIP), today=date(2026, 10, 25))
    codes = [r.code for r in report.ranking]
    assert codes == [VILLAGE_C, VILLAGE_B, VILLAGE]  # 0/80, 2/80, 4/80; the township itself not
    assert [r.totals.on_time for r in report.ranking] == [0, 2, 4]
    assert report.ranking[1].totals.late == 2
    assert report.overdue_count == 3 * VILLAGE_OBLIGATIONS - 4 - 4


def test_subtree_overdue_is_oldest_first_and_capped(ctx, standard):
    report = subtree_report(Site.by_code(DISTRICT), today=date(2026, 10, 25), overdue_limit=50)
    assert len(report.overdue) == 50 and report.overdue_count > 50
    dues = [o.due_date for o in report.overdue]
    assert dues == sorted(dues) and dues[0] == date(2026, 1, 31)  # Y01-31 for 2025
    first = report.overdue[0]
    assert first.period_label == "2025年度" and first.path  # a village: its township's name
    whole = subtree_report(Site.by_code(DISTRICT), today=date(2026, 10, 25))
    assert len(whole.overdue) == whole.overdue_count == report.overdue_count
    assert whole.overdue[-1].due_date is None  # standing categories never published come last
    # 自然地理、人口与就业概况 is due by 31 March at townships and by 31 January at villages.
    dues = {(o.site_code, o.due_date) for o in whole.overdue if o.category_code == "A01.02"}
    assert (TOWNSHIP, date(2026, 3, 31)) in dues and (VILLAGE, date(2026, 1, 31)) in dues
    levels = {r.level for r in whole.ranking}
    assert levels == {"township", "village"}
    assert len(whole.ranking) == 2 + 4  # 安德街道 and 团结街道, their four villages


def test_subtree_report_takes_a_handful_of_queries(ctx, publisher):
    from sqlalchemy import event

    for code in (VILLAGE, VILLAGE_B, TOWNSHIP):
        q3(code, "A07.03", shanghai(2026, 10, 15, 9), publisher)
        publish(code, "A05.01", date(2026, 3, 1), date(2026, 3, 1), shanghai(2026, 3, 2, 9),
                publisher, kind="event")
    city = Site.by_code(CITY)
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        report = subtree_report(city, today=date(2026, 10, 25))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(report.ranking) == 11
    assert len(statements) <= 8  # never one per site or per category


def test_owed_next_overdue_first_then_due(ctx, publisher):
    publish(VILLAGE, "B02.01", date(2026, 4, 1), date(2026, 6, 30),
            shanghai(2026, 7, 10, 9), publisher)
    user = db.session.get(User, publisher)
    owed = owed_next(user, limit=200, today=date(2026, 10, 10))
    # Overdue: Q2 of 28 quarterly categories, 2025 of 24 yearly ones, 27 standing ones;
    # due: Q3 of all 29 quarterly categories, by 20 October.
    assert len(owed) == 28 + 24 + 27 + 29
    assert {o.site_code for o in owed} == {VILLAGE}
    states = [o.state for o in owed]
    assert states == sorted(states, key=["missing", "due"].index)  # overdue before due
    dated = [o.due_date for o in owed if o.state == "missing" and o.due_date]
    assert dated == sorted(dated)
    due = [o for o in owed if o.state == "due"]
    assert due and all(o.due_date == date(2026, 10, 20) for o in due)
    assert not any(o.category_code == "B02.01" and o.state == "missing" for o in owed)
    assert owed_next(user, limit=5, today=date(2026, 10, 10)) == owed[:5]


def test_owed_next_for_someone_without_publishing_roles(ctx, standard, make_user):
    supervisor = make_user("13900000002", roles=[(VILLAGE, "supervisor")])
    assert owed_next(db.session.get(User, supervisor)) == []


# ---------------------------------------------------------------- pages


@pytest.mark.parametrize("code", [VILLAGE, TOWNSHIP, CITY])
def test_page_renders_for_anyone(client, standard, code):
    response = client.get(f"/s/{code}/compliance/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "按时公开情况" in html and "按时公开率" in html
    if code == VILLAGE:
        assert "逾期未公开" in html and "下辖站点排名" not in html
        assert "季度结束后次月20日前" in html
    else:
        assert "下辖站点排名" in html
        assert f'href="/s/{VILLAGE}/compliance/"' in html


def test_page_shows_the_states_in_words(app, client, publisher):
    with app.app_context():
        q3(VILLAGE, "B02.01", shanghai(2026, 10, 15, 9), publisher)
        db.session.commit()
    html = client.get(f"/s/{VILLAGE}/compliance/").get_data(as_text=True)
    assert 'class="bad">逾期未公开<' in html and "长期公开，尚未公开" in html


def test_city_ranking_filters_by_level(client, standard):
    html = client.get(f"/s/{CITY}/compliance/?level=township").get_data(as_text=True)
    assert f'href="/s/{TOWNSHIP}/compliance/"' in html
    assert f'href="/s/{VILLAGE}/compliance/"' not in html.split('id="overdue-h"')[0]


def test_unknown_site_is_404(client, standard):
    assert client.get("/s/510117999999/compliance/").status_code == 404
    assert client.get("/s/nonsense/compliance/").status_code == 404


def test_page_is_served_from_the_page_cache(client, standard):
    url = f"/s/{TOWNSHIP}/compliance/"
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_large_ranking_opens_at_the_level_below(client, standard, monkeypatch):
    from portal.compliance import views

    monkeypatch.setattr(views, "RANKING_ALL_MAX", 5)  # the small tree has 11 sites below
    html = client.get(f"/s/{CITY}/compliance/").get_data(as_text=True)
    ranking = html.split('id="rank-h"')[1].split('id="overdue-h"')[0]
    assert f'href="/s/{DISTRICT}/compliance/"' in ranking
    assert f'href="/s/{TOWNSHIP}/compliance/"' not in ranking
    everything = client.get(f"/s/{CITY}/compliance/?level=all").get_data(as_text=True)
    assert f'href="/s/{VILLAGE}/compliance/"' in everything
