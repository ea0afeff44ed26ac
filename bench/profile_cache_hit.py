"""Profile cache hits of the village page in-process (no network): where does a hit spend time?

    PORTAL_DATABASE_URL=sqlite:////tmp/.../portal.sqlite3 .venv/bin/python bench/profile_cache_hit.py [N]

The database must already hold the demo (flask --app portal db upgrade && demo load).
"""

import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402

PATH = "/s/510117004200/"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    app = create_app()
    client = app.test_client()
    first = client.get(PATH)
    assert first.status_code == 200, first.status_code
    for _ in range(200):
        client.get(PATH)
    started = time.perf_counter()
    for _ in range(n):
        client.get(PATH)
    took = time.perf_counter() - started
    print(f"{n} cache hits in-process: {n / took:.0f}/s ({took / n * 1e6:.0f} µs each)")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(PATH)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)


if __name__ == "__main__":
    main()
