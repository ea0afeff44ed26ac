"""The letterbox in a real browser at 360 px: the migrant worker writes home without an account and
without JavaScript, follows the letter by number and code, sees it escalated when the village lets
the deadline pass, and rates the township's answer; the handlers accept, transfer and answer.

The live server runs in its own thread, so the clock is advanced by running the sweep here, in the
test's thread, under portal.core.clock.frozen: exactly what cron would do on that day.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin
from playwright.sync_api import Page, expect

from portal.accounts.models import User
from portal.core.clock import frozen, shanghai_noon, today
from portal.core.workdays import add_working_days
from portal.demo import TOWNSHIP, VILLAGE
from portal.extensions import db
from portal.letterbox import handling, sweep
from portal.letterbox import operations as ops
from portal.letterbox.models import Letter
from portal.sites.models import Site
from tests.browser.test_journey import assert_fits, log_in

pytestmark = pytest.mark.browser

SUBJECT = "2026年耕地地力保护补贴没有到账"
BODY = ("我是安龙村四组村民，在深圳打工。家里4.2亩承包地的耕地地力保护补贴今年还没有打到社保卡上，"
        "联系不上组长，请帮忙查一下。")


def _user(mobile):
    return db.session.scalar(db.select(User).where(User.mobile == mobile))


def test_migrant_worker_writes_follows_sees_escalation_and_rates(
        browser, live_server, live_app, nojs_page: Page, shot):
    page = nojs_page
    live_app.config["LETTERS_CAPTCHA_TEXT"] = lambda: "M4TP"
    try:
        # From the home village's page to the letter form, without JavaScript, on a phone.
        page.goto(f"/s/{VILLAGE}/")
        page.locator("#letters-h").scroll_into_view_if_needed()
        page.locator("section.letter-summary").get_by_role("link", name="写信", exact=True).click()
        expect(page.locator("h1")).to_have_text("写信")
        expect(page.get_by_label("写信给")).to_have_value(f"site:{VILLAGE}")
        page.get_by_label("来信类型").select_option("help")
        page.get_by_label("主题").fill(SUBJECT)
        page.get_by_label("来信内容").fill(BODY)
        page.get_by_label("电子邮箱(可不填)").fill("lijianguo@example.org")
        page.get_by_label("同意在网站上公开", exact=False).check()
        page.get_by_label("验证码").fill("XXXX")  # a wrong answer first
        assert_fits(page)
        shot(page, "1-form")
        page.get_by_role("button", name="提交来信").click()
        expect(page.locator(".has-error .error")).to_contain_text("验证码不正确")
        expect(page.get_by_label("来信内容")).to_have_value(BODY)  # nothing typed is lost
        page.get_by_label("验证码").fill("m4tp")
        page.get_by_role("button", name="提交来信").click()
    finally:
        live_app.config["LETTERS_CAPTCHA_TEXT"] = None

    # The receipt: the number and the query code, shown once.
    expect(page.locator("h1")).to_have_text("来信已提交")
    number = page.locator(".receipt-number").inner_text().strip()
    code = page.locator(".receipt-code").inner_text().strip()
    assert re.fullmatch(rf"\d{{4}}-{VILLAGE}-\d{{4}}", number)
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", code)
    assert_fits(page)
    shot(page, "2-receipt")

    # Later, from another phone (no cookies), by number and code.
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  base_url=live_server, java_script_enabled=False)
    phone = context.new_page()
    phone.goto("/")
    phone.locator("header").get_by_role("link", name="查询来信").click()
    phone.get_by_label("来信编号").fill(number)
    phone.get_by_label("查询码").fill("ABCDE-FGHJK")
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator(".form-errors")).to_contain_text("来信编号或查询码不正确")
    phone.get_by_label("查询码").fill(code)
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("h1")).to_have_text(SUBJECT)
    expect(phone.locator(".badge.state-pending")).to_have_text("待受理")
    due = add_working_days(today(), 3)
    expect(phone.locator("main")).to_contain_text(f"应于{due.isoformat()}前受理")
    assert_fits(phone)
    shot(phone, "3-tracked-pending")

    # The village lets the deadline pass; cron's sweep on the next day escalates it.
    with live_app.app_context():
        with frozen(shanghai_noon(due + timedelta(days=1))):
            assert sweep.run(deliver_mail=False).escalated >= 1
        letter = db.session.scalar(db.select(Letter).where(Letter.number == number))
        assert letter.site.code == TOWNSHIP
        db.session.remove()
    phone.reload()
    expect(phone.locator(".timeline")).to_contain_text("逾期未受理")
    expect(phone.locator(".timeline")).to_contain_text("自动提级至安德街道办理")
    expect(phone.locator(".timeline .badge.bad").first).to_have_text("逾期")
    expect(phone.locator(".facts")).to_contain_text("安德街道")
    assert_fits(phone)
    shot(phone, "4-escalated")

    # The township accepts and answers (its own journey is the next test).
    with live_app.app_context():
        letter = db.session.scalar(db.select(Letter).where(Letter.number == number))
        handler = _user("13800000003")
        handling.accept_letter(handler, letter)
        handling.reply_letter(handler, letter, "您好！经街道农业服务中心核对，您家的补贴因社保卡信息"
                                               "变更未发放，已重新录入，将随下一批次发放。")
        db.session.commit()
        db.session.remove()
    phone.reload()
    expect(phone.locator(".reply")).to_contain_text("社保卡信息变更")
    phone.get_by_label("满意", exact=True).check()
    shot(phone, "5-rate")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.locator(".flash")).to_contain_text("来信已办结")
    expect(phone.locator(".badge.state-closed")).to_have_text("已办结")
    assert_fits(phone)
    shot(phone, "6-closed")
    context.close()


def test_handlers_accept_transfer_and_answer(page: Page, live_app, shot, demo_password):
    with live_app.app_context():
        letter, _code = ops.submit_letter(AnonymousUserMixin(), Site.by_code(TOWNSHIP), {
            "recipient": f"site:{TOWNSHIP}", "kind": "suggest",
            "subject": "安龙村五组水渠堵塞影响灌溉",
            "body": "安龙村五组的灌溉水渠被垃圾和淤泥堵住了，下游十几户的田放不进水。"
                    "联系电话13987654321。",
            "name": "周大爷", "mobile": "13987654321", "consent_public": True})
        db.session.commit()
        number, letter_id = letter.number, letter.id
        db.session.remove()

    # The township's handler finds it in the queue and transfers it down to the village.
    page.goto("/accounts/login")
    log_in(page, "13800000003", demo_password)
    page.goto("/letters/manage/")
    expect(page.locator("h1")).to_have_text("来信办理")
    assert_fits(page)
    page.get_by_role("link", name=re.compile("安德街道$")).click()
    page.get_by_role("link", name="安龙村五组水渠堵塞影响灌溉").click()
    expect(page.locator(".facts")).to_contain_text("13987654321")  # the office sees contacts
    page.get_by_label("转办给").select_option(VILLAGE)
    page.get_by_label("转办理由(公开显示)").fill("水渠由村集体管护，请安龙村办理")
    shot(page, "1-transfer")
    page.get_by_role("button", name="转办", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("已转办至")
    page.locator("header").get_by_role("button", name="退出").click()

    # The village's handler accepts it and answers; then approves it for the public pages.
    page.goto("/accounts/login")
    log_in(page, "13800000004", demo_password)
    page.goto(f"/s/{VILLAGE}/letters/manage/")
    page.get_by_role("link", name="安龙村五组水渠堵塞影响灌溉").click()
    expect(page.locator(".timeline")).to_contain_text("水渠由村集体管护")
    page.get_by_label("按简单事项办理", exact=False).check()
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("已受理")
    page.get_by_label("答复内容").fill("村委会已于今天组织五组村民清理水渠约300米，已恢复通水。"
                                    "请周大爷有事可联系13987654321以外的村委会值班电话。")
    shot(page, "2-reply")
    page.get_by_role("button", name="发送答复").click()
    expect(page.locator(".flash")).to_contain_text("答复已发送")
    expect(page.locator(".badge.state-answered").first).to_have_text("已答复")
    page.get_by_role("button", name="审核通过并公开").click()
    expect(page.locator(".flash")).to_contain_text("已审核通过")
    assert_fits(page)
    shot(page, "3-answered")
    page.locator("header").get_by_role("button", name="退出").click()

    # Anyone reads it on the village's page: masked, without the writer's name.
    page.goto(f"/s/{VILLAGE}/letters/{letter_id}")
    expect(page.locator("h1")).to_have_text("安龙村五组水渠堵塞影响灌溉")
    expect(page.locator("main")).to_contain_text(number)
    expect(page.locator("main")).not_to_contain_text("周大爷")
    expect(page.locator("main")).not_to_contain_text("13987654321")
    expect(page.locator(".reply")).to_contain_text("139****4321")
    expect(page.locator(".timeline")).to_contain_text("转办至安龙村村民委员会")
    assert_fits(page)
    shot(page, "4-public")


def test_letter_statistics_on_the_site_and_the_board(page: Page, shot):
    page.goto(f"/s/{TOWNSHIP}/letters/")
    expect(page.locator("#stats-h")).to_have_text("答复情况")
    expect(page.locator("main")).to_contain_text("按期答复率")
    page.locator("details.method summary").click()
    expect(page.locator("details.method")).to_contain_text("样本少于")
    assert_fits(page)
    shot(page, "1-letters")
    page.goto(f"/s/{TOWNSHIP}/compliance/")
    expect(page.locator("#letters-h")).to_have_text("来信答复情况")
    expect(page.locator("table.letter-ranking")).to_contain_text("安龙村")
    page.locator("#letters-h").scroll_into_view_if_needed()
    assert_fits(page)
    shot(page, "2-board")
