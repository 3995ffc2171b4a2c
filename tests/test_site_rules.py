"""Per-site rules of tracker.toml, applied end to end: a page on a local server, polled with and
without its site's rule, gives a different result — the CSS selector picks the article text,
an extra marker splits the update from the earlier story, a correction-note pattern turns a
stealth edit into a correction, and the site's interval schedules its stories."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.httpserver import TestHTTPServer
from tests.newsroom import article_html, story_paragraphs
from tracker.changes import load_changes, record_changes
from tracker.config import load_config
from tracker.fetch import Fetcher, FetchSettings
from tracker.poll import Poller
from tracker.sites import ENV
from tracker.sites import write as write_sites
from tracker.store import Store
from tracker.store.polling import add_story
from tracker.store.schema import Story, Version

PROMO = (
    "Subscribe to our morning newsletter for the day's top headlines, delivered free to your "
    "inbox before breakfast, with puzzles, recipes and the weekend's best long reads. "
)


def use_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rules: str) -> None:
    """tracker.toml with these [sites."127.0.0.1"] rules, published as tracker run does."""
    config = tmp_path / "tracker.toml"
    config.write_text(f'[sites."127.0.0.1"]\n{rules}\n')
    name = f"sites-{len(list(tmp_path.glob('sites-*.json')))}.json"  # a new file: read at once
    path = write_sites(load_config(config).book, tmp_path / name)
    monkeypatch.setenv(ENV, str(path))


def poll(store: Store, server: TestHTTPServer, url: str) -> None:
    """Check one story now through a fetcher that may reach the local server."""
    settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{server.port}"}))

    async def go() -> None:
        async with Fetcher(settings) as fetcher:
            poller = Poller(store, fetcher)
            try:
                await poller.poll([url])
            finally:
                poller.close()

    asyncio.run(go())


def latest(store: Store, url: str) -> Version:
    with store.session() as session:
        version = session.scalars(
            select(Version)
            .join(Story, Story.id == Version.story_id)
            .where(Story.url == url)
            .order_by(Version.number.desc())
        ).first()
        assert version is not None
        session.expunge(version)
        return version


def fresh(tmp_path: Path, name: str) -> Store:
    return Store(f"sqlite:///{tmp_path / name}")


def promo_page() -> str:
    """A page whose <article> is a long promotion; the story is in div.story-body."""
    story = "".join(f"<p>{p}</p>" for p in story_paragraphs(0, 32))
    promo = "".join(f"<p>{PROMO * 2}</p>" for _ in range(6))
    return (
        "<!doctype html><html><head><title>Ferry capsizes</title></head><body>"
        f"<article class='promo'>{promo}</article>"
        f"<div class='story-body'><h1>Ferry capsizes</h1>{story}</div></body></html>"
    )


def test_a_selector_picks_the_article_text(
    http_server: TestHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.page("/world/ferry", promo_page())
    url = http_server.url("/world/ferry")
    results = {}
    for name, rules in (("without", ""), ("with", "selector = 'div.story-body'")):
        use_rules(monkeypatch, tmp_path, rules)
        with fresh(tmp_path, f"{name}.db") as store:
            add_story(store, url)
            poll(store, http_server, url)
            results[name] = " ".join(s.text for s in store.version(url).sentences)
    assert "At least 32 people were killed" in results["with"]
    assert "newsletter" not in results["with"]
    assert "newsletter" in results["without"]  # trafilatura alone takes the promotion


def test_tracker_poll_applies_the_config_files_selector(
    http_server: TestHTTPServer, tmp_path: Path
) -> None:
    http_server.page("/world/ferry", promo_page())
    url = http_server.url("/world/ferry")
    config = tmp_path / "tracker.toml"
    config.write_text('[sites."127.0.0.1"]\nselector = "div.story-body"\n')
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}
    env.pop(ENV, None)

    def tracker(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tracker", *args, "--db", db],
            capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip

    assert tracker("add", url).returncode == 0
    done = tracker("poll", url, "--config", str(config))
    assert done.returncode == 0, done.stderr
    shown = tracker("show", url)
    assert "At least 32 people were killed" in shown.stdout and "newsletter" not in shown.stdout


def test_a_site_marker_splits_the_update_from_the_earlier_story(
    http_server: TestHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update = [
        "PORT ELLIS (Wire) — Divers found the ferry's data recorder on Wednesday, officials said.",
        "The recorder will be sent to the national safety board for analysis this week.",
    ]
    paragraphs = [*update, "Below: what we knew on Tuesday.", *story_paragraphs(0, 32)]
    http_server.page("/world/ferry", article_html("Ferry capsizes", paragraphs))
    url = http_server.url("/world/ferry")
    found = {}
    marker = "markers = ['^Below: what we knew on \\w+day\\.$']"
    for name, rules in (("without", ""), ("with", marker)):
        use_rules(monkeypatch, tmp_path, rules)
        with fresh(tmp_path, f"{name}.db") as store:
            add_story(store, url)
            poll(store, http_server, url)
            version = latest(store, url)
            found[name] = (list(version.sections), version.marker)
    assert found["without"] == (["body"], None)
    assert found["with"] == (["update", "earlier"], "Below: what we knew on Tuesday.")


def test_a_site_correction_pattern_makes_a_note_of_its_phrasing(
    http_server: TestHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.research.worker import work

    url = http_server.url("/world/ferry")
    note = "Fixed on Wednesday: the toll given earlier was wrong; it is 60."
    kinds = {}
    for name, rules in (("without", ""), ("with", "corrections = ['^Fixed on \\w+day:']")):
        use_rules(monkeypatch, tmp_path, rules)
        with fresh(tmp_path, f"{name}.db") as store:
            add_story(store, url)
            http_server.page("/world/ferry", article_html("Ferry", story_paragraphs(0, 32)))
            poll(store, http_server, url)
            changed = [*story_paragraphs(0, 60), note]
            http_server.page("/world/ferry", article_html("Ferry", changed))
            poll(store, http_server, url)
            assert latest(store, url).number == 2
            work(store)  # the facts job
            [change] = load_changes(store, ids=record_changes(store))[:1]
            kinds[name] = (change.alert_kind, [n.kind for n in change.notes])
    assert kinds["without"] == ("stealth_edit", [])
    assert kinds["with"] == ("correction", ["correction"])


def test_a_site_interval_schedules_its_stories(
    http_server: TestHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.page("/world/ferry", article_html("Ferry", story_paragraphs(0, 32)))
    url = http_server.url("/world/ferry")
    waits = {}
    for name, rules in (("without", ""), ("with", "every = '7m'")):
        use_rules(monkeypatch, tmp_path, rules)
        with fresh(tmp_path, f"{name}.db") as store:
            add_story(store, url)
            poll(store, http_server, url)
            with store.session() as session:
                story = session.scalar(select(Story).where(Story.url == url))
                assert story is not None and story.next_check_at and story.last_checked_at
                waits[name] = story.next_check_at - story.last_checked_at
    assert waits["with"] == timedelta(minutes=7)
    assert waits["without"] == timedelta(minutes=5)  # 10 min halved by a stored version
