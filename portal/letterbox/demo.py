"""Demo letters: written, handled, escalated and rated through the operations, on past dates.

Everything happens in date order with the clock frozen on the day it happened, and the sweep runs
on the days cron would have escalated an overdue letter, so deadlines, escalations and the
statistics read like a real office's. Loading again does nothing once any letter exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_login import AnonymousUserMixin

from portal.accounts.models import User
from portal.content.models import Item
from portal.core.clock import frozen, shanghai_noon
from portal.extensions import db
from portal.letterbox import handling, operations, sweep
from portal.letterbox.models import Letter
from portal.sites.models import Site

CITY, DISTRICT, TOWNSHIP, VILLAGE = "510100000000", "510117000000", "510117004000", "510117004200"
HANDLER_EMAILS = {"13800000002": "pidu-xinfang@example.org",
                  "13800000003": "andejiedao@example.org",
                  "13800000004": "anlongcun@example.org"}


def _at(y: int, m: int, d: int):
    return frozen(shanghai_noon(date(y, m, d)))


def _user(mobile: str) -> User:
    return db.session.scalar(db.select(User).where(User.mobile == mobile))


def _write(actor, recipient: str, kind: str, subject: str, body: str, **extra) -> Letter:
    data = {"recipient": recipient, "kind": kind, "subject": subject, "body": body,
            "consent_public": extra.pop("public", True), **extra}
    letter, _code = operations.submit_letter(actor, Site.by_code(data.pop("from_site", VILLAGE)),
                                             data)
    return letter


def _objection_item(village: Site) -> Item | None:
    """A recent finance statement of 安龙村 that is public (the demo content publishes them)."""
    return db.session.scalar(
        db.select(Item).where(Item.site_id == village.id, Item.current_revision_id.is_not(None),
                              Item.withdrawn_at.is_(None), Item.category_code.like("B0%"))
        .order_by(Item.last_published_at.desc()).limit(1))


def load_letters() -> Iterator[str]:
    """Create the demo letters; yield a summary line."""
    existing = db.session.scalar(db.select(db.func.count(Letter.id)))
    if existing:
        yield f"demo letters already present ({existing}): skipped"
        return
    anyone = AnonymousUserMixin()
    district_admin, city_admin = _user("13800000002"), _user("13800000001")
    pidu, ande, anlong = _user("13800000002"), _user("13800000003"), _user("13800000004")
    zhang, li = _user("13800000007"), _user("13800000008")
    if None in (district_admin, city_admin, pidu, ande, anlong, zhang, li):
        yield "demo accounts missing: demo letters skipped"
        return
    for mobile, email in HANDLER_EMAILS.items():
        operations.set_handler_email(_user(mobile), email)

    with _at(2026, 8, 1):
        box = operations.create_mailbox(district_admin, Site.by_code(DISTRICT), {
            "name": "区长信箱", "holder": "郫都区人民政府区长",
            "intro": "区长信箱由区政府办公室受理，区长定期阅批。请勿重复来信；涉法涉诉事项请通过法定途径反映。"})
        operations.create_mailbox(city_admin, Site.by_code(CITY), {
            "name": "市长信箱", "holder": "成都市人民政府市长",
            "intro": "市长信箱由市政府办公厅受理，重要来信呈报市长阅批。"})

    # An answer that came late: the township missed it, the sweep took it to the district.
    with _at(2026, 8, 10):
        water = _write(anyone, f"site:{TOWNSHIP}", "suggest", "望丛路安德段雨后积水严重",
                       "每次下大雨，望丛路安德街道农贸市场门口一段积水能淹过脚踝，电瓶车经常熄火，"
                       "学生上学只能绕行。建议疏通排水沟，必要时加装排水管。", name="王先生")
    with _at(2026, 8, 11):
        handling.accept_letter(ande, water)
    with _at(2026, 8, 26):
        sweep.run(deliver_mail=False)  # due 25 August: escalated to 郫都区
    water = db.session.get(Letter, water.id)
    with _at(2026, 8, 27):
        handling.accept_letter(pidu, water)
    with _at(2026, 8, 31):
        handling.reply_letter(pidu, water,
                              "您好！区住建交通局已会同安德街道现场查看，积水原因是农贸市场段雨水"
                              "管网淤堵。9月5日前完成管网清淤，并在10月底前新增两处雨水收集口。"
                              "感谢您对城市管理工作的关心。")
        handling.publish_letter(pidu, water, water.subject, water.body)
    with _at(2026, 9, 1):
        operations.rate_letter(water, "fair", "清淤很快，但收集口还没修好")

    # The road lamp: 安龙村 did not accept in time, escalated to 安德街道.
    with _at(2026, 9, 7):
        lamp = _write(zhang, f"site:{VILLAGE}", "suggest", "三组村口路灯坏了两个多月",
                      "三组村口到小学那段路的三盏路灯从七月初就不亮了，晚上接孩子放学、老人散步都看"
                      "不清路，上周还有人骑车摔倒。希望尽快修好。")
    with _at(2026, 9, 11):
        sweep.run(deliver_mail=False)  # due 10 September: escalated to 安德街道
    lamp = db.session.get(Letter, lamp.id)
    with _at(2026, 9, 14):
        handling.accept_letter(ande, lamp)
    with _at(2026, 9, 18):
        handling.reply_letter(ande, lamp,
                              "您好！街道已联系供电所和安龙村委会，三盏路灯的灯头和线路已于9月17日"
                              "更换，现已恢复照明。村委会今后每月巡查一次路灯。对村委会未及时受理"
                              "来信的问题，街道已提出批评。")
        handling.publish_letter(ande, lamp, lamp.subject, lamp.body)
    with _at(2026, 9, 19):
        operations.rate_letter(lamp, "fair")

    # An information request to the district, extended once, answered within the extension.
    with _at(2026, 10, 9):
        info = _write(zhang, f"site:{DISTRICT}", "info_request",
                      "申请公开安德街道高标准农田建设项目资金使用情况",
                      "根据《中华人民共和国政府信息公开条例》，申请公开2026年安德街道高标准农田建设"
                      "项目的批复文件、中标单位、合同金额和资金拨付情况。", public=False)
    with _at(2026, 10, 12):
        handling.accept_letter(pidu, info)

    # The missing subsidy of the migrant worker, answered in time and rated.
    with _at(2026, 10, 12):
        subsidy = _write(li, f"site:{VILLAGE}", "help", "2026年耕地地力保护补贴没有到账",
                         "我是安龙村四组村民，常年在深圳打工。家里4.2亩承包地由亲戚代种，往年耕地地力"
                         "保护补贴都打到我的社保卡上，今年到现在还没有收到，也联系不上组长。"
                         "请帮忙查一下原因。", email="lijianguo@example.org")
    with _at(2026, 10, 13):
        handling.accept_letter(anlong, subsidy)
    with _at(2026, 10, 14):
        handling.start_processing(anlong, subsidy, "已请街道农业服务中心核对补贴发放名单")
    with _at(2026, 10, 19):
        handling.reply_letter(anlong, subsidy,
                              "您好！经街道农业服务中心核对，您家的补贴因社保卡账户信息变更未能发放，"
                              "已于10月16日重新录入，补贴资金1,234.80元将随下一批次发放。如有疑问"
                              "可致电村委会。")
        handling.publish_letter(anlong, subsidy, subsidy.subject, subsidy.body)
    with _at(2026, 10, 20):
        operations.rate_letter(subsidy, "satisfied", "谢谢村里帮忙")

    # An objection to a published finance statement: answered, not accepted, reopened above.
    item = _objection_item(Site.by_code(VILLAGE))
    objection = None
    if item is not None:
        with _at(2026, 10, 22):
            objection = _write(zhang, f"site:{VILLAGE}", "objection",
                               "对村财务公开中办公费支出有异议",
                               "本季度财务公开中办公费支出比上季度多了将近一倍，明细里只写了“办公用品”，"
                               "没有写买了什么。请村委会公开具体明细和报销凭证。", item=str(item.id))
        with _at(2026, 10, 23):
            handling.accept_letter(anlong, objection)
        with _at(2026, 10, 30):
            handling.reply_letter(anlong, objection,
                                  "办公费增加主要是购置了打印机和档案柜，已按规定报销。")
    with _at(2026, 10, 30):
        handling.extend_letter(pidu, info, "需征求项目实施单位意见，依法延长答复期限")
    if objection is not None:
        with _at(2026, 10, 31):
            operations.rate_letter(objection, "unsatisfied", "还是没有明细")
        with _at(2026, 11, 2):
            handling.accept_letter(ande, objection)
        with _at(2026, 11, 10):
            handling.reply_letter(ande, objection,
                                  "街道已调阅安龙村第三季度办公费凭证：购置打印机1台2,680元、档案柜"
                                  "4组3,960元，其余为日常办公用品。已要求村委会在公开栏补充公开明细，"
                                  "并在今后的财务公开中逐项列明。")
            handling.publish_letter(ande, objection, objection.subject, objection.body)
        with _at(2026, 11, 11):
            operations.rate_letter(objection, "satisfied")

    # A question about 低保, answered as a simple matter.
    with _at(2026, 10, 26):
        dibao = _write(anyone, f"site:{TOWNSHIP}", "consult", "申请低保需要准备哪些材料",
                       "我父亲今年72岁，一个人住，没有养老金以外的收入，身体也不好。想问一下申请"
                       "最低生活保障需要准备什么材料，到哪里办理？", from_site=TOWNSHIP)
    with _at(2026, 10, 27):
        handling.accept_letter(ande, dibao, simple=True)
    with _at(2026, 10, 28):
        handling.reply_letter(ande, dibao,
                              "您好！申请低保需提供：户口簿、身份证、家庭收入和财产情况说明、授权"
                              "核对家庭经济状况的声明。可由本人或委托村(社区)在街道便民服务中心"
                              "社会救助窗口提出申请，也可通过“天府通办”网上申请。街道受理后会入户"
                              "调查，在村里公示7天。")
        handling.publish_letter(ande, dibao, dibao.subject, dibao.body)

    # A dispute already in court: refused, with where to go instead.
    with _at(2026, 11, 4):
        court = _write(anyone, f"site:{VILLAGE}", "complain", "邻居占用我家宅基地",
                       "邻居翻修房屋时占用了我家宅基地约6平方米，协商不成，我已向区人民法院起诉。"
                       "请村里出面让他们停工。", public=False)
    with _at(2026, 11, 5):
        handling.reject_letter(anlong, court, "该纠纷已由郫都区人民法院立案审理，村委会不宜另行处理",
                               "court")

    # Open letters: the queue has work in it.
    with _at(2026, 11, 18):
        vote = _write(li, f"site:{VILLAGE}", "consult", "外出务工人员怎样参加村里的民主评议",
                      "今年年底村里要开展民主评议，我在深圳过年不一定回得去，请问能不能网上参加"
                      "或者委托家里人参加？", email="lijianguo@example.org")
    with _at(2026, 11, 19):
        handling.accept_letter(anlong, vote)
        noise = _write(anyone, f"mailbox:{box.id}", "complain", "砖厂夜间施工噪音扰民",
                       "安德街道红旗路附近的砖厂最近每天晚上十一点以后还在装卸砖块，噪音很大，"
                       "附近几个小区的老人孩子都睡不好。希望有关部门管一管。")
    with _at(2026, 11, 20):
        handling.reply_letter(pidu, info,
                              "您好！现将2026年安德街道高标准农田建设项目的立项批复、中标结果公告和"
                              "资金拨付情况一并提供(见附件清单)。合同金额中涉及商业秘密的部分不予"
                              "公开，依据为《政府信息公开条例》第十五条。")
        care = _write(anyone, f"site:{VILLAGE}", "help", "母亲行动不便想申请居家养老服务",
                      "我母亲今年80岁，去年中风后行动不便，我们子女都在外地。想问一下村里能不能"
                      "帮忙申请居家养老上门服务，需要办什么手续？")
        sweep.run(deliver_mail=False)  # closes the 低保 answer nobody rated

    db.session.commit()
    count = db.session.scalar(db.select(db.func.count(Letter.id)))
    yield (f"demo letters: {count} (escalated, transferred on, refused, extended, rated; "
           f"open: {noise.number}, {care.number}, {vote.number}); leader mailboxes at 郫都区 and 成都市")
