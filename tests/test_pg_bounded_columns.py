"""Words from a page never overflow a bounded column on PostgreSQL (issue 13, item 1's kin).

PostgreSQL enforces VARCHAR lengths that SQLite ignores: a version's ``published`` text
(VARCHAR(64)), a fact change's unit or verb (VARCHAR(64) / (32)), a feed's link
(VARCHAR(2048)) or ETag (VARCHAR(512)) longer than its column refused the whole version,
stopped ``derive`` for the database, or made the whole feed fail at every read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fuzzing import run_cli
from tests.httpserver import TestHTTPServer
from tests.receivers import SavePageNow
from tracker.archive import ArchiveSettings, archive_new_versions
from tracker.ingest import ingest_file
from tracker.research import changes
from tracker.store import Store
from tracker.store.schema import DiffFactChange, Version
from tracker.store.sources import SourceSettings, add_items, follow_source, list_sources
from tracker.store.sources_schema import ArchiveCapture, Source

URL = "https://news.example/flood"
PARAGRAPHS = (
    "<p>Police said 12 people were killed when the river burst its banks on Friday.</p>"
    "<p>Schools were closed and about 300 people left their homes as the water rose.</p>"
)


def test_a_long_published_text_is_kept_in_the_metadata_only(
    pg_database: str, tmp_path: Path
) -> None:
    published = "2026-01-01T10:00:00Z " + "x" * 100  # no date, and longer than VARCHAR(64)
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><meta property='article:published_time' content='{published}'>"
        f"<title>Flood</title></head><body><article><h1>Flood</h1>{PARAGRAPHS}</article>"
    )
    with Store(pg_database) as store:
        assert ingest_file(store, URL, page).stored
        with store.session() as session:
            version = session.scalars(select(Version)).one()
            assert version.published is None
            assert version.meta is not None and version.meta["published"] == published


def test_derive_fits_a_long_unit_or_verb_into_its_column(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first.write_text("Flood\n\nPolice said 12 people were killed in the town on Friday.\n")
    second.write_text("Flood\n\nPolice said 15 people were killed in the town on Friday.\n")
    real_diff = changes.semdiff.diff

    def odd_words(a, b):  # type: ignore[no-untyped-def]
        diff = real_diff(a, b)
        facts = tuple(replace(f, unit="u" * 70, certainty="reported" * 5) for f in diff.facts)
        return replace(diff, facts=facts)

    with Store(pg_database) as store:
        ingest_file(store, URL, first)
        ingest_file(store, URL, second)
        monkeypatch.setattr(changes.semdiff, "diff", odd_words)
        derived = changes.derive_version(store, URL, 2)
        assert derived.fact_changes >= 1
        with store.session() as session:
            rows = session.execute(select(DiffFactChange.unit, DiffFactChange.certainty)).all()
        assert rows and all(unit is None and certainty is None for unit, certainty in rows)


def test_a_feed_with_an_over_long_link_and_etag_is_still_followed(
    pg_database: str, http_server: TestHTTPServer
) -> None:
    paragraphs = PARAGRAPHS * 2
    http_server.page("/world/ok", f"<html><body><article><h1>Ok</h1>{paragraphs}</article>")
    too_long = http_server.url("/world/" + "a" * 3000)  # over the URL columns' 2,048
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"<link>{http_server.url('/')}</link><description>d</description>"
        f"<item><title>Long</title><link>{too_long}</link></item>"
        f"<item><title>Ok</title><link>{http_server.url('/world/ok')}</link></item>"
        "</channel></rss>"
    )
    http_server.page(
        "/rss.xml",
        feed,
        content_type="application/rss+xml",
        etag='"' + "e" * 600 + '"',  # over sources.etag's 512
        last_modified="Mon, 01 Jan 2026 00:00:00 GMT" + " x" * 100,  # over its 128
    )
    argv = ["follow", http_server.url("/rss.xml"), "--allow-private", "--db", pg_database]
    followed = run_cli(argv)
    assert followed.traceback is None, followed.traceback
    assert followed.code == 0, followed.stderr
    with Store(pg_database) as store:
        assert [s.url for s in store.list_stories()] == [http_server.url("/world/ok")]
        with store.session() as session:
            source = session.scalars(select(Source)).one()
            assert source.last_error is None and source.etag is None
            assert source.last_checked_at is not None


@pytest.mark.parametrize("command", ["add", "follow"])
def test_an_over_long_label_is_a_one_line_input_error(pg_database: str, command: str) -> None:
    url = "https://news.example/feed.xml" if command == "follow" else URL
    outcome = run_cli([command, url, "--label", "L" * 300, "--db", pg_database])
    assert outcome.code == 2 and outcome.traceback is None
    assert outcome.stderr.strip() == "tracker: error: --label is 300 characters; the limit is 200"


def test_an_over_long_capture_url_does_not_block_archiving(
    pg_database: str, tmp_path: Path
) -> None:
    long_url = "https://news.example/world/" + "a" * 2000  # a story URL that fits
    text = tmp_path / "v1.txt"
    text.write_text("Flood\n\nPolice said 12 people were killed in the town on Friday.\n")
    spn = SavePageNow(pending_polls=0)
    try:
        settings = ArchiveSettings(endpoint=spn.endpoint, poll_every=0.05)
        with Store(pg_database) as store:
            ingest_file(store, long_url, text)
            follow_source(store, SourceSettings(url="https://news.example/rss.xml", archive=True))
            source_id = list_sources(store)[0].id
            add_items(store, source_id, [(long_url, None)], label=None, every=None)
            [capture] = archive_new_versions(store, settings)  # its URL: over 2,048
            assert capture.ok
            assert archive_new_versions(store, settings) == []  # kept: not tried again
            with store.session() as session:
                row = session.scalars(select(ArchiveCapture)).one()
            assert row.status == "saved" and row.capture_url is None
            assert row.error is not None and "too long" in row.error
    finally:
        spn.close()
