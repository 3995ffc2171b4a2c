"""The real CLI: diff, history, show, facts, blame, search — text, --json, --html and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SEED
from tests.test_queries import URL, ingest_story
from tracker.cli import main
from tracker.store import Store


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> str:
    with Store(db_url) as store:
        ingest_story(store, tmp_path)
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run ``tracker ARGS`` in-process: (exit code, stdout, stderr)."""
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)  # exactly one document, or this fails


# ---------------------------------------------------------------- diff


def test_diff_defaults_to_the_last_two_versions(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "--db", db)
    assert (document["a"]["label"], document["b"]["label"]) == ("v3", "v4")


def test_diff_json_keeps_the_documented_fields(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "1", "2", "--db", db)
    assert {"a", "b", "sentences", "facts", "events"} <= set(document)
    assert {"op", "a", "b", "a_text", "b_text", "words"} <= set(document["sentences"][0])


def test_diff_json_names_the_story_and_both_versions(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "1", "3", "--db", db)
    assert document["story"] == URL
    assert (document["a"]["version"], document["b"]["version"]) == (1, 3)
    assert document["a"]["fetched_at"].startswith("2020-03-03T")
    assert document["b"]["fetched_at"] == "2020-03-04T15:00:00Z"
    assert document["a"]["label"] == "v1"  # the keys a reader had are kept


def test_diff_json_of_one_versions_sections_names_it(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "--sections", "--version", "2", "--db", db)
    assert document["story"] == URL
    assert document["a"]["version"] == document["b"]["version"] == 2


def test_diff_json_of_files_has_no_story(capsys, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Nobody was hurt.", encoding="utf-8")
    b.write_text("Nobody was hurt.\n\nThe road reopened at noon.", encoding="utf-8")
    document = run_json(capsys, "diff", str(a), str(b))
    assert document["story"] is None
    assert document["a"]["version"] is None and document["a"]["label"] == str(a)


def test_diff_json_gives_each_sentence_its_section(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "1", "2", "--db", db)
    assert {s["section"] for s in document["sentences"]} == {"update", "earlier"}


def test_diff_reports_the_count_change_first(capsys, db: str) -> None:
    code, out, _ = run(capsys, "diff", URL, "1", "2", "--db", db)
    assert code == 0
    assert out.splitlines()[0] == "• Killed: At least 32 people → At least 60 people"


def test_diff_shows_the_breaking_update_as_one_event(capsys, db: str) -> None:
    _, out, _ = run(capsys, "diff", URL, "1", "2", "--db", db)
    assert sum("■ A breaking update arrived" in line for line in out.splitlines()) == 1


def test_diff_takes_negative_offsets(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "-4", "-3", "--db", db)
    assert (document["a"]["label"], document["b"]["label"]) == ("v1", "v2")


def test_diff_takes_times(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "2020-03-03T09:00Z", "2020-03-05", "--db", db)
    assert (document["a"]["label"], document["b"]["label"]) == ("v1", "v3")


def test_diff_at_a_time_diffs_the_version_current_then(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "--at", "2020-03-04T10:00Z", "--db", db)
    assert (document["a"]["label"], document["b"]["label"]) == ("v1", "v2")


def test_diff_sections_of_a_stored_version(capsys, db: str) -> None:
    document = run_json(capsys, "diff", URL, "--sections", "--version", "2", "--db", db)
    assert document["b"]["label"] == "v2#update"


def test_diff_without_colour_has_no_escape_codes(capsys, db: str, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, "diff", URL, "--db", db)
    assert "\x1b[" not in out


def test_diff_facts_only_prints_no_sentences(capsys, db: str) -> None:
    _, out, _ = run(capsys, "diff", URL, "1", "2", "--facts-only", "--db", db)
    assert "Rescue boats" not in out


def test_diff_side_by_side_runs(capsys, db: str) -> None:
    code, out, _ = run(capsys, "diff", URL, "2", "3", "--side-by-side", "--db", db)
    assert code == 0 and "Rescue boats" in out


def test_diff_writes_an_html_page(capsys, db: str, tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    run(capsys, "diff", URL, "1", "2", "--html", str(page), "--db", db)
    assert "Killed" in page.read_text(encoding="utf-8")


def test_diff_of_two_local_files(capsys, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Nobody was hurt.", encoding="utf-8")
    b.write_text("Nobody was hurt.\n\nThe road reopened at noon.", encoding="utf-8")
    document = run_json(capsys, "diff", str(a), str(b))
    assert [s["op"] for s in document["sentences"]] == ["equal", "added"]


def test_diff_of_the_seed_puts_the_helicopter_change_first(capsys) -> None:
    """The project's reference case (loads spaCy once, like a user's first diff)."""
    _, out, _ = run(capsys, "diff", "--sections", str(SEED))
    assert out.splitlines()[0].startswith("• Who shot down the helicopter: unclear → Azerbaijan")


# ------------------------------------------------------- history, show, facts, blame, search


def test_history_json_keeps_the_documented_fields(capsys, db: str) -> None:
    document = run_json(capsys, "history", URL, "--db", db)
    first = document["versions"][0]
    assert document["story"] == URL
    assert {"number", "fetched_at", "words", "sections", "reverts_to"} <= set(first)


def test_history_json_adds_what_each_version_changed(capsys, db: str) -> None:
    document = run_json(capsys, "history", URL, "--db", db)
    v2 = document["versions"][1]
    assert v2["headline"] == "Killed: At least 32 people → At least 60 people"
    assert set(v2["changes"]) == {"added", "edited", "removed", "moved"}


def test_history_prints_one_line_per_version(capsys, db: str) -> None:
    _, out, _ = run(capsys, "history", URL, "--db", db)
    assert [line.split()[0] for line in out.splitlines() if line.strip().startswith("v")][1:] == [
        "v1",
        "v2",
        "v3",
        "v4",
    ]


def test_history_since(capsys, db: str) -> None:
    document = run_json(capsys, "history", URL, "--since", "2020-03-05", "--db", db)
    assert [v["number"] for v in document["versions"]] == [4]


def test_show_at_a_time(capsys, db: str) -> None:
    document = run_json(capsys, "show", URL, "--at", "2020-03-04T12:00Z", "--db", db)
    assert document["version"]["number"] == 2


def test_facts_json_has_a_timeline(capsys, db: str) -> None:
    document = run_json(capsys, "facts", URL, "--db", db)
    (killed,) = [f for f in document["facts"] if f["label"] == "Killed"]
    assert [(v["version"], v["value"]) for v in killed["values"]] == [
        (1, "At least 32 people"),
        (2, "At least 60 people"),
        (3, "at least 60 people"),  # every version that states it, not only where it changed
        (4, "at least 60 people"),
    ]


def test_facts_prints_the_timeline_on_one_line(capsys, db: str) -> None:
    _, out, _ = run(capsys, "facts", URL, "--db", db)
    assert any(
        " ".join(line.split()) == "Killed v1 At least 32 people · v2–v4 At least 60 people"
        for line in out.splitlines()
    )


def test_blame_json_names_origins(capsys, db: str) -> None:
    document = run_json(capsys, "blame", URL, "--db", db)
    last = document["sentences"][-1]
    assert (last["introduced"], last["edited"]) == (4, 4)


def test_blame_of_a_version(capsys, db: str) -> None:
    document = run_json(capsys, "blame", URL, "--version", "1", "--db", db)
    assert {s["introduced"] for s in document["sentences"]} == {1}


def test_search_json(capsys, db: str) -> None:
    document = run_json(capsys, "search", "not clear what caused", "--db", db)
    (hit,) = document["stories"]
    assert (hit["appeared"]["version"], hit["disappeared"]["version"]) == (1, 3)


def test_search_prints_where_a_phrase_appeared(capsys, db: str) -> None:
    _, out, _ = run(capsys, "search", "cargo ship", "--story", URL, "--db", db)
    assert "appeared v2 2020-03-04 09:00" in out


# ---------------------------------------------------------------- bad input: one line, no traceback


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "https://news.example/nothing"], "unknown story"),
        (["history", "https://news.example/nothing"], "unknown story"),
        (["facts", "https://news.example/nothing"], "unknown story"),
        (["blame", "https://news.example/nothing"], "unknown story"),
        (["diff", URL, "1", "9"], "no version 9"),
        (["blame", URL, "--version", "7"], "no version 7"),
        (["diff", URL, "3", "1"], "reversed range"),
        (["diff", URL, "2", "2"], "both sides are v2"),
        (["diff", URL, "--at", "2019-01-01"], "had no version yet"),
        (["diff", URL, "1", "someday"], "not a version"),
        (["search", "   "], "empty search"),
        (["search", "ferry", "--story", "https://news.example/nothing"], "unknown story"),
        (["history", URL, "--since", "soonish"], "not a time"),
        (["diff", URL, "-9"], "only 4 versions"),
        (["diff", URL, "-x"], "no such option"),
        (["diff", URL, "--context", "-1"], "--context must be 0 or more"),
    ],
)
def test_bad_input_is_one_line_on_stderr(capsys, db: str, args: list[str], message: str) -> None:
    code, out, err = run(capsys, *args, "--db", db)
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err and "Traceback" not in err


def test_the_installed_command_fails_cleanly(db: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "tracker", "diff", URL, "4", "1", "--db", db],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("tracker: error: reversed range")


# ---------------------------------------------------------------- PostgreSQL


@pytest.fixture
def pg_db(pg_database: str, tmp_path: Path) -> str:
    """A fresh PostgreSQL database holding the fixture story, dropped afterwards."""
    with Store(pg_database) as store:
        ingest_story(store, tmp_path)
    return pg_database


@pytest.mark.parametrize(
    "args",
    [
        ["diff", URL, "1", "2"],
        ["history", URL],
        ["facts", URL],
        ["blame", URL],
        ["search", "cargo ship"],
        ["show", URL, "--version", "-1"],
    ],
)
def test_every_query_command_works_on_postgresql(capsys, pg_db: str, args: list[str]) -> None:
    document = run_json(capsys, *args, "--db", pg_db)
    assert document
