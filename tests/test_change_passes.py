"""The daemon's change passes look only at new and waiting versions between full passes: every
version still gets its change entry, whenever it becomes ready."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from tests.newsroom import story_paragraphs
from tracker import changes
from tracker.changes import record_changes
from tracker.extract import parse_text
from tracker.ingest import ingest_article
from tracker.model import Article
from tracker.semdiff import fill_missing_facts
from tracker.store import Store
from tracker.store.sources_schema import ChangeEntry

URL = "https://news.example/world/ferry-capsizes"


def article(killed: int) -> Article:
    return parse_text(
        "Ferry capsizes off Port Ellis\n\n" + "\n\n".join(story_paragraphs(0, killed))
    )


def entries(store: Store) -> list[int]:
    """The version numbers that have a change entry, in order."""
    return sorted(c.number for c in changes.load_changes(store, limit=100))


def test_a_version_stored_after_a_pass_gets_its_entry_at_the_next_pass(store: Store) -> None:
    ingest_article(store, URL, article(32))
    assert len(record_changes(store)) == 1  # a full pass: the first version
    ingest_article(store, URL, article(60))
    assert len(record_changes(store)) == 1  # a short pass finds the new version
    assert record_changes(store) == []
    assert entries(store) == [1, 2]


def test_a_version_waiting_for_its_facts_gets_its_entry_once_they_are_in(store: Store) -> None:
    ingest_article(store, URL, article(32))
    record_changes(store)
    ingest_article(store, URL, article(60), facts=False)  # as the poller stores it
    assert record_changes(store) == []  # no facts yet: it waits
    assert record_changes(store) == []
    assert fill_missing_facts(store) == 1  # the facts job
    assert len(record_changes(store)) == 1
    assert entries(store) == [1, 2]


def test_a_flagged_version_confirmed_later_gets_its_entry(store: Store) -> None:
    ingest_article(store, URL, article(32))
    record_changes(store)
    ingest_article(store, URL, article(60), suspect="shrank")
    assert record_changes(store) == []  # flagged: hidden, not a change
    ingest_article(store, URL, article(60))  # seen again, not doubted: confirmed
    assert len(record_changes(store)) == 1
    assert entries(store) == [1, 2]


def test_a_version_the_short_passes_do_not_look_at_is_found_by_the_next_full_pass(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_article(store, URL, article(32))
    ingest_article(store, URL, article(60))
    assert len(record_changes(store)) == 2
    with store.session() as session:  # v2's entry gone: as if v2 had been committed late
        session.execute(delete(ChangeEntry).where(ChangeEntry.number == 2))
    assert record_changes(store) == []  # a short pass: v2 is neither new nor waiting
    monkeypatch.setattr(changes, "FULL_PASS_EVERY", 0.0)
    assert len(record_changes(store)) == 1
    assert entries(store) == [1, 2]


def test_a_batch_with_an_entry_another_worker_recorded_first_records_the_others(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    urls = [f"{URL}-{i}" for i in range(3)]
    for url in urls:
        ingest_article(store, url, article(32))
    pending = changes._pending

    def raced(store: Store, limit: int) -> list:
        rows = pending(store, limit)
        with store.session() as session:  # another worker, between the look and the write
            session.add(
                ChangeEntry(
                    kind="version",
                    version_id=rows[1].id,
                    story_id=rows[1].story_id,
                    number=1,
                    fetched_at=rows[1].fetched_at,
                    significance="none",
                    fact_lines=[],
                    other_lines=[],
                    events=["first version"],
                    created_at=rows[1].fetched_at,
                )
            )
        return rows

    monkeypatch.setattr(changes, "_pending", raced)
    assert len(record_changes(store)) == 2  # the other worker's entry is not written twice
    monkeypatch.setattr(changes, "_pending", pending)
    assert record_changes(store) == []
    assert entries(store) == [1, 1, 1]
