"""Alerts beyond a count change: a correction note, a stealth edit, a story gone (410) — each one
message per version to each target (a real aiosmtpd server and a webhook receiver on 127.0.0.1),
with the story label and URL, top lines, the diff link and the version times."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.httpserver import Status, TestHTTPServer
from tests.newsroom import article_html, story_paragraphs
from tests.receivers import Mailbox, WebhookReceiver, smtp_server
from tests.test_site_rules import poll
from tracker.alerts import Target, apprise_target, message_for, outbox_counts, webhook_target
from tracker.changes import Change
from tracker.deliver import DeliverySettings, deliver_due, verify
from tracker.ingest import ingest_file
from tracker.jobs import SideSettings, record_and_publish
from tracker.model import Note
from tracker.notes import note_event
from tracker.store import Store
from tracker.store.polling import add_story

NOTES = Path(__file__).parent / "fixtures" / "notes"
URL = "https://news.example/us/elmsford-flooding"
SECRET = "k3y"
BASE = "https://desk.example/tracker"
FAST = DeliverySettings(tries=2, try_wait=0.05, timeout=2.0, backoff_base=0.01)


@pytest.fixture
def smtp() -> Iterator[tuple[int, Mailbox]]:
    with smtp_server() as found:
        yield found


@pytest.fixture
def hook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver().up()
    yield receiver
    receiver.close()


def targets(port: int, hook: WebhookReceiver) -> tuple[Target, ...]:
    mail = f"mailto://127.0.0.1:{port}?from=tracker@news.example&to=standards@news.example"
    return (apprise_target(mail, name="standards"), webhook_target(hook.url, SECRET, name="bot"))


def publish_and_deliver(store: Store, found: tuple[Target, ...]) -> None:
    record_and_publish(store, SideSettings(targets=found, base_url=BASE))
    deliver_due(store, found, base_url=BASE, settings=FAST)


def two_versions(store: Store, second: str) -> None:
    add_story(store, URL, label="Elmsford floods")
    ingest_file(store, URL, NOTES / "base.txt")
    ingest_file(store, URL, NOTES / second)


def test_a_correction_note_sends_one_message_to_each_target(
    store: Store, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    found = targets(port, hook)
    two_versions(store, "corrected.txt")
    publish_and_deliver(store, found)
    publish_and_deliver(store, found)  # nothing is owed twice
    [mail] = box.texts()
    subject = mail.splitlines()[0]
    assert subject.startswith("Subject: Elmsford floods: Correction note · ")
    assert "Elmsford floods — " + URL in mail
    assert "■ Correction note added: “Correction: An earlier version of this story" in mail
    assert "• People forced: forced 200 people → forced 2,000 people" in mail
    assert "v1 " in mail and " → v2 " in mail and " UTC" in mail
    assert f"Diff: {BASE}/diffs/story-1-v2.html" in mail
    assert "Stealth edit" not in mail
    [(body, signature, _)] = hook.hook.posts
    assert verify(SECRET, body, signature)
    document = json.loads(body)
    assert document["event"] == "fact_change" and document["alert"] == "correction"
    assert document["notes"][0]["kind"] == "correction"
    assert document["notes"][0]["text"].startswith("Correction: An earlier version")
    assert document["stealth_edit"] is False and document["version"] == 2
    assert document["story"]["label"] == "Elmsford floods"
    assert document["diff_url"] == f"{BASE}/diffs/story-1-v2.html"
    assert document["fetched_at"] and document["previous_fetched_at"]


def test_a_stealth_edit_sends_one_message_that_says_so(
    store: Store, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    found = targets(port, hook)
    two_versions(store, "stealth.txt")
    publish_and_deliver(store, found)
    [mail] = box.texts()
    assert mail.splitlines()[0].startswith("Subject: Elmsford floods: stealth edit · People forced")
    assert "■ Stealth edit: the facts changed with no correction or editor's note." in mail
    assert "200 people → forced 2,000 people" in mail and URL in mail
    [document] = hook.hook.documents()
    assert document["alert"] == "stealth_edit" and document["stealth_edit"] is True
    assert document["notes"] == []


def test_a_story_gone_from_the_server_sends_one_message_to_each_target(
    store: Store, http_server: TestHTTPServer, smtp: tuple[int, Mailbox], hook: WebhookReceiver
) -> None:
    port, box = smtp
    found = targets(port, hook)
    http_server.page("/world/ferry", article_html("Ferry capsizes", story_paragraphs(0, 32)))
    url = http_server.url("/world/ferry")
    add_story(store, url, label="Ferry")
    poll(store, http_server, url)  # v1
    http_server.route("/world/ferry", Status(410))
    poll(store, http_server, url)  # gone
    publish_and_deliver(store, found)
    poll(store, http_server, url)  # still gone: not news twice
    publish_and_deliver(store, found)
    [mail] = box.texts()
    assert mail.splitlines()[0] == (
        "Subject: Ferry: Story gone: HTTP 410 Gone (removed or retracted after v1)"
    )
    assert f"Ferry — {url}" in mail and "v1 " in mail and "→ gone " in mail
    assert "Diff:" not in mail  # no diff for a story that is gone
    [document] = hook.hook.documents()
    assert document["event"] == "story_gone" and document["alert"] == "story_gone"
    assert document["facts"] == ["Story gone: HTTP 410 Gone (removed or retracted after v1)"]


def change(significance: str, *events: str) -> Change:
    from datetime import UTC, datetime

    at = datetime(2026, 12, 2, 9, tzinfo=UTC)
    return Change(1, 1, URL, "Desk", 2, at, at, significance, (), (), events)


def test_a_note_is_news_whatever_its_significance() -> None:
    picky = webhook_target("http://127.0.0.1:9/hook")  # min_significance fact
    retraction = Note("retraction", "Retraction: This story has been retracted.")
    assert not picky.wants(change("minor"))
    assert picky.wants(change("minor", note_event(retraction)))
    message = message_for(change("style", note_event(retraction)))
    assert message.title == "Desk: Retraction note: Retraction: This story has been retracted."
    assert message.document["alert"] == "retraction"


def test_a_target_can_ask_for_some_kinds_of_alert_only(
    store: Store, tmp_path: Path, hook: WebhookReceiver
) -> None:
    from tracker.config import ConfigError, load_config

    config = tmp_path / "tracker.toml"
    config.write_text(
        f"[[alerts]]\nname = 'standards'\nwebhook = '{hook.url}'\nkinds = ['stealth_edit']\n\n"
        f"[[alerts]]\nname = 'corrections'\nwebhook = '{hook.url}'\nkinds = ['correction']\n"
    )
    found = load_config(config).alerts
    two_versions(store, "stealth.txt")
    publish_and_deliver(store, found)
    assert [d["alert"] for d in hook.hook.documents()] == ["stealth_edit"]
    assert outbox_counts(store) == {"standards": {"sent": 1}}
    config.write_text(f"[[alerts]]\nwebhook = '{hook.url}'\n\nkinds = ['stealthy']\n")
    with pytest.raises(ConfigError, match=r"tracker.toml:4: alerts\[1\].kinds: not an alert kind"):
        load_config(config)
