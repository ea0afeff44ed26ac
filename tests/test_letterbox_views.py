"""The letterbox over HTTP: writing with the CAPTCHA, one letter per form, tracking without an
account (and without revealing numbers), throttling, public pages, the handlers' pages."""

from __future__ import annotations

import re

import pytest

from portal.core.clock import frozen
from portal.extensions import db
from portal.letterbox import handling
from portal.letterbox.models import Letter
from tests.conftest import csrf_from
from tests.test_letterbox import (
    DISTRICT,
    LETTER,
    OTHER_BRANCH,
    TOWNSHIP,
    VILLAGE,
    noon,
    person,
    staff,  # noqa: F401  (fixture)
    write,
)

NEW = f"/s/{VILLAGE}/letters/new"
FORM = {k: ("y" if v is True else v) for k, v in LETTER.items()}


@pytest.fixture
def captcha_text(app):
    """Tests know the CAPTCHA's text through the config hook; the check itself is unchanged."""
    app.config["LETTERS_CAPTCHA_TEXT"] = lambda: "K7QX"
    yield "K7QX"
    app.config["LETTERS_CAPTCHA_TEXT"] = None


def post_letter(client, data=None, captcha="K7QX", fetch_image=True):
    """GET the form (for its CSRF and one-time tokens), load the image, POST the letter."""
    page = client.get(NEW).get_data(as_text=True)
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    if fetch_image:
        image = client.get("/letters/captcha.png")
        assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
        assert image.headers["Cache-Control"] == "no-store"
    form = {**FORM, "token": token, "captcha": captcha, "csrf_token": csrf_from(page),
            **(data or {})}
    return client.raw.post(NEW, data=form), form


def count_letters(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def test_anonymous_writer_gets_number_and_code(client, app, staff, captcha_text):  # noqa: F811
    page = client.get(NEW)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "验证码" in html and "captcha.png" in html
    assert page.headers["Cache-Control"] == "no-store"
    response, _form = post_letter(client)
    assert response.status_code == 302 and "/letters/receipt/" in response.location
    receipt = client.get(response.location).get_data(as_text=True)
    number = re.search(r'receipt-number">([^<]+)<', receipt).group(1)
    code = re.search(r'receipt-code">([^<]+)<', receipt).group(1)
    assert number == "2026-510117004200-0001" or number.endswith("-0001")
    assert re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", code)
    with app.app_context():
        letter = db.session.scalar(db.select(Letter))
        assert letter.writer_id is None and letter.writer_name == "李建国"
        assert code.replace("-", "") not in letter.code_hash
    # A different browser (no session) follows it with number and code.
    other = app.test_client()
    page = other.get("/letters/track").get_data(as_text=True)
    followed = other.post("/letters/track", data={"number": number, "code": code,
                                                 "csrf_token": csrf_from(page)})
    assert followed.status_code == 302
    private = other.get(followed.location).get_data(as_text=True)
    assert "耕地地力保护补贴" in private and "待受理" in private


def test_wrong_captcha_keeps_what_was_typed(client, app, staff, captcha_text):  # noqa: F811
    response, _ = post_letter(client, captcha="ABCD")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "验证码不正确或已过期" in html
    assert "耕地地力保护补贴没有到账" in html and "一卡通上" in html and "lijianguo@example.org" in html
    assert count_letters(app) == 0
    # No image loaded in this session: no challenge to answer.
    response, _ = post_letter(client, fetch_image=False)
    assert response.status_code == 422 and count_letters(app) == 0


def test_captcha_is_single_use_even_with_a_replayed_cookie(
        client, app, staff, captcha_text):  # noqa: F811
    page = client.get(NEW).get_data(as_text=True)
    client.get("/letters/captcha.png")
    saved = client.raw.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    ok = client.raw.post(NEW, data={**FORM, "token": token, "captcha": "k7qx",
                                     "csrf_token": csrf_from(page)})
    assert ok.status_code == 302
    # Replaying the session cookie that held the solved challenge does not solve it again.
    client.raw.set_cookie(app.config["SESSION_COOKIE_NAME"], saved)
    again = client.raw.post(NEW, data={**FORM, "token": "another-token", "subject": "再写一封来信",
                                       "captcha": "K7QX", "csrf_token": csrf_from(page)})
    assert again.status_code == 422 and "验证码不正确" in again.get_data(as_text=True)
    assert count_letters(app) == 1


def test_the_same_form_posted_twice_is_one_letter(client, app, staff, captcha_text):  # noqa: F811
    first, form = post_letter(client)
    client.get("/letters/captcha.png")
    second = client.raw.post(NEW, data=form)  # a double click: same token
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert count_letters(app) == 1
    assert "不会重复登记" in client.get(second.location).get_data(as_text=True)
    # A new form with the same words a moment later: still one letter.
    third, _ = post_letter(client)
    assert third.status_code == 302 and count_letters(app) == 1


def test_bad_input_through_the_form(client, app, staff, captcha_text):  # noqa: F811
    response, _ = post_letter(client, {"subject": "", "body": "我的补贴没到"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请填写主题" in html
    assert "我的补贴没到" in html  # nothing typed is lost
    response, _ = post_letter(client, {"body": "<script>alert(1)</script>请处理这件事情"})
    assert "不能包含网页代码" in response.get_data(as_text=True)
    response, _ = post_letter(client, {"subject": "长" * 51})
    assert "主题不能超过50个字" in response.get_data(as_text=True)
    assert count_letters(app) == 0


def test_logged_in_writer_needs_no_captcha_and_sees_all_theirs(client, auth, app, staff):  # noqa: F811
    auth.login("13900000006")
    page = client.get(NEW).get_data(as_text=True)
    assert "captcha.png" not in page and 'value="13900000006"' in page
    token = re.search(r'name="token"[^>]*value="([^"]+)"', page).group(1)
    response = client.raw.post(NEW, data={**FORM, "token": token,
                                          "csrf_token": csrf_from(page)})
    assert response.status_code == 302
    with app.app_context():
        write({"subject": "写给街道的第二封信", "recipient": f"site:{TOWNSHIP}"},
              actor=person(staff, "resident"))
        db.session.commit()
    mine = client.get("/letters/mine").get_data(as_text=True)
    assert "耕地地力保护补贴没有到账" in mine and "写给街道的第二封信" in mine
    with app.app_context():
        number = db.session.scalar(db.select(Letter.number).where(
            Letter.subject == "写给街道的第二封信"))
    assert "写给街道的第二封信" in client.get(f"/letters/track/{number}").get_data(as_text=True)


def test_anonymous_writing_switched_off_asks_for_login(client, app, staff):  # noqa: F811
    app.config["LETTERS_ALLOW_ANONYMOUS"] = False
    try:
        response = client.get(NEW)
        assert response.status_code == 302 and "/accounts/login" in response.location
    finally:
        app.config["LETTERS_ALLOW_ANONYMOUS"] = True


def _letter_with_code(app, data=None):
    with app.app_context():
        letter, code = write(data)
        db.session.commit()
        return letter.number, code


def _track(client, number, code, **kwargs):
    page = client.get("/letters/track").get_data(as_text=True)
    return client.raw.post("/letters/track", data={"number": number, "code": code,
                                                   "csrf_token": csrf_from(page)}, **kwargs)


def _strip_token(html: str) -> str:
    return re.sub(r'value="[^"]*"', "", html)


def test_wrong_code_and_unknown_number_look_the_same(client, app, staff):  # noqa: F811
    number, _code = _letter_with_code(app)
    wrong = _track(client, number, "ABCDE-FGHJK")
    client.raw.delete_cookie(app.config["SESSION_COOKIE_NAME"])
    unknown = _track(client, "2026-510117004200-0099", "ABCDE-FGHJK")
    assert wrong.status_code == unknown.status_code == 422
    assert "来信编号或查询码不正确" in wrong.get_data(as_text=True)
    # Identical pages, but for the values typed into the form (and the CSRF token).
    assert _strip_token(wrong.get_data(as_text=True)) == \
        _strip_token(unknown.get_data(as_text=True))
    # Without the code, the private page of an existing or a missing number: the same redirect.
    assert client.get(f"/letters/track/{number}").location == f"/letters/track?number={number}"
    missing = client.get("/letters/track/2026-510117004200-0099")
    assert missing.status_code == 302 and "track?number=" in missing.location


def test_tracking_is_throttled_per_address_and_per_number(client, app, staff):  # noqa: F811
    number, code = _letter_with_code(app)
    app.config["LETTERS_TRACK_RATE_LIMIT"] = "3 per minute"
    try:
        statuses = [_track(client, number, "WRONGCODE1").status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]
        assert "操作过于频繁" in _track(client, number, code).get_data(as_text=True)
    finally:
        app.config["LETTERS_TRACK_RATE_LIMIT"] = "10 per minute;60 per hour"
    # Guessing one number from many addresses meets the per-number limit.
    app.config["LETTERS_TRACK_NUMBER_RATE_LIMIT"] = "2 per hour"
    try:
        results = [_track(client, number, "WRONGCODE2",
                          environ_base={"REMOTE_ADDR": f"10.0.0.{i}"}).status_code
                   for i in range(3)]
        assert results == [422, 422, 429]
    finally:
        app.config["LETTERS_TRACK_NUMBER_RATE_LIMIT"] = "10 per hour"


def test_writing_is_throttled(client, app, staff, captcha_text):  # noqa: F811
    app.config["LETTERS_WRITE_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [post_letter(client, {"subject": f"限流测试第{i}封来信"})[0].status_code
                 for i in range(3)]
        assert codes == [302, 302, 429]
    finally:
        app.config["LETTERS_WRITE_RATE_LIMIT"] = "5 per minute;20 per hour"


def test_writer_sees_private_answer_and_rates(client, app, staff):  # noqa: F811
    number, code = _letter_with_code(app, {"consent_public": False})
    with app.app_context():
        letter = db.session.scalar(db.select(Letter))
        handling.accept_letter(person(staff, "village"), letter)
        handling.reply_letter(person(staff, "village"), letter, "您的补贴已补发，请查收一卡通。")
        handling.add_note(person(staff, "village"), letter, "内部：农业服务中心已确认")
        db.session.commit()
    tracked = _track(client, number, code)
    page = client.get(tracked.location).get_data(as_text=True)
    assert "您的补贴已补发" in page and "评价答复" in page and "内部：" not in page
    rated = client.submit(tracked.location, {"rating": "satisfied"},
                          post_url=f"/letters/track/{number}/rate")
    assert rated.status_code == 302
    assert "已办结" in client.get(rated.location).get_data(as_text=True)
    # Not public: the public page does not exist.
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id))
    assert client.raw.get(f"/s/{VILLAGE}/letters/{letter_id}").status_code == 404
    # A stranger cannot rate it.
    stranger = app.test_client()
    assert stranger.post(f"/letters/track/{number}/rate").status_code in (302, 400)


def test_public_pages_show_only_moderated_masked_letters(client, app, staff):  # noqa: F811
    number, _ = _letter_with_code(app)
    index = client.get(f"/s/{VILLAGE}/letters/").get_data(as_text=True)
    assert "耕地地力保护补贴没有到账" not in index and "暂无公开的来信" in index
    assert "统计方法" in index and "样本不足" in index
    with app.app_context():
        letter = db.session.scalar(db.select(Letter))
        letter_id = letter.id
        assert client.raw.get(f"/s/{VILLAGE}/letters/{letter_id}").status_code == 404
        handling.publish_letter(person(staff, "village"), letter, letter.subject, letter.body)
        handling.accept_letter(person(staff, "village"), letter)
        handling.reply_letter(person(staff, "village"), letter,
                              "李建国您好，已补发。联系电话13812345678。")
        db.session.commit()
    index = client.get(f"/s/{VILLAGE}/letters/").get_data(as_text=True)  # the cache was dropped
    assert "耕地地力保护补贴没有到账" in index
    page = client.get(f"/s/{VILLAGE}/letters/{letter_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "ETag" in page.headers
    assert "李建国" not in html and "13912345678" not in html and "13812345678" not in html
    assert "138****5678" in html and "已答复" in html and number in html
    assert "lijianguo@example.org" not in html
    # The site page and the township's board count it.
    site_page = client.get(f"/s/{VILLAGE}/").get_data(as_text=True)
    assert "来信" in site_page and "收到来信" in site_page
    board = client.get(f"/s/{TOWNSHIP}/compliance/").get_data(as_text=True)
    assert "来信答复情况" in board and "安龙村" in board and "统计方法" in board


def test_handler_pages(client, auth, app, staff):  # noqa: F811
    number, _ = _letter_with_code(app)
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id))
    base = f"/s/{VILLAGE}/letters/manage"
    auth.login("13900000001")
    assert client.get("/letters/manage/").status_code == 200
    queue = client.get(f"{base}/").get_data(as_text=True)
    assert number in queue and "应于" in queue
    page = client.get(f"{base}/{letter_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "13912345678" in html and "lijianguo@example.org" in html
    assert page.headers["Cache-Control"] == "no-store"
    accepted = client.submit(f"{base}/{letter_id}", {"accept-simple": "y"},
                             post_url=f"{base}/{letter_id}/accept")
    assert accepted.status_code == 302
    assert "已受理" in client.get(accepted.location).get_data(as_text=True)
    # A transfer outside the tree is refused with the reason, keeping what was typed.
    refused = client.submit(f"{base}/{letter_id}", {"transfer-target_code": OTHER_BRANCH,
                                                    "transfer-reason": "试试转给锦江区"},
                            post_url=f"{base}/{letter_id}/transfer")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "不能转办给" in html and "试试转给锦江区" in html
    # Transfer up to the township: the village handler can no longer open it.
    moved = client.submit(f"{base}/{letter_id}", {"transfer-target": TOWNSHIP,
                                                  "transfer-reason": "需要街道协调"},
                          post_url=f"{base}/{letter_id}/transfer")
    assert moved.status_code == 302 and moved.location.endswith(f"{base}/")
    assert client.get(f"{base}/{letter_id}").status_code == 403
    auth.logout()
    auth.login("13900000002")  # the township handler follows the old link to the new place
    old = client.get(f"{base}/{letter_id}")
    assert old.status_code == 302 and f"/s/{TOWNSHIP}/letters/manage/{letter_id}" in old.location


def test_reply_to_a_closed_letter_is_refused_on_the_page(client, auth, app, staff):  # noqa: F811
    with app.app_context():
        letter, _ = write()
        handling.accept_letter(person(staff, "village"), letter)
        handling.reply_letter(person(staff, "village"), letter, "已补发，请查收一卡通的到账记录。")
        from portal.letterbox.operations import rate_letter

        rate_letter(letter, "satisfied")
        db.session.commit()
        letter_id = letter.id
    base = f"/s/{VILLAGE}/letters/manage/{letter_id}"
    auth.login("13900000001")
    response = client.submit(base, {"reply-body": "办结后补充一句话的内容"},
                             post_url=f"{base}/reply")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "已办结" in html


def test_outsiders_cannot_open_handler_pages(client, auth, app, staff):  # noqa: F811
    _letter_with_code(app)
    with app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id))
    auth.login("13900000004")  # a handler in 锦江区
    base = f"/s/{VILLAGE}/letters/manage"
    assert client.get(f"{base}/").status_code == 403
    assert client.get(f"{base}/{letter_id}").status_code == 403
    page = client.get("/letters/manage/").get_data(as_text=True)
    token = csrf_from(page)
    for action in ("accept", "reject", "reply", "transfer", "publish", "hide", "note"):
        response = client.raw.post(f"{base}/{letter_id}/{action}", data={"csrf_token": token})
        assert response.status_code == 403, action
    # Through a site where the letter never was: 404, not a leak.
    assert client.get(f"/s/{OTHER_BRANCH}/letters/manage/{letter_id}").status_code == 404
    auth.logout()
    auth.login("13900000006")  # a resident with no role
    assert client.get("/letters/manage/").status_code == 403
    assert client.get(f"{base}/").status_code == 403


def test_leader_mailbox_console(client, auth, app, staff):  # noqa: F811
    auth.login("13900000005")  # site admin of 郫都区
    url = f"/s/{DISTRICT}/letters/mailboxes"
    created = client.submit(url, {"name": "区长信箱", "holder": "郫都区人民政府区长",
                                  "intro": "区长亲自阅批"})
    assert created.status_code == 302
    index = client.get(f"/s/{DISTRICT}/letters/").get_data(as_text=True)
    assert "郫都区区长信箱" in index and "写信给区长信箱" in index
    refused = client.submit(f"/s/{TOWNSHIP}/letters/mailboxes", {"name": "街道信箱"})
    assert refused.status_code == 422 and "区(市)县和市" in refused.get_data(as_text=True)
    assert client.get(f"/s/{OTHER_BRANCH}/letters/mailboxes").status_code == 403


def test_overdue_is_flagged_publicly(client, app, staff):  # noqa: F811
    with app.app_context():
        letter, _ = write(at=noon(2026, 11, 2))
        handling.publish_letter(person(staff, "village"), letter, letter.subject, letter.body)
        db.session.commit()
        letter_id = letter.id
    with frozen(noon(2026, 11, 23)):
        index = client.get(f"/s/{VILLAGE}/letters/").get_data(as_text=True)
        page = client.get(f"/s/{VILLAGE}/letters/{letter_id}").get_data(as_text=True)
    assert "已逾期" in index and "已逾期" in page and "应于2026-11-05前受理" in page


def test_letter_pages_have_no_inline_code(client, app, staff, captcha_text):  # noqa: F811
    for url in (NEW, "/letters/track", f"/s/{VILLAGE}/letters/", "/letters/"):
        html = client.get(url).get_data(as_text=True)
        assert "<script" not in html and " style=" not in html, url


def test_writing_is_throttled_per_account_from_any_address(client, auth, app, staff):  # noqa: F811
    auth.login("13900000006")
    app.config["LETTERS_WRITE_ACCOUNT_RATE_LIMIT"] = "1 per minute"
    try:
        codes = []
        for i in range(2):
            page = client.get(NEW).get_data(as_text=True)
            response = client.raw.post(NEW, data={
                **FORM, "token": f"t-{i}", "subject": f"账号限流第{i}封来信",
                "csrf_token": csrf_from(page)}, environ_base={"REMOTE_ADDR": f"10.1.0.{i}"})
            codes.append(response.status_code)
        assert codes == [302, 429]
    finally:
        app.config["LETTERS_WRITE_ACCOUNT_RATE_LIMIT"] = "10 per hour;30 per day"


def test_the_same_form_posted_at_once_from_many_tabs_is_one_letter(client, auth, app,
                                                                   staff):  # noqa: F811
    import threading

    auth.login("13900000006")
    page = client.get(NEW).get_data(as_text=True)
    cookie = client.raw.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    form = {**FORM, "token": "same-token-everywhere", "csrf_token": csrf_from(page)}
    results = []

    def post():
        tab = app.test_client()
        tab.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        response = tab.post(NEW, data=form)
        results.append((response.status_code, response.location))

    tabs = [threading.Thread(target=post) for _ in range(5)]
    for t in tabs:
        t.start()
    for t in tabs:
        t.join()
    assert count_letters(app) == 1
    assert {r[0] for r in results} == {302} and len({r[1] for r in results}) == 1
