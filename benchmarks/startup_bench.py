"""Start-up of commands that need no NLP, as a ratio to the bare import of their CLI libraries.

    .venv/bin/python benchmarks/startup_bench.py [--repeat 5]

Times, as wall-clock seconds of fresh processes (best of ``--repeat``, the runs
interleaved so a busy machine slows all of them alike): ``tracker --help``,
``tracker list`` on an empty, already-migrated SQLite database, and
``python -c "import sqlalchemy.orm, typer, rich.console"`` (the baseline). It
also lists the heavy modules (spaCy, trafilatura, lxml, numpy, dateparser,
aiohttp, httpx, apscheduler, alembic) that ``tracker list`` imported: there
should be none.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = (
    "spacy",
    "trafilatura",
    "lxml",
    "numpy",
    "dateparser",
    "aiohttp",
    "httpx",
    "apscheduler",
    "alembic",
    "rapidfuzz",
    "feedparser",
    "apprise",
)
BARE = "import sqlalchemy.orm, typer, rich.console"


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "t.db")
        env = {**os.environ, "TRACKER_DB": db}
        subprocess.run([python, "-m", "tracker", "list"], env=env, capture_output=True, check=True)
        runs = {
            "bare import (sqlalchemy.orm, typer, rich)": [python, "-c", BARE],
            "tracker --help": [python, "-m", "tracker", "--help"],
            "tracker list": [python, "-m", "tracker", "list"],
        }
        best = {name: float("inf") for name in runs}
        for _ in range(args.repeat):
            for name, cmd in runs.items():
                best[name] = min(best[name], timed(cmd, env))
        trace = subprocess.run(
            [python, "-X", "importtime", "-m", "tracker", "list"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stderr
    imported = sorted(
        {
            line.rsplit("|", 1)[-1].strip().split(".")[0]
            for line in trace.splitlines()
            if line.rsplit("|", 1)[-1].strip().split(".")[0] in HEAVY
        }
    )
    bare = best["bare import (sqlalchemy.orm, typer, rich)"]
    print(f"load average: {os.getloadavg()[0]:.1f}; best of {args.repeat}, wall-clock")
    for name, seconds in best.items():
        print(f"{name:44} {seconds:6.3f} s  {seconds / bare:4.1f}x the bare import")
    print(f"heavy modules imported by tracker list: {', '.join(imported) or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
