"""The demo letters: made through the operations on past dates, with every path of the workflow,
and loaded only once."""

from __future__ import annotations

from portal.accounts import operations as account_ops
from portal.accounts.models import User
from portal.extensions import db
from portal.letterbox.demo import load_letters
from portal.letterbox.models import Assignment, Letter, Mailbox
from portal.sites.models import Site

CITY, DISTRICT, TOWNSHIP, VILLAGE = "510100000000", "510117000000", "510117004000", "510117004200"


def test_demo_letters_cover_the_workflow_and_load_once(ctx, tree, make_user):
    make_user("13800000001", roles=[(CITY, "site_admin")])
    make_user("13800000002", roles=[(DISTRICT, "site_admin"), (DISTRICT, "letter_handler")])
    make_user("13800000003", roles=[(TOWNSHIP, "letter_handler")])
    make_user("13800000004", roles=[(VILLAGE, "site_admin"), (VILLAGE, "letter_handler")])
    make_user("13800000007", "张秀英")
    make_user("13800000008", "李建国")
    zhang = db.session.scalar(db.select(User).where(User.mobile == "13800000007"))
    admin = db.session.scalar(db.select(User).where(User.mobile == "13800000004"))
    residency = account_ops.apply_residency(zhang, Site.by_code(VILLAGE), {
        "real_name": "张秀英", "household_number": "0312"})
    account_ops.review_residency(admin, Site.by_code(VILLAGE), residency, True)
    db.session.commit()

    lines = list(load_letters())
    assert lines[-1].startswith("demo letters: 9")  # no published item here: no objection
    letters = {x.subject: x for x in db.session.scalars(db.select(Letter))}
    lamp = letters["三组村口路灯坏了两个多月"]
    assert [a.outcome for a in lamp.assignments] == ["escalated", "answered"]
    assert lamp.state == "closed" and lamp.is_public
    water = letters["望丛路安德段雨后积水严重"]
    assert water.site.code == DISTRICT and water.assignments[0].late
    assert letters["邻居占用我家宅基地"].state == "rejected"
    info = letters["申请公开安德街道高标准农田建设项目资金使用情况"]
    assert info.extended_at is not None and info.state == "answered"
    assert not info.current.late and info.public_status == "private"
    assert letters["申请低保需要准备哪些材料"].state == "closed"  # unrated: closed by the sweep
    assert letters["2026年耕地地力保护补贴没有到账"].rating == "satisfied"
    assert {letters[s].state for s in ("砖厂夜间施工噪音扰民", "母亲行动不便想申请居家养老服务")} == {
        "pending"}
    assert letters["砖厂夜间施工噪音扰民"].mailbox.name == "区长信箱"
    assert db.session.scalar(db.select(db.func.count(Mailbox.id))) == 2

    before = db.session.scalar(db.select(db.func.count(Assignment.id)))
    assert ["demo letters already present (9): skipped"] == list(load_letters())
    assert db.session.scalar(db.select(db.func.count(Assignment.id))) == before
