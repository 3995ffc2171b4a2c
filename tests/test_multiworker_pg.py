"""Several ``tracker run`` processes share one PostgreSQL database (when TRACKER_TEST_PG is set).

Three real worker processes poll 300 stories whose pages change twice during
the run (each version is served for two requests). Afterwards every change is
stored exactly once, in order, and the server never saw two requests for one
story at the same time.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from tests.httpserver import Custom, RecordedRequest, Reply, TestHTTPServer
from tracker.store import Store
from tracker.store.polling import add_story, claim_due
from tracker.store.schema import Check, Story, Version

ROOT = Path(__file__).resolve().parents[1]
STORIES = 300
WORKERS = 3


def _story_text(story: int, version: int) -> str:
    return "".join(
        f"<p>Update {version} on district {story}: officials said {version * 10 + i} homes were "
        f"flooded and {i + 2} shelters opened as the river kept rising through the night.</p>"
        for i in range(6)
    )


def _changing(story: int) -> Custom:
    """Version 0 for the first two requests, version 1 for the next two, then version 2."""
    served = itertools.count()

    def respond(_request: RecordedRequest) -> Reply:
        time.sleep(0.01)  # widen the window in which a second fetch would overlap
        version = min(2, next(served) // 2)
        body = f"<html><head><title>Flood {story}</title></head><body><article>"
        body += _story_text(story, version) + "</article></body></html>"
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), body.encode())

    return Custom(respond)


def _worker(db: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tracker", "run", "--db", db, "--allow-private", "-q"]
    command += ["--tick", "0.2s", "--min-interval", "1s", "--max-interval", "1s"]
    command += ["--facts-every", "0", "--per-host", "8", "--concurrency", "32"]
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)


def _stored(db: str) -> int:
    with Store(db) as store, store.session() as session:
        return session.scalar(select(func.count()).select_from(Version)) or 0


def test_three_workers_store_every_change_once_and_never_fetch_a_story_twice_at_once(
    pg_database: str, http_server: TestHTTPServer
) -> None:
    with Store(pg_database) as store:
        for i in range(STORIES):
            http_server.route(f"/d{i}", _changing(i))
            add_story(store, http_server.url(f"/d{i}"))
    workers = [_worker(pg_database) for _ in range(WORKERS)]
    try:
        # the loop ends as soon as every change is in; the long limit is for a loaded machine
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and _stored(pg_database) < STORIES * 3:
            time.sleep(0.5)
        time.sleep(1.0)  # a little longer: a duplicate would show up now
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        errors = [worker.communicate(timeout=30)[1] for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert [w.returncode for w in workers] == [0] * WORKERS, errors
    assert max(http_server.max_in_flight(f"/d{i}") for i in range(STORIES)) == 1
    with Store(pg_database) as store, store.session() as session:
        per_story = dict(
            session.execute(select(Version.story_id, func.count()).group_by(Version.story_id)).all()
        )
        assert sorted(set(per_story.values())) == [3], "every change stored exactly once"
        changed = session.scalar(select(func.count()).where(Check.outcome == "changed"))
        assert changed == STORIES * 3
        assert session.scalar(select(func.count()).where(Story.lease_owner.is_not(None))) == 0
    with Store(pg_database) as store:
        url = http_server.url("/d7")
        texts = [store.version(url, n).split.sections[0].text for n in (1, 2, 3)]
        assert [t.split(" on district")[0] for t in texts] == ["Update 0", "Update 1", "Update 2"]
    assert os.environ.get("TRACKER_TEST_PG")


def test_concurrent_claims_on_postgresql_never_overlap(pg_database: str) -> None:
    with Store(pg_database) as store:
        for i in range(200):
            add_story(store, f"https://news.example.com/{i}")
        claimed: dict[str, list[int]] = {}

        def worker(owner: str) -> None:
            mine = claimed.setdefault(owner, [])
            while batch := claim_due(store, owner, limit=7, lease_seconds=60):
                mine.extend(d.id for d in batch)

        threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    ids = [story_id for batch in claimed.values() for story_id in batch]
    assert len(ids) == len(set(ids)) == 200
    assert sum(1 for batch in claimed.values() if batch) >= 2  # they really ran side by side
