"""History queries that do not mislead: blame of a returning sentence, facts on demand."""

from __future__ import annotations

from pathlib import Path

from tests.test_cli_diff import run
from tracker import queries
from tracker.ingest import ingest_file
from tracker.store import Store

URL = "https://news.example/world/returning"
A = "A strong earthquake struck the coastal city of Portville on Monday."
B = "Rescuers were searching collapsed buildings in the old town."
C = "The quake had a magnitude of 6.1, the seismology institute said."


def versions(store: Store, tmp_path: Path, *texts: str, facts: bool = False) -> None:
    for n, text in enumerate(texts):
        path = tmp_path / f"v{n}.txt"
        path.write_text(text, encoding="utf-8")
        assert ingest_file(store, URL, path, facts=facts).stored


def test_a_sentence_that_returns_is_credited_to_the_version_that_first_had_it(
    store: Store, tmp_path: Path
) -> None:
    versions(store, tmp_path, f"{A}\n\n{B}\n\n{C}", f"{A}\n\n{C}", f"{A}\n\n{B}\n\n{C}")
    lines = {line.text: line.introduced for line in queries.blame(store, URL).lines}
    assert lines[B] == 1


def test_a_new_sentence_is_credited_to_its_own_version(store: Store, tmp_path: Path) -> None:
    versions(store, tmp_path, f"{A}\n\n{C}", f"{A}\n\n{B}\n\n{C}")
    lines = {line.text: line.introduced for line in queries.blame(store, URL).lines}
    assert (lines[A], lines[B]) == (1, 2)


def test_history_extracts_missing_facts_instead_of_saying_they_are_missing(
    capsys, db_url: str, tmp_path: Path
) -> None:
    with Store(db_url) as store:
        versions(
            store,
            tmp_path,
            f"{A} At least 12 people were killed.",
            f"{A} At least 40 people were killed.",
        )
        assert not any(v.has_facts for v in store.history(URL))
    code, out, err = run(capsys, "history", URL, "--db", db_url)
    assert code == 0, err
    assert "not extracted" not in out
    with Store(db_url) as store:
        assert all(v.has_facts for v in store.history(URL))
