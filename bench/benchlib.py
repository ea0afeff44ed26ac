"""Small helpers shared by the benchmarks in bench/ (standard library only)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(os.environ.get("VENV_BIN", ROOT / ".venv" / "bin"))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> dict:
    """What the figures were measured on; the machine is shared, so the load average matters."""
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "loadavg": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask_cmd(*args: str, env: dict, quiet: bool = True) -> tuple[float, str]:
    """Run `flask --app portal ARGS` in the project root; returns (seconds, combined output)."""
    cmd = [str(VENV_BIN / "flask"), "--app", "portal", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.stderr.write(output)
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    if not quiet:
        sys.stdout.write(output)
    return took, output


def median(values):
    return statistics.median(values) if values else float("nan")


def log(message: str) -> None:
    print(message, flush=True)
