"""The compliance board over the whole of Chengdu: subtree_report(city) must take under 2 s.

    .venv/bin/python bench/compliance.py [--runs 5] [--json out.json] [--keep]

What it does, in one invocation:

1. makes a temporary SQLite database (PORTAL_DATABASE_URL=sqlite:////tmp/...), runs
   `flask --app portal db upgrade`, then in-process `portal.demo.load()` (real Chengdu: 1 city,
   20 districts, 261 townships, 3,047 villages, and the demo's own few hundred items) and loads
   the shipped standard;
2. generates, deterministically (seeded by the site code), published items for every village:
   five quarters (2025 Q3 to 2026 Q3) of twelve quarterly finance categories, two yearly ones
   for 2025, a few standing ones and recent village decisions, with each village's own habits:
   most on time, some late, some never; townships and districts publish notices and rosters.
   Rows are inserted in bulk (items, their revisions, then current_revision_id in one UPDATE);
3. times subtree_report(city) (median of RUNS, judged as of 23 November 2026), and for scale
   the same with every overdue entry built, subtree_report(district), site_report(village) and
   an uncached anonymous GET of the city's /compliance/ page (judged as of the real today).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import date, datetime, timedelta

from benchlib import ROOT, flask_cmd, log, machine, median

sys.path.insert(0, str(ROOT))

TODAY = date(2026, 11, 23)
TARGET_SECONDS = 2.0
QUARTERLY = ["B02.01", "B02.02", "B02.03", "B02.04", "B02.05", "B03.01", "B03.02", "B03.03",
             "B03.04", "B03.05", "B04.01", "B08.06"]
QUARTERS = [(2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
YEARLY = ["B01.01", "B01.03"]  # Y01-31: 2025 due 31 January 2026
STANDING = ["A01.03", "A01.04", "A05.01", "A05.07", "A12.02"]
DECISIONS = "A04.10"  # V: CD5
TOWNSHIP_QUARTERLY = "A07.03"
NOTICES = "A11.10"  # CDT: WD20


def rng_for(code: str) -> random.Random:
    return random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:16], 16))


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * q - 2, 1)
    end = (date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - timedelta(days=1)
    return start, end


def utc(day: date, hour: int) -> datetime:
    """A Shanghai wall-clock hour on a day, stored as naive UTC."""
    return datetime(day.year, day.month, day.day, hour) - timedelta(hours=8)


class Generator:
    """Rows for the item and item_revision tables, with ids after those already there."""

    def __init__(self, user_id: int, item_base: int, revision_base: int):
        self.user_id = user_id
        self.item_base, self.revision_base = item_base, revision_base
        self.items: list[dict] = []
        self.revisions: list[dict] = []

    def add(self, site, code, kind, start, end, at, withdrawn=False):
        n = self.item_base + len(self.items) + 1
        self.items.append({
            "id": n, "site_id": site.id, "category_code": code, "standard_version": "2026.1",
            "period_kind": kind, "period_start": start, "period_end": end,
            "status": "withdrawn" if withdrawn else "published", "draft_title": "公开",
            "draft_body": "", "created_by_id": self.user_id, "created_at": at,
            "first_published_at": at, "last_published_at": at,
            "withdrawn_at": at + timedelta(days=3) if withdrawn else None,
            "withdraw_reason": "发布有误" if withdrawn else None,
        })
        self.revisions.append({
            "id": n - self.item_base + self.revision_base, "item_id": n, "site_id": site.id, "number": 1, "category_code": code,
            "period_kind": kind, "period_start": start, "period_end": end, "title": "公开",
            "body": "", "published_at": at, "published_by_id": self.user_id,
            "countersigned_by_id": self.user_id, "countersign_role": "supervisor",
            "content_sha256": hashlib.sha256(str(n).encode()).hexdigest(),
        })

    def periodic(self, site, rng, code, kind, start, end, due, habits):
        """One period's item according to the site's habits: on time, late, or none."""
        on_time, late = habits
        roll = rng.random()
        if roll < on_time:
            day = due - timedelta(days=rng.randint(0, 18))
        elif roll < on_time + late:
            day = due + timedelta(days=rng.randint(1, 40))
        else:
            return
        if day <= TODAY:
            self.add(site, code, kind, start, end, utc(day, rng.randint(8, 22)),
                     withdrawn=rng.random() < 0.005)

    def village(self, site):
        rng = rng_for(site.code)
        habits = (rng.uniform(0.55, 0.97), rng.uniform(0.0, 0.25))
        for code in QUARTERLY:
            for year, q in QUARTERS:
                start, end = quarter_bounds(year, q)
                due = date(end.year + (q == 4), 1 if q == 4 else end.month + 1, 20)
                self.periodic(site, rng, code, "quarter", start, end, due, habits)
        for code in YEARLY:
            self.periodic(site, rng, code, "year", date(2025, 1, 1), date(2025, 12, 31),
                          date(2026, 1, 31), habits)
        for code in STANDING:
            if rng.random() < habits[0]:
                day = date(2024, 1, 1) + timedelta(days=rng.randint(0, 900))
                self.add(site, code, "event", day, day, utc(day, 10))
        for _ in range(rng.randint(0, 4)):
            day = date(2026, 1, 1) + timedelta(days=rng.randint(0, 320))
            self.add(site, DECISIONS, "event", day, day,
                     utc(day + timedelta(days=rng.choice([0, 1, 2, 3, 5, 8, 12])), 15))

    def upper(self, site):
        rng = rng_for(site.code)
        if site.level == "township":
            for year, q in QUARTERS:
                start, end = quarter_bounds(year, q)
                due = date(end.year + (q == 4), 1 if q == 4 else end.month + 1, 20)
                self.periodic(site, rng, TOWNSHIP_QUARTERLY, "quarter", start, end, due,
                              (0.8, 0.15))
        for _ in range(rng.randint(2, 10)):
            day = date(2025, 6, 1) + timedelta(days=rng.randint(0, 500))
            at = day + timedelta(days=rng.randint(0, 35))
            if at <= TODAY:
                self.add(site, NOTICES, "event", day, day, utc(at, 11))


def build(app) -> dict:
    """Demo Chengdu, the standard and the generated items; returns what was made."""
    from portal import demo
    from portal.accounts.models import User
    from portal.content.models import Item, ItemRevision
    from portal.extensions import db
    from portal.sites.models import Site
    from portal.standards.operations import ensure_loaded

    with app.app_context():
        for line in demo.load():
            if not line.startswith("  "):
                log(f"  demo: {line}")
        demo_items = db.session.scalar(db.select(db.func.count(Item.id)))
        ensure_loaded()
        db.session.commit()
        user_id = db.session.scalar(db.select(User.id).where(User.is_superadmin.is_(True)))
        sites = db.session.scalars(db.select(Site).order_by(Site.code)).all()
        item_base = db.session.scalar(db.select(db.func.max(Item.id))) or 0
        revision_base = db.session.scalar(db.select(db.func.max(ItemRevision.id))) or 0
        gen = Generator(user_id, item_base, revision_base)
        for site in sites:
            (gen.village if site.level == "village" else gen.upper)(site)
        started = time.perf_counter()
        db.session.execute(db.insert(Item), gen.items)
        db.session.execute(db.insert(ItemRevision), gen.revisions)
        db.session.execute(
            db.update(Item).where(Item.id > item_base)
            .values(current_revision_id=Item.id - item_base + revision_base)
            .execution_options(synchronize_session=False))
        db.session.commit()
        levels: dict[str, int] = {}
        for site in sites:
            levels[site.level] = levels.get(site.level, 0) + 1
        return {"items": len(gen.items), "demo_items": demo_items,
                "insert_seconds": round(time.perf_counter() - started, 2), "sites": levels}


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def measure(app, runs: int) -> dict:
    from portal.content.compliance import site_report, subtree_report
    from portal.demo import CITY, DISTRICT, VILLAGE
    from portal.extensions import db
    from portal.sites.models import Site

    results = {}
    with app.app_context():
        city, district, village = (Site.by_code(c) for c in (CITY, DISTRICT, VILLAGE))
        report = subtree_report(city, TODAY)  # warm-up, and the shape of the result
        t = report.totals
        results["city_report"] = {
            "ranked_sites": len(report.ranking), "overdue": report.overdue_count,
            "on_time": t.on_time, "late": t.late, "missing": t.missing, "due": t.due,
            "rate": round(t.rate, 3) if t.rate is not None else None,
        }
        for name, fn in [
            ("subtree_report(city)", lambda: subtree_report(city, TODAY)),
            ("subtree_report(city, overdue_limit=200)",
             lambda: subtree_report(city, TODAY, overdue_limit=200)),
            ("list(subtree_report(city).overdue)  (every entry built)",
             lambda: list(subtree_report(city, TODAY).overdue)),
            ("subtree_report(district 郫都区)", lambda: subtree_report(district, TODAY)),
            ("site_report(village 安龙村)", lambda: site_report(village, TODAY)),
        ]:
            times = timed(fn, runs)
            db.session.rollback()
            results[name] = {"median_s": round(median(times), 3),
                             "runs_s": [round(x, 3) for x in times]}
    client = app.test_client()

    def page():
        app.extensions["page_cache"].clear()
        response = client.get(f"/s/{CITY}/compliance/")
        assert response.status_code == 200, response.status_code
        results["city_page_bytes"] = len(response.data)

    times = timed(page, max(3, runs // 2 + 1))
    results["GET /s/510100000000/compliance/ (uncached)"] = {
        "median_s": round(median(times), 3), "runs_s": [round(x, 3) for x in times]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", help="write the results to this file as well")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="bench-compliance-")
    url = f"sqlite:///{tmp}/portal.sqlite3"
    env = {**os.environ, "PORTAL_DATABASE_URL": url}
    os.environ["PORTAL_DATABASE_URL"] = url
    try:
        log(f"database: {url}")
        took, _ = flask_cmd("db", "upgrade", env=env)
        log(f"  db upgrade: {took:.1f} s")
        from portal import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        made = build(app)
        log(f"  generated {made['items']:,} published items in {made['insert_seconds']} s; "
            f"sites {made['sites']}")
        results = measure(app, args.runs)
        with app.app_context():
            from portal.extensions import db

            db.engine.dispose()
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    key = "subtree_report(city)"
    verdict = "PASS" if results[key]["median_s"] < TARGET_SECONDS else "FAIL"
    out = {"machine": machine(), "today": TODAY.isoformat(), "data": made, "results": results,
           "target_s": TARGET_SECONDS, "verdict": verdict,
           "command": ".venv/bin/python bench/compliance.py" + (
               f" --runs {args.runs}" if args.runs != 5 else "")}
    log(json.dumps(out, ensure_ascii=False, indent=2))
    log(f"{key}: median {results[key]['median_s']} s over {args.runs} runs "
        f"(target < {TARGET_SECONDS} s): {verdict}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
