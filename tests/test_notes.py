"""Correction and editor's notes are data and events; fact changes without one are stealth edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DEMO_V1, DEMO_V2
from tests.test_cli_diff import run
from tracker import queries
from tracker.ingest import ingest_file
from tracker.notes import find_notes, load_patterns
from tracker.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "notes"
BASE = FIXTURES / "base.txt"
URL = "https://news.example/local/flooding"


def stored_pair(store: Store, second: str) -> queries.LabelledDiff:
    ingest_file(store, URL, BASE)
    ingest_file(store, URL, FIXTURES / second)
    return queries.diff_versions(store, URL)


@pytest.mark.parametrize(
    ("paragraph", "kind"),
    [
        ("Correction: An earlier version of this story misstated the toll.", "correction"),
        ("CORRECTION (Nov. 9): A name was misspelled.", "correction"),
        ("An earlier version of this article misidentified the mayor.", "correction"),
        ("We regret the error.", "correction"),
        ("Clarification: This story was amended to say who paid.", "clarification"),
        ("This story has been updated to include the rail closure.", "update"),
        ("Editor’s note: The names of the victims have been withheld.", "editors-note"),
        ("Note to readers: This report was retracted.", "editors-note"),
        ("Retraction: The story about the bridge was wrong.", "retraction"),
        ("The river rose again. This story has been updated.", "update"),
        (
            "MILLBROOK, Ohio — In a story May 2 about a warehouse fire, the news agency "
            "reported erroneously that the roof collapsed.",
            "correction",
        ),
        ("A corrected version of the story is below:", "correction"),
    ],
)
def test_the_phrasings_outlets_use_are_recognised(paragraph: str, kind: str) -> None:
    (note,) = find_notes([paragraph])
    assert note.kind == kind


@pytest.mark.parametrize(
    "paragraph",
    [
        "The council corrected its earlier estimate of the damage.",
        "Our correction policy is published online.",
        "The update arrived at noon, the operator said.",
        "The mayor said the report was wrong.",
    ],
)
def test_story_text_that_mentions_corrections_is_not_a_note(paragraph: str) -> None:
    assert find_notes([paragraph]) == ()


def test_more_phrasings_come_from_a_file_not_code(tmp_path: Path, monkeypatch) -> None:
    extra = tmp_path / "notes.toml"
    extra.write_text("[[note]]\nkind = \"correction\"\npattern = '''^rectificación\\s*:'''\n")
    patterns = load_patterns(str(extra))
    assert find_notes(["Rectificación: la cifra era 20."], patterns)[0].kind == "correction"
    monkeypatch.setenv("TRACKER_NOTES", str(extra))
    assert find_notes(["Rectificación: la cifra era 20."])[0].kind == "correction"


def test_a_correction_note_arriving_is_its_own_event(store: Store) -> None:
    diff = stored_pair(store, "corrected.txt").diff
    (note,) = diff.notes
    assert note.kind == "correction"
    assert note.text.startswith("Correction: An earlier version of this story misstated")
    assert f"Correction note added: “{note.text}”" in diff.events
    assert not diff.stealth_edit


def test_a_fact_change_with_no_note_is_a_stealth_edit(store: Store) -> None:
    diff = stored_pair(store, "stealth.txt").diff
    assert any(c.significance == "fact" for c in diff.facts)
    assert diff.stealth_edit
    assert diff.notes == ()


def test_style_edits_alone_are_neither_a_correction_nor_a_stealth_edit(store: Store) -> None:
    diff = stored_pair(store, "style.txt").diff
    assert diff.facts == ()
    assert any(c.significance == "style" for c in diff.other_changes)
    assert (diff.notes, diff.stealth_edit) == ((), False)


def test_a_note_kept_from_the_version_before_does_not_excuse_new_changes(
    store: Store, tmp_path: Path
) -> None:
    ingest_file(store, URL, BASE)
    ingest_file(store, URL, FIXTURES / "corrected.txt")
    later = tmp_path / "later.txt"
    later.write_text(
        (FIXTURES / "corrected.txt")
        .read_text()
        .replace("three river crossings", "five river crossings")
    )
    ingest_file(store, URL, later)
    diff = queries.diff_versions(store, URL).diff
    assert diff.notes == ()
    assert diff.stealth_edit


def test_history_marks_the_correction_and_the_stealth_edit(capsys, db_url: str, tmp_path) -> None:
    with Store(db_url) as store:
        ingest_file(store, URL, BASE)
        ingest_file(store, URL, FIXTURES / "stealth.txt")
        ingest_file(store, URL, FIXTURES / "corrected.txt")
    code, out, err = run(capsys, "history", URL, "--db", db_url)
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()[:2] in ("v2", "v3")}
    assert "stealth edit" in rows["v2"]
    assert "Correction: “Correction: An earlier version" in rows["v3"]
    document = json.loads(run(capsys, "history", URL, "--db", db_url, "--json")[1])
    assert [v["stealth_edit"] for v in document["versions"]] == [False, True, False]
    assert document["versions"][2]["notes_added"][0]["kind"] == "correction"
    assert document["versions"][1]["notes_added"] == []


def test_diff_json_and_terminal_carry_the_note_and_the_flag(capsys, db_url: str) -> None:
    with Store(db_url) as store:
        ingest_file(store, URL, BASE)
        ingest_file(store, URL, FIXTURES / "stealth.txt")
    code, out, _ = run(capsys, "diff", URL, "--db", db_url, "--facts-only")
    assert code == 0
    assert "■ Stealth edit: the facts changed with no correction or editor's note." in out
    document = json.loads(run(capsys, "diff", URL, "--db", db_url, "--json")[1])
    assert (document["stealth_edit"], document["notes"]) == (True, [])


def test_two_local_files_get_the_note_event_too(capsys) -> None:
    code, out, _ = run(capsys, "diff", str(BASE), str(FIXTURES / "corrected.txt"), "--json")
    assert code == 0
    document = json.loads(out)
    assert document["notes"][0]["kind"] == "correction"
    assert document["stealth_edit"] is False


def test_a_breaking_update_under_its_marker_is_announced_not_a_stealth_edit(
    store: Store,
) -> None:
    ingest_file(store, URL, DEMO_V1)
    ingest_file(store, URL, DEMO_V2)
    diff = queries.diff_versions(store, URL).diff
    assert any(c.significance == "fact" for c in diff.facts)
    assert not diff.stealth_edit
    assert not queries.history(store, URL)[1].stealth_edit
