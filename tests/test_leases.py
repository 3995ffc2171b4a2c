"""A killed ``poll`` (issue 13) does not park its stories behind its lease for 5 minutes.

The next poll takes the dead owner's leases back: on SQLite (one machine) by its process
id, on PostgreSQL by the owner's advisory lock, which PostgreSQL drops with the dead
client's connection. A live owner's lease is never taken.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.httpserver import TestHTTPServer
from tracker.poll import worker_id
from tracker.store import Store
from tracker.store.polling import OWNER_LOCKED, OwnerLock, add_story, claim_due, reclaim_leases
from tracker.store.schema import Story

ROOT = Path(__file__).resolve().parent.parent


def _page(round_: int) -> str:
    paras = "".join(
        f"<p>Rescue crews searched the flooded valley for a {i + 1}th day on Friday, officials "
        f"said, as the number of people missing rose to {100 + i + round_}.</p>"
        for i in range(5)
    )
    return f"<html><head><title>Flood</title></head><body><article><h1>Flood</h1>{paras}"


def _tracker(*args: str, db: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("TRACKER_ALLOW_PRIVATE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "tracker", *args, "--db", db],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _lease_owner(db: str, url: str) -> str | None:
    with Store(db) as store, store.session() as session:
        return session.scalar(select(Story.lease_owner).where(Story.url == url))


def _kill_a_poll_mid_fetch(server: TestHTTPServer, db: str) -> str:
    """Start ``tracker poll`` on a page that answers slowly, kill -9 it while the request
    is in flight (its lease taken), serve the page at once again; the story's URL."""
    server.page("/slow", _page(0), delay=60)
    url = server.url("/slow")
    host = f"127.0.0.1:{server.port}"
    with Store(db) as store:
        add_story(store, url)
    poll = _tracker("poll", url, "--allow-host", host, db=db)
    deadline = time.monotonic() + 60
    while server.count("/slow") == 0:
        assert poll.poll() is None, poll.communicate()
        assert time.monotonic() < deadline, "the poll never fetched"
        time.sleep(0.05)
    assert _lease_owner(db, url) is not None
    os.kill(poll.pid, signal.SIGKILL)
    poll.communicate(timeout=30)
    server.page("/slow", _page(1))
    return url


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_next_poll_checks_the_stories_of_a_killed_poll(
    backend: str, tmp_path: Path, http_server: TestHTTPServer, request: pytest.FixtureRequest
) -> None:
    db = str(tmp_path / "t.db") if backend == "sqlite" else request.getfixturevalue("pg_database")
    url = _kill_a_poll_mid_fetch(http_server, db)
    host = f"127.0.0.1:{http_server.port}"
    again = _tracker("poll", url, "--allow-host", host, db=db)
    out, err = again.communicate(timeout=120)
    assert "another worker" not in out + err
    assert again.returncode == 0, err
    assert "stored v1" in out
    assert _lease_owner(db, url) is None


def test_postgresql_never_takes_a_live_owners_lease(pg_database: str) -> None:
    live_url, dead_url = "https://news.example/live", "https://news.example/dead"
    with Store(pg_database) as store:
        add_story(store, live_url)
        add_story(store, dead_url)
        with store.session() as session:
            ids = dict(session.execute(select(Story.url, Story.id)).all())
        live, dead = OwnerLock.hold(store, worker_id()), OwnerLock.hold(store, worker_id())
        assert live is not None and dead is not None
        assert live.owner.endswith(OWNER_LOCKED)
        claim_due(store, live.owner, limit=1, lease_seconds=300, ids=[ids[live_url]])
        claim_due(store, dead.owner, limit=1, lease_seconds=300, ids=[ids[dead_url]])
        dead.close()  # what PostgreSQL does when the owner's process is killed
        assert reclaim_leases(store) == 1
        with store.session() as session:
            owners = dict(session.execute(select(Story.url, Story.lease_owner)).all())
        assert owners == {live_url: live.owner, dead_url: None}
        live.close()


def test_a_running_poller_takes_back_a_dead_peers_leases(
    pg_database: str, http_server: TestHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from tracker import poll
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.poll import Gate, Poller, PollSettings

    monkeypatch.setattr(poll, "DEAD_LEASES_EVERY", 0.0)  # a daemon, minutes later
    http_server.page("/p", _page(0))
    url = http_server.url("/p")
    settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{http_server.port}"}))

    async def go(store: Store) -> list[dict[str, int]]:
        async with Fetcher(settings) as fetcher:
            poller = Poller(store, fetcher, settings=PollSettings(gate=Gate()))
            try:
                first = await poller.drain()  # as the daemon drains
                with store.session() as session:
                    story_id = session.scalar(select(Story.id).where(Story.url == url))
                peer = OwnerLock.hold(store, worker_id())  # another `tracker run` worker
                assert peer is not None and story_id is not None
                claim_due(store, peer.owner, limit=1, lease_seconds=300, ids=[story_id])
                peer.close()  # killed
                http_server.page("/p", _page(1))
                second = await poller.drain()
                return [dict(first.counts), dict(second.counts)]
            finally:
                poller.close()

    with Store(pg_database) as store:
        add_story(store, url)
        assert asyncio.run(go(store)) == [{"changed": 1}, {"changed": 1}]
