"""Three ``tracker facts-worker`` processes share one PostgreSQL database (TRACKER_TEST_PG).

Every version is parsed by exactly one worker (claims are ``FOR UPDATE SKIP
LOCKED``), and afterwards every version has its facts and its diff rows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from tests.conftest import ROOT
from tests.research_fixtures import story_text
from tracker.extract import parse_text
from tracker.ingest import ingest_article
from tracker.research import changes
from tracker.store import Store

STORIES = 8
VERSIONS = 3
WORKERS = 3


def test_three_workers_parse_every_version_once(pg_database: str) -> None:
    start = datetime(2026, 3, 1, 8, tzinfo=UTC)
    with Store(pg_database) as store:
        for s in range(STORIES):
            for v in range(VERSIONS):
                article = parse_text(story_text(s * 10 + v * 3 + 2))
                ingest_article(
                    store,
                    f"https://news.example.org/story-{s}",
                    article,
                    fetched_at=start + timedelta(hours=v),
                    facts=False,
                )
    command = [sys.executable, "-m", "tracker", "facts-worker", "--db", pg_database]
    command += ["--once", "--json", "--batch", "2"]
    workers = [
        subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(WORKERS)
    ]
    parsed: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        parsed += json.loads(out)["parsed"]
    assert len(parsed) == STORIES * VERSIONS
    assert len(set(parsed)) == len(parsed), "a version was parsed twice"
    with Store(pg_database) as store:
        assert changes.stale_count(store) == 0
        with store.engine.connect() as conn:
            unparsed = conn.execute(text("SELECT COUNT(*) FROM versions WHERE facts IS NULL"))
            assert unparsed.scalar() == 0
            ids = {r[0] for r in conn.execute(text("SELECT id FROM versions"))}
            diffs = conn.execute(text("SELECT COUNT(*) FROM version_diffs WHERE kind='versions'"))
            assert diffs.scalar() == STORIES * VERSIONS
            tolls = conn.execute(
                text("SELECT COUNT(*) FROM fact_changes WHERE slot = 'count' AND diff = 'versions'")
            )
            assert tolls.scalar() == STORIES * (VERSIONS - 1)
    assert set(parsed) == ids
