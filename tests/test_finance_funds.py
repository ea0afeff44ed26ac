"""Special funds (专项资金): registering and correcting a fund (every check, permissions, site
scoping, history), its figures against a hand-computed pair of public ledgers, the anomalies of
unregistered and overdrawn funds, the page and the exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import Forbidden

from portal.content import operations as content_ops
from portal.core.audit import AuditEvent
from portal.core.clock import frozen
from portal.core.errors import OperationError
from portal.extensions import db
from portal.finance import funds, queries
from portal.finance import operations as ops
from portal.finance.models import SpecialFund, SpecialFundRevision
from portal.sites.models import Site
from tests.test_finance import OTHER, TOWNSHIP, VILLAGE, as_csv, village, who

SIBLING = "510117004201"  # another village of the same township
BASE = f"/s/{VILLAGE}/finance/funds"
FARMLAND = "高标准农田建设补助（区级）"
LITTER = "人居环境整治以奖代补资金（市级）"
# Two quarters of books, balanced, with the farmland fund overdrawn for two weeks in July:
#   farmland: +50,000 (Q2)  −30,000 (Q2)  −25,000 (Q3, balance −5,000)  +20,000 (Q3)
#   litter:   +8,000 (Q2)   −3,000 (Q3)          (never registered)
Q2 = [
    ["2026-04-01", "", "", "", "期初余额", "", "", "100000.00", "", "", ""],
    ["2026-04-10", "记-001", "522", "补助收入", "收到高标准农田建设补助", "50000.00", "", "",
     "郫都区农业农村局", "转账", FARMLAND],
    ["2026-05-20", "记-002", "55101", "公益事业支出", "沟渠整治工程款（第一期）", "", "30000.00",
     "", "成都安达建设工程有限公司", "转账", FARMLAND],
    ["2026-06-05", "记-003", "522", "补助收入", "收到人居环境整治奖补", "8000.00", "", "",
     "郫都区财政局", "转账", LITTER],
    ["2026-06-30", "", "", "", "期末余额", "", "", "128000.00", "", "", ""],
]
Q3 = [
    ["2026-07-01", "", "", "", "期初余额", "", "", "128000.00", "", "", ""],
    ["2026-07-15", "记-001", "55101", "公益事业支出", "沟渠整治工程款（第二期）", "", "25000.00",
     "", "成都安达建设工程有限公司", "转账", FARMLAND],
    ["2026-08-01", "记-002", "522", "补助收入", "收到高标准农田建设补助（第二批）", "20000.00", "",
     "", "郫都区农业农村局", "转账", FARMLAND],
    ["2026-09-10", "记-003", "55101", "公益事业支出", "购置垃圾分类亭", "", "3000.00", "",
     "郫都区安德镇五金店", "转账", LITTER],
    ["2026-09-30", "", "", "", "期末余额", "", "", "120000.00", "", "", ""],
]
GOOD = {"name": FARMLAND, "level": "区县级", "purpose": "三组至五组高标准农田沟渠整治",
        "granted": "100,000.00", "granted_on": "2026-03-18", "document": "郫财农〔2026〕18号",
        "decision_item_id": ""}
ON_1_JUNE = datetime(2026, 6, 1, 4)  # noon in Shanghai


@pytest.fixture
def people(standard, make_user):
    return {
        "clerk": make_user("13900000001", "赵德明", roles=[(VILLAGE, "publisher")]),
        "supervisor": make_user("13900000002", "周淑华", roles=[(VILLAGE, "supervisor")]),
        "finance": make_user("13900000003", "吴国庆", roles=[(VILLAGE, "finance_reviewer")]),
        "township": make_user("13900000004", "安德街道农经站会计", roles=[(TOWNSHIP, "publisher")]),
        "outsider": make_user("13900000005", "外人", roles=[(OTHER, "publisher")]),
        "resident": make_user("13900000006", "张秀英"),
        "sibling": make_user("13900000007", "邻村会计", roles=[(SIBLING, "publisher")]),
        "sibling_supervisor": make_user("13900000008", "邻村监委会",
                                        roles=[(SIBLING, "supervisor")]),
    }


def books(people, quarters=(("2026-Q2", Q2), ("2026-Q3", Q3)), publish=True):
    """Import (and publish) the quarters; returns their revisions."""
    out = []
    for period, rows in quarters:
        revision = ops.import_ledger(who(people, "clerk"), village(), period, "a.csv",
                                     as_csv(rows))
        if publish:
            ops.submit_statement(who(people, "clerk"), village(), revision)
            ops.countersign_statement(who(people, "finance"), village(), revision)
        out.append(revision)
    return out


def register(people, who_="clerk", site=VILLAGE, **changes):
    return funds.register_fund(who(people, who_), Site.by_code(site), {**GOOD, **changes})


def decision(people, site=VILLAGE, category="A04.10", title="关于实施高标准农田沟渠整治的决定",
             publish=True):
    """A content item of a site, published by its publisher and countersigned by 监委会."""
    place = Site.by_code(site)
    author = who(people, "clerk" if site == VILLAGE else "sibling")
    item = content_ops.create_item(author, place, {
        "category": category, "period": "2026-03-10", "title": title,
        "body": "经村民会议表决通过，实施三组至五组高标准农田沟渠整治。"})
    if publish:
        content_ops.submit_item(author, place, item)
        content_ops.countersign_item(who(people, "supervisor" if site == VILLAGE
                                         else "sibling_supervisor"), place, item)
    return item


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# ----------------------------------------------------------------------------- operations


@pytest.mark.parametrize("changes, field, words", [
    ({"name": "  "}, "name", "请填写专项资金名称"),
    ({"purpose": " \n "}, "purpose", "请填写资金用途"),
    ({"level": "县级"}, "level", "未知的下达层级"),
    ({"level": ""}, "level", "未知的下达层级"),
    ({"granted": "十万元"}, "granted", "不是金额"),
    ({"granted": "-100000"}, "granted", "不能为负数"),
    ({"granted": "0.00"}, "granted", "应大于零"),
    ({"granted": "100000.005"}, "granted", "最多两位小数"),
    ({"granted": ""}, "granted", "请填写下达金额"),
    ({"granted_on": "明年三月"}, "granted_on", "无法识别"),
    ({"granted_on": "2026-02-30"}, "granted_on", "无法识别"),
    ({"granted_on": ""}, "granted_on", "请填写下达日期"),
    ({"granted_on": "2026-06-02"}, "granted_on", "晚于今天"),
    ({"purpose": "联系人 13812345678"}, "purpose", "个人信息"),
    ({"decision_item_id": "abc"}, "decision_item_id", "不是本村(社区)已公开的事项"),
    ({"decision_item_id": "99999"}, "decision_item_id", "不是本村(社区)已公开的事项"),
])
def test_bad_registration_is_refused_with_a_reason_and_nothing_saved(ctx, people, changes, field,
                                                                      words):
    with frozen(ON_1_JUNE), pytest.raises(OperationError) as info:
        register(people, **changes)
    assert words in info.value.message and info.value.field == field, info.value.message
    db.session.rollback()
    assert count(SpecialFund) == count(SpecialFundRevision) == 0
    assert not db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action.like("finance.fund%")))


def test_registration_stores_fen_and_the_first_version(ctx, people):
    with frozen(ON_1_JUNE):
        fund = register(people, granted="1,234,567.89", granted_on="2026/6/1")
    assert fund.granted_fen == 123456789 and isinstance(fund.granted_fen, int)
    assert fund.granted_on.isoformat() == "2026-06-01" and fund.number == 1
    first = db.session.scalars(db.select(SpecialFundRevision)).one()
    assert (first.number, first.reason, first.granted_fen, first.name) == (1, None, 123456789,
                                                                           FARMLAND)
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "finance.fund_register")).one()
    assert event.target_id == fund.id and "1,234,567.89" in event.detail


def test_duplicate_names_are_refused_within_a_village_only(ctx, people):
    register(people)
    db.session.commit()
    with pytest.raises(OperationError, match="已登记名为“高标准农田建设补助（区级）”"):
        register(people, granted="5000")
    db.session.rollback()
    other = register(people, who_="sibling", site=SIBLING)  # the same name next door is fine
    second = register(people, name=LITTER, level="市级")
    with pytest.raises(OperationError, match="已登记名为"):
        funds.correct_fund(who(people, "clerk"), village(), second, {**GOOD, "level": "市级"},
                           "改名")
    assert other.site_id != second.site_id


def test_decision_must_be_a_published_decision_of_this_village(ctx, people):
    good = decision(people)
    draft = decision(people, title="尚未发布的决定", publish=False)
    elsewhere = decision(people, site=SIBLING, title="邻村的决定")
    election = decision(people, category="A03.01", title="村民选举委员会名单")
    withdrawn = decision(people, title="已撤回的决定")
    content_ops.withdraw_item(who(people, "clerk"), village(), withdrawn, "内容有误")
    db.session.commit()
    assert [c[0] for c in funds.decision_choices(village())] == [good.id]
    for item, words in ((draft, "已公开"), (elsewhere, "已公开"), (withdrawn, "已公开"),
                        (election, "民主决策")):
        with pytest.raises(OperationError, match=words):
            register(people, decision_item_id=str(item.id))
        db.session.rollback()
    fund = register(people, decision_item_id=str(good.id))
    assert fund.decision_item_id == good.id
    with pytest.raises(OperationError, match="已公开"):  # not by a correction either
        funds.correct_fund(who(people, "clerk"), village(), fund,
                           {**GOOD, "decision_item_id": str(elsewhere.id)}, "改为邻村决定")


def test_a_decision_withdrawn_later_stays_linked_through_corrections(client, auth, ctx, people):
    item = decision(people)
    other = decision(people, title="另一项已撤回的决定")
    fund = register(people, decision_item_id=str(item.id))
    for withdrawn in (item, other):
        content_ops.withdraw_item(who(people, "clerk"), village(), withdrawn, "决定被撤销")
    db.session.commit()
    funds.correct_fund(who(people, "clerk"), village(), fund,
                       {**GOOD, "granted": "90000", "decision_item_id": str(item.id)}, "核减")
    assert (fund.granted_fen, fund.decision_item_id) == (9000000, item.id)
    with pytest.raises(OperationError, match="已公开"):  # but no other withdrawn item
        funds.correct_fund(who(people, "clerk"), village(), fund,
                           {**GOOD, "decision_item_id": str(other.id)}, "改关联")
    db.session.rollback()
    auth.login("13900000001")
    page = client.get(BASE).get_data(as_text=True)
    assert f'<option selected value="{item.id}">关于实施高标准农田沟渠整治的决定（已撤回）' in page


def test_who_may_register_and_correct(ctx, people):
    for key in ("outsider", "resident", "finance", "sibling"):
        with pytest.raises(Forbidden):
            register(people, who_=key)
    with pytest.raises(Forbidden):
        funds.register_fund(None, village(), GOOD)  # anonymous
    fund = register(people, who_="township")  # the township keeps the books (村账乡管)
    for key in ("outsider", "resident", "finance", "sibling"):
        with pytest.raises(Forbidden):
            funds.correct_fund(who(people, key), village(), fund, {**GOOD, "granted": "1"}, "改")
    with pytest.raises(OperationError, match="不属于本站"):  # a fund of another village
        funds.correct_fund(who(people, "sibling"), Site.by_code(SIBLING), fund,
                           {**GOOD, "granted": "1"}, "改")
    with pytest.raises(OperationError, match="按村"):
        funds.register_fund(who(people, "township"), Site.by_code(TOWNSHIP), GOOD)


def test_correction_needs_a_reason_and_keeps_every_version(ctx, people):
    item = decision(people)
    fund = register(people)
    db.session.commit()
    clerk = who(people, "clerk")
    with pytest.raises(OperationError, match="更正原因"):
        funds.correct_fund(clerk, village(), fund, {**GOOD, "granted": "120000"}, "  ")
    db.session.rollback()
    assert fund.granted_fen == 10000000 and fund.number == 1
    with pytest.raises(OperationError, match="没有修改"):
        funds.correct_fund(clerk, village(), fund, dict(GOOD), "再保存一次")
    db.session.rollback()
    funds.correct_fund(clerk, village(), fund, {**GOOD, "granted": "120000",
                                                "decision_item_id": str(item.id)},
                       "区财政追加下达2万元")
    db.session.commit()
    assert (fund.granted_fen, fund.number, fund.decision_item_id) == (12000000, 2, item.id)
    versions = db.session.scalars(db.select(SpecialFundRevision).order_by(
        SpecialFundRevision.number)).all()
    assert [(v.number, v.granted_fen, v.reason) for v in versions] == [
        (1, 10000000, None), (2, 12000000, "区财政追加下达2万元")]
    steps = funds.history([fund], masked=True)[fund.id]
    assert steps[0].by == "赵*明" and steps[1].changes == [
        ("下达金额", "100,000.00", "120,000.00"),
        ("民主决策事项", "", "关于实施高标准农田沟渠整治的决定")]
    assert funds.history([fund], masked=False)[fund.id][1].by == "赵德明"
    event = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "finance.fund_correct")).one()
    assert json.loads(event.detail)["changes"]["granted_fen"] == ["100,000.00", "120,000.00"]
    versions[0].reason = "悄悄改掉"
    with pytest.raises(RuntimeError):  # the ORM refuses ...
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DBAPIError):  # ... and so does the database
        db.session.execute(db.update(SpecialFundRevision).values(granted_fen=1))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(db.delete(SpecialFundRevision))
    db.session.rollback()
    assert count(SpecialFundRevision) == 2


# ----------------------------------------------------------------------------- figures


def test_figures_against_the_hand_computed_ledgers(ctx, people):
    register(people)
    q2, q3 = books(people, publish=False)
    ops.submit_statement(who(people, "clerk"), village(), q2)
    ops.countersign_statement(who(people, "finance"), village(), q2)
    registered, unregistered = funds.report(village())
    assert (registered[0].received, registered[0].spent) == (5000000, 3000000)  # Q3 not public
    ops.submit_statement(who(people, "clerk"), village(), q3)
    ops.countersign_statement(who(people, "finance"), village(), q3)
    registered, unregistered = funds.report(village())
    [farmland] = registered
    assert (farmland.received, farmland.spent, farmland.balance, farmland.outstanding) == (
        7000000, 5500000, 1500000, 3000000)
    assert not farmland.overdrawn
    assert [(line.entry.day.isoformat(), line.revision.period.key) for line in farmland.lines] == [
        ("2026-04-10", "2026-Q2"), ("2026-05-20", "2026-Q2"), ("2026-07-15", "2026-Q3"),
        ("2026-08-01", "2026-Q3")]
    [litter] = unregistered
    assert (litter.name, litter.fund, litter.level) == (LITTER, None, "市级")
    assert (litter.received, litter.spent, litter.balance, litter.outstanding) == (
        800000, 300000, 500000, None)
    other, none = funds.report(Site.by_code(SIBLING))
    assert other == none == []  # another village sees nothing of these


def test_unregistered_and_overdrawn_funds_are_anomalies(ctx, people):
    register(people)
    q2, q3 = books(people)
    found = {(a.kind, a.entry.summary): a.note for a in queries.anomalies(
        q3, queries.entries_of(q3))}
    assert ("fund", "购置垃圾分类亭") in found and LITTER in found[("fund", "购置垃圾分类亭")]
    assert not any(k == "fund" and s.startswith("沟渠") for k, s in found)
    # Q2's 20,000 were carried over: the second instalment overdrew the fund by 5,000.
    assert "-5,000.00" in found[("overdraft", "沟渠整治工程款（第二期）")]
    assert not any(k == "overdraft" for k, _s in found if _s != "沟渠整治工程款（第二期）")
    early = {(a.kind, a.entry.summary) for a in queries.anomalies(q2, queries.entries_of(q2))}
    assert ("fund", "收到人居环境整治奖补") in early and not any(k == "overdraft" for k, _s in early)
    register(people, name=LITTER, level="市级", granted="8000")
    kinds = {a.kind for a in queries.anomalies(q3, queries.entries_of(q3))}
    assert "fund" not in kinds and "overdraft" in kinds


def test_a_fund_overdrawn_now_is_marked(client, ctx, people):
    register(people)
    books(people, quarters=(("2026-Q3", Q3),))  # without Q2's 50,000 received
    [farmland], _none = funds.report(village())
    assert farmland.overdrawn and farmland.balance == -500000
    db.session.commit()
    page = client.get(BASE).get_data(as_text=True)
    assert "fund-overdrawn" in page and "透支" in page and "5,000.00" in page


# ----------------------------------------------------------------------------- pages


def test_the_page_for_anyone(client, ctx, people):
    item = decision(people)
    register(people, decision_item_id=str(item.id))
    books(people)
    db.session.commit()
    response = client.get(BASE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (FARMLAND, "区县级", "郫财农〔2026〕18号", "三组至五组高标准农田沟渠整治",
                 "2026-03-18", "100,000.00", "70,000.00", "55,000.00", "15,000.00", "30,000.00",
                 "未登记的专项资金", LITTER, "市级", "8,000.00", "沟渠整治工程款（第二期）",
                 "成都安达建设工程有限公司", "2026年第3季度"):
        assert text in page, text
    assert f'href="/s/{VILLAGE}/items/{item.id}"' in page
    assert f'href="/s/{VILLAGE}/finance/2026-Q2/?r=1"' in page
    assert "<script" not in page and "style=" not in page
    assert "登记专项资金(工作人员)" not in page and "csrf_token" not in page
    assert FARMLAND not in client.get(f"/s/{SIBLING}/finance/funds").get_data(as_text=True)


def test_staff_register_and_correct_through_the_forms(client, auth, people, app):
    auth.login("13900000001")
    page = client.get(BASE).get_data(as_text=True)
    assert "登记专项资金(工作人员)" in page
    bad = client.submit(BASE, {**GOOD, "granted": "十万"}, post_url=BASE + "/new")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "不是金额" in text
    assert f'value="{FARMLAND}"' in text and 'value="郫财农〔2026〕18号"' in text  # as typed
    with app.app_context():
        assert count(SpecialFund) == 0
    good = client.submit(BASE, GOOD, post_url=BASE + "/new")
    assert good.status_code == 302 and "#fund-1" in good.headers["Location"]
    page = client.get(BASE).get_data(as_text=True)
    assert "已登记专项资金“高标准农田建设补助（区级）”" in page and "更正登记信息" in page
    token = client.get(BASE).get_data(as_text=True)
    from tests.conftest import csrf_from

    fields = {f"fund1-{k}": v for k, v in {**GOOD, "granted": "120000.00"}.items()}
    refused = client.post(BASE + "/1/correct", data={**fields, "fund1-reason": "",
                                                     "fund1-csrf_token": csrf_from(token)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请写明更正原因" in text
    assert 'value="120000.00"' in text and "<details class=\"fund-correct\" open>" in text
    done = client.post(BASE + "/1/correct", data={**fields, "fund1-reason": "区财政追加下达",
                                                  "fund1-csrf_token": csrf_from(token)})
    assert done.status_code == 302
    page = client.get(BASE).get_data(as_text=True)
    assert "更正记录已公开" in page and "区财政追加下达" in page and "120,000.00" in page
    assert "<del>100,000.00</del>" in page and "赵德明 更正(第2版)" in page
    auth.logout()
    public = client.get(BASE).get_data(as_text=True)
    assert "区财政追加下达" in public and "<del>100,000.00</del>" in public
    assert "赵*明 更正(第2版)" in public and "赵德明" not in public


def test_forms_refuse_outsiders_and_other_villages_funds(client, auth, people, app):
    assert client.post(BASE + "/new", data=GOOD).status_code in (400, 403)  # no CSRF, no login
    with app.app_context():
        fund_id = register(people, who_="sibling", site=SIBLING).id
        db.session.commit()
    for mobile in ("13900000005", "13900000006", "13900000003"):  # outsider, resident, reviewer
        auth.login(mobile)
        assert "登记专项资金(工作人员)" not in client.get(BASE).get_data(as_text=True)
        assert client.submit(BASE, GOOD, post_url=BASE + "/new").status_code == 403
        auth.logout()
    auth.login("13900000001")  # this village's clerk, at the address of a fund next door
    assert client.submit(BASE, {}, post_url=f"{BASE}/{fund_id}/correct").status_code == 404
    assert client.submit(BASE, {}, post_url=f"/s/{SIBLING}/finance/funds/{fund_id}/correct"
                         ).status_code == 403
    with app.app_context():
        assert db.session.get(SpecialFund, fund_id).number == 1


# ----------------------------------------------------------------------------- exports


def test_exports_carry_the_figures(client, ctx, people):
    register(people)
    books(people)
    db.session.commit()
    rows = list(csv.DictReader(io.StringIO(client.get(BASE + ".csv").data.decode("utf-8-sig"))))
    farmland, litter = rows
    assert (farmland["name"], farmland["registered"], farmland["level"]) == (
        FARMLAND, "True", "区县级")
    assert [farmland[k] for k in ("granted", "received", "spent", "balance", "outstanding")] == [
        "100000.00", "70000.00", "55000.00", "15000.00", "30000.00"]
    assert farmland["granted_on"] == "2026-03-18" and farmland["document"] == "郫财农〔2026〕18号"
    assert (litter["name"], litter["registered"], litter["granted"], litter["received"]) == (
        LITTER, "False", "", "8000.00")

    data = json.loads(client.get(BASE + ".json").data, parse_float=Decimal)
    assert data["currency"] == "CNY" and data["data"][0]["balance"] == Decimal("15000.00")
    assert data["data"][1]["granted"] is None and data["data"][1]["registered"] is False

    sheet = openpyxl.load_workbook(io.BytesIO(client.get(BASE + ".xlsx").data)).active
    titles = [c.value for c in sheet[1]]
    assert titles[:3] == ["资金名称", "已登记", "下达层级"]
    assert Decimal(str(sheet.cell(2, titles.index("已支出") + 1).value)) == Decimal("55000")

    entries = list(csv.DictReader(io.StringIO(
        client.get(BASE + "/entries.csv").data.decode("utf-8-sig"))))
    assert len(entries) == 6
    received = sum(Decimal(e["received"]) for e in entries if e["fund"] == FARMLAND)
    spent = sum(Decimal(e["spent"]) for e in entries if e["fund"] == FARMLAND)
    assert (received, spent) == (Decimal("70000.00"), Decimal("55000.00"))
    assert {e["period"] for e in entries} == {"2026-Q2", "2026-Q3"}
    entries_json = json.loads(client.get(BASE + "/entries.json").data)["data"]
    assert [e["date"] for e in entries_json][:2] == ["2026-04-10", "2026-05-20"]
    book = openpyxl.load_workbook(io.BytesIO(client.get(BASE + "/entries.xlsx").data))
    assert book.active.max_row == 7

    package = client.get(BASE + "/datapackage.json").get_json()
    assert package["currency"] == "CNY" and len(package["resources"]) == 6
    assert package["totals"] == {"granted": "100000.00", "received": "78000.00",
                                 "spent": "58000.00"}
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["granted"]["type"] == "number" and fields["granted"]["currency"] == "CNY"
    assert fields["granted"]["unit"] == "元" and fields["granted_on"]["type"] == "date"
    assert package["resources"][3]["path"].endswith("/finance/funds/entries.csv")
    assert client.get(BASE + ".pdf").status_code == 404
    sibling = client.get(f"/s/{SIBLING}/finance/funds.csv").data.decode("utf-8-sig")
    assert FARMLAND not in sibling


# ----------------------------------------------------------------------------- demo


def test_demo_registers_every_fund_its_ledgers_name(ctx, standard):
    import re
    import time

    from portal.finance.demo import load_finance
    from portal.finance.fund_demo import load_funds

    lines = list(load_finance())
    assert any(line.startswith("demo special funds: ") for line in lines)
    site = Site.by_code("510117005200")  # the one 红光街道 village in the test tree
    registered, unregistered = funds.report(site)
    assert registered and unregistered == []
    for r in registered:
        f = r.fund
        assert f.level == {"区级": "区县级", "市级": "市级", "省级": "省级"}[
            queries.level_in_name(f.name)]
        assert re.fullmatch(r"(郫|成|川)财农〔20\d\d〕\d+号", f.document), f.document
        assert f.purpose.startswith("用于") and f.granted_on < r.lines[0].entry.day
        assert f.granted_fen >= r.received > 0 and r.balance >= 0 and r.outstanding >= 0
    public = queries.current_public([site.id]).values()
    assert not any(a.kind == "fund" for rev in public
                   for a in queries.anomalies(rev, queries.entries_of(rev)))
    before = [(f.name, f.granted_fen, f.document) for f in funds.funds_of(site)]
    began = time.perf_counter()
    again = list(load_funds(["510117005000"], {"510117005000": None}, None, {}))
    assert time.perf_counter() - began < 1 and again[0].startswith("demo special funds: 0 ")
    assert [(f.name, f.granted_fen, f.document) for f in funds.funds_of(site)] == before
