"""``tracker list`` at N stories: the first screen, filters and sorts, as users run it.

    python benchmarks/list_bench.py [--stories 100000] [--db PATH]

Builds (once; the file is reused) a SQLite database of N stories, some with
versions and errors, then times the real ``tracker`` command in a subprocess
(start-up included) and ``tracker --help`` for reference, each the best of 3.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from tracker.store import Store
from tracker.store.schema import Story, Version

TRACKER = [sys.executable, "-m", "tracker"]


def build(db: str, n: int) -> None:
    with Store(db) as store, store.session() as session:
        have = session.scalar(select(Story.id).order_by(Story.id.desc()).limit(1)) or 0
        if have >= n:
            return
        now = datetime.now(UTC)
        hosts = ["apnews.com", "www.bbc.co.uk", "edition.cnn.com", "www.reuters.com"]
        rows = [
            {
                "url": f"https://{hosts[i % 4]}/news/story-{i}",
                "label": f"story {i}" if i % 10 == 0 else None,
                "status": ("active", "active", "active", "gone", "retired", "error")[i % 6],
                "created_at": now - timedelta(minutes=i),
                "last_checked_at": now - timedelta(seconds=i % 3600),
                "next_check_at": now + timedelta(seconds=(i * 7919) % 86_400),
                "last_error": "HTTP 503" if i % 6 == 5 else None,
                "failures": 0,
            }
            for i in range(have, n)
        ]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Story), rows[start : start + 5000])
        session.flush()
        ids = session.scalars(select(Story.id).where(Story.id % 3 == 0)).all()
        versions = [
            {
                "story_id": sid,
                "number": 1,
                "fetched_at": now,
                "text_hash": f"{sid:064x}",
                "words": 500,
                "sections": ["body"],
            }
            for sid in ids
        ]
        for start in range(0, len(versions), 5000):
            session.execute(insert(Version), versions[start : start + 5000])


def best(args: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if done.returncode:
            raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--db", default=None)
    args = parser.parse_args(argv)
    db = args.db or f"/tmp/tracker-list-bench-{args.stories}.db"
    t0 = time.perf_counter()
    build(db, args.stories)
    print(f"database: {db} ({args.stories:,} stories; ready in {time.perf_counter() - t0:.1f} s)")
    from tracker.store.listing import ListQuery, list_page

    with Store(db) as store:
        for label, query in (
            ("first page", ListQuery()),
            (
                "--errors --sort checked --desc",
                ListQuery(errors=True, sort="checked", descending=True),
            ),
            ("--source bbc.co.uk, page 100", ListQuery(source="bbc.co.uk", offset=99 * 50)),
            ("--all (every story)", ListQuery(limit=None)),
        ):
            times = []
            for _ in range(3):
                t1 = time.perf_counter()
                page = list_page(store, query)
                times.append(time.perf_counter() - t1)
            print(
                f"in-process list_page {label:32} {min(times) * 1000:7.1f} ms "
                f"({len(page.stories):,} of {page.total:,})"
            )
    env = {**os.environ, "TRACKER_DB": db, "NO_COLOR": "1", "COLUMNS": "160"}
    bare = best([sys.executable, "-c", "import sqlalchemy.orm, typer, rich.table"], env)
    print(f"{'bare import of sqlalchemy.orm, typer, rich':44} {bare:6.2f} s")
    for label, extra in (
        ("tracker --help", ["--help"]),
        ("tracker list (first page)", ["list"]),
        ("tracker list --json (first page)", ["list", "--json"]),
        (
            "tracker list --errors --sort checked --desc",
            ["list", "--errors", "--sort", "checked", "--desc"],
        ),
        (
            "tracker list --source bbc.co.uk --page 100",
            ["list", "--source", "bbc.co.uk", "--page", "100"],
        ),
        ("tracker list --status gone,retired", ["list", "--status", "gone,retired"]),
        ("tracker list --label 'story 99'", ["list", "--label", "story 99"]),
    ):
        seconds = best([*TRACKER, *extra], env)
        print(f"{label:44} {seconds:6.2f} s  ({seconds / bare:.1f}x the bare import)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
