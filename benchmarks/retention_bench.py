"""Check-log size over simulated days of polling: bounded by the retention window.

    python benchmarks/retention_bench.py [--stories 100] [--every 60] [--days 12] [--keep 7]

Writes the check rows of ``--stories`` stories checked every ``--every`` seconds
(mostly unchanged or 304, a changed check storing a version now and then, a few
errors), one simulated UTC day at a time, into a SQLite database, and runs the
daemon's retention (:func:`tracker.store.retention.roll_up`, as ``tracker run``
does every hour and ``tracker prune`` on demand) at the end of each day. Prints,
per day, the per-check and roll-up rows and the bytes of the check log
(``checks``, ``check_days`` and their indexes, from SQLite's ``dbstat``): once
the window is full the size stops growing, whatever the number of days.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tracker.store import Store  # noqa: E402
from tracker.store.retention import log_size, roll_up  # noqa: E402
from tracker.store.schema import Check, Story  # noqa: E402

LOG_TABLES = ("checks", "ix_checks_story_time", "ix_checks_checked_at", "check_days")


def log_bytes(path: Path) -> int:
    """Bytes of the check log's tables and indexes (``check_days``' own indexes included)."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")
        names = set(LOG_TABLES) | {n for n, table in rows if table in ("checks", "check_days")}
        marks = ",".join("?" * len(names))
        found = conn.execute(f"SELECT SUM(pgsize) FROM dbstat WHERE name IN ({marks})", [*names])
        return found.fetchone()[0] or 0


def day_of_checks(ids: list[int], start: datetime, every: float) -> list[dict[str, object]]:
    """One day of check rows: every story every ``every`` seconds."""
    rows = []
    steps = int(86_400 / every)
    for step in range(steps):
        at = start + timedelta(seconds=step * every)
        for k, sid in enumerate(ids):
            n = step * len(ids) + k
            if n % 5000 == 0:
                row = {"outcome": "changed", "http_status": 200, "version_number": n}
            elif n % 997 == 0:
                row = {"outcome": "http_error", "http_status": 503, "error": "HTTP 503"}
            elif n % 2:
                row = {"outcome": "not_modified", "http_status": 304}
            else:
                row = {"outcome": "unchanged", "http_status": 200}
            rows.append(
                {"story_id": sid, "checked_at": at, "bytes": 80_000, "elapsed_ms": 12, **row}
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--every", type=float, default=60.0, help="seconds between checks")
    parser.add_argument("--days", type=int, default=12)
    parser.add_argument("--keep", type=float, default=7.0, help="retention window, days")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="retention-bench-") as folder:
        path = Path(folder) / "t.db"
        url = f"sqlite:///{path}"
        first = datetime(2026, 1, 1, tzinfo=UTC)
        per_day = int(86_400 / args.every) * args.stories
        print(
            f"{args.stories:,} stories checked every {args.every:g} s: {per_day:,} checks a day; "
            f"window {args.keep:g} days"
        )
        print(
            f"{'day':>4} {'check rows':>11} {'roll-up rows':>13} {'log MB':>8} {'file MB':>8} "
            f"{'roll-up s':>10}"
        )
        with Store(url) as store:
            with store.session() as session:
                session.execute(
                    insert(Story),
                    [
                        {"url": f"https://news.example/story-{i}", "created_at": first}
                        for i in range(args.stories)
                    ],
                )
                ids = list(session.scalars(select(Story.id)))
            for day in range(args.days):
                start = first + timedelta(days=day)
                rows = day_of_checks(ids, start, args.every)
                with store.session() as session:
                    for at in range(0, len(rows), 50_000):
                        session.execute(insert(Check), rows[at : at + 50_000])
                began = time.perf_counter()
                roll_up(store, keep_days=args.keep, now=start + timedelta(days=1))
                spent = time.perf_counter() - began
                checks, days = log_size(store)
                size = log_bytes(path) / 1e6
                file_mb = path.stat().st_size / 1e6
                print(
                    f"{day + 1:>4} {checks:>11,} {days:>13,} {size:>8.1f} {file_mb:>8.1f} "
                    f"{spent:>10.2f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
