"""Stories are easy to name: normalised URLs, labels, ids, unique URL parts; human times."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import DEMO_V1, DEMO_V2
from tests.test_cli_diff import run
from tracker.errors import InputError, NotFoundError
from tracker.ingest import ingest_file
from tracker.selectors import parse_time
from tracker.store import Store
from tracker.store.polling import add_story
from tracker.urls import normalise_story_url

URL = "https://news.example/world/b.html"


@pytest.mark.parametrize(
    ("given", "normal"),
    [
        ("HTTPS://News.Example/world/b.html", URL),
        ("https://news.example:443/world/b.html", URL),
        ("https://news.example/world/b.html#comments", URL),
        ("https://news.example/world/b.html?utm_source=x&utm_medium=social", URL),
        ("https://news.example/world/b.html?fbclid=abc123", URL),
        ("https://news.example/world/b.html?id=7&utm_campaign=y", f"{URL}?id=7"),
        ("http://news.example:80/a", "http://news.example/a"),
    ],
)
def test_urls_are_normalised(given: str, normal: str) -> None:
    assert normalise_story_url(given) == normal


def test_a_url_that_is_not_http_is_refused() -> None:
    with pytest.raises(InputError, match="not a story URL"):
        normalise_story_url("ftp://news.example/a")


@pytest.fixture
def db(db_url: str) -> str:
    with Store(db_url) as store:
        ingest_file(
            store, URL + "?utm_source=newsletter", DEMO_V1, at=datetime(2020, 11, 9, 8, tzinfo=UTC)
        )
        ingest_file(
            store,
            "HTTPS://NEWS.example/world/b.html#top",
            DEMO_V2,
            at=datetime(2020, 11, 9, 14, tzinfo=UTC),
        )
        add_story(store, URL, label="Helicopter story")
        ingest_file(store, "https://news.example/world/c.html", DEMO_V1)
    return db_url


def test_ingest_stores_spellings_of_one_url_as_one_story(db: str) -> None:
    with Store(db) as store:
        urls = [s.url for s in store.list_stories()]
        assert urls == [URL, "https://news.example/world/c.html"]
        assert [v.number for v in store.history(URL)] == [1, 2]


@pytest.mark.parametrize(
    "ref",
    [
        URL,
        "Helicopter story",
        "helicopter STORY",
        "1",
        "b.html",
        "…/b.html?utm_source=x",
        "https://news.example/world/b.html?utm_source=x",
    ],
)
def test_history_reaches_the_story_by_url_label_id_or_url_part(capsys, db: str, ref: str) -> None:
    code, out, err = run(capsys, "history", ref, "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["story"] == URL


def test_diff_and_facts_take_a_label_too(capsys, db: str) -> None:
    code, out, err = run(capsys, "diff", "Helicopter story", "--db", db, "--json")
    assert code == 0, err
    assert json.loads(out)["b"]["label"] == "v2"


def test_a_part_several_urls_share_is_ambiguous(db: str) -> None:
    with Store(db) as store, pytest.raises(InputError, match="more than one story"):
        store.resolve("news.example/world")


def test_an_unknown_name_says_how_stories_are_named(db: str) -> None:
    with Store(db) as store, pytest.raises(NotFoundError, match="label, id or a part"):
        store.resolve("no-such-story")


def test_list_shows_ids_and_tells_stories_apart_at_80_columns(capsys, db: str) -> None:
    code, out, _ = run(capsys, "list", "--db", db, "--width", "80")
    assert code == 0
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert "Helicopter story" in out and "c.html" in out and "…" not in out
    assert ".000" not in out and "T0" not in out  # no ISO times with microseconds


NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("yesterday", datetime(2026, 11, 9, 12, 0, tzinfo=UTC)),
        ("2h ago", datetime(2026, 11, 10, 10, 0, tzinfo=UTC)),
        ("2026-11-09 14:00", datetime(2026, 11, 9, 14, 0, tzinfo=UTC)),
        ("2026-11-09T14:00:00Z", datetime(2026, 11, 9, 14, 0, tzinfo=UTC)),
        ("9 Nov 2026 14:00", datetime(2026, 11, 9, 14, 0, tzinfo=UTC)),
    ],
)
def test_times_take_human_input(text: str, when: datetime) -> None:
    assert parse_time(text, now=NOW) == when


def test_a_version_that_is_neither_number_nor_time_is_not_a_version(capsys, db: str) -> None:
    code, _, err = run(capsys, "show", URL, "--version", "someday", "--db", db)
    assert code != 0
    assert "not a version: 'someday'" in err


def test_ingest_at_takes_a_human_time(capsys, db_url: str, tmp_path: Path) -> None:
    code, _, err = run(capsys, "ingest", URL, str(DEMO_V1), "--at", "2h ago", "--db", db_url)
    assert code == 0, err
    with Store(db_url) as store:
        (version,) = store.history(URL)
    age = datetime.now(UTC) - version.fetched_at
    assert 7000 < age.total_seconds() < 7400
