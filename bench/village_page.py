"""Village page vs. a bare Flask app, side by side, under the same gunicorn settings.

    .venv/bin/python bench/village_page.py [--rounds 3] [--duration 10s] [--json out.json]

What it does, in one invocation:

1. makes a temporary SQLite database for the portal (PORTAL_DATABASE_URL=sqlite:////tmp/...),
   runs `flask --app portal db upgrade` and `flask --app portal demo load` (real Chengdu);
2. starts two gunicorn servers with identical settings (2 sync workers, bind 127.0.0.1 on a free
   port, no access log): the portal (`portal:create_app()`) and bench/hello_app.py;
3. checks the village page's headers and that If-None-Match with its ETag gives 304;
4. warms every target up, then loads it with `wrk -t2 -c16 -d10s --latency` (on 127.0.0.1 only),
   alternating the three targets (hello, village page, conditional GET of the village page)
   over ROUNDS rounds, reversing the order every other round;
5. prints requests/s per round, the median, the ratio to the bare app, and latency p50/p99.

The machine is shared and noisy, so the figure that matters is the ratio measured side by side,
not the absolute requests per second.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from benchlib import BENCH, ROOT, VENV_BIN, flask_cmd, free_port, log, machine, median

VILLAGE = "/s/510117004200/"
TARGET_RATIO = 0.70
TARGET_P99_MS = 50.0
REQUIRED_HEADERS = {
    "Content-Security-Policy": None,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "ETag": None,
    "Last-Modified": None,
    "Vary": "Cookie",
}


def gunicorn_args(port: int, app_spec: str, error_log: str) -> list[str]:
    """The one set of gunicorn settings both apps run under (only the app spec differs).

    gunicorn writes no access log unless --access-logfile is given, so it is left out.
    """
    return [
        str(VENV_BIN / "gunicorn"),
        "--workers", "2",
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--chdir", str(ROOT),
        "--pythonpath", str(BENCH),
        "--error-logfile", error_log,
        "--log-level", "warning",
        app_spec,
    ]


class Server:
    """One gunicorn master started in its own process group, stopped by its own pid."""

    def __init__(self, name: str, app_spec: str, env: dict, tmp: str):
        self.name = name
        self.port = free_port()
        self.log_path = os.path.join(tmp, f"gunicorn-{name}.log")
        self.cmd = gunicorn_args(self.port, app_spec, self.log_path)
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.url(path), timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        with open(self.log_path, errors="replace") as f:
            sys.stderr.write(f.read()[-4000:])
        raise SystemExit(f"{self.name} did not come up on port {self.port}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def fetch(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:  # 304 arrives as an HTTPError
        return e.code, dict(e.headers), e.read()


def check_village_page(server: Server) -> str:
    """Headers promised by the issue, and 304 on If-None-Match; returns the ETag."""
    status, headers, body = fetch(server.url(VILLAGE))
    assert status == 200, f"village page answered {status}"
    for name, expected in REQUIRED_HEADERS.items():
        value = headers.get(name)
        assert value, f"village page lacks {name}"
        assert expected is None or expected in value, f"{name}: {value!r}"
    assert "安龙村" in body.decode("utf-8"), "village page does not show 安龙村"
    etag, size = headers["ETag"], len(body)
    # Every worker must agree on the ETag, or the conditional load would measure 200s.
    for _ in range(12):
        status, _headers, body = fetch(server.url(VILLAGE), {"If-None-Match": etag})
        assert status == 304 and not body, f"conditional GET answered {status}"
    log(f"  village page: 200, {size} bytes, ETag {etag}; If-None-Match -> 304 (12 of 12)")
    return etag


UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)([a-z]+)", text).groups()
    return float(number) * UNIT_MS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, latency percentiles, errors and bytes per response from `wrk --latency`."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M))
    total = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+)(\w+) read", output)
    requests_ = int(total.group(1))
    units = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}
    size = float(total.group(3)) * units[total.group(4)]
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sock = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "requests": requests_,
        "bytes_per_response": size / requests_ if requests_ else 0.0,
        "non_2xx_3xx": int(non_ok.group(1)) if non_ok else 0,
        "socket_errors": sock.group(1).strip() if sock else "",
    }


def wrk(url: str, threads: int, connections: int, duration: str, headers=()) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency"]
    for h in headers:
        cmd += ["-H", h]
    cmd.append(url)
    assert url.startswith("http://127.0.0.1:"), "load only ever goes to loopback"
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"wrk failed: {proc.stderr}")
    result = parse_wrk(proc.stdout)
    result["command"] = " ".join(cmd)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", default="10s", help="wrk -d per measurement")
    parser.add_argument("--warmup", default="3s", help="wrk -d of the warm-up per target")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed")

    info = machine()
    log(f"machine: {info['nproc']} x {info['cpu']}; {info['date']}; load {info['loadavg']}")
    tmp = tempfile.mkdtemp(prefix="portal-bench-page-", dir="/tmp")
    env = dict(os.environ)
    env["PORTAL_DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"  # four slashes: absolute
    env["PORTAL_SECRET_KEY"] = secrets.token_hex(16)
    env.pop("FLASK_DEBUG", None)
    servers: list[Server] = []
    try:
        took, _ = flask_cmd("db", "upgrade", env=env)
        log(f"db upgrade: {took:.1f} s ({env['PORTAL_DATABASE_URL']})")
        took, _ = flask_cmd("demo", "load", env=env)
        log(f"demo load (Chengdu): {took:.1f} s")

        hello = Server("hello", "hello_app:app", env, tmp)
        portal = Server("portal", "portal:create_app()", env, tmp)
        servers = [hello, portal]
        hello.wait_ready("/")
        portal.wait_ready(VILLAGE)
        log(f"gunicorn (same for both): {' '.join(portal.cmd[1:-1])}")
        log(f"  hello  -> {hello.url('/')}")
        log(f"  portal -> {portal.url(VILLAGE)}")
        etag = check_village_page(portal)

        targets = {
            "hello": (hello.url("/"), ()),
            "village": (portal.url(VILLAGE), ()),
            "village_304": (portal.url(VILLAGE), (f"If-None-Match: {etag}",)),
        }
        for url, headers in targets.values():
            wrk(url, args.threads, args.connections, args.warmup, headers)
        log(f"warmed up ({args.warmup} of wrk per target)")

        runs: dict[str, list[dict]] = {name: [] for name in targets}
        order = list(targets)
        for round_no in range(1, args.rounds + 1):
            for name in order if round_no % 2 else reversed(order):
                url, headers = targets[name]
                r = wrk(url, args.threads, args.connections, args.duration, headers)
                r["round"] = round_no
                runs[name].append(r)
                log(f"  round {round_no} {name:<12} {r['rps']:8.0f} req/s"
                    f"  p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms"
                    f"  {r['bytes_per_response']:6.0f} B/resp"
                    f"  errors: {r['non_2xx_3xx']} non-2xx/3xx {r['socket_errors']}")
        report(info, args, runs)
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"machine": info, "runs": runs,
                           "gunicorn": " ".join(portal.cmd[1:-1])}, f, indent=2)
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def report(info: dict, args, runs: dict) -> None:
    hello_rps = median([r["rps"] for r in runs["hello"]])
    labels = {
        "hello": "bare Flask `/` (bench/hello_app.py)",
        "village": f"village page `{VILLAGE}`",
        "village_304": "village page, If-None-Match → 304",
    }
    rounds = args.rounds
    log("")
    end_load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    log(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} --latency, {rounds} rounds "
        f"alternated; medians over rounds; {info['nproc']} x {info['cpu']}; load average "
        f"{info['loadavg']} at the start, {end_load} at the end")
    log("")
    log("| target | req/s per round | req/s median | ratio to bare app (per round) "
        "| p50 ms | p99 ms (worst round) |")
    log("|---|---|---:|---:|---:|---:|")
    summary = {}
    for name, results in runs.items():
        rps = median([r["rps"] for r in results])
        p50 = median([r["p50_ms"] for r in results])
        p99 = median([r["p99_ms"] for r in results])
        worst = max(r["p99_ms"] for r in results)
        ratio = rps / hello_rps
        summary[name] = (rps, ratio, p50, p99)
        per_round = " / ".join(f"{r['rps']:.0f}" for r in results)
        paired = " / ".join(
            f"{r['rps'] / h['rps']:.0%}" for r, h in zip(results, runs["hello"], strict=True)
        )
        log(f"| {labels[name]} | {per_round} | {rps:.0f} | {ratio:.0%} ({paired}) "
            f"| {p50:.2f} | {p99:.2f} ({worst:.2f}) |")
    log("")
    rps, ratio, _p50, p99 = summary["village"]
    worst_p99 = max(r["p99_ms"] for r in runs["village"])
    ok_ratio = ratio >= TARGET_RATIO
    ok_p99 = p99 <= TARGET_P99_MS
    log(f"village page / bare app = {ratio:.0%} (target >= {TARGET_RATIO:.0%}: "
        f"{'met' if ok_ratio else 'NOT met'}); p99 median {p99:.2f} ms, worst round "
        f"{worst_p99:.2f} ms (target <= {TARGET_P99_MS:.0f} ms: {'met' if ok_p99 else 'NOT met'}; "
        f"the bare app's p99 median in the same rounds: {summary['hello'][3]:.2f} ms)")
    errors = sum(r["non_2xx_3xx"] for rs in runs.values() for r in rs)
    if errors:
        log(f"WARNING: {errors} responses were neither 2xx nor 3xx")


if __name__ == "__main__":
    main()
