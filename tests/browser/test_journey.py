"""The resident's and the village clerk's journey in a real browser, on a 360 px phone screen.

Acceptance: find 水井坊社区 by its pinyin initials from the home page, open its page, log in as
the demo village clerk of 安龙村 and reach the console. Along the way no page may scroll sideways
at 360 px, the large-text switch must stick, errors are in Chinese, and logging out ends access
to the console.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import ACCOUNTS, COMMUNITY, VILLAGE

pytestmark = pytest.mark.browser

FINDER_LABEL = "村(社区)、乡镇(街道)或区县名称，或拼音首字母"
STAFF = "13800000004"  # 安龙村村委会 赵德明: site_admin, publisher, ... of 安龙村
assert any(mobile == STAFF for mobile, _name, _roles in ACCOUNTS)
PHONE_WIDTH = 360


def assert_fits(page: Page) -> None:
    """The page must not scroll sideways on a 360 px wide phone."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways: scrollWidth {width} > {PHONE_WIDTH}"


def find(page: Page, query: str) -> None:
    """Type a query into the home page's finder and submit it."""
    field = page.get_by_label(FINDER_LABEL, exact=True)
    expect(field).to_have_id("finder-q")
    field.fill(query)
    page.locator("form.finder").get_by_role("button", name="查找").click()


def log_in(page: Page, mobile: str, password: str) -> None:
    """Fill in and submit the login form (the page must be /accounts/login)."""
    page.get_by_label("手机号码").fill(mobile)
    page.get_by_label("密码", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="登录").click()


def results_section(page: Page, query: str):
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=f"“{query}”的查找结果")
    )


def test_find_community_log_in_and_open_console(page: Page, shot, demo_password):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("找到您的村(社区)")
    assert_fits(page)
    shot(page, "1-home")

    find(page, "shjf")
    expect(page).to_have_url(re.compile(r"/\?q=shjf$"))
    result = results_section(page, "shjf").get_by_role("link", name="水井坊社区", exact=True)
    expect(result).to_be_visible()
    assert_fits(page)
    shot(page, "2-results")

    result.click()
    expect(page).to_have_url(re.compile(rf"/s/{COMMUNITY}/$"))
    expect(page.locator("h1")).to_contain_text("水井坊社区")
    expect(page.locator(".breadcrumb")).to_contain_text("锦江区")
    assert_fits(page)
    shot(page, "3-site")

    page.locator("header").get_by_role("link", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login$"))
    expect(page.locator("h1")).to_have_text("登录")
    assert_fits(page)
    shot(page, "4-login")

    log_in(page, STAFF, demo_password)
    expect(page.get_by_role("status")).to_have_text("登录成功。")
    expect(page.locator("header")).to_contain_text("安龙村村委会 赵德明")
    page.locator("header").get_by_role("link", name="管理后台").click()
    expect(page).to_have_url(re.compile(r"/manage/$"))
    console = page.locator("#my-sites")
    village = console.get_by_role("link", name="安龙村", exact=True)
    expect(village).to_be_visible()
    assert_fits(page)
    shot(page, "5-console")

    village.click()
    expect(page).to_have_url(re.compile(rf"/manage/s/{VILLAGE}/$"))
    expect(page.locator("h1")).to_have_text("管理：安龙村")
    expect(page.locator("table.table")).to_contain_text("安龙村村委会 赵德明")
    assert_fits(page)
    shot(page, "6-village-console")


def test_large_text_sticks_across_pages_and_still_fits(page: Page, shot):
    page.goto("/")
    html = page.locator("html")
    expect(html).not_to_have_class(re.compile(r"\blarge-text\b"))
    base_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")

    page.get_by_role("link", name="大字号", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    large_size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert large_size > base_size
    expect(page.get_by_role("link", name="标准字号", exact=True)).to_be_visible()
    assert_fits(page)
    shot(page, "1-home-large")

    # The next pages keep it: a site page reached through the finder, then the login page.
    find(page, "shjf")
    results_section(page, "shjf").get_by_role("link", name="水井坊社区", exact=True).click()
    expect(page.locator("h1")).to_contain_text("水井坊社区")
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    assert_fits(page)
    shot(page, "2-site-large")

    page.locator("header").get_by_role("link", name="登录", exact=True).click()
    expect(page.locator("h1")).to_have_text("登录")
    expect(html).to_have_class(re.compile(r"\blarge-text\b"))
    assert_fits(page)
    shot(page, "3-login-large")

    # And it can be switched back, staying on the same page.
    page.get_by_role("link", name="标准字号", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/login$"))
    expect(html).not_to_have_class(re.compile(r"\blarge-text\b"))


def test_wrong_password_is_explained_in_chinese(page: Page, shot):
    page.goto("/accounts/login")
    log_in(page, STAFF, "not-the-password")
    expect(page).to_have_url(re.compile(r"/accounts/login$"))
    expect(page.locator(".form-errors")).to_contain_text("手机号码或密码不正确")
    expect(page.locator("header")).to_contain_text("登录")
    assert_fits(page)
    shot(page, "1-error")


def test_logout_ends_access_to_the_console(page: Page, shot, demo_password):
    page.goto("/accounts/login?next=/manage/")
    log_in(page, STAFF, demo_password)
    expect(page).to_have_url(re.compile(r"/manage/$"))
    expect(page.locator("#my-sites")).to_contain_text("安龙村")

    page.locator("header").get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
    expect(page.locator("header").get_by_role("link", name="登录", exact=True)).to_be_visible()
    shot(page, "1-logged-out")

    # The browser's back button must not bring the console back ...
    page.go_back()
    expect(page).to_have_url(re.compile(r"/accounts/login\?next=%2Fmanage%2F$"))
    expect(page.locator("h1")).to_have_text("登录")
    # ... nor does typing its address.
    page.goto("/manage/")
    expect(page).to_have_url(re.compile(r"/accounts/login\?next=%2Fmanage%2F$"))
    expect(page.locator("h1")).to_have_text("登录")
    assert_fits(page)
    shot(page, "2-manage-after-logout")
