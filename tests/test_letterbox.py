"""The letterbox through its operations: writing, bad input, tracking by code, handling, transfers,
replies, moderation, rating and reopening. Shared fixtures for the other letterbox tests live here.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask_login import AnonymousUserMixin
from PIL import Image

from portal.accounts.models import User
from portal.core.clock import frozen, shanghai_noon
from portal.core.errors import OperationError
from portal.extensions import db
from portal.letterbox import handling
from portal.letterbox import operations as ops
from portal.letterbox.models import Letter, LetterAttachment, LetterEvent, MailOutbox
from portal.sites.models import Site

CITY, DISTRICT, TOWNSHIP = "510100000000", "510117000000", "510117004000"
VILLAGE, NEIGHBOUR = "510117004200", "510117004201"  # 安龙村 and a village beside it
OTHER_TOWNSHIP, OTHER_BRANCH = "510117005000", "510104017001"  # 三道堰镇; 水井坊社区 (锦江区)
ANON = AnonymousUserMixin()
LETTER = {
    "recipient": f"site:{VILLAGE}",
    "kind": "help",
    "subject": "耕地地力保护补贴没有到账",
    "body": "我家在三组，承包地4.2亩，2026年的耕地地力保护补贴到现在还没有打到一卡通上，"
            "请村里帮忙查一下原因。我的电话13912345678。",
    "name": "李建国",
    "mobile": "13912345678",
    "email": "lijianguo@example.org",
    "consent_public": True,
}


@pytest.fixture
def staff(tree, make_user):
    """Letter handlers at each level, one in another branch, a site admin, a resident."""
    ids = {
        "village": make_user("13900000001", "安龙村办理员", roles=[(VILLAGE, "letter_handler")]),
        "township": make_user("13900000002", "安德街道办理员",
                              roles=[(TOWNSHIP, "letter_handler")]),
        "district": make_user("13900000003", "郫都区办理员", roles=[(DISTRICT, "letter_handler")]),
        "outsider": make_user("13900000004", "锦江区办理员",
                              roles=[(OTHER_BRANCH, "letter_handler")]),
        "admin": make_user("13900000005", "郫都区管理员", roles=[(DISTRICT, "site_admin")]),
        "resident": make_user("13900000006", "张秀英"),
        "city": make_user("13900000007", "成都市办理员", roles=[(CITY, "letter_handler")]),
    }
    return ids


def person(staff, key) -> User:
    return db.session.get(User, staff[key])


def site(code) -> Site:
    return Site.by_code(code)


def write(data=None, at=None, actor=ANON, files=(), from_site=VILLAGE):
    """Submit a letter (at a frozen moment if given); returns (letter, code)."""
    payload = {**LETTER, **(data or {})}
    if at is None:
        return ops.submit_letter(actor, site(from_site), payload, files)
    with frozen(at):
        return ops.submit_letter(actor, site(from_site), payload, files)


def noon(y, m, d):
    return shanghai_noon(date(y, m, d))


def test_write_gives_number_and_hashed_code(ctx, staff):
    letter, code = write(at=noon(2026, 11, 23))
    db.session.commit()
    assert letter.number == "2026-510117004200-0001"
    assert len(code) == 10 and code not in letter.code_hash
    assert letter.code_hash.startswith("$argon2")
    assert letter.state == "pending" and letter.site.code == VILLAGE
    spell = letter.current
    assert spell.accept_due == date(2026, 11, 26)  # Mon + 3 working days
    assert spell.answer_due is None  # counted from acceptance for a 求助
    assert [e.action for e in letter.events] == ["submitted"]
    # The writer gets a receipt by e-mail (no handler has set an address yet).
    assert db.session.scalars(db.select(MailOutbox.to_addr)).all() == ["lijianguo@example.org"]
    second, _code = write({"subject": "村口路灯坏了两个月"}, at=noon(2026, 11, 23))
    assert second.number == "2026-510117004200-0002"


def test_numbers_restart_each_year_and_per_site(ctx, staff):
    a, _ = write(at=noon(2025, 12, 31))
    b, _ = write({"subject": "新年第一封来信"}, at=noon(2026, 1, 4))
    c, _ = write({"recipient": f"site:{TOWNSHIP}"}, at=noon(2026, 1, 4))
    assert (a.number, b.number, c.number) == (
        "2025-510117004200-0001", "2026-510117004200-0001", "2026-510117004000-0001")


def test_track_by_number_and_code(ctx, staff):
    letter, code = write()
    db.session.commit()
    assert ops.find_by_code(letter.number, code) is letter
    assert ops.find_by_code(letter.number, f" {code[:5]}-{code[5:].lower()} ") is letter
    assert ops.find_by_code(letter.number, "ABCDEFGHJK") is None
    assert ops.find_by_code("2026-510117004200-9999", code) is None
    assert ops.find_by_code("", "") is None


@pytest.mark.parametrize("field, value, message", [
    ("subject", "", "请填写主题"),
    ("subject", "   ", "请填写主题"),
    ("subject", "补贴", "主题至少4个字"),
    ("subject", "补" * 51, "主题不能超过50个字"),
    ("body", "", "请填写来信内容"),
    ("body", "太短了", "来信内容至少10个字"),
    ("body", "字" * 3001, "来信内容不能超过3000个字"),
    ("body", "请看<script>alert(1)</script>这个情况说明一下", "不能包含网页代码"),
    ("body", "请点 <a href=\"http://x\">这里</a> 查看我的情况说明", "不能包含网页代码"),
    ("subject", "<b>补贴没有到账</b>", "不能包含网页代码"),
    ("email", "not-an-email", "电子邮箱格式不正确"),
    ("mobile", "12ab", "联系电话格式不正确"),
    ("kind", "poetry", "请选择来信类型"),
    ("recipient", f"site:{OTHER_BRANCH}", "请选择收信单位"),
    ("recipient", "mailbox:999", "请选择收信单位"),
])
def test_bad_letters_are_refused_and_nothing_is_saved(ctx, staff, field, value, message):
    with pytest.raises(OperationError) as info:
        write({field: value})
    db.session.rollback()
    assert message in info.value.message
    assert info.value.field == field
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0


def test_body_of_exactly_the_limit_is_accepted(ctx, staff):
    letter, _ = write({"subject": "补" * 50, "body": "字" * 3000})
    assert len(letter.body) == 3000


def test_info_requests_go_to_government_offices_only(ctx, staff):
    with pytest.raises(OperationError) as info:
        write({"kind": "info_request"})
    assert "乡镇(街道)及以上" in info.value.message
    letter, _ = write({"kind": "info_request", "recipient": f"site:{TOWNSHIP}"},
                      at=noon(2026, 11, 23))
    assert letter.current.answer_due == date(2026, 12, 21)  # 20 working days from receipt


def test_the_same_letter_twice_is_one_letter(ctx, staff):
    letter, _code = write({"token": "form-token-1"})
    db.session.commit()
    again, again_code = write({"token": "form-token-1"})
    assert again is letter and again_code is None
    # A fresh form with the same words a minute later is recognised too.
    with pytest.raises(ops.DuplicateLetter) as twin:
        write({"token": "form-token-2"})
    assert twin.value.letter is letter
    assert db.session.scalar(db.select(db.func.count(Letter.id))) == 1


def test_anonymous_writing_can_be_switched_off(ctx, staff, app):
    from werkzeug.exceptions import Forbidden

    app.config["LETTERS_ALLOW_ANONYMOUS"] = False
    try:
        with pytest.raises(Forbidden):
            write()
        letter, _ = write(actor=person(staff, "resident"))
        assert letter.writer_id == staff["resident"]
    finally:
        app.config["LETTERS_ALLOW_ANONYMOUS"] = True


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_attachments_follow_the_items_rules(ctx, staff, app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    letter, _ = write(files=[("存折照片.png", _png())])
    assert [a.filename for a in letter.attachments] == ["存折照片.png"]
    with pytest.raises(OperationError) as info:
        write({"subject": "另一封来信的主题"}, files=[("run.exe", b"MZ\x90\x00")])
    assert "类型不允许" in info.value.message
    with pytest.raises(OperationError) as info:
        write({"subject": "第三封来信的主题"}, files=[(f"{i}.png", _png()) for i in range(4)])
    assert "最多上传3个附件" in info.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(LetterAttachment.id))) == 0


def test_objection_must_name_a_public_item_of_that_site(ctx, staff, standard, make_user):
    from tests.test_content import make_draft, publish

    people = {"publisher": make_user("13910000001", roles=[(VILLAGE, "publisher")]),
              "supervisor": make_user("13910000002", roles=[(VILLAGE, "supervisor")])}
    item = make_draft(people)
    with pytest.raises(OperationError) as info:
        write({"kind": "objection", "item": str(item.id)})
    assert "没有找到编号" in info.value.message  # a draft is not public
    publish(people, item)
    letter, _ = write({"kind": "objection", "item": f"http://x/s/{VILLAGE}/items/{item.id}"},
                      at=noon(2026, 11, 23))
    assert letter.item is item
    assert letter.current.answer_due == date(2026, 12, 3)  # village: 10 calendar days
    # The township may hear an objection to its village's item (条例 art. 17), in 20 days.
    up, _ = write({"kind": "objection", "item": str(item.id), "recipient": f"site:{TOWNSHIP}",
                   "subject": "对村务公开答复不满意"}, at=noon(2026, 11, 23))
    assert up.current.answer_due == date(2026, 12, 13)
    with pytest.raises(OperationError):
        write({"kind": "objection", "item": str(item.id), "subject": "别处的异议",
               "recipient": f"site:{VILLAGE}"}, from_site=NEIGHBOUR)  # 安龙村 not in its chain
    with pytest.raises(OperationError) as info:
        write({"kind": "objection", "item": "", "subject": "没填事项编号"})
    assert "请填写您有异议的公开事项编号" in info.value.message


def test_accept_process_answer_and_rate(ctx, staff):
    handler = person(staff, "village")
    letter, _ = write(at=noon(2026, 11, 23))
    with frozen(noon(2026, 11, 24)):
        handling.accept_letter(handler, letter, simple=True)
    assert letter.state == "accepted" and letter.simple
    assert letter.current.answer_due == date(2026, 11, 27)  # simple: 3 working days
    with frozen(noon(2026, 11, 25)):
        handling.start_processing(handler, letter, "已联系镇农业服务中心核对名单")
        reply = handling.reply_letter(handler, letter,
                                      "经核实，李建国家的补贴因一卡通账号变更未发放，已于11月25日补发。"
                                      "如有疑问请联系13812345678。")
    assert letter.state == "answered" and not letter.current.late
    assert "138****5678" in reply.public_body and "李建国" not in reply.public_body
    assert "来信人" in reply.public_body
    ops.rate_letter(letter, "satisfied")
    assert letter.state == "closed" and letter.current.rating == "satisfied"
    assert [e.action for e in letter.events] == [
        "submitted", "accepted", "processing", "answered", "rated", "closed"]
    with pytest.raises(OperationError) as info:
        handling.reply_letter(handler, letter, "办结以后又想补充几句话的内容")
    assert "已办结" in info.value.message
    with pytest.raises(OperationError):
        ops.rate_letter(letter, "unsatisfied")


def test_answer_needs_acceptance_first(ctx, staff):
    letter, _ = write()
    with pytest.raises(OperationError) as info:
        handling.reply_letter(person(staff, "village"), letter, "这是一条足够长的答复内容。")
    assert "请先受理" in info.value.message


def test_refusal_names_reason_and_way(ctx, staff):
    handler = person(staff, "village")
    letter, _ = write({"kind": "complain", "subject": "宅基地纠纷已起诉"})
    with pytest.raises(OperationError) as info:
        handling.reject_letter(handler, letter, "", "court")
    assert info.value.field == "reason"
    with pytest.raises(OperationError) as info:
        handling.reject_letter(handler, letter, "该事项已在法院审理中", "other")
    assert info.value.field == "referral_note"
    handling.reject_letter(handler, letter, "该事项已在郫都区人民法院审理中", "court")
    assert letter.state == "rejected" and letter.current.outcome == "rejected"
    assert "人民法院" in letter.events[-1].note
    with pytest.raises(OperationError):
        handling.accept_letter(handler, letter)


def test_unsatisfied_reopens_once_at_the_office_above(ctx, staff):
    village, township = person(staff, "village"), person(staff, "township")
    letter, _ = write(at=noon(2026, 11, 2))
    with frozen(noon(2026, 11, 3)):
        handling.accept_letter(village, letter)
        handling.reply_letter(village, letter, "补贴名单由镇上统一报送，请您耐心等待。")
    with frozen(noon(2026, 11, 4)):
        ops.rate_letter(letter, "unsatisfied", "村里没有核实就答复了")
    assert letter.state == "pending" and letter.site.code == TOWNSHIP and letter.reopened
    assert letter.current.how == "reopened" and letter.current.accept_due == date(2026, 11, 9)
    assert letter.assignments[0].rating == "unsatisfied"
    with frozen(noon(2026, 11, 5)):
        handling.accept_letter(township, letter)
        handling.reply_letter(township, letter, "街道已会同村委会核实并补发补贴。")
    ops.rate_letter(letter, "unsatisfied")
    assert letter.state == "closed"  # once only
    assert letter.site.code == TOWNSHIP


def test_transfer_up_and_down_within_reach(ctx, staff):
    township, village = person(staff, "township"), person(staff, "village")
    letter, _ = write({"recipient": f"site:{TOWNSHIP}", "subject": "安龙村路灯坏了两个月"},
                      at=noon(2026, 11, 23))
    with frozen(noon(2026, 11, 24)):
        handling.transfer_letter(township, letter, site(VILLAGE), "路灯由村委会负责维护")
    assert letter.site.code == VILLAGE and letter.state == "pending"
    assert letter.current.how == "transferred" and letter.current.accept_due == date(2026, 11, 27)
    event = letter.events[-1]
    assert event.action == "transferred" and event.to_site.code == VILLAGE
    # The village sends it back up; it cannot send it sideways or to another branch.
    for target in (NEIGHBOUR, OTHER_BRANCH, OTHER_TOWNSHIP):
        with pytest.raises(OperationError) as info:
            handling.transfer_letter(village, letter, site(target), "不归我们管的事情")
        assert info.value.field == "target" and "不能转办给" in info.value.message
    with pytest.raises(OperationError) as info:
        handling.transfer_letter(village, letter, site(VILLAGE), "转给自己试试看")
    assert "不能转办给本单位" in info.value.message
    with pytest.raises(OperationError) as info:
        handling.transfer_letter(village, letter, None, "没有选择单位")
    assert info.value.field == "target"
    handling.transfer_letter(village, letter, site(DISTRICT), "涉及区级道路照明规划")
    assert letter.site.code == DISTRICT
    assert [a.outcome for a in letter.assignments] == ["transferred", "transferred", None]


def test_one_extension_with_reason(ctx, staff):
    handler = person(staff, "township")
    letter, _ = write({"recipient": f"site:{TOWNSHIP}", "kind": "info_request",
                       "subject": "申请公开2026年高标准农田建设项目资金"}, at=noon(2026, 11, 23))
    with frozen(noon(2026, 11, 24)):
        handling.accept_letter(handler, letter)
        assert letter.current.answer_due == date(2026, 12, 21)
        with pytest.raises(OperationError):
            handling.extend_letter(handler, letter, "")
        handling.extend_letter(handler, letter, "需要征求第三方意见")
    assert letter.current.answer_due == date(2027, 1, 18)  # +20 working days (Jan 1 unknown: Mon-Fri)
    with pytest.raises(OperationError) as info:
        handling.extend_letter(handler, letter, "还需要再延期一次")
    assert "只能延期一次" in info.value.message


def test_objections_cannot_be_extended(ctx, staff, standard, make_user):
    from tests.test_content import make_draft, publish

    people = {"publisher": make_user("13910000001", roles=[(VILLAGE, "publisher")]),
              "supervisor": make_user("13910000002", roles=[(VILLAGE, "supervisor")])}
    item = make_draft(people)
    publish(people, item)
    letter, _ = write({"kind": "objection", "item": str(item.id)})
    handling.accept_letter(person(staff, "village"), letter)
    with pytest.raises(OperationError) as info:
        handling.extend_letter(person(staff, "village"), letter, "需要时间核对账目")
    assert "不能延期" in info.value.message


def test_moderation_before_public_display(ctx, staff):
    handler = person(staff, "village")
    letter, _ = write()
    assert letter.public_status == "pending" and not letter.is_public
    handling.publish_letter(handler, letter, letter.subject,
                            letter.body + "\n来信人李建国，身份证号11010519491231002X")
    assert letter.is_public
    assert "13912345678" not in letter.public_body and "139****5678" in letter.public_body
    assert "李建国" not in letter.public_body and "110105********002X" in letter.public_body
    private, _ = write({"consent_public": False, "subject": "不愿公开的来信主题"})
    with pytest.raises(OperationError) as info:
        handling.publish_letter(handler, private, private.subject, private.body)
    assert "未同意公开" in info.value.message
    handling.hide_letter(handler, letter, "涉及他人隐私")
    assert letter.public_status == "hidden" and not letter.is_public


def test_internal_notes_stay_internal(ctx, staff):
    letter, _ = write()
    handling.add_note(person(staff, "village"), letter, "此人去年也反映过，注意核实一卡通账号")
    assert all("一卡通账号" not in (e.note or "") for e in letter.events)
    assert db.session.scalar(db.select(db.func.count(LetterEvent.id))) == 1


def test_public_text_never_shows_the_writer(ctx, staff):
    letter, _ = write()
    masked = ops.public_text("李建国 lijianguo@example.org 13912345678", letter)
    assert "李建国" not in masked and "lijianguo@example.org" not in masked
    assert "13912345678" not in masked


def test_mailboxes_only_for_districts_and_the_city(ctx, staff):
    admin = person(staff, "admin")
    box = ops.create_mailbox(admin, site(DISTRICT), {"name": "区长信箱",
                                                     "holder": "郫都区人民政府区长"})
    assert box.active
    with pytest.raises(OperationError):
        ops.create_mailbox(admin, site(TOWNSHIP), {"name": "街道主任信箱"})
    with pytest.raises(OperationError) as info:
        ops.create_mailbox(admin, site(DISTRICT), {"name": "区长信箱"})
    assert "同名" in info.value.message
    options = [value for value, *_ in ops.recipients(site(VILLAGE))]
    assert options == [f"site:{VILLAGE}", f"site:{TOWNSHIP}", f"site:{DISTRICT}",
                       f"mailbox:{box.id}", f"site:{CITY}"]
    letter, _ = write({"recipient": f"mailbox:{box.id}"})
    assert letter.site.code == DISTRICT and letter.mailbox is box
    ops.update_mailbox(admin, site(DISTRICT), box, {"name": "区长信箱", "active": False})
    assert f"mailbox:{box.id}" not in [v for v, *_ in ops.recipients(site(VILLAGE))]


def test_verified_residents_can_write_home_from_anywhere(ctx, staff):
    from portal.accounts import operations as account_ops

    resident = person(staff, "resident")
    residency = account_ops.apply_residency(resident, site(VILLAGE), {
        "real_name": "张秀英", "household_number": "0312"})
    options = [v for v, *_ in ops.recipients(site(OTHER_BRANCH), resident)]
    assert f"site:{VILLAGE}" not in options  # not verified yet
    account_ops.review_residency(person(staff, "admin"), site(VILLAGE), residency, True)
    options = [v for v, *_ in ops.recipients(site(OTHER_BRANCH), resident)]
    assert options[0] == f"site:{OTHER_BRANCH}" and f"site:{VILLAGE}" in options
    letter, _ = write({"recipient": f"site:{VILLAGE}"}, actor=resident, from_site=OTHER_BRANCH)
    assert letter.site.code == VILLAGE and letter.writer_id == resident.id
