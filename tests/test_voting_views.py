"""The voting pages: status codes, refusals, CSRF-protected forms, receipts found in the tally."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from portal.core.clock import frozen
from portal.extensions import db
from portal.sites.models import Site
from portal.voting.models import Ballot, Matter, Poll, RosterEntry
from tests.test_voting import build_village
from tests.voting_helpers import (
    OTHER,
    STAFF,
    VILLAGE,
    create_open_poll,
    make_voter,
    person,
    roster_csv,
)

URL = f"/s/{VILLAGE}/polls/"


class Voter:
    def __init__(self, mobile):
        self.mobile = mobile


@pytest.fixture
def village(app, standard, make_user):
    """The village, set up and committed; requests run in their own application contexts."""
    build_village(app, make_user)
    return VILLAGE


@pytest.fixture
def ctx_db(app):
    """Assertions on the database in a context of their own."""
    with app.app_context():
        yield db
        db.session.rollback()


def _setup(app):
    with app.app_context():
        site = Site.by_code(VILLAGE)
        voter = make_voter(site, 2, migrant=True)
        poll, opened = create_open_poll(site)
        db.session.commit()
        return Voter(voter.mobile), poll.id, poll.options[0].id, opened, poll.closes_at


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_public_pages_without_an_account(client, village, app):
    _voter, poll_id, _opt, opened, _closes = _setup(app)
    assert client.get(URL).status_code == 200
    with frozen(opened):
        page = client.get(f"{URL}{poll_id}").get_data(as_text=True)
    assert "供会议参考" in page and "第二十二条" in page and "登录" in page
    assert client.get(f"/s/{OTHER}/polls/{poll_id}").status_code == 404  # another village's id
    assert client.get(f"{URL}{poll_id}/tally").status_code == 404  # not closed yet
    assert client.get(f"/s/{VILLAGE}/matters/").status_code == 200


def test_vote_receipt_and_tally(client, auth, village, app):
    voter, poll_id, option_id, opened, closes = _setup(app)
    auth.login(voter.mobile)
    with frozen(opened):
        page = client.get(f"{URL}{poll_id}").get_data(as_text=True)
        assert 'name="option"' in page
        response = client.submit(f"{URL}{poll_id}", {"option": str(option_id)},
                                 post_url=f"{URL}{poll_id}/vote", follow_redirects=True)
        text = response.get_data(as_text=True)
        match = re.search(r'class="code poll-receipt">([A-Z-]+)<', text)
        assert match, text[text.find("<main"):][:2500]
        receipt = match[1]
        assert "您已经投过票" in text
        again = client.submit(f"{URL}{poll_id}", {"option": str(option_id)},
                              post_url=f"{URL}{poll_id}/vote", follow_redirects=True)
        assert "只能投一次" in again.get_data(as_text=True)
    assert _count(app, Ballot) == 1
    with frozen(closes + timedelta(minutes=5)):
        tally = client.get(f"{URL}{poll_id}/tally?r={receipt.lower()}").get_data(as_text=True)
    assert "found-receipt" in tally and receipt in tally
    with frozen(closes + timedelta(minutes=5)):
        missing = client.get(f"{URL}{poll_id}/tally?r=AAAA-BBBB-CCCC").get_data(as_text=True)
    assert "没有找到回执" in missing


def test_vote_without_csrf_is_refused(client, auth, village, app):
    voter, poll_id, option_id, opened, _closes = _setup(app)
    auth.login(voter.mobile)
    with frozen(opened):
        response = client.post(f"{URL}{poll_id}/vote", data={"option": str(option_id)})
    assert response.status_code == 400
    assert _count(app, Ballot) == 0


def test_staff_pages_refuse_residents(client, auth, village, app):
    voter, poll_id, _opt, _opened, _closes = _setup(app)
    auth.login(voter.mobile)
    for path in ("new", f"{poll_id}/edit", f"{poll_id}/paper", "roster"):
        assert client.get(f"{URL}{path}").status_code == 403, path
    assert client.get(f"/s/{VILLAGE}/matters/new").status_code == 403


def test_staff_create_poll_edit_refused_after_opening(client, auth, village, app):
    auth.login(STAFF)
    from portal.core.audit import utcnow

    local = utcnow().replace(second=0, microsecond=0) + timedelta(hours=8 + 2)
    data = {"title": "是否同意调整村民小组长补贴", "options": "同意\n不同意", "electorate": "adults",
            "rule": "villagers_meeting", "opens_at": f"{local:%Y-%m-%dT%H:%M}",
            "closes_at": f"{local + timedelta(days=2):%Y-%m-%dT%H:%M}", "secret": "y", "max_choices": "1"}
    response = client.submit(f"{URL}new", data)
    assert response.status_code == 302
    with app.app_context():
        poll = db.session.scalar(db.select(Poll).where(Poll.title == data["title"]))
        poll_id, opens_at = poll.id, poll.opens_at
    assert opens_at == local - timedelta(hours=8)  # typed in Shanghai time, stored in UTC
    with frozen(opens_at + timedelta(minutes=1)):
        response = client.submit(f"{URL}{poll_id}/edit", {**data, "title": "改过的议题改过的"})
    assert response.status_code == 422 and "已冻结" in response.get_data(as_text=True)
    assert _count(app, Poll, Poll.title == data["title"]) == 1


def test_roster_upload_page(client, auth, village, app):
    auth.login(STAFF)
    page = client.get(f"{URL}roster")
    assert page.status_code == 200
    from tests.conftest import csrf_from

    token = csrf_from(page.get_data(as_text=True))
    response = client.post(f"{URL}roster", data={
        "csrf_token": token, "file": (io.BytesIO(roster_csv([person(50)])), "花名册.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert _count(app, RosterEntry) == 16


def test_matter_pages(client, auth, village, app):
    auth.login(STAFF)
    response = client.submit(f"/s/{VILLAGE}/matters/new", {
        "title": "村级活动室改造", "summary": "改造面积120平方米", "stages":
        "党组织提议\n两委商议\n党员大会审议\n村民(代表)会议决议\n决议公开\n实施结果公开"})
    assert response.status_code == 302
    with app.app_context():
        matter_id = db.session.scalar(db.select(Matter.id))
    url = f"/s/{VILLAGE}/matters/{matter_id}"
    response = client.submit(url, {"acted_on": "2026-01-05", "acted_by": "村党支部",
                                   "minutes": "支部委员会提议改造村级活动室。"})
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "支部委员会提议改造村级活动室" in page and "两委商议" in page
    assert client.get(f"/s/{OTHER}/matters/{matter_id}").status_code == 404


def test_proxy_request_approval_and_proxy_vote_through_the_pages(client, auth, village, app):
    with app.app_context():
        site = Site.by_code(VILLAGE)
        principal, proxy = make_voter(site, 1, migrant=True), make_voter(site, 3)
        poll, opened = create_open_poll(site)
        db.session.commit()
        poll_id, option_id, principal_mobile, proxy_mobile = (
            poll.id, poll.options[1].id, principal.mobile, proxy.mobile)
    page = f"{URL}{poll_id}"
    auth.login(principal_mobile)
    refused = client.submit(page, {"proxy_mobile": proxy_mobile, "relation": "friend"},
                            post_url=f"{page}/proxy", follow_redirects=True)
    assert "只能委托近亲属" in refused.get_data(as_text=True)
    client.submit(page, {"proxy_mobile": proxy_mobile, "relation": "child"},
                  post_url=f"{page}/proxy")
    auth.logout()
    auth.login(STAFF)
    with app.app_context():
        from portal.voting.models import ProxyGrant

        grant_id = db.session.scalar(db.select(ProxyGrant.id))
    assert "委托投票公示" in client.get(page).get_data(as_text=True)
    client.submit(page, {}, post_url=f"{URL}proxies/{grant_id}/approve")
    auth.logout()
    auth.login(proxy_mobile)
    with frozen(opened):
        text = client.get(page).get_data(as_text=True)
        assert "代 村民001 投票" in text
        with app.app_context():
            from portal.accounts.models import Residency, User

            principal_residency = db.session.scalar(db.select(Residency.id).join(
                User, User.id == Residency.user_id).where(User.mobile == principal_mobile))
        done = client.submit(page, {"option": str(option_id), "principal": str(principal_residency)},
                             post_url=f"{page}/vote", follow_redirects=True)
        assert "已代 村民001 投票" in done.get_data(as_text=True)
    auth.logout()
    # The public list names principal and proxy once approved.
    public = client.get(page).get_data(as_text=True)
    assert "村民001" in public and "村民003" in public and "已批准" in public
    assert _count(app, Ballot) == 1


def test_staff_enter_paper_count_and_publish_results(client, auth, village, app):
    from portal.core.audit import utcnow

    with app.app_context():
        # Closing within hours: the staff login (12 h) must still be valid when it closes.
        poll, opened = create_open_poll(Site.by_code(VILLAGE),
                                        closes_at=utcnow() + timedelta(hours=3))
        db.session.commit()
        poll_id, closes, ids = poll.id, poll.closes_at, [o.id for o in poll.options]
    auth.login(STAFF)
    with frozen(opened):
        response = client.submit(f"{URL}{poll_id}/paper", {
            "meeting_date": opened.date().isoformat(), "present": "9",
            f"paper-{ids[0]}": "7", f"paper-{ids[1]}": "2"})
        assert response.status_code == 302
    with frozen(closes + timedelta(minutes=1)):
        client.submit(f"{URL}{poll_id}", {}, post_url=f"{URL}{poll_id}/results")
        text = client.get(f"{URL}{poll_id}").get_data(as_text=True)
    assert "会议表决结果(以会议计票为准)" in text and "结果公开事项(会签后公开)" in text
    with app.app_context():
        from portal.content.models import Item

        item = db.session.scalar(db.select(Item))
        assert item.category_code == "A04.10" and item.status == "submitted"
        assert "会议表决结果" in item.draft_body
