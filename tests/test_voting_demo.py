"""The demo votes load through the operations, make sense, and load only once."""

from portal.accounts.models import Residency
from portal.content.models import Item
from portal.extensions import db
from portal.voting.demo import load_voting, roster_rows
from portal.voting.models import Ballot, Matter, Poll, ProxyGrant, RosterEntry


def test_demo_votes_are_plausible_and_idempotent(app, standard, make_user):
    make_user("13800000004", "安龙村村委会 赵德明", roles=[("510117004200", "publisher"),
                                                   ("510117004200", "poll_manager")])
    make_user("13800000005", "安龙村监委会 周淑华", roles=[("510117004200", "supervisor")])
    assert roster_rows() == roster_rows()  # deterministic
    with app.app_context():
        lines = list(load_voting())
        assert "145 people in 48 households" in lines[0]
        polls = {p.title: p for p in db.session.scalars(db.select(Poll))}
        road = polls["关于硬化三组至五组机耕道(全长1.2公里)的意见征集"]
        assert road.result["present"] == 36 and not road.advisory
        assert db.session.get(Item, road.result_item_id).status == "published"
        evaluation = polls["2025年度村民委员会成员民主评议"]
        assert len(evaluation.result["cadres"]) == 3
        assert polls["2027年村集体经济收益分配方案意见征集"].state() == "open"
        assert db.session.scalar(db.select(ProxyGrant.status)) == "approved"
        matters = db.session.scalars(db.select(Matter).order_by(Matter.id)).all()
        assert [m.done for m in matters] == [True, False]
        assert [s.item.status for s in matters[0].steps if s.item] == ["published", "published"]
        counts = [db.session.scalar(db.select(db.func.count()).select_from(m))
                  for m in (RosterEntry, Residency, Ballot, Poll, Item)]
        assert list(load_voting()) == ["demo votes already present: skipped"]
        assert counts == [db.session.scalar(db.select(db.func.count()).select_from(m))
                          for m in (RosterEntry, Residency, Ballot, Poll, Item)]
