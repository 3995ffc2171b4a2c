"""Headline and metadata changes are first-class: stored per version, shown first, searchable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.test_cli_diff import run
from tracker import queries
from tracker.extract import read_article
from tracker.ingest import ingest_file
from tracker.metadata import article_meta, meta_changes
from tracker.sections import split_article
from tracker.store import Store
from tracker.store.repository import legacy_canonical_text, text_hash

URL = "https://news.example/world/quake"
BODY = (
    "<p>PORTVILLE, Examplia (AP) — A strong earthquake struck the coastal city of Portville "
    "on Monday, killing at least 12 people, officials said.</p>\n"
    "<p>Rescuers were searching collapsed buildings in the old town, the mayor said in a "
    "statement.</p>\n"
    "<p>The quake had a magnitude of 6.1, according to the national seismology institute.</p>"
)


def page(
    headline: str = "Quake kills 12 in coastal city",
    *,
    h1: str | None = None,
    title: str | None = None,
    description: str = "Rescuers search collapsed buildings after a strong quake.",
    author: str = "Jane Doe",
    updated: str = "2026-11-09T09:30:00Z",
    body: str = BODY,
) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title or headline} | Example News</title>"
        f"<meta property='og:title' content='{headline}'>"
        "<meta property='og:site_name' content='Example News'>"
        f"<meta name='description' content='{description}'>"
        "<meta property='article:published_time' content='2026-11-09T08:00:00Z'>"
        f"<meta property='article:modified_time' content='{updated}'>"
        f"<meta name='author' content='{author}'>"
        f"</head><body><article><h1>{h1 or headline}</h1>\n{body}\n</article></body></html>"
    )


def write(folder: Path, name: str, html: str) -> Path:
    path = folder / name
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def headline_pair(tmp_path: Path, db_url: str) -> str:
    """A story whose v2 differs from v1 only in its headline."""
    with Store(db_url) as store:
        ingest_file(store, URL, write(tmp_path, "v1.html", page()))
        ingest_file(store, URL, write(tmp_path, "v2.html", page("Quake kills dozens in Portville")))
    return db_url


def test_the_page_metadata_is_read_field_by_field(tmp_path: Path) -> None:
    meta = article_meta(read_article(write(tmp_path, "a.html", page())))
    assert meta["headline"] == "Quake kills 12 in coastal city"
    assert meta["subheadline"] == "Rescuers search collapsed buildings after a strong quake."
    assert meta["byline"] == "Jane Doe"
    assert meta["dateline"] == "PORTVILLE, Examplia (AP)"
    assert meta["published"] == "2026-11-09T08:00:00Z"
    assert meta["updated"] == "2026-11-09T09:30:00Z"
    assert meta["site"] == "Example News"
    assert meta["title_tag"] == "Quake kills 12 in coastal city | Example News"


def test_a_plain_text_article_gives_its_headline_byline_and_dateline(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "Flood closes bridges\n\nBy Tomas Reed\n\n"
        "ELMSFORD, Westland (AP) — Floodwater closed three bridges on Tuesday.\n\n"
        "The river rose 4 meters overnight.\n"
    )
    meta = article_meta(read_article(path))
    assert (meta["headline"], meta["byline"], meta["dateline"]) == (
        "Flood closes bridges",
        "By Tomas Reed",
        "ELMSFORD, Westland (AP)",
    )


def test_a_headline_only_change_is_stored_as_a_version(headline_pair: str) -> None:
    with Store(headline_pair) as store:
        versions = store.history(URL)
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].meta["headline"] == "Quake kills dozens in Portville"


def test_an_h1_only_change_is_a_version_and_named_as_such(tmp_path: Path, store: Store) -> None:
    ingest_file(store, URL, write(tmp_path, "v1.html", page()))
    result = ingest_file(
        store, URL, write(tmp_path, "v2.html", page(h1="Deadly quake hits Portville"))
    )
    assert result.stored
    diff = queries.diff_versions(store, URL).diff
    assert [(c.field, c.after) for c in diff.metadata] == [("h1", "Deadly quake hits Portville")]


def test_an_updated_time_alone_is_not_a_new_version(tmp_path: Path, store: Store) -> None:
    ingest_file(store, URL, write(tmp_path, "v1.html", page()))
    again = ingest_file(
        store, URL, write(tmp_path, "v2.html", page(updated="2026-11-09T11:00:00Z"))
    )
    assert not again.stored


def test_diff_shows_the_headline_change_first(capsys, headline_pair: str) -> None:
    code, out, err = run(capsys, "diff", URL, "--db", headline_pair)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == (
        "• Headline: Quake kills 12 in coastal city → Quake kills dozens in Portville"
    )
    assert "No fact changes" not in out


def test_diff_json_has_the_headline_change(capsys, headline_pair: str) -> None:
    code, out, _ = run(capsys, "diff", URL, "--db", headline_pair, "--json")
    assert code == 0
    document = json.loads(out)
    assert document["metadata"][0] == {
        "field": "headline",
        "label": "Headline",
        "before": "Quake kills 12 in coastal city",
        "after": "Quake kills dozens in Portville",
        "summary": "Headline: Quake kills 12 in coastal city → Quake kills dozens in Portville",
    }
    # the page title changed the same way ("… | Example News"): reported once, not twice
    assert [m["field"] for m in document["metadata"]] == ["headline"]


def test_diff_html_shows_the_headline_change_before_the_facts(
    capsys, headline_pair: str, tmp_path: Path
) -> None:
    target = tmp_path / "diff.html"
    code, out, _ = run(capsys, "diff", URL, "--db", headline_pair, "--html", str(target))
    assert (code, out) == (0, f"wrote {target}\n")  # the page, not the terminal diff as well
    page_text = target.read_text("utf-8")
    assert page_text.index("Headline and metadata") < page_text.index("How the facts changed")
    assert "Quake kills dozens in Portville" in page_text
    assert "No fact changes" not in page_text
    assert URL in page_text and "Example News" in page_text  # the page names the story
    assert "9 Nov 2026, 08:00 UTC" in page_text  # in human times


def test_history_lists_the_headline_change(capsys, headline_pair: str) -> None:
    code, out, _ = run(capsys, "history", URL, "--db", headline_pair)
    assert code == 0
    v2 = next(line for line in out.splitlines() if line.strip().startswith("v2"))
    assert "Headline: Quake kills 12 in coastal city → Quake kills dozens in Portville" in v2
    document = json.loads(run(capsys, "history", URL, "--db", headline_pair, "--json")[1])
    assert document["versions"][1]["metadata"][0]["field"] == "headline"


def test_search_finds_a_headline_and_when_it_was_replaced(headline_pair: str) -> None:
    with Store(headline_pair) as store:
        hits = queries.search(store, "kills 12")
    (hit,) = hits
    assert hit.where == "headline"
    assert (hit.appeared.first, hit.disappeared) == (1, 2)
    assert hit.sentence == "Headline: Quake kills 12 in coastal city"


def test_a_byline_change_is_listed_with_the_other_fields() -> None:
    changes = meta_changes({"byline": "Jane Doe"}, {"byline": "Jane Doe and Ana Polk"})
    assert [(c.label, c.before, c.after) for c in changes] == [
        ("Byline", "Jane Doe", "Jane Doe and Ana Polk")
    ]


def test_versions_stored_before_0003_keep_their_headline_and_are_not_stored_twice(
    tmp_path: Path, db_url: str
) -> None:
    """An upgraded database: the old row's columns stand in for its metadata, and the same
    text fetched again (now read with more metadata) is unchanged, not a new version."""
    source = write(tmp_path, "v1.html", page())
    with Store(db_url) as store:
        ingest_file(store, URL, source)
    engine = create_engine(db_url)
    with engine.begin() as conn:  # what a version written by revision 0002 looks like
        conn.execute(text("UPDATE versions SET meta = NULL, notes = NULL"))
        old = read_article(source)
        conn.execute(
            text("UPDATE versions SET text_hash = :h"),
            {"h": text_hash(legacy_canonical_text(old, split_article(old)))},
        )
    engine.dispose()
    with Store(db_url) as store:
        assert store.history(URL)[0].meta["headline"] == "Quake kills 12 in coastal city"
        assert not ingest_file(store, URL, source).stored
