"""Publishing in a real browser: the village clerk drafts, the supervisor countersigns, an
anonymous resident reads it on a 360 px phone, the clerk corrects it and everyone sees the diff.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey import assert_fits, log_in

pytestmark = pytest.mark.browser

VILLAGE = "510117004200"
CLERK, SUPERVISOR = "13800000004", "13800000005"
TITLE = "关于安龙村三组机耕道硬化的村民会议决定"


def log_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="退出").click()


def test_publish_countersign_read_correct_and_diff(browser, live_server, page: Page, shot,
                                                    demo_password):
    # The clerk drafts a decision of the village meeting, with an unmasked mobile number.
    page.goto("/accounts/login")
    log_in(page, CLERK, demo_password)
    page.goto(f"/manage/s/{VILLAGE}/items/new?category=A04.10")
    page.get_by_label("所属期间").fill("2026-11-02")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("正文").fill(
        "2026年11月2日村民会议应到312户，实到241户，同意228户。\n\n"
        "决定硬化三组机耕道800米，预算12.6万元，由一事一议筹资筹劳。\n\n"
        "联系人：赵德明 13812345678")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".flash")).to_contain_text("草稿已保存")
    # The privacy guard names the place and masks it in one action.
    expect(page.locator(".privacy")).to_contain_text("正文第5行")
    shot(page, "1-privacy")
    page.get_by_role("button", name="一键生成遮蔽版本").click()
    expect(page.locator(".flash")).to_contain_text("遮蔽")
    page.get_by_role("button", name="提交会签").click()
    expect(page.locator(".flash")).to_contain_text("已提交")
    item_url = page.url
    log_out(page)

    # The supervisor countersigns it from the review queue, with a published dissent.
    page.goto("/accounts/login")
    log_in(page, SUPERVISOR, demo_password)
    page.goto(f"/manage/s/{VILLAGE}/review/")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("不同意见").fill("建议同时公开施工单位比选过程。")
    shot(page, "2-countersign")
    page.get_by_role("button", name="会签并发布").click()
    expect(page.locator(".flash")).to_contain_text("已会签")
    log_out(page)

    # An anonymous resident on a phone finds it on the village page and reads it.
    resident = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                   base_url=live_server)
    reader = resident.new_page()
    reader.goto(f"/s/{VILLAGE}/")
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".body")).to_contain_text("138****5678")
    expect(reader.locator(".body")).not_to_contain_text("13812345678")
    expect(reader.locator(".dissent")).to_contain_text("施工单位比选")
    assert_fits(reader)
    shot(reader, "3-resident-reads")

    # The clerk corrects the budget with a reason; the supervisor countersigns again.
    page.goto("/accounts/login")
    log_in(page, CLERK, demo_password)
    page.goto(item_url)
    page.get_by_role("button", name="更正内容").click()
    body = page.get_by_label("正文")
    body.fill(body.input_value().replace("12.6万元", "13.2万元"))
    page.get_by_label("更正原因").fill("预算金额录入错误，以会议记录为准")
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_role("button", name="提交会签").click()
    log_out(page)
    page.goto("/accounts/login")
    log_in(page, SUPERVISOR, demo_password)
    page.goto(item_url)
    page.get_by_role("button", name="会签并发布").click()
    expect(page.locator(".flash")).to_contain_text("已会签")

    # The resident sees version 2, its reason and the side-by-side difference.
    reader.reload()
    expect(reader.locator(".notice")).to_contain_text("预算金额录入错误")
    reader.get_by_role("link", name="查看修订对比").click()
    expect(reader).to_have_url(re.compile(r"/history"))
    expect(reader.locator("table.diff del")).to_contain_text("12.6万元")
    expect(reader.locator("table.diff ins")).to_contain_text("13.2万元")
    assert_fits(reader)
    shot(reader, "4-diff")
    resident.close()
