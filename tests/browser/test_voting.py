"""Voting in a real browser at 360 px without JavaScript: the migrant worker 李建国 is verified
against the roster by the village, votes from far away, and finds his receipt in the tally; the
village staff walk a 四议两公开 matter through all six stages.

The live server runs in its own thread, so the poll that closes during the test is created here,
in the test's thread, through the operations (opened a moment ago, closing a few seconds ahead).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.accounts.models import User
from portal.core.audit import utcnow
from portal.core.clock import frozen
from portal.demo import VILLAGE
from portal.extensions import db
from portal.sites.models import Site
from portal.voting import operations as ops
from tests.browser.conftest import _new_page
from tests.browser.test_journey import assert_fits, log_in

pytestmark = pytest.mark.browser

QUESTION = "是否同意在村委会门前增设快递代收点"
CLOSES_IN = 25  # seconds


def _closing_soon_poll(live_app) -> int:
    with live_app.app_context():
        staff = db.session.scalar(db.select(User).where(User.mobile == "13800000004"))
        now = utcnow()
        with frozen(now - timedelta(minutes=5)):
            poll = ops.create_poll(staff, Site.by_code(VILLAGE), {
                "title": QUESTION, "options": ["同意", "不同意"], "secret": True,
                "electorate": "adults", "rule": "villagers_meeting",
                "opens_at": now - timedelta(minutes=4),
                "closes_at": now + timedelta(seconds=CLOSES_IN)})
        db.session.commit()
        return poll.id


def test_migrant_worker_verified_votes_and_finds_receipt(browser, live_server, live_app,
                                                         nojs_page: Page, shot, demo_password):
    poll_id = _closing_soon_poll(live_app)
    deadline = time.monotonic() + CLOSES_IN
    # The village staff verify 李建国 against the household roster.
    context, staff = _new_page(browser, live_server, java_script_enabled=False)
    staff.goto("/accounts/login")
    log_in(staff, "13800000004", demo_password)
    staff.goto(f"/manage/s/{VILLAGE}/residents")
    card = staff.locator("li.card").filter(has_text="李建国")
    expect(card).to_contain_text("外出务工")
    card.get_by_role("button", name="核实通过").click()
    expect(staff.locator(".flash")).to_be_visible()
    expect(staff.locator("li.card").filter(has_text="李建国")).to_contain_text("已核实")
    context.close()

    page = nojs_page
    page.goto("/accounts/login")
    log_in(page, "13800000008", demo_password)
    page.goto(f"/s/{VILLAGE}/")
    page.get_by_role("link", name="村民投票和民主评议").click()
    expect(page.locator("h1")).to_have_text("投票和评议")
    page.get_by_role("link", name=QUESTION).click()
    expect(page.locator(".advisory")).to_contain_text("供会议参考")
    page.get_by_label("同意", exact=True).check()
    assert_fits(page)
    shot(page, "1-ballot")
    page.get_by_role("button", name="确认投票").click()
    receipt = page.locator(".poll-receipt").inner_text().strip()
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}-[A-Z]{4}", receipt), receipt
    expect(page.locator("#vote-h ~ p.ok")).to_have_text("您已经投过票。")
    shot(page, "2-receipt")
    # A second ballot is refused.
    page.goto(f"/s/{VILLAGE}/polls/{poll_id}")
    expect(page.get_by_role("button", name="确认投票")).to_have_count(0)

    time.sleep(max(0.0, deadline - time.monotonic()) + 1)
    page.goto(f"/s/{VILLAGE}/polls/{poll_id}")
    expect(page.locator(".poll-state")).to_have_text("已截止")
    page.get_by_role("link", name=re.compile("查看全部投票回执")).click()
    page.get_by_label("查找我的回执").fill(receipt.lower())
    page.get_by_role("button", name="查找").click()
    expect(page.locator(".found-receipt")).to_contain_text(receipt)
    expect(page.locator("ol.receipts li.mine")).to_contain_text("同意")
    assert_fits(page)
    shot(page, "3-tally")


def test_staff_walk_a_matter_through_four_deliberations_two_publications(
        nojs_page: Page, shot, demo_password):
    page = nojs_page
    page.goto("/accounts/login")
    log_in(page, "13800000004", demo_password)
    page.goto(f"/s/{VILLAGE}/matters/")
    page.get_by_role("link", name="新建事项").click()
    page.get_by_label("事项名称").fill("四组灌溉渠清淤和维修")
    page.get_by_label("事项概要").fill("清淤1.8公里，维修渠堰3处，预算6.2万元。")
    expect(page.get_by_label("办理阶段(每行一个)")).to_have_value(re.compile("党组织提议"))
    page.get_by_role("button", name="创建").click()
    expect(page.locator("h1")).to_have_text("四组灌溉渠清淤和维修")
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    steps = [("党组织提议", "村党支部委员会", "支部会议提议对四组灌溉渠清淤维修。"),
             ("两委商议", "村两委联席会议", "两委商议形成方案：清淤1.8公里，预算6.2万元。"),
             ("党员大会审议", "村党员大会", "党员大会审议方案，到会35人，一致同意。"),
             ("村民(代表)会议决议", "村民会议", "村民会议表决通过，同意52人，不同意7人。"),
             ("决议公开", "村民委员会", "决议在村务公开栏和本平台公开7天。"),
             ("实施结果公开", "村民委员会、村务监督委员会", "工程完工，验收合格，实际支出5.9万元。")]
    for n, (stage, who, minutes) in enumerate(steps):
        expect(page.locator("#step-h")).to_have_text(f"记录下一步：{stage}")
        page.get_by_label("办理日期").fill(today)
        page.get_by_label("办理的组织或人员").fill(who)
        page.get_by_label("会议记录或办理情况").fill(minutes)
        if n == 3:
            page.get_by_label("关联的投票(决议阶段)").select_option(
                label="关于硬化三组至五组机耕道(全长1.2公里)的意见征集")
        if n == 1:
            assert_fits(page)
            shot(page, "1-step")
        page.get_by_role("button", name="记录").click()
        expect(page.locator(".flash")).to_contain_text(f"已记录：{stage}")
    expect(page.locator("#step-h")).to_have_count(0)
    expect(page.locator("ol.matter-path li.done")).to_have_count(6)
    expect(page.locator("ol.matter-path")).to_contain_text("公开事项：")
    url = page.url
    # The whole path is public: an anonymous visitor sees every stage.
    page.context.clear_cookies()
    page.goto(url)
    expect(page.locator("ol.matter-path li.done")).to_have_count(6)
    expect(page.locator("ol.matter-path")).to_contain_text("党员大会审议方案，到会35人")
    assert_fits(page)
    shot(page, "2-public-path")
