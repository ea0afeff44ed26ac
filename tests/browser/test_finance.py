"""Finance in a real browser at 360 px: the village accountant uploads the shipped template with a
mistake, reads the line-by-line refusal, uploads it fixed, submits; the 民主理财小组 countersigns;
an anonymous resident reads the table and the chart and downloads the data."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from portal.finance.template import DATA_DIR
from tests.browser.test_journey import assert_fits, log_in
from tests.browser.test_publishing import log_out

pytestmark = pytest.mark.browser

VILLAGE = "510117004200"
CLERK, FINANCE = "13800000004", "13800000006"


def broken_template(tmp_path):
    """The shipped CSV template with text in an amount cell (line 3)."""
    rows = list(csv.reader(io.StringIO(
        (DATA_DIR / "finance-template.csv").read_bytes().decode("utf-8-sig"))))
    rows[2][5] = "四万五千"
    path = tmp_path / "明细账.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


def test_import_fix_countersign_and_read(browser, live_server, page: Page, shot, demo_password,
                                         tmp_path):
    page.goto("/accounts/login")
    log_in(page, CLERK, demo_password)
    page.goto(f"/s/{VILLAGE}/finance/")
    template = page.request.get(page.get_by_role("link", name="Excel 模板(XLSX)").get_attribute(
        "href"))
    assert template.ok and template.body()[:2] == b"PK"

    page.get_by_label("所属期间").fill("2026-Q3")
    page.get_by_label("明细账文件").set_input_files(str(broken_template(tmp_path)))
    page.get_by_role("button", name="检查并导入").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("没有导入任何数据")
    expect(errors).to_contain_text("第3行")
    expect(errors).to_contain_text("不是金额")
    assert_fits(page)
    shot(page, "1-refused")

    page.get_by_label("所属期间").fill("2026-Q3")
    page.get_by_label("明细账文件").set_input_files(str(DATA_DIR / "finance-template.xlsx"))
    page.get_by_role("button", name="检查并导入").click()
    expect(page.locator(".flash")).to_contain_text("已导入")
    expect(page.locator(".notice-bad")).to_contain_text("尚未公开")
    page.get_by_role("button", name="提交会签").click()
    expect(page.locator(".flash")).to_contain_text("已提交会签")
    statement_url = page.url
    log_out(page)

    page.goto("/accounts/login")
    log_in(page, FINANCE, demo_password)
    page.goto(statement_url)
    page.get_by_label("不同意见").fill("")
    shot(page, "2-countersign")
    page.get_by_role("button", name="会签并公开").click()
    expect(page.locator(".flash")).to_contain_text("已会签")
    log_out(page)

    resident = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                   base_url=live_server)
    reader = resident.new_page()
    reader.goto(f"/s/{VILLAGE}/")
    reader.get_by_role("link", name="财务公开").first.click()
    expect(reader.locator("h1")).to_contain_text("财务公开")
    expect(reader.locator("svg.chart").first).to_be_visible()
    assert_fits(reader)
    shot(reader, "3-resident-overview")
    reader.get_by_role("link", name="2026年第3季度").click()
    expect(reader.locator(".finance-statement")).to_contain_text("54101 干部报酬")
    expect(reader.locator(".finance-summary")).to_contain_text("47,477.10")
    expect(reader.locator("svg.chart").first).to_be_visible()
    expect(reader.locator("main")).not_to_contain_text("张秀英")
    assert_fits(reader)
    shot(reader, "4-resident-statement")
    href = reader.get_by_role("link", name="CSV").first.get_attribute("href")
    ledger = reader.request.get(href)
    assert ledger.ok and "发放7月村干部基本报酬" in ledger.text()
    assert "张*英" in ledger.text() and "张秀英" not in ledger.text()
    package = reader.request.get(
        reader.get_by_role("link", name="数据说明(datapackage.json)").get_attribute("href"))
    assert package.json()["currency"] == "CNY"
    resident.close()


def test_township_comparison_fits_a_phone(page: Page, shot):
    page.goto("/s/510117005000/finance/")
    expect(page.locator(".finance-compare")).to_be_visible()
    assert page.locator(".finance-compare tbody tr").count() >= 10
    assert_fits(page)
    shot(page, "compare")


def test_benefit_list_is_posted_with_masked_names(browser, live_server, page: Page, shot,
                                                  demo_password, tmp_path):
    path = tmp_path / "低保名单.csv"
    path.write_text("户主姓名,身份证号码,家庭人口,保障金额(元)\n"
                    "王桂芬,11010519491231002X,2,1260\n陈大勇,,1,640\n", encoding="utf-8")
    page.goto("/accounts/login")
    log_in(page, CLERK, demo_password)
    page.goto(f"/s/{VILLAGE}/finance/benefits/")
    page.get_by_label("名单类别").select_option("dibao")
    page.get_by_label("标题").fill("安龙村2026年12月低保对象公示名单")
    page.get_by_label("名单文件").set_input_files(str(path))
    page.get_by_role("button", name="检查并导入").click()
    expect(page.locator(".flash")).to_contain_text("名单已导入")
    list_url = page.url
    log_out(page)

    page.goto("/accounts/login")
    log_in(page, FINANCE, demo_password)
    page.goto(list_url)
    page.get_by_role("button", name="会签并公示7天").click()
    expect(page.locator(".flash")).to_contain_text("公示7天")
    log_out(page)

    resident = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                   base_url=live_server)
    reader = resident.new_page()
    reader.goto(list_url)
    names = reader.locator(".benefit-names")
    expect(names).to_contain_text("王*芬")
    expect(names).to_contain_text("110105********002X")
    expect(reader.locator("main")).not_to_contain_text("王桂芬")
    expect(reader.locator(".benefit-totals")).to_contain_text("1,900.00")
    assert_fits(reader)
    shot(reader, "benefit-list")
    resident.close()
