"""Full-text search: where and when a phrase appeared in a story, and when it disappeared."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.test_queries import TIMES, URL, ingest_story
from tracker import queries
from tracker.errors import InputError, NotFoundError
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.store.search import find_phrase, fts5_phrase

OTHER = "https://news.example/storm"


@pytest.fixture
def story(store: Store, tmp_path: Path) -> Store:
    ingest_story(store, tmp_path, facts=False)
    return store


def hit_for(store: Store, phrase: str, url: str = URL) -> queries.SearchHit:
    (hit,) = [h for h in queries.search(store, phrase) if h.story == url]
    return hit


def test_search_finds_the_version_where_a_phrase_appeared(story: Store) -> None:
    assert hit_for(story, "cargo ship").appeared.first == 2


def test_search_finds_the_version_where_a_phrase_disappeared(story: Store) -> None:
    assert hit_for(story, "not clear what caused").disappeared == 3


def test_search_reports_a_phrase_still_there_as_not_disappeared(story: Store) -> None:
    assert hit_for(story, "about 200 passengers").disappeared is None


def test_search_gives_the_time_of_the_first_appearance(story: Store) -> None:
    assert hit_for(story, "data recorder").appeared.first_at == TIMES[3]


def test_search_matches_words_in_order_only(story: Store) -> None:
    assert queries.search(story, "ship cargo") == []


def test_search_ignores_case_and_punctuation(story: Store) -> None:
    assert hit_for(story, "FERRY'S DATA").appeared.first == 4


def test_search_can_be_limited_to_one_story(story: Store, tmp_path: Path) -> None:
    other = tmp_path / "storm.txt"
    other.write_text("A cargo ship ran aground in the storm on Friday.", encoding="utf-8")
    ingest_file(story, OTHER, other, facts=False)
    assert [h.story for h in queries.search(story, "cargo ship", story=OTHER)] == [OTHER]


def test_search_lists_each_story_that_said_it(story: Store, tmp_path: Path) -> None:
    other = tmp_path / "storm.txt"
    other.write_text("A cargo ship ran aground in the storm on Friday.", encoding="utf-8")
    ingest_file(story, OTHER, other, facts=False)
    assert {h.story for h in queries.search(story, "cargo ship")} == {URL, OTHER}


def test_search_sees_sentences_stored_after_the_index_was_built(
    story: Store, tmp_path: Path
) -> None:
    later = tmp_path / "v5.txt"
    later.write_text("A memorial service was held for the victims on Sunday.", encoding="utf-8")
    ingest_file(story, URL, later, facts=False)
    assert hit_for(story, "memorial service").appeared.first == 5


def test_search_of_a_phrase_nobody_said_is_empty(story: Store) -> None:
    assert queries.search(story, "volcano") == []


def test_search_with_quotes_and_operators_is_taken_literally(story: Store) -> None:
    assert queries.search(story, 'ferry" OR "NEAR(x') == []


def test_search_refuses_an_empty_phrase(story: Store) -> None:
    with pytest.raises(InputError, match="empty search"):
        queries.search(story, "  ?! ")


def test_search_in_an_unknown_story_is_not_found(story: Store) -> None:
    with pytest.raises(NotFoundError):
        queries.search(story, "ferry", story="https://news.example/nothing")


def test_fts5_phrase_doubles_inner_quotes() -> None:
    assert fts5_phrase('say "no"') == '"say ""no"""'


def test_find_phrase_returns_each_version_that_says_it(story: Store) -> None:
    matches = find_phrase(story, "cargo ship")
    assert sorted({m.version for m in matches}) == [2, 3, 4]


@pytest.fixture
def pg_store(pg_database: str) -> Iterator[Store]:
    """A store on a fresh PostgreSQL database for one test, dropped afterwards."""
    with Store(pg_database) as store:
        yield store


def test_search_on_postgresql_finds_appearance_and_disappearance(
    pg_store: Store, tmp_path: Path
) -> None:
    ingest_story(pg_store, tmp_path, facts=False)
    hit = hit_for(pg_store, "not clear what caused")
    assert (hit.appeared.first, hit.disappeared) == (1, 3)


def test_search_on_postgresql_matches_words_in_order_only(pg_store: Store, tmp_path: Path) -> None:
    ingest_story(pg_store, tmp_path, facts=False)
    assert queries.search(pg_store, "ship cargo") == []


def test_postgresql_search_index_exists(pg_store: Store) -> None:
    with pg_store.engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_indexes WHERE indexname = 'ix_sentences_text_fts'")
        ).scalar()
    assert found == 1


def test_upgrading_an_old_database_indexes_its_sentences(story: Store) -> None:
    from alembic import command

    from tracker.store.database import alembic_config

    config = alembic_config()
    with story.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    with story.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert hit_for(story, "data recorder").appeared.first == 4
