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


B_EDITED = "Rescuers were still searching collapsed buildings in the old town on Tuesday."


def test_an_edited_sentence_is_credited_to_the_version_its_text_came_from(
    store: Store, tmp_path: Path
) -> None:
    versions(store, tmp_path, f"{A}\n\n{B}\n\n{C}", f"{A}\n\n{B_EDITED}\n\n{C}")
    lines = {line.text: (line.introduced, line.edited) for line in queries.blame(store, URL).lines}
    assert lines[B_EDITED] == (1, 2)


def test_a_dropped_sentence_that_returns_edited_is_credited_to_where_it_came_from(
    store: Store, tmp_path: Path
) -> None:
    versions(store, tmp_path, f"{A}\n\n{B}\n\n{C}", f"{A}\n\n{C}", f"{A}\n\n{B_EDITED}\n\n{C}")
    lines = {line.text: (line.introduced, line.edited) for line in queries.blame(store, URL).lines}
    assert lines[B_EDITED] == (1, 3)
    assert lines[C] == (1, 1)


TOLL = "At least {n} people were killed in the quake, the health ministry said."
TAIL = "Rescue teams from three countries arrived at the airport on Tuesday night."


def test_facts_shows_a_value_in_every_version_that_states_it(store: Store, tmp_path: Path) -> None:
    texts = [f"{A}\n\n{TOLL.format(n=n)}\n\n{TAIL}" for n in (12, 40)]
    versions(store, tmp_path, *texts, texts[1] + f"\n\n{B}", facts=True)
    (killed,) = [f for f in queries.fact_timeline(store, URL).facts if f.label == "Killed"]
    assert [(p.version, p.value.split(" (")[0]) for p in killed.points] == [
        (1, "At least 12 people"),
        (2, "At least 40 people"),
        (3, "At least 40 people"),
    ]


def test_facts_has_one_row_per_fact_label(store: Store, tmp_path: Path) -> None:
    said = "At least {n} people were killed in the quake, {who} said."
    texts = [
        f"{A}\n\n{said.format(n=12, who='police')}\n\n{TAIL}",
        f"{A}\n\n{said.format(n=40, who='the health ministry')}\n\n{TAIL}",
        f"{A}\n\n{said.format(n=55, who='the governor')}\n\n{TAIL}",
    ]
    versions(store, tmp_path, *texts, facts=True)
    labels = [f.label for f in queries.fact_timeline(store, URL).facts]
    assert "Killed" in labels
    assert len(labels) == len(set(labels))


def test_facts_prints_a_run_of_versions_with_one_value_once(
    capsys, db_url: str, tmp_path: Path
) -> None:
    with Store(db_url) as store:
        texts = [f"{A}\n\n{TOLL.format(n=n)}\n\n{TAIL}" for n in (12, 40)]
        versions(store, tmp_path, *texts, texts[1] + f"\n\n{B}")
    code, out, err = run(capsys, "facts", URL, "--db", db_url)
    assert code == 0, err
    (line,) = [" ".join(x.split()) for x in out.splitlines() if x.strip().startswith("Killed")]
    assert line.startswith("Killed v1 At least 12") and " · v2–v3 At least 40" in line
