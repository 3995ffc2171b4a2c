"""The short forms of the crash and concurrency benchmarks (issue 13, "What to build" 3).

``benchmarks/kill_loop.py``: a few kill -9s of ``tracker ingest`` and ``tracker poll`` on
one SQLite file, each followed by the integrity, sentences, numbering, check-row, history
and diff checks. ``benchmarks/pg_workers.py``: 2 ``tracker run`` workers on PostgreSQL
× 20 changing stories (when TRACKER_TEST_PG is set). The long forms are in the README.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench(*args: str) -> tuple[int, object]:
    done = subprocess.run(
        [sys.executable, *args, "--json"], capture_output=True, text=True, cwd=ROOT, timeout=240
    )
    assert done.stdout.strip(), done.stderr[-2000:]
    return done.returncode, json.loads(done.stdout)


def test_kill_loop_short_form_finds_nothing_broken() -> None:
    code, results = _bench("benchmarks/kill_loop.py", "--kills", "2")
    assert isinstance(results, list) and [r["mode"] for r in results] == ["ingest", "poll"]
    for r in results:
        assert r["kills"] == 2
        assert r["failures"] == 0, r["problems"]
        assert r["integrity_errors"] == r["versions_without_sentences"] == 0
    assert results[1]["versions"] >= 12  # the unkilled poll after the kills stored its stories
    assert code == 0


def test_pg_workers_short_form(pg_url: str) -> None:
    code, report = _bench(
        "benchmarks/pg_workers.py",
        "--pg",
        pg_url,
        "--workers",
        "2",
        "--stories",
        "20",
        "--versions",
        "2",
        "--seconds",
        "60",
    )
    assert isinstance(report, dict)
    assert report["complete"], report
    assert report["failures"] == [], report
    assert report["versions_stored"] == report["texts_served"] == 40
    assert report["duplicates"] == report["lost_changes"] == 0
    assert report["max_in_flight"] == 1
    assert report["exit_codes"] == [0, 0]
    assert code == 0
