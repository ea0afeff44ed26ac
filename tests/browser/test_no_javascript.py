"""Everything a villager needs works with JavaScript switched off (old phones, strict browsers)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import VILLAGE

pytestmark = pytest.mark.browser

FINDER_LABEL = "村(社区)、乡镇(街道)或区县名称，或拼音首字母"


def test_find_village_and_log_in_without_javascript(nojs_page: Page, shot, demo_password):
    page = nojs_page
    page.goto("/")
    page.get_by_label(FINDER_LABEL, exact=True).fill("安龙")
    page.locator("form.finder").get_by_role("button", name="查找").click()
    expect(page).to_have_url(re.compile(r"/\?q="))
    result = page.locator("ul.site-list").get_by_role("link", name="安龙村", exact=True)
    expect(result).to_be_visible()
    shot(page, "1-results")

    result.click()
    expect(page).to_have_url(re.compile(rf"/s/{VILLAGE}/$"))
    expect(page.locator("h1")).to_contain_text("安龙村")
    shot(page, "2-village")

    page.locator("header").get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("手机号码").fill("13800000004")
    page.get_by_label("密码", exact=True).fill(demo_password)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("status")).to_have_text("登录成功。")
    expect(page).to_have_url(re.compile(r"/accounts/me$"))

    page.locator("header").get_by_role("link", name="管理后台").click()
    expect(page.locator("#my-sites")).to_contain_text("安龙村")
    shot(page, "3-console")

    page.locator("header").get_by_role("button", name="退出").click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
