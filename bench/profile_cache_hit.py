"""Profile cache hits of the village page in-process, without a server or a network.

    PORTAL_DATABASE_URL=sqlite:////tmp/x/portal.sqlite3 .venv/bin/python bench/profile_cache_hit.py

PORTAL_DATABASE_URL must name a database that already holds the demo (`flask --app portal
db upgrade` and `demo load`); an optional argument sets the number of requests (3000).
The WSGI callable is called directly with a prepared environ, so the figures are the
application's own cost per request; bench/hello_app.py is timed the same way for scale.
"""

import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hello_app import app as hello

from portal import create_app

PATH = "/s/510117004200/"


def call(app, environ: dict) -> tuple[int, dict]:
    sent = []

    def start_response(status, headers, exc_info=None):
        sent.append((status, headers))

    body = app(dict(environ), start_response)
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    status, headers = sent[0]
    return int(status[:3]), dict(headers)


def per_request(app, environ: dict, n: int) -> float:
    for _ in range(200):
        call(app, environ)
    started = time.perf_counter()
    for _ in range(n):
        call(app, environ)
    return (time.perf_counter() - started) / n * 1e6


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    portal = create_app()
    page = EnvironBuilder(path=PATH, base_url="http://127.0.0.1:8000/").get_environ()
    root = EnvironBuilder(path="/", base_url="http://127.0.0.1:8000/").get_environ()
    code, headers = call(portal, page)
    assert code == 200, code
    conditional = EnvironBuilder(
        path=PATH, base_url="http://127.0.0.1:8000/", headers={"If-None-Match": headers["ETag"]}
    ).get_environ()
    assert call(portal, conditional)[0] == 304
    print(f"bare Flask /        : {per_request(hello, root, n):7.1f} µs per request")
    print(f"village page (hit)  : {per_request(portal, page, n):7.1f} µs per request")
    print(f"village page (304)  : {per_request(portal, conditional, n):7.1f} µs per request")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        call(portal, page)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    print(out.getvalue())


if __name__ == "__main__":
    main()
