"""`tracker run` end to end: it re-reads a followed feed, polls the new article, extracts facts,
alerts an SMTP server and a webhook on the count change (not on a style edit), keeps retrying a
target that is down while polling goes on, and keeps an Atom feed that feedparser reads back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import feedparser
import pytest

from tests.httpserver import TestHTTPServer
from tests.newsroom import Newsroom, story_paragraphs
from tests.receivers import Mailbox, WebhookReceiver, smtp_server
from tracker.deliver import verify
from tracker.store import Store

SECRET = "hook-secret"


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as found:
        yield found


def config_file(tmp_path: Path, smtp_port: int, hook: WebhookReceiver, feed_url: str) -> Path:
    path = tmp_path / "tracker.toml"
    path.write_text(
        f"""base_url = "https://desk.example/tracker"
feed_dir = "{tmp_path / "feeds"}"

[[sources]]
url = "{feed_url}"
label = "Outlet"
every = "1s"

[[alerts]]
name = "desk"
apprise = "mailto://127.0.0.1:{smtp_port}?from=tracker@news.example&to=desk@news.example"

[[alerts]]
name = "bot"
webhook = "{hook.url}"
secret = "{SECRET}"
backoff = "1s"
"""
    )
    return path


def start(tmp_path: Path, db: str, config: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}
    command = [
        sys.executable, "-m", "tracker", "run", "--db", db, "--config", str(config),
        "--tick", "0.2s", "--facts-every", "1s", "--min-interval", "1s", "--max-interval", "1s",
        "--for", "150s",
    ]  # fmt: skip
    log = (tmp_path / "run.log").open("w")
    return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, text=True, env=env)


def stop(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


def entries(db: str) -> list[tuple[str, int, str]]:
    from sqlalchemy import select

    from tracker.store.schema import Story
    from tracker.store.sources_schema import ChangeEntry

    with Store(db) as store, store.session() as session:
        rows = session.execute(
            select(Story.url, ChangeEntry.number, ChangeEntry.significance)
            .join(Story, Story.id == ChangeEntry.story_id)
            .order_by(ChangeEntry.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_run_reads_sources_alerts_on_facts_and_keeps_the_feed(
    http_server: TestHTTPServer, db_url: str, tmp_path: Path, smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    hook = WebhookReceiver().up()
    room = Newsroom(http_server)
    config = config_file(tmp_path, port, hook, room.url("/rss.xml"))
    daemon = start(tmp_path, db_url, config)
    try:
        # A new article appears in the feed: it is found, polled and stored once.
        path = room.publish("ferry-capsizes-off-port-ellis", "Ferry capsizes", killed=32)
        url = room.url(path)
        wait_for(lambda: (url, 1, "none") in entries(db_url), 90, "v1 of the new article")

        room.update(path, story_paragraphs(0, 60))  # the count changes
        wait_for(lambda: box.texts() and hook.hook.posts, 60, "an alert on each target")
        [mail] = box.texts()
        assert "Killed: At least 32 people → At least 60" in mail
        assert url in mail and "Outlet" in mail
        assert "Diff: https://desk.example/tracker/diffs/story-1-v2.html" in mail
        [(body, signature, _)] = hook.hook.posts
        assert verify(SECRET, body, signature)

        # A style-only edit is stored, recorded, and alerts nobody.
        room.update(path, [p.replace("harbour", "harbor") for p in story_paragraphs(0, 60)])
        wait_for(lambda: len(entries(db_url)) == 3, 60, "v3 recorded")
        assert entries(db_url)[2][1:] == (3, "style")

        # The webhook goes down; the next count change is retried while polling goes on.
        hook.down()
        room.update(path, story_paragraphs(0, 75))
        wait_for(lambda: len(box.texts()) == 2, 60, "the second mail")
        second = room.publish("rescue-boats-search-marrow-bay", "Rescue boats search")
        wait_for(
            lambda: (room.url(second), 1, "none") in entries(db_url), 60, "a new story meanwhile"
        )
        assert len(hook.hook.posts) == 1
        hook.up()
        wait_for(lambda: len(hook.hook.posts) == 2, 60, "the retried webhook")
        assert "At least 60 people → At least 75" in hook.hook.documents()[1]["facts"][0]
        assert len(box.texts()) == 2  # exactly one message per version and target

        wait_for(lambda: _feed_entries(tmp_path) == 5, 30, "the feed with 5 entries")
    finally:
        stop(daemon)
        hook.close()
    assert daemon.returncode == 0, (tmp_path / "run.log").read_text()[-2000:]
    log = (tmp_path / "run.log").read_text()
    assert "alert to bot failed" in log
    parsed = feedparser.parse((tmp_path / "feeds" / "all.atom").read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert len(parsed.entries) == 5
    v2 = next(e for e in parsed.entries if e.id.endswith("story-1-v2"))
    assert "Killed: At least 32 people → At least 60" in v2.content[0].value
    assert any(link.href.endswith("/diffs/story-1-v2.html") for link in v2.links)
    per_source = feedparser.parse((tmp_path / "feeds" / "source-1.atom").read_bytes())
    assert len(per_source.entries) == 5 and "Outlet" in per_source.feed.title
    assert (tmp_path / "feeds" / "diffs" / "story-1-v2.html").read_text().startswith("<!")


def _feed_entries(tmp_path: Path) -> int:
    path = tmp_path / "feeds" / "all.atom"
    return len(feedparser.parse(path.read_bytes()).entries) if path.exists() else -1
