"""Searching the demo region on a 360 px phone: in Chinese from a village page, and by pinyin.

Acceptance (issue #5): a resident searches 低保 公示 from 安龙村's page, narrows the results with a
facet (a plain link, no JavaScript), opens a result; then finds 安龙村's disclosures by typing the
village's pinyin into the header's search box, and opens one. No page scrolls sideways.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from portal.demo import VILLAGE
from tests.browser.test_journey import assert_fits

pytestmark = pytest.mark.browser


def search_box(page: Page):
    return page.locator("header").get_by_label("搜索公开内容或村名")


def test_search_in_chinese_from_a_village_page(page: Page, shot):
    page.goto(f"/s/{VILLAGE}/")
    search_box(page).fill("低保 公示")
    page.locator("header").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(rf"/search\?q=.*&scope={VILLAGE}"))
    heading = page.locator("#results-h")
    expect(heading).to_contain_text("在安龙村及下级找到")
    first = page.locator(".result-list li").first
    expect(first.locator("mark").first).to_be_visible()
    assert_fits(page)
    shot(page, "1-results")

    facet = page.locator(".facets").get_by_role("link", name=re.compile("^郫都区$"))
    if facet.count():  # policies of the district that apply to the village
        facet.first.click()
        expect(page.locator(".active-filters")).to_contain_text("发布单位")
        expect(page.locator(".result-list li").first).to_contain_text("郫都区")
        shot(page, "2-facet")
        page.go_back()

    title = first.locator("a.result-title")
    expected = title.inner_text()
    title.click()
    expect(page).to_have_url(re.compile(r"/s/\d{12}/items/\d+$"))
    expect(page.locator("h1")).to_have_text(expected)
    assert_fits(page)
    shot(page, "3-item")


def test_search_by_pinyin_finds_the_village_and_its_disclosures(page: Page, shot):
    page.goto("/")
    search_box(page).fill("anlong")
    page.locator("header").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/search\?q=anlong$"))
    sites = page.locator("section").filter(has=page.get_by_role("heading", name="名称或拼音相符的站点"))
    expect(sites.get_by_role("link", name="安龙村", exact=True)).to_be_visible()
    results = page.locator(".result-list li")
    expect(results.first).to_contain_text("安龙村")
    assert_fits(page)
    shot(page, "1-pinyin")

    results.first.locator("a.result-title").click()
    expect(page).to_have_url(re.compile(rf"/s/{VILLAGE}/items/\d+$"))
    expect(page.locator(".breadcrumb")).to_contain_text("安德街道")
    shot(page, "2-item")


def test_nothing_found_helps_at_360px(page: Page, shot):
    page.goto(f"/search?q=%E4%BD%8E%E5%AE%9D&scope={VILLAGE}")  # 低宝, a typo of 低保
    help_box = page.locator(".search-help")
    expect(help_box).to_contain_text("没有找到与“低宝”相符的公开内容")
    help_box.get_by_role("link", name="低保").click()
    expect(page.locator("#results-h")).to_contain_text("找到")
    expect(page.locator(".result-list li").first.locator("mark").first).to_be_visible()
    assert_fits(page)
    shot(page, "1-suggestion")
