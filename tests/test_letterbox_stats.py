"""Answer statistics against a hand-computed fixture (judged on 2026-11-23, window 365 days).

Letters (V = 安龙村, T = 安德街道, D = 郫都区; working days with the 2026 calendar):
  L1  V  Mon 2 Mar, accepted 3 Mar, answered Thu 5 Mar: 3 working days, on time, 满意
  L2  V  Fri 13 Feb, accepted Sat 14 Feb (调休), answered 26 Feb: 14, 24, 25, 26 = 4 days,
         on time (due 6 Mar), 基本满意
  L3  V  30 Sep 2025, answered: before the window, not counted
  L4  V  Mon 1 Jun, never accepted: escalated on 5 Jun (due 4 Jun) -> V late
      T  from Fri 5 Jun, accepted 8 Jun, answered 9 Jun: 2 days, on time, 不满意 (10 Jun)
      D  reopened 10 Jun, never accepted: open and overdue (due 15 Jun)
  L5  V  Wed 1 Jul, accepted 2 Jul (answer due 16 Jul), answered Mon 20 Jul: late, 13 days
  L6  V  3 Aug, refused 4 Aug
  L7  T  1 Sep, transferred to V 2 Sep;  V accepted 3 Sep, answered 4 Sep: 2 days, 满意
  L8  V  Fri 20 Nov, open, due 25 Nov: not overdue

  V:  received 7, answered 4, judged 5 (4 answered + L4 escalated), on time 3 -> 60 %;
      days 3, 4, 13, 2 (4 < 5: no median); rated 3 (满意 2, 基本满意 1)
  T:  received 2, answered 1, transferred 1, judged 1, on time 1, days 2, 不满意 1
  D:  received 1, open 1, overdue 1, judged 1, on time 0
  T subtree: received 9, answered 5, judged 6, on time 4 -> 67 %; days 2,2,3,4,13 -> 3
  D subtree: received 10, judged 7, on time 4 -> 57 %
"""

from __future__ import annotations

from datetime import date

import pytest

from portal.core.clock import frozen
from portal.extensions import db
from portal.letterbox import handling, stats, sweep
from portal.letterbox import operations as ops
from portal.sites.models import Site
from tests.test_letterbox import (
    DISTRICT,
    TOWNSHIP,
    VILLAGE,
    noon,
    person,
    staff,  # noqa: F401  (fixture)
    write,
)

TODAY = date(2026, 11, 23)


@pytest.fixture
def fixture_letters(ctx, staff, app):  # noqa: F811
    """Build L1-L8 through the operations, on the days the docstring names."""
    v, t = person(staff, "village"), person(staff, "township")
    n = iter(range(100))

    def letter(at, recipient=VILLAGE):
        x, _ = write({"recipient": f"site:{recipient}", "subject": f"统计用来信第{next(n)}号",
                      "email": None}, at=at)
        return x

    def step(at, fn, *args):
        with frozen(at):
            fn(*args)

    l1 = letter(noon(2026, 3, 2))
    step(noon(2026, 3, 3), handling.accept_letter, v, l1)
    step(noon(2026, 3, 5), handling.reply_letter, v, l1, "已处理完毕，谢谢您的来信。")
    step(noon(2026, 3, 6), ops.rate_letter, l1, "satisfied")

    l2 = letter(noon(2026, 2, 13))
    step(noon(2026, 2, 14), handling.accept_letter, v, l2)
    step(noon(2026, 2, 26), handling.reply_letter, v, l2, "已处理完毕，谢谢您的来信。")
    step(noon(2026, 2, 27), ops.rate_letter, l2, "fair")

    l3 = letter(noon(2025, 9, 30))
    step(noon(2025, 10, 9), handling.accept_letter, v, l3)
    step(noon(2025, 10, 10), handling.reply_letter, v, l3, "已处理完毕，谢谢您的来信。")

    l4 = letter(noon(2026, 6, 1))
    db.session.commit()
    with frozen(noon(2026, 6, 5)):
        assert sweep.run(deliver_mail=False).escalated == 1
    l4 = db.session.merge(l4)
    step(noon(2026, 6, 8), handling.accept_letter, t, l4)
    step(noon(2026, 6, 9), handling.reply_letter, t, l4, "已处理完毕，谢谢您的来信。")
    step(noon(2026, 6, 10), ops.rate_letter, l4, "unsatisfied")
    assert l4.site.code == DISTRICT

    l5 = letter(noon(2026, 7, 1))
    step(noon(2026, 7, 2), handling.accept_letter, v, l5)
    step(noon(2026, 7, 20), handling.reply_letter, v, l5, "已处理完毕，谢谢您的来信。")

    l6 = letter(noon(2026, 8, 3))
    step(noon(2026, 8, 4), handling.reject_letter, v, l6, "已在法院审理中", "court")

    l7 = letter(noon(2026, 9, 1), TOWNSHIP)
    step(noon(2026, 9, 2), handling.transfer_letter, t, l7, Site.by_code(VILLAGE), "村里负责")
    step(noon(2026, 9, 3), handling.accept_letter, v, l7)
    step(noon(2026, 9, 4), handling.reply_letter, v, l7, "已处理完毕，谢谢您的来信。")
    step(noon(2026, 9, 5), ops.rate_letter, l7, "satisfied")

    letter(noon(2026, 11, 20))
    db.session.commit()
    app.config["LETTERS_STATS_MIN_SAMPLE"] = 5
    yield
    app.config["LETTERS_STATS_MIN_SAMPLE"] = 5


def figures(s: stats.Stats) -> dict:
    return {"received": s.received, "answered": s.answered, "refused": s.refused,
            "transferred": s.transferred, "open": s.open, "overdue": s.overdue,
            "escalated": s.escalated, "judged": s.judged, "on_time": s.on_time,
            "days": sorted(s.days), "ratings": s.ratings}


def test_office_figures_match_the_hand_count(fixture_letters):
    village = stats.site_stats(Site.by_code(VILLAGE), day=TODAY)
    assert figures(village) == {
        "received": 7, "answered": 4, "refused": 1, "transferred": 0, "open": 1,
        "overdue": 0, "escalated": 1, "judged": 5, "on_time": 3, "days": [2, 3, 4, 13],
        "ratings": {"satisfied": 2, "fair": 1, "unsatisfied": 0}}
    assert village.on_time_rate == pytest.approx(0.6)
    assert village.median_days is None and village.satisfaction_rate is None  # 4 and 3 < 5

    township = stats.site_stats(Site.by_code(TOWNSHIP), day=TODAY)
    assert figures(township) == {
        "received": 2, "answered": 1, "refused": 0, "transferred": 1, "open": 0,
        "overdue": 0, "escalated": 0, "judged": 1, "on_time": 1, "days": [2],
        "ratings": {"satisfied": 0, "fair": 0, "unsatisfied": 1}}
    assert township.on_time_rate is None  # 1 < 5

    district = stats.site_stats(Site.by_code(DISTRICT), day=TODAY)
    assert (district.received, district.open, district.overdue, district.judged,
            district.on_time) == (1, 1, 1, 1, 0)


def test_subtree_figures_add_up_the_offices(fixture_letters, app):
    township = stats.site_stats(Site.by_code(TOWNSHIP), subtree=True, day=TODAY)
    assert (township.received, township.answered, township.judged, township.on_time) == (
        9, 5, 6, 4)
    assert sorted(township.days) == [2, 2, 3, 4, 13]
    assert township.on_time_rate == pytest.approx(4 / 6)
    assert township.median_days == 3
    assert township.satisfaction_rate is None  # 4 ratings < 5
    district = stats.site_stats(Site.by_code(DISTRICT), subtree=True, day=TODAY)
    assert (district.received, district.judged, district.on_time, district.overdue) == (
        10, 7, 4, 1)
    assert district.on_time_rate == pytest.approx(4 / 7)
    # With a smaller minimum sample the suppressed figures appear.
    app.config["LETTERS_STATS_MIN_SAMPLE"] = 3
    village = stats.site_stats(Site.by_code(VILLAGE), day=TODAY)
    assert village.median_days == 3.5 and village.satisfaction_rate == 1.0


def test_children_figures_cover_each_subtree(fixture_letters):
    rows = {s.code: st for s, st in stats.children_stats(Site.by_code(DISTRICT), day=TODAY)}
    assert rows["510117004000"].received == 9 and rows["510117004000"].on_time == 4
    assert rows["510117005000"].received == 0
    city = {s.code: st for s, st in stats.children_stats(Site.by_code("510100000000"),
                                                         day=TODAY)}
    assert city["510117000000"].received == 10 and city["510104000000"].received == 0


def test_the_window_moves_with_the_day(fixture_letters):
    # On 2026-10-01 the window starts 2025-10-02: L3 (30 Sep 2025) is still out, and L8 (Nov)
    # does not exist yet in the figures because it had not started.
    early = stats.site_stats(Site.by_code(VILLAGE), day=date(2026, 10, 1))
    assert early.received == 6
    later = stats.site_stats(Site.by_code(VILLAGE), day=date(2027, 3, 1))
    # From 2026-03-02 on: L1 (2 Mar) stays, L2 (13 Feb) drops out.
    assert later.received == 6
