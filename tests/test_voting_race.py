"""50 concurrent identical votes leave exactly one ballot (real threads, one connection each),
on SQLite and on PostgreSQL: the UNIQUE constraint decides, not a check before the insert."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy.exc import IntegrityError, OperationalError

from portal import create_app
from portal.accounts.models import User
from portal.core.clock import frozen
from portal.core.errors import OperationError
from portal.extensions import db
from portal.sites.models import Site
from portal.voting import operations as ops
from portal.voting.models import Ballot, Participation, Poll
from tests.test_voting import village  # noqa: F401  (the fixture)
from tests.voting_helpers import VILLAGE, create_open_poll, make_voter

VOTERS = 50


def test_fifty_concurrent_identical_votes_leave_one_ballot(app, village):  # noqa: F811
    voter = make_voter(village, 2)
    poll, opened = create_open_poll(village)
    db.session.commit()
    poll_id, user_id, option_id = poll.id, voter.id, poll.options[0].id
    # A second application on the same database whose pool holds a connection per voter, so
    # that all 50 transactions are open at once (the unit tests' pool is smaller).
    racing = create_app({"TESTING": True, "SECRET_KEY": app.config["SECRET_KEY"],
                         "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": VOTERS + 2,
                                                       "max_overflow": 0},
                         "RATELIMIT_STORAGE_URI": "memory://",
                         "SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"]})
    barrier = threading.Barrier(VOTERS)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def vote():
        with racing.app_context(), frozen(opened):
            site = Site.by_code(VILLAGE)
            target = db.session.get(Poll, poll_id)
            user = db.session.get(User, user_id)
            barrier.wait(30)
            try:
                ops.cast_vote(user, site, target, [option_id])
                db.session.commit()
                outcome = "ballot"
            except OperationError:
                outcome = "refused"
            except IntegrityError:
                outcome = "unique"
            except OperationalError as error:  # SQLite: the write lock was taken by another
                outcome = "locked" if "locked" in str(error) else repr(error)
            finally:
                db.session.rollback()
                db.session.remove()
            with lock:
                outcomes[outcome] += 1

    threads = [threading.Thread(target=vote) for _ in range(VOTERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with racing.app_context():
        db.engine.dispose()
    assert sum(outcomes.values()) == VOTERS, outcomes
    assert outcomes["ballot"] == 1, outcomes
    assert set(outcomes) <= {"ballot", "refused", "unique", "locked"}, outcomes
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(Ballot)) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Participation)) == 1
    print(dict(outcomes))
