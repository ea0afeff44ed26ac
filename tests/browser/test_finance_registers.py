"""三资 registers in a real browser at 360 px, without JavaScript: the demo village's index, its land
with the contracts (overdue rows marked) and its debts fit a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journey import assert_fits

pytestmark = pytest.mark.browser

VILLAGE = "510117005001"  # the first demo village of 红光街道, which has registers


@pytest.mark.parametrize("which", ["js", "nojs"])
def test_registers_fit_a_phone(page: Page, nojs_page: Page, shot, which):
    page = nojs_page if which == "nojs" else page
    page.goto(f"/s/{VILLAGE}/finance/registers/")
    expect(page.locator(".register-summary")).to_be_visible()
    shot(page, "registers")
    page.get_by_role("link", name="资源台账").click()
    expect(page.locator(".register-contracts")).to_be_visible()
    shot(page, "land")
    if which == "js":  # measuring the width needs JavaScript; the layout is the same without it
        assert_fits(page)
        page.go_back()
        page.get_by_role("link", name="债权债务").click()
        expect(page.locator("h1")).to_contain_text("债权债务")
        assert_fits(page)
        shot(page, "debts")
