"""The demo region loads Chengdu, accounts for each level and profiles, and loads only once."""

from portal.accounts.models import Residency, RoleGrant, User
from portal.demo import load
from portal.extensions import db
from portal.sites.models import Site


def test_demo_is_complete_and_idempotent(ctx):
    lines = list(load())
    assert any("13800000004" in line for line in lines)
    counts = {lvl: db.session.scalar(db.select(db.func.count(Site.id)).where(Site.level == lvl))
              for lvl in ("city", "district", "township", "village")}
    assert counts == {"city": 1, "district": 20, "township": 261, "village": 3047}
    assert db.session.scalar(db.select(db.func.count(Site.id)).where(Site.phone.is_(None))) == 0
    levels = set(db.session.scalars(
        db.select(Site.level).join(RoleGrant, RoleGrant.site_id == Site.id)))
    assert levels == {"city", "district", "township", "village"}
    before = (db.session.scalar(db.select(db.func.count(User.id))),
              db.session.scalar(db.select(db.func.count(RoleGrant.id))),
              db.session.scalar(db.select(db.func.count(Residency.id))))
    village = Site.by_code("510117004200")
    intro = village.intro
    list(load())
    after = (db.session.scalar(db.select(db.func.count(User.id))),
             db.session.scalar(db.select(db.func.count(RoleGrant.id))),
             db.session.scalar(db.select(db.func.count(Residency.id))))
    assert before == after
    assert db.session.scalar(db.select(db.func.count(Site.id))) == 3329
    assert Site.by_code("510117004200").intro == intro
    assert "安龙村" in intro and "人" in intro
