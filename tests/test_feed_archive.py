"""`tracker feed` reads back with feedparser, one entry per stored version with its fact lines;
archive-on-store speaks Save Page Now to a local server and keeps the capture URL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest

from tests.newsroom import story_paragraphs
from tests.receivers import SavePageNow
from tracker.archive import ArchiveSettings, archive_new_versions, captures, save_page
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.store.sources import SourceSettings, add_items, follow_source, list_sources

URL = "https://news.example/world/ferry-capsizes"


def tracker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], capture_output=True, text=True, timeout=120
    )


def ingest_versions(store: Store, tmp_path: Path, counts: list[int]) -> None:
    for i, killed in enumerate(counts):
        path = tmp_path / f"v{i + 1}.txt"
        path.write_text("Ferry capsizes\n\n" + "\n\n".join(story_paragraphs(0, killed)) + "\n")
        ingest_file(store, URL, path)


@pytest.fixture
def two_versions(store: Store, db_url: str, tmp_path: Path) -> str:
    ingest_versions(store, tmp_path, [32, 60])
    return db_url


def test_feed_prints_atom_with_one_entry_per_version(two_versions: str) -> None:
    result = tracker("feed", "--db", two_versions, "--base-url", "https://desk.example/t")
    assert result.returncode == 0, result.stderr
    parsed = feedparser.parse(result.stdout.encode())
    assert not parsed.bozo and parsed.version == "atom10"
    assert [e.id.rsplit(":", 1)[-1] for e in parsed.entries] == ["story-1-v2", "story-1-v1"]
    newest = parsed.entries[0]
    assert "Killed: At least 32 people → At least 60" in newest.title
    assert "Killed: At least 32 people → At least 60" in newest.content[0].value
    assert newest.link == URL
    assert "first version stored" in parsed.entries[1].content[0].value


def test_feed_writes_a_file_and_has_json(two_versions: str, tmp_path: Path) -> None:
    out = tmp_path / "changes.atom"
    result = tracker("feed", "--db", two_versions, "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [e["version"] for e in document["entries"]] == [2, 1]
    assert document["entries"][0]["significance"] == "fact"
    assert len(feedparser.parse(out.read_bytes()).entries) == 2


def test_feed_of_an_unknown_source_is_one_line(two_versions: str) -> None:
    result = tracker("feed", "--db", two_versions, "--source", "https://nope.example/rss")
    assert result.returncode == 3 and result.stderr.count("\n") == 1


def test_a_source_feed_has_only_its_stories(store: Store, db_url: str, tmp_path: Path) -> None:
    ingest_versions(store, tmp_path, [32, 60])
    follow_source(store, SourceSettings(url="https://news.example/rss.xml", label="World"))
    follow_source(store, SourceSettings(url="https://news.example/sport/rss.xml"))
    source_id = list_sources(store)[0].id
    add_items(store, source_id, [(URL, "Ferry")], label=None, every=None)
    world = tracker("feed", "--db", db_url, "--source", "https://news.example/rss.xml")
    assert len(feedparser.parse(world.stdout.encode()).entries) == 2
    sport = tracker("feed", "--db", db_url, "--source", "https://news.example/sport/rss.xml")
    parsed = feedparser.parse(sport.stdout.encode())
    assert not parsed.bozo and parsed.entries == []


def test_save_page_now_returns_the_capture_url() -> None:
    spn = SavePageNow(pending_polls=2)
    try:
        settings = ArchiveSettings(
            endpoint=spn.endpoint, access_key="ak", secret_key="sk", poll_every=0.05
        )
        capture = save_page(URL, settings)
    finally:
        spn.close()
    assert capture.ok and capture.capture_url == f"{spn.endpoint}/web/20261202160000/{URL}"
    assert spn.saved == [URL] and spn.auth == ["LOW ak:sk"]


def test_a_refused_capture_is_kept_with_its_reason(store: Store, tmp_path: Path) -> None:
    spn = SavePageNow(fail=True, pending_polls=0)
    try:
        capture = save_page(URL, ArchiveSettings(endpoint=spn.endpoint, poll_every=0.05))
    finally:
        spn.close()
    assert not capture.ok and "limit" in (capture.error or "")


def test_archive_on_store_only_for_sources_that_ask(store: Store, tmp_path: Path) -> None:
    ingest_versions(store, tmp_path, [32])
    follow_source(store, SourceSettings(url="https://news.example/rss.xml", archive=False))
    source_id = list_sources(store)[0].id
    add_items(store, source_id, [(URL, None)], label=None, every=None)
    spn = SavePageNow(pending_polls=0)
    try:
        settings = ArchiveSettings(endpoint=spn.endpoint, poll_every=0.05)
        assert archive_new_versions(store, settings) == []  # off by default
        follow_source(store, SourceSettings(url="https://news.example/rss.xml", archive=True))
        [capture] = archive_new_versions(store, settings)
        assert capture.ok
        assert captures(store, URL) == {1: f"{spn.endpoint}/web/20261202160000/{URL}"}
        assert archive_new_versions(store, settings) == []  # once per version
    finally:
        spn.close()
