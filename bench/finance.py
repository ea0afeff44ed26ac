"""Finance: importing a 20,000-line XLSX, and the statement pages of a village with five years
of books, rendered by Flask with the page cache emptied before every request (the honest figure;
a cached repeat is answered by the page cache in microseconds).

    PYTHONPATH=. .venv/bin/python bench/finance.py [--lines 20000] [--years 5] [--runs 200]
                                                   [--json out.json]

Targets (issue #4): import ≤ 5 s; statement page p95 ≤ 50 ms. Runs in-process on a temporary
SQLite database with the small test tree (安德街道) and the shipped content standard.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchlib import machine

VILLAGE = "510117004200"


def ledger_xlsx(lines: int, year: int, quarter: int, seed: int = 1) -> tuple[bytes, int]:
    """A balanced quarter of `lines` entries as an XLSX, with the closing balance it implies."""
    import random

    from openpyxl import Workbook

    from portal.finance.template import HEADERS

    rng = random.Random(seed)
    accounts = [("522", "补助收入", 1), ("511", "发包及上交收入", 1), ("501", "经营收入", 1),
                ("54101", "干部报酬", -1), ("54102", "办公费", -1), ("55101", "公益事业支出", -1),
                ("502", "经营支出", -1), ("54104", "村级组织运转经费", -1)]
    start = date(year, 3 * quarter - 2, 1)
    days = (date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - start).days
    # A normal workbook, as Excel and WPS save one: it declares its <dimension> (a write-only
    # workbook does not, and openpyxl then scans the whole sheet once more to find its size).
    book = Workbook()
    sheet = book.active
    sheet.title = "明细账"
    sheet.append(HEADERS)
    opening = balance = 50_000_000
    sheet.append([start, "", "", "", "期初余额", None, None, Decimal(opening).scaleb(-2)])
    for n in range(lines):
        code, name, sign = rng.choice(accounts)
        fen = rng.randint(1_000, 900_000)
        if sign < 0 and balance - fen < 0:
            code, name, sign = accounts[0]
        balance += sign * fen
        amount = Decimal(fen).scaleb(-2)
        sheet.append([start + timedelta(days=rng.randrange(days)), f"记-{n + 1:05d}", code, name,
                      f"第{n + 1}笔 {name}", amount if sign > 0 else None,
                      amount if sign < 0 else None, None, "成都安达建材有限公司", "转账", ""])
    end = start + timedelta(days=days - 1)
    sheet.append([end, "", "", "", "期末余额", None, None, Decimal(balance).scaleb(-2)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), opening


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--per-quarter", type=int, default=300)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from portal import create_app
    from portal.accounts.models import RoleGrant, User
    from portal.core.clock import frozen
    from portal.extensions import db
    from portal.finance import operations as ops
    from portal.sites.models import Site
    from portal.sites.operations import import_divisions
    from portal.standards.operations import ensure_loaded
    from tests.conftest import division_files

    tmp = tempfile.mkdtemp(prefix="bench-finance-")
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                      "sqlite:///" + os.path.join(tmp, "bench.sqlite3"),
                      "SEARCH_INDEX_DIR": os.path.join(tmp, "search")})
    app.instance_path = tmp
    results = {"machine": machine(), "lines": args.lines, "years": args.years,
               "per_quarter": args.per_quarter}
    with app.app_context():
        upgrade()
        import_divisions(division_files())
        ensure_loaded()
        site = Site.by_code(VILLAGE)
        unusable = "!"  # no login in a benchmark: not a valid Argon2 hash
        clerk = User(mobile="13900000001", password_hash=unusable, display_name="会计")
        reviewer = User(mobile="13900000002", password_hash=unusable, display_name="理财小组")
        db.session.add_all([clerk, reviewer])
        db.session.flush()
        db.session.add_all([RoleGrant(user_id=clerk.id, site_id=site.id, role="publisher"),
                            RoleGrant(user_id=reviewer.id, site_id=site.id,
                                      role="finance_reviewer")])
        db.session.commit()

        # 1. A 20,000-line XLSX: read, check every row, store, commit.
        data, _opening = ledger_xlsx(args.lines, 2020, 1)
        with frozen(datetime(2020, 4, 5, 2)):
            started = time.perf_counter()
            revision = ops.import_ledger(clerk, site, "2020-Q1", "big.xlsx", data)
            db.session.commit()
            results["import_seconds"] = round(time.perf_counter() - started, 3)
        results["import_entries"] = revision.entry_count
        results["xlsx_bytes"] = len(data)
        print(f"import {args.lines} lines ({len(data) / 1e6:.1f} MB): "
              f"{results['import_seconds']} s (target ≤ 5 s)")
        db.session.execute(db.delete(db.metadata.tables["ledger_entry"]))
        db.session.execute(db.delete(db.metadata.tables["ledger_revision"]))
        db.session.execute(db.delete(db.metadata.tables["ledger_period"]))
        db.session.commit()

        # 2. Five years of quarters, published through the workflow.
        first = date.today().year - args.years
        keys = []
        for y in range(first, first + args.years):
            for q in range(1, 5):
                data, _o = ledger_xlsx(args.per_quarter, y, q, seed=y * 10 + q)
                when = datetime(y + (q == 4), (3 * q) % 12 + 1, 10, 2)
                with frozen(when):
                    revision = ops.import_ledger(clerk, site, f"{y}-Q{q}", "q.xlsx", data)
                    ops.submit_statement(clerk, site, revision)
                    ops.countersign_statement(reviewer, site, revision)
                db.session.commit()
                keys.append(f"{y}-Q{q}")
        total = db.session.scalar(db.select(db.func.count()).select_from(
            db.metadata.tables["ledger_entry"]))
        results["entries"] = total
        print(f"village with {args.years} years: {len(keys)} quarters, {total} entries")

    client = app.test_client()
    cache = app.extensions["page_cache"]
    for name, url in (("index", f"/s/{VILLAGE}/finance/"),
                      ("statement", f"/s/{VILLAGE}/finance/{keys[-1]}/"),
                      ("year", f"/s/{VILLAGE}/finance/{keys[-1][:4]}/"),
                      ("ledger_csv", f"/s/{VILLAGE}/finance/{keys[-1]}/ledger.csv")):
        for _ in range(5):
            cache.clear()
            assert client.get(url).status_code == 200
        times = []
        for _ in range(args.runs):
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results[name] = {"p50_ms": round(percentile(times, 50), 1),
                         "p95_ms": round(percentile(times, 95), 1),
                         "max_ms": round(max(times), 1), "runs": args.runs}
        print(f"{name} {url}: p50 {results[name]['p50_ms']} ms, p95 {results[name]['p95_ms']} ms "
              "(uncached; target p95 ≤ 50 ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
