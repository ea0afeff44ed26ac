"""Special funds in a real browser at 360 px: a demo village's funds with and without JavaScript;
the township's accountant registers a fund (a mistake first, refused with what was typed kept),
corrects it with a reason, and an anonymous visitor reads the correction in its history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from portal.core.clock import today
from tests.browser.test_journey import assert_fits, log_in
from tests.browser.test_publishing import log_out

pytestmark = pytest.mark.browser

VILLAGE = "510117005001"  # the first demo village of 红光街道, whose ledgers name a fund
ACCOUNTANT = "13802000051"  # 红光街道农经站会计
NAME = "村级公益事业建设财政奖补资金（区级）"


@pytest.mark.parametrize("which", ["js", "nojs"])
def test_funds_fit_a_phone(page: Page, nojs_page: Page, shot, which):
    page = nojs_page if which == "nojs" else page
    page.goto(f"/s/{VILLAGE}/finance/funds")
    fund = page.locator(".finance-fund").first
    expect(fund).to_be_visible()
    expect(fund.locator(".fund-figures")).to_contain_text("下达金额")
    expect(fund.locator(".finance-fund-entries")).to_contain_text("季度")
    expect(page.locator("#fund-new")).to_have_count(0)  # no forms for the public
    shot(page, "funds")
    if which == "js":
        assert_fits(page)


def test_accountant_registers_and_corrects_a_fund(page: Page, shot, demo_password):
    page.goto("/accounts/login")
    log_in(page, ACCOUNTANT, demo_password)
    page.goto(f"/s/{VILLAGE}/finance/funds")
    form = page.locator("#fund-new")
    form.get_by_label("资金名称").fill(NAME)
    form.get_by_label("下达层级").select_option("区县级")
    form.get_by_label("资金用途").fill("用于四组村道硬化及路灯安装")
    form.get_by_label("下达金额(元)").fill("十万")
    form.get_by_label("下达日期").fill((today() - timedelta(days=30)).isoformat())
    form.get_by_label("批复文号或文件(可不填)").fill("郫财农〔2026〕52号")
    form.get_by_role("button", name="登记").click()
    form = page.locator("#fund-new")
    expect(form.locator(".error")).to_contain_text("不是金额")
    expect(form.get_by_label("资金名称")).to_have_value(NAME)  # what was typed is kept
    assert_fits(page)
    shot(page, "1-refused")

    form.get_by_label("下达金额(元)").fill("100000.00")
    form.get_by_role("button", name="登记").click()
    expect(page.locator(".flash")).to_contain_text("已登记专项资金")
    card = page.locator(".finance-fund", has_text=NAME)
    expect(card.locator(".fund-figures")).to_contain_text("100,000.00")
    card.locator("details.fund-correct summary").click()
    card.get_by_label("下达金额(元)").fill("120000.00")
    card.get_by_label("更正原因").fill("区财政局追加下达2万元")
    assert_fits(page)
    shot(page, "2-correcting")
    card.get_by_role("button", name="保存更正").click()
    expect(page.locator(".flash")).to_contain_text("更正记录已公开")
    log_out(page)

    page.goto(f"/s/{VILLAGE}/finance/funds")
    card = page.locator(".finance-fund", has_text=NAME)
    expect(card.locator(".fund-figures")).to_contain_text("120,000.00")
    history = card.locator(".fund-history")
    expect(history).to_contain_text("区财政局追加下达2万元")
    expect(history.locator("del")).to_contain_text("100,000.00")
    expect(history).to_contain_text("红光街道农经站会计")
    assert_fits(page)
    shot(page, "3-public-history")
