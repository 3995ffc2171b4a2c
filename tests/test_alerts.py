"""Alerts on facts: real SMTP (aiosmtpd) and webhook receivers on 127.0.0.1; a count change sends
one message to each, a style-only change sends none, a target that is down is retried."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.newsroom import story_paragraphs
from tests.receivers import Mailbox, WebhookReceiver, smtp_server
from tracker.alerts import Target, apprise_target, enqueue, outbox_counts, webhook_target
from tracker.changes import load_changes, record_changes
from tracker.deliver import DeliverySettings, deliver_due, verify
from tracker.ingest import ingest_file
from tracker.store import Store

URL = "https://news.example/world/ferry-capsizes"
SECRET = "s3cret-key"
FAST = DeliverySettings(tries=2, try_wait=0.05, timeout=2.0, backoff_base=0.01)


def write(tmp_path: Path, name: str, paragraphs: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("Ferry capsizes off Port Ellis\n\n" + "\n\n".join(paragraphs) + "\n")
    return path


def ingest(store: Store, tmp_path: Path, name: str, paragraphs: list[str]) -> None:
    ingest_file(store, URL, write(tmp_path, name, paragraphs))


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().up()
    yield receiver
    receiver.close()


def mail_target(port: int, **options: object) -> Target:
    url = f"mailto://127.0.0.1:{port}?from=tracker@news.example&to=desk@news.example"
    return apprise_target(url, **options)


def deliver_all(store: Store, targets: list[Target], base_url: str | None = None) -> None:
    found = load_changes(store, ids=record_changes(store))
    enqueue(store, targets, found)
    deliver_due(store, targets, base_url=base_url, settings=FAST)


def test_a_count_change_sends_one_message_to_each_target(
    store: Store, tmp_path: Path, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    targets = [mail_target(port), webhook_target(hook.url, SECRET)]
    store_label(store)
    ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
    deliver_all(store, targets)
    assert box.texts() == [] and hook.hook.posts == []  # a first version is not news

    ingest(store, tmp_path, "v2.txt", story_paragraphs(0, 60))
    deliver_all(store, targets, base_url="https://desk.example/tracker")
    deliver_all(store, targets)  # nothing owed twice
    [mail] = box.texts()
    assert "Killed: At least 32 people → At least 60" in mail
    assert "Ferry desk" in mail and URL in mail and "v1 " in mail and "→ v2 " in mail
    assert "Diff: https://desk.example/tracker/diffs/story-1-v2.html" in mail
    [(body, signature, _)] = hook.hook.posts
    assert verify(SECRET, body, signature) and not verify("wrong", body, signature)
    document = json.loads(body)
    assert document["event"] == "fact_change" and document["version"] == 2
    assert document["story"] == {"url": URL, "label": "Ferry desk", "sources": []}
    assert any("32 people → At least 60" in line for line in document["facts"])
    assert document["fetched_at"] and document["previous_fetched_at"]


def store_label(store: Store) -> None:
    from tracker.store.polling import add_story

    add_story(store, URL, label="Ferry desk")


def test_a_style_only_update_sends_nothing(
    store: Store, tmp_path: Path, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    targets = [mail_target(port), webhook_target(hook.url, SECRET)]
    first = story_paragraphs(0, 32)
    ingest(store, tmp_path, "v1.txt", first)
    ingest(store, tmp_path, "v2.txt", [p.replace("harbour", "harbor") for p in first])
    deliver_all(store, targets)
    assert [c.significance for c in load_changes(store)] == ["style", "none"]
    assert box.texts() == [] and hook.hook.posts == []
    # A target that asks for style changes gets it.
    picky = webhook_target(hook.url, SECRET, name="everything", min_significance="style")
    enqueue(store, [picky], load_changes(store))
    deliver_due(store, [picky], settings=FAST)
    assert len(hook.hook.posts) == 1


def test_a_down_target_is_retried_until_it_is_back(
    store: Store, tmp_path: Path, smtp: tuple[int, Mailbox]
) -> None:
    port, box = smtp
    hook = WebhookReceiver().down()
    try:
        targets = [mail_target(port), webhook_target(hook.url, SECRET, name="bot")]
        ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
        ingest(store, tmp_path, "v2.txt", story_paragraphs(0, 60))
        deliver_all(store, targets)
        assert len(box.texts()) == 1  # the working target is not held up
        counts = outbox_counts(store)
        assert counts["bot"] == {"pending": 1}
        from tracker.store.sources_schema import AlertDelivery

        with store.session() as session:
            row = session.query(AlertDelivery).filter_by(target="bot").one()
            assert row.attempts == 1 and "Connect" in (row.last_error or "")
        import time

        time.sleep(0.05)
        deliver_due(store, targets, settings=FAST)  # still down: a second attempt
        hook.up()
        time.sleep(0.1)
        deliver_due(store, targets, settings=FAST)
        assert len(hook.hook.posts) == 1
        assert outbox_counts(store)["bot"] == {"sent": 1}
        assert len(box.texts()) == 1
    finally:
        hook.close()


def test_filters_by_label_and_source(store: Store, tmp_path: Path, hook: WebhookReceiver) -> None:
    store_label(store)
    ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
    ingest(store, tmp_path, "v2.txt", story_paragraphs(0, 60))
    wanted = webhook_target(hook.url, name="desk", labels=("Ferry desk",))
    other = webhook_target(hook.url, name="sport", labels=("Sport",))
    by_source = webhook_target(hook.url, name="feed", sources=("https://news.example/rss.xml",))
    deliver_all(store, [wanted, other, by_source])
    assert len(hook.hook.posts) == 1
    assert set(outbox_counts(store)) == {"desk"}


def test_a_digest_target_sends_one_message_for_many_versions(
    store: Store, tmp_path: Path, hook: WebhookReceiver
) -> None:
    digest = webhook_target(hook.url, name="digest", digest_seconds=3600)
    ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
    ingest(store, tmp_path, "v2.txt", story_paragraphs(0, 60))
    ingest(store, tmp_path, "v3.txt", story_paragraphs(0, 75))
    deliver_all(store, [digest])
    assert hook.hook.posts == []  # the digest window is not over
    instant = webhook_target(hook.url, name="digest", digest_seconds=0.001)
    deliver_due(store, [instant], settings=FAST)
    [document] = hook.hook.documents()
    assert document["event"] == "digest" and [c["version"] for c in document["changes"]] == [2, 3]


def tracker(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}
    env.pop("TRACKER_CONFIG", None)
    if cwd is not None:
        env["XDG_CONFIG_HOME"] = str(cwd)  # no default configuration file
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, env=env,
        timeout=120, cwd=cwd,
    )  # fmt: skip


def test_alerts_test_sends_a_sample_to_each_target(
    tmp_path: Path, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    config = tmp_path / "tracker.toml"
    config.write_text(
        "[[alerts]]\nname = 'desk'\n"
        f"apprise = 'mailto://127.0.0.1:{port}?from=t@news.example&to=d@news.example'\n\n"
        f"[[alerts]]\nname = 'bot'\nwebhook = '{hook.url}'\nsecret = '{SECRET}'\n"
    )
    result = tracker("alerts", "test", "--config", str(config), "--json")
    assert result.returncode == 0, result.stderr
    assert [r["ok"] for r in json.loads(result.stdout)["results"]] == [True, True]
    assert "[test]" in box.texts()[0] and "Killed: 32 → 60" in box.texts()[0]
    [(body, signature, _)] = hook.hook.posts
    assert verify(SECRET, body, signature) and json.loads(body)["event"] == "test"


def test_alerts_test_reports_a_target_that_is_down(tmp_path: Path) -> None:
    hook = WebhookReceiver().down()
    try:
        result = tracker("alerts", "test", "--webhook", hook.url)
    finally:
        hook.close()
    assert result.returncode == 1
    assert "failed" in result.stdout and result.stderr.count("\n") == 1


def test_alerts_without_targets_is_one_line(tmp_path: Path) -> None:
    result = tracker("alerts", "test", cwd=tmp_path)
    assert result.returncode == 2 and "no alert targets" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_story_that_is_gone_alerts_once(
    store: Store, tmp_path: Path, hook: WebhookReceiver
) -> None:
    from tracker.store.schema import Story

    targets = [webhook_target(hook.url, SECRET)]
    ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
    with store.session() as session:
        story = session.query(Story).filter_by(url=URL).one()
        story.status, story.last_error = "gone", "HTTP 410 Gone"
    from tracker.jobs import SideSettings, record_and_publish

    settings = SideSettings(targets=tuple(targets))
    assert record_and_publish(store, settings) == 2  # v1, and the story going
    assert record_and_publish(store, settings) == 0  # not news twice
    deliver_due(store, targets, settings=FAST)
    [document] = hook.hook.documents()
    assert document["event"] == "story_gone" and document["kind"] == "gone"
    assert document["facts"] == ["Story gone: HTTP 410 Gone (removed or retracted after v1)"]


def test_a_failing_target_backs_off_doubling_and_is_given_up(store: Store, tmp_path: Path) -> None:
    from datetime import timedelta

    from tracker.store import utcnow
    from tracker.store.sources_schema import AlertDelivery

    hook = WebhookReceiver().down()
    try:
        target = webhook_target(hook.url, name="bot", backoff_seconds=10)
        settings = DeliverySettings(tries=1, try_wait=0.01, timeout=1.0, max_attempts=3)
        ingest(store, tmp_path, "v1.txt", story_paragraphs(0, 32))
        ingest(store, tmp_path, "v2.txt", story_paragraphs(0, 60))
        enqueue(store, [target], load_changes(store, ids=record_changes(store)))
        waits = []
        for _ in range(3):
            before = utcnow()
            [done] = deliver_due(store, [target], settings=settings)
            assert not done.ok and "Connect" in (done.error or "")
            with store.session() as session:
                row = session.query(AlertDelivery).filter_by(target="bot").one()
                waits.append((row.status, round((row.next_attempt_at - before).total_seconds())))
                row.next_attempt_at = utcnow() - timedelta(seconds=1)  # due again now
        assert waits[:2] == [("pending", 10), ("pending", 20)]  # 10 s, then doubled
        assert waits[2][0] == "failed"  # given up after max_attempts
        assert deliver_due(store, [target], settings=settings) == []
        assert outbox_counts(store) == {"bot": {"failed": 1}}
    finally:
        hook.close()


def test_filters_by_a_followed_sources_url_or_label(
    store: Store, tmp_path: Path, hook: WebhookReceiver
) -> None:
    import asyncio

    from tests.httpserver import TestHTTPServer
    from tests.newsroom import Newsroom
    from tracker.config import load_config
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.sources import refresh_sources
    from tracker.store.polling import add_story
    from tracker.store.sources import SourceSettings, follow_source

    with TestHTTPServer() as server:
        room = Newsroom(server)
        path = room.publish("ferry-capsizes-off-port-ellis", "Ferry capsizes")
        article = room.url(path)
        add_story(store, article, label="Ferry desk")  # its own label, not the source's
        follow_source(store, SourceSettings(url=room.url("/rss.xml"), label="World"))

        async def read() -> None:
            allowed = frozenset({f"127.0.0.1:{server.port}"})
            async with Fetcher(FetchSettings(allow_hosts=allowed)) as fetcher:
                await refresh_sources(store, fetcher)

        asyncio.run(read())
    for name, count in (("v1.txt", 32), ("v2.txt", 60)):
        ingest_file(store, article, write(tmp_path, name, story_paragraphs(0, count)))
    config = tmp_path / "tracker.toml"
    feed = room.url("/rss.xml").replace("http://", "HTTP://") + "?utm_source=x"
    config.write_text(
        f"[[alerts]]\nname = 'by-label'\nwebhook = '{hook.url}'\nsources = ['World']\n\n"
        f"[[alerts]]\nname = 'by-url'\nwebhook = '{hook.url}'\nsources = ['{feed}']\n\n"
        f"[[alerts]]\nname = 'other'\nwebhook = '{hook.url}'\nsources = ['Sport']\n"
    )
    targets = list(load_config(config).alerts)
    deliver_all(store, targets)
    assert set(outbox_counts(store)) == {"by-label", "by-url"}
    assert [d["story"]["sources"] for d in hook.hook.documents()] == [[room.url("/rss.xml")]] * 2
