"""Rosters, verification against them, electorates, polls, ballots, proxies, results and matters."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from werkzeug.exceptions import Forbidden

from portal.accounts.models import Household
from portal.accounts.operations import apply_residency, register_user, review_residency
from portal.content import operations as content_ops
from portal.content.models import Item
from portal.core.audit import AuditEvent
from portal.core.errors import OperationError
from portal.extensions import db
from portal.sites.models import Site
from portal.voting import operations as ops
from portal.voting.models import Ballot, Matter, Participation, Poll, ProxyGrant, RosterEntry
from tests.voting_helpers import (
    OTHER,
    STAFF,
    SUPERVISOR,
    VILLAGE,
    at,
    create_open_poll,
    id_number,
    make_voter,
    person,
    poll_data,
    residency_of,
    roster_csv,
    staff,
)

PEOPLE = [person(i) for i in range(1, 11)] + [
    person(11, household="H001", relation="配偶"),
    person(12, household="H001", relation="子", born=date(2012, 3, 1)),  # a minor
    person(13, group="二组", rep=True), person(14, group="二组", rep=True),
    person(15, group="二组", rep=True),
]


def build_village(app, make_user):
    """安龙村 with its staff, a supervisor and a 15-person roster (committed)."""
    make_user(STAFF, "安龙村村委会", roles=[(VILLAGE, "site_admin"), (VILLAGE, "publisher"),
                                        (VILLAGE, "poll_manager")])
    make_user(SUPERVISOR, "安龙村监委会", roles=[(VILLAGE, "supervisor")])
    make_user("13900000009", "邻村村委会", roles=[(OTHER, "poll_manager"), (OTHER, "publisher")])
    with app.app_context():
        ops.import_roster(staff(), Site.by_code(VILLAGE), "花名册.csv", roster_csv(PEOPLE))
        db.session.commit()


@pytest.fixture
def village(app, standard, make_user):
    """The village, inside an application context for calling operations; yields the Site."""
    build_village(app, make_user)
    with app.app_context():
        yield Site.by_code(VILLAGE)
        db.session.rollback()


# ---- roster and verification ---------------------------------------------------------------

def test_roster_keeps_only_salted_hashes_and_builds_households(village):
    entries = db.session.scalars(db.select(RosterEntry)).all()
    assert len(entries) == 15
    raw = id_number(1)
    assert all(raw not in (e.id_hash, e.name) for e in entries)
    assert entries[0].id_hash == ops.id_hash(village, raw)
    other = Site.by_code(OTHER)
    assert ops.id_hash(other, raw) != ops.id_hash(village, raw)  # salted per village
    h001 = db.session.scalar(db.select(Household).where(Household.number == "H001"))
    members = db.session.scalars(db.select(RosterEntry).where(
        RosterEntry.household_id == h001.id)).all()
    assert {m.relation for m in members} == {"户主", "配偶", "子"}
    assert h001.head_name == "村民001"
    # Nothing in any column of any table holds the raw number.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(db.select(table)).all():
            assert raw not in " ".join(str(v) for v in row)


def test_roster_import_is_all_or_nothing_and_names_every_bad_line(village):
    bad = roster_csv([person(20)]).decode() + "H021,王五,510117198001010000,户主,,\n,李,x,户主,,\n"
    with pytest.raises(OperationError) as error:
        ops.import_roster(staff(), village, "r.csv", bad.encode())
    assert "第3行" in error.value.message and "第4行" in error.value.message
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(RosterEntry.id))) == 15


def test_roster_imports_xlsx_and_reimport_updates(village):
    from io import BytesIO

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["户号", "姓名", "身份证号", "与户主关系", "村民小组", "村民代表"])
    sheet.append(["H001", "村民001", id_number(1), "户主", "三组", "是"])
    sheet.append(["H030", "新村民", id_number(30), "户主", "三组", ""])
    out = BytesIO()
    book.save(out)
    result = ops.import_roster(staff(), village, "roster.xlsx", out.getvalue())
    assert (result.added, result.updated) == (1, 1)
    entry = db.session.scalar(db.select(RosterEntry).where(
        RosterEntry.id_hash == ops.id_hash(village, id_number(1))))
    assert entry.is_representative and entry.household.group_name == "三组"


def test_roster_import_needs_the_permission(village):
    outsider = register_user("13600000001", "Test-pass-2026", "外人")
    with pytest.raises(Forbidden):
        ops.import_roster(outsider, village, "r.csv", roster_csv([person(40)]))


def test_verification_matches_the_roster(village):
    voter = make_voter(village, 3, migrant=True)
    residency = residency_of(voter)
    assert residency.status == "verified" and residency.roster_entry_id is not None
    assert residency.is_migrant and residency.household.number == "H003"
    # A wrong ID number, or a name that does not match, cannot be verified.
    stranger = register_user("13600000002", "Test-pass-2026", "冒名")
    claim = apply_residency(stranger, village, {"real_name": "村民004", "household_number": "H004",
                                               "id_number": id_number(5)})
    with pytest.raises(OperationError, match="花名册中没有"):
        review_residency(staff(), village, claim, True)
    with pytest.raises(OperationError, match="身份证号码不正确"):
        apply_residency(stranger, village, {"real_name": "村民004", "household_number": "H004",
                                            "id_number": "510117198001010000"})


# ---- electorates and polls -----------------------------------------------------------------

def test_electorate_sizes_come_from_the_roster(village):
    poll, _open = create_open_poll(village)
    assert ops.electorate_size(poll) == (14, 13)  # the minor is not counted
    poll.electorate = "households"
    assert ops.electorate_size(poll) == (13, 13)
    poll.electorate = "representatives"
    assert ops.electorate_size(poll)[0] == 3


def test_poll_validation_and_rule_fit(village):
    with pytest.raises(OperationError, match="不适用"):
        ops.create_poll(staff(), village, poll_data(rule="representatives_meeting"))
    with pytest.raises(OperationError, match="至少要有两个选项"):
        ops.create_poll(staff(), village, poll_data(options=["同意"]))
    with pytest.raises(OperationError, match="截止时间"):
        ops.create_poll(staff(), village, poll_data(closes_at=poll_data()["opens_at"]))
    with pytest.raises(Forbidden):
        ops.create_poll(make_voter(village, 1), village, poll_data())
    poll = ops.create_poll(staff(), village, poll_data())
    assert json.loads(poll.rule_json)["pass"] == {"basis": "present", "ratio": "1/2",
                                                  "strict": True}


def test_rules_freeze_when_the_poll_opens(village):
    poll, opened = create_open_poll(village)
    ops.update_poll(staff(), village, poll, poll_data(title="是否同意硬化三组机耕道"))
    assert poll.title == "是否同意硬化三组机耕道"
    db.session.commit()
    with at(opened):
        with pytest.raises(OperationError, match="已冻结"):
            ops.update_poll(staff(), village, poll, poll_data(rule="one_matter_one_meeting"))
        # Below the operations, the ORM guard refuses a direct change too.
        poll.rule_code = "recall"
        with pytest.raises(RuntimeError, match="frozen"):
            db.session.flush()
    db.session.rollback()
    assert db.session.get(Poll, poll.id).rule_code == "villagers_meeting"


def test_vote_records_a_secret_ballot_and_participation_apart(village):
    voter = make_voter(village, 2)
    poll, opened = create_open_poll(village)
    with at(opened):
        receipt = ops.cast_vote(voter, village, poll, [poll.options[0].id])
    ballot = db.session.scalar(db.select(Ballot))
    assert ballot.receipt == receipt and ballot.voter_key is None
    assert len(ballot.id) == 32 and not ballot.id.isdigit()
    assert {c.name for c in Ballot.__table__.columns} == {
        "id", "poll_id", "site_id", "receipt", "choices", "group_name", "voter_key"}
    part = db.session.scalar(db.select(Participation))
    assert part.principal_id == residency_of(voter).id
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "polls.vote"))
    assert event.actor_id is None  # the audit does not name a secret voter


def test_open_ballot_names_the_voter(village):
    voter = make_voter(village, 2)
    poll, opened = create_open_poll(village, secret=False)
    with at(opened):
        ops.cast_vote(voter, village, poll, [poll.options[1].id])
    assert db.session.scalar(db.select(Ballot.voter_key)) == f"r{residency_of(voter).id}"


@pytest.mark.parametrize("case", ["before", "after", "twice", "too_many", "stranger",
                                  "other_village", "minor", "pending", "foreign_option"])
def test_bad_votes_are_refused_and_nothing_is_recorded(village, case):
    voter = make_voter(village, 2)
    poll, opened = create_open_poll(village, options=["甲", "乙", "丙"], multiple=True,
                                    max_choices=2)
    moment, user, choice, target = opened, voter, [poll.options[0].id], poll
    if case == "before":
        moment = poll.opens_at - timedelta(seconds=1)
    elif case == "after":
        moment = poll.closes_at
    elif case == "too_many":
        choice = [o.id for o in poll.options]
    elif case == "stranger":
        user = register_user("13600000003", "Test-pass-2026", "路人")
    elif case == "minor":
        user = register_user("13600000004", "Test-pass-2026", "村民012")
        review_residency(staff(), village, apply_residency(user, village, {
            "real_name": "村民012", "household_number": "H001", "id_number":
            id_number(12, date(2012, 3, 1))}), True)
    elif case == "pending":
        user = make_voter(village, 4, verify=False)
    elif case == "foreign_option":
        choice = [poll.options[0].id + 1000]
    elif case == "other_village":
        other = Site.by_code(OTHER)
        from portal.accounts.models import User

        neighbour = db.session.scalar(db.select(User).where(User.mobile == "13900000009"))
        target = ops.create_poll(neighbour, other, poll_data())
        moment = target.opens_at + timedelta(hours=1)
    with at(moment):
        if case == "twice":
            ops.cast_vote(user, village, poll, choice)
        before = db.session.scalar(db.select(db.func.count()).select_from(Ballot))
        with pytest.raises(OperationError):
            ops.cast_vote(user, Site.by_code(OTHER) if case == "other_village" else village,
                          target, choice)
        db.session.flush()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == before


def test_households_vote_once_per_household(village):
    head = make_voter(village, 1)
    spouse = register_user("13600000011", "Test-pass-2026", "村民011")
    review_residency(staff(), village, apply_residency(spouse, village, {
        "real_name": "村民011", "household_number": "H001", "id_number": id_number(11)}), True)
    poll, opened = create_open_poll(village, electorate="households")
    with at(opened):
        ops.cast_vote(head, village, poll, [poll.options[0].id])
        with pytest.raises(OperationError, match="只能投一次"):
            ops.cast_vote(spouse, village, poll, [poll.options[1].id])


def test_representatives_poll_admits_only_representatives(village):
    rep, other = make_voter(village, 13), make_voter(village, 2)
    poll, opened = create_open_poll(village, electorate="representatives",
                                    rule="representatives_meeting")
    with at(opened):
        ops.cast_vote(rep, village, poll, [poll.options[0].id])
        with pytest.raises(OperationError, match="村民代表"):
            ops.cast_vote(other, village, poll, [poll.options[0].id])


# ---- proxies -------------------------------------------------------------------------------

def test_proxy_grant_approval_vote_and_cap(village):
    principal = make_voter(village, 1, migrant=True)
    proxy = make_voter(village, 2)
    third, fourth = make_voter(village, 3), make_voter(village, 4)
    poll, opened = create_open_poll(village)
    with pytest.raises(OperationError, match="近亲属"):
        ops.request_proxy(principal, village, poll, proxy.mobile, "friend")
    grant = ops.request_proxy(principal, village, poll, proxy.mobile, "sibling")
    ops.request_proxy(third, village, poll, proxy.mobile, "parent")
    with pytest.raises(OperationError, match="已接受2人委托"):
        ops.request_proxy(fourth, village, poll, proxy.mobile, "child")
    ops.decide_proxy(staff(), village, grant, True)
    with at(opened):
        with pytest.raises(OperationError, match="已委托"):
            ops.cast_vote(principal, village, poll, [poll.options[0].id])
        ops.cast_vote(proxy, village, poll, [poll.options[0].id], principal=residency_of(principal))
        ops.cast_vote(proxy, village, poll, [poll.options[1].id])  # and the proxy's own vote
        with pytest.raises(OperationError, match="只能投一次"):
            ops.cast_vote(proxy, village, poll, [poll.options[0].id],
                          principal=residency_of(principal))
        # An unapproved grant does not let anyone vote for the principal.
        with pytest.raises(OperationError, match="没有经批准"):
            ops.cast_vote(proxy, village, poll, [poll.options[0].id], principal=residency_of(third))
    keys = set(db.session.scalars(db.select(Participation.voter_key)))
    assert keys == {f"r{residency_of(principal).id}", f"r{residency_of(proxy).id}"}


def test_proxy_cap_is_configurable_up_to_three(village, app, monkeypatch):
    monkeypatch.setitem(app.config, "VOTING_PROXY_MAX_GRANTS", 5)  # more than 3 is capped at 3
    proxy = make_voter(village, 2)
    poll, _opened = create_open_poll(village)
    for i in (1, 3, 4):
        ops.request_proxy(make_voter(village, i), village, poll, proxy.mobile, "sibling")
    with pytest.raises(OperationError, match="已接受3人委托"):
        ops.request_proxy(make_voter(village, 5), village, poll, proxy.mobile, "sibling")


def test_proxy_must_be_a_voter_of_the_same_village(village):
    principal = make_voter(village, 1)
    outsider = register_user("13600000005", "Test-pass-2026", "外村人")
    poll, _opened = create_open_poll(village)
    with pytest.raises(OperationError, match="本村有投票资格"):
        ops.request_proxy(principal, village, poll, outsider.mobile, "spouse")
    assert db.session.scalar(db.select(db.func.count()).select_from(ProxyGrant)) == 0


# ---- results -------------------------------------------------------------------------------

def _supervisor():
    from portal.accounts.models import User

    return db.session.scalar(db.select(User).where(User.mobile == SUPERVISOR))


def test_results_are_published_as_a_decision_item_with_every_receipt(village):
    voters = [make_voter(village, i) for i in range(1, 9)]
    poll, opened = create_open_poll(village)
    receipts = []
    with at(opened):
        for n, v in enumerate(voters):
            receipts.append(ops.cast_vote(v, village, poll, [poll.options[n % 4 == 3].id]))
        with pytest.raises(OperationError, match="尚未截止"):
            ops.publish_results(staff(), village, poll)
    with at(poll.closes_at + timedelta(minutes=1)):
        item = ops.publish_results(staff(), village, poll)
        result = poll.result
        assert result["present"] == 8 and result["registered"] == 14
        assert result["quorum_met"]  # 8 of 14 is a majority
        assert [o["votes"] for o in result["options"]] == [6, 2]
        assert result["options"][0]["passed"] and result["passed"]
        assert sorted(r for r, _c in result["receipts"]) == sorted(receipts)
        assert item.category_code == "A04.10" and item.status == "submitted"
        for receipt in receipts:
            assert receipt in item.draft_body
        assert "供会议参考" in item.draft_body
        content_ops.countersign_item(_supervisor(), village, item)
        assert db.session.get(Item, item.id).status == "published"
        with pytest.raises(OperationError, match="已经提交"):
            ops.publish_results(staff(), village, poll)


def test_group_results_hidden_below_the_minimum(village, app, monkeypatch):
    voters = [make_voter(village, i) for i in (1, 2, 3, 13)]
    poll, opened = create_open_poll(village)
    monkeypatch.setitem(app.config, "VOTING_GROUP_MIN", 3)
    with at(opened):
        for v in voters:
            ops.cast_vote(v, village, poll, [poll.options[0].id])
    with at(poll.closes_at):
        groups = {g["name"]: g for g in ops.tally(poll)["groups"]}
    assert groups["一组"] == {"name": "一组", "hidden": False, "ballots": 3, "votes": [3, 0]}
    assert groups["二组"] == {"name": "二组", "hidden": True}


def test_paper_count_makes_the_poll_a_meetings_vote(village):
    poll, opened = create_open_poll(village)
    assert poll.advisory
    with at(opened):
        with pytest.raises(OperationError, match="超过到会人数"):
            ops.record_paper_count(staff(), village, poll, date(2026, 1, 5), 10,
                                   {poll.options[0].id: 8, poll.options[1].id: 5})
        ops.record_paper_count(staff(), village, poll, poll.opens_at.date(), 10,
                               {poll.options[0].id: 8, poll.options[1].id: 2})
    assert not poll.advisory and poll.options[0].paper_votes == 8
    with at(poll.closes_at):
        result = ops.tally(poll)
    # No one voted online (no quorum there), but the meeting had 10 of 14: quorum, 8 of 10 pass.
    assert not result["quorum_met"] and not result["passed"]
    assert result["paper"] == {"present": 10, "quorum_met": True, "needed": 6, "passed": True,
                               "options": [True, False]}


def test_evaluation_rates_each_cadre_and_flags_two_in_a_row(village):
    from portal.core.audit import utcnow

    voters = [make_voter(village, i) for i in range(1, 9)]
    start, flagged = utcnow(), []
    for year in (0, 1):
        with at(start + timedelta(days=365 * year)):
            poll, opened = create_open_poll(
                village, title=f"{2026 + year}年度民主评议村委会成员", kind="evaluation",
                options=["赵德明 村委会主任", "钱小红 村委会委员"])
        assert poll.secret  # an evaluation is always secret
        with at(opened):
            for n, v in enumerate(voters):
                ratings = {poll.options[0].id: "incompetent" if n < 5 else "basic",
                           poll.options[1].id: "competent"}
                ops.cast_vote(v, village, poll, ratings=ratings)
            with pytest.raises(OperationError, match="每一位干部"):
                ops.cast_vote(make_voter(village, 9 + year), village, poll,
                              ratings={poll.options[0].id: "competent"})
        with at(poll.closes_at):
            item = ops.publish_results(staff(), village, poll)
        assert item.category_code == "A06.01"
        cadres = poll.result["cadres"]
        assert cadres[0]["counts"] == {"competent": 0, "basic": 3, "incompetent": 5}
        assert cadres[0]["incompetent"] and not cadres[1]["incompetent"]
        flagged.append(cadres[0]["flag"])
    assert flagged == [False, True]
    assert "连续两次不称职" in item.draft_body


# ---- 四议两公开 ------------------------------------------------------------------------------

def test_matter_walks_every_stage_with_a_poll_and_two_publications(village):
    voters = [make_voter(village, i) for i in range(1, 9)]
    poll, opened = create_open_poll(village)
    with at(opened):
        for v in voters:
            ops.cast_vote(v, village, poll, [poll.options[0].id])
    later = poll.closes_at + timedelta(days=1)
    with at(later):
        ops.publish_results(staff(), village, poll)
        matter = ops.create_matter(staff(), village, {"title": "三组至五组机耕道硬化",
                                                      "summary": "全长1.2公里"})
        day = later.date()
        for n, stage in enumerate(matter.stages):
            data = {"acted_on": day, "acted_by": "村党支部委员会",
                    "minutes": f"{stage}：会议讨论通过，记录在案。", "poll_id": poll.id}
            if n == matter.resolution_stage:
                with pytest.raises(OperationError, match="关联"):
                    ops.record_step(staff(), village, matter, {**data, "poll_id": 0})
            step = ops.record_step(staff(), village, matter, data)
            assert step.stage == stage
        assert matter.done
        steps = matter.steps
        assert steps[3].poll_id == poll.id
        assert db.session.get(Item, steps[4].item_id).category_code == "A04.08"
        assert db.session.get(Item, steps[5].item_id).category_code == "A04.03"
        with pytest.raises(OperationError, match="全部完成"):
            ops.record_step(staff(), village, matter, data)
    assert db.session.scalar(db.select(db.func.count()).select_from(Matter)) == 1


def test_matter_stages_are_configurable_but_need_a_resolution_and_two_publications(village):
    with pytest.raises(OperationError, match="决议"):
        ops.create_matter(staff(), village, {"title": "村规民约修订", "stages": ["提议", "商议", "审议"]})
    matter = ops.create_matter(staff(), village, {"title": "村规民约修订", "stages": [
        "村党组织提议", "村民代表会议决议", "决议公开", "实施结果公开"]})
    assert matter.resolution_stage == 1 and matter.publishing == [2, 3]


def test_matters_need_the_permission(village):
    with pytest.raises(Forbidden):
        ops.create_matter(make_voter(village, 1), village, {"title": "村规民约修订"})
