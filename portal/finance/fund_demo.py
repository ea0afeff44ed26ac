"""Demo special funds: every 专项资金 the demo ledgers name is registered for its village through
the same operation staff use — the level from the name, the purpose the ledgers spend it on, a
文号 of that level, a grant dated before the first instalment came and at least what came (some
not fully received yet), linked to a published 民主决策 item of the village when one is about it.
Deterministic (seeded by the site code and the fund) and idempotent: a registered name is left
alone."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

from portal.core.clock import frozen, shanghai_noon
from portal.extensions import db
from portal.finance import funds, queries
from portal.finance.models import LedgerEntry, SpecialFund
from portal.sites.models import Site

# The level a name ends with -> (the level as registered, the issuer's 文号 prefix in 郫都区).
LEVELS = {"区级": ("区县级", "郫财农"), "县级": ("区县级", "郫财农"), "市级": ("市级", "成财农"),
          "省级": ("省级", "川财农"), "中央级": ("中央", "财农"), "乡镇级": ("乡镇级", "镇财")}
# Words in a decision's title that say it is about a fund's works.
KEYWORDS = ("农田", "沟渠", "垃圾", "污水", "人居", "村道", "路灯", "一事一议")


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def _decision_for(site: Site, purpose: str) -> str:
    """A published 民主决策 item of the village about the same works, if there is one."""
    words = [w for w in KEYWORDS if w in purpose]
    for item_id, title, _day in funds.decision_choices(site):
        if any(w in title for w in words):
            return str(item_id)
    return ""


def load_funds(townships, accountants, rng_for, purposes: dict[str, str]) -> Iterator[str]:
    """Register the funds the demo ledgers name; yields a summary line."""
    count, began = 0, time.perf_counter()
    for code in townships:
        township = Site.by_code(code)
        if township is None:
            continue
        villages = {s.id: s for s in db.session.scalars(db.select(Site).where(
            township.subtree(), Site.level == "village"))}
        public = [r.id for r in queries.current_public(list(villages)).values()]
        if not public:
            continue
        known = set(db.session.execute(db.select(SpecialFund.site_id, SpecialFund.name).where(
            SpecialFund.site_id.in_(villages))).all())
        rows = db.session.execute(
            db.select(LedgerEntry.site_id, LedgerEntry.fund,
                      db.func.sum(LedgerEntry.income_fen), db.func.min(LedgerEntry.day))
            .where(LedgerEntry.revision_id.in_(public), LedgerEntry.fund != "")
            .group_by(LedgerEntry.site_id, LedgerEntry.fund)
            .order_by(LedgerEntry.site_id, LedgerEntry.fund)).all()
        for site_id, name, received, first in rows:
            if (site_id, name) in known or queries.level_in_name(name) not in LEVELS:
                continue
            site, received = villages[site_id], int(received or 0)
            rng = rng_for("funds-demo", site.code, name)
            level, prefix = LEVELS[queries.level_in_name(name)]
            granted = received
            if received == 0 or rng.random() < 0.45:  # the rest of the grant is still to come
                granted += max(received * rng.randint(10, 45) // 100, 1_000_000) // 10_000 * 10_000
            granted_on = first - timedelta(days=rng.randint(12, 40))
            purpose = f"用于{purposes.get(name, name)}，专款专用"
            with frozen(shanghai_noon(granted_on + timedelta(days=rng.randint(2, 8)))):
                funds.register_fund(accountants[code], site, {
                    "name": name, "level": level, "purpose": purpose, "granted": _yuan(granted),
                    "granted_on": granted_on.isoformat(),
                    "document": f"{prefix}〔{granted_on.year}〕{rng.randint(6, 64)}号",
                    "decision_item_id": _decision_for(site, purpose)})
            count += 1
        db.session.commit()
    yield f"demo special funds: {count} registered in {time.perf_counter() - began:.1f} s"
