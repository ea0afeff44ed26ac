"""Time `flask --app portal sites import` of the Shanxi tree into fresh SQLite and PostgreSQL.

    .venv/bin/python bench/import_shanxi.py [--backends sqlite,postgresql] [--repeat 1]

For each backend: a fresh database (a temporary SQLite file; on PostgreSQL the schema
bench_import, dropped and created again), `flask --app portal db upgrade`, then

    flask --app portal sites import cities.csv areas.csv streets.csv villages_shanxi.csv --within 14

timed from outside (the whole command, interpreter start included) and as the command reports
it, then the sites are counted per level in the database, and the same import is run a second
time (everything unchanged) to time the idempotent re-import. Target: < 60 s; 21,895 villages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import tempfile
import time

from benchlib import flask_cmd, log, machine, median
from sqlalchemy import create_engine, text

DATA = os.environ.get("DIVISIONS_DATA", "/work/shared/data/divisions")
FILES = ["cities.csv", "areas.csv", "streets.csv", "villages_shanxi.csv"]
WITHIN = "14"
EXPECTED_VILLAGES = 21895
TARGET_SECONDS = 60.0
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "bench_import"


def import_args() -> list[str]:
    return ["sites", "import", *[os.path.join(DATA, f) for f in FILES], "--within", WITHIN]


def fresh_sqlite(tmp: str, n: int) -> str:
    path = os.path.join(tmp, f"import-{n}.sqlite3")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return f"sqlite:///{path}"


def fresh_postgresql(base_url: str, schema: str) -> str:
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{base_url}?options=-csearch_path%3D{schema}"


def drop_postgresql(base_url: str, schema: str) -> None:
    engine = create_engine(base_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    engine.dispose()


def count_levels(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT level, count(*) FROM site GROUP BY level")).all()
    engine.dispose()
    return {level: n for level, n in rows}


def reported_seconds(output: str) -> float | None:
    match = re.search(r";\s*([\d.]+) s\s*$", output.strip())
    return float(match.group(1)) if match else None


def run_backend(name: str, make_url, env_base: dict, repeat: int) -> dict:
    runs = []
    for n in range(repeat):
        url = make_url(n)
        env = {**env_base, "PORTAL_DATABASE_URL": url}
        upgrade_s, _ = flask_cmd("db", "upgrade", env=env)
        wall_s, output = flask_cmd(*import_args(), env=env)
        line = output.strip().splitlines()[-1]
        counts = count_levels(url)
        again_s, again_out = flask_cmd(*import_args(), env=env)
        again_line = again_out.strip().splitlines()[-1]
        runs.append({
            "upgrade_s": upgrade_s,
            "import_wall_s": wall_s,
            "import_reported_s": reported_seconds(output),
            "output": line,
            "counts": counts,
            "reimport_wall_s": again_s,
            "reimport_output": again_line,
        })
        log(f"  {name} run {n + 1}: db upgrade {upgrade_s:.1f} s; import {wall_s:.1f} s wall "
            f"({line}); villages in db: {counts.get('village', 0)}; re-import {again_s:.1f} s "
            f"({again_line})")
    return {"runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=1, help="fresh imports per backend")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_URL))
    parser.add_argument("--schema", default=PG_SCHEMA)
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.schema):
        raise SystemExit("--schema: lower-case letters, digits and _ only")
    for f in FILES:
        if not os.path.exists(os.path.join(DATA, f)):
            raise SystemExit(f"missing {os.path.join(DATA, f)}")

    info = machine()
    log(f"machine: {info['nproc']} x {info['cpu']}; {info['date']}; load {info['loadavg']}")
    log(f"command: flask --app portal {' '.join(import_args())}")
    env_base = dict(os.environ)
    env_base["PORTAL_SECRET_KEY"] = secrets.token_hex(16)
    env_base.pop("FLASK_DEBUG", None)
    tmp = tempfile.mkdtemp(prefix="portal-bench-import-", dir="/tmp")
    results = {}
    try:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            if backend == "sqlite":
                results[backend] = run_backend(
                    backend, lambda n: fresh_sqlite(tmp, n), env_base, args.repeat)
            elif backend == "postgresql":
                try:
                    fresh_postgresql(args.pg_url, args.schema)
                except Exception as error:  # no server: say so and go on
                    log(f"  postgresql skipped: {type(error).__name__}: {error}")
                    continue
                try:
                    results[backend] = run_backend(
                        backend, lambda n: fresh_postgresql(args.pg_url, args.schema),
                        env_base, args.repeat)
                finally:
                    drop_postgresql(args.pg_url, args.schema)
            else:
                raise SystemExit(f"unknown backend {backend}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    log("")
    log(f"| backend | import, wall s (median of {args.repeat}) | as reported by the command, s "
        "| re-import (unchanged), s | villages | target < 60 s |")
    log("|---|---:|---:|---:|---:|---|")
    for backend, result in results.items():
        runs = result["runs"]
        wall = median([r["import_wall_s"] for r in runs])
        reported = median([r["import_reported_s"] or 0.0 for r in runs])
        again = median([r["reimport_wall_s"] for r in runs])
        villages = runs[-1]["counts"].get("village", 0)
        ok = wall < TARGET_SECONDS and villages == EXPECTED_VILLAGES
        result.update(wall_s=wall, reported_s=reported, reimport_s=again, villages=villages)
        log(f"| {backend} | {wall:.1f} | {reported:.1f} | {again:.1f} | {villages:,} "
            f"| {'met' if ok else 'NOT met'} |")
        if villages != EXPECTED_VILLAGES:
            log(f"WARNING: {backend}: {villages} villages, expected {EXPECTED_VILLAGES}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "results": results, "files": FILES, "within": WITHIN,
                       "measured_at": time.time()}, f, indent=2)


if __name__ == "__main__":
    main()
