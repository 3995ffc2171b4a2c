"""The spine's commands as a user runs them: real processes, one-line errors, JSON documents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_V1, DEMO_V2, SEED

URL = "https://news.example.com/helicopter"


def tracker(*args: str, db: str | None = None) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "tracker", *args]
    if db:
        command += ["--db", db]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_split_json_matches_the_documented_shape() -> None:
    result = tracker("split", "--json", str(SEED))
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["marker"].startswith("THIS IS A BREAKING NEWS UPDATE")
    assert [s["kind"] for s in document["sections"]] == ["update", "earlier"]


def test_ingest_history_and_show(db_url: str) -> None:
    assert (
        tracker("ingest", URL, str(DEMO_V1), "--at", "2020-11-09T08:00:00Z", db=db_url).returncode
        == 0
    )
    stored = tracker("ingest", URL, str(DEMO_V2), "--at", "2020-11-09T14:00:00Z", db=db_url)
    assert "stored v2" in stored.stdout
    history = json.loads(tracker("history", URL, "--json", db=db_url).stdout)
    assert history["story"] == URL
    assert [(v["number"], v["sections"], v["reverts_to"]) for v in history["versions"]] == [
        (1, ["body"], None),
        (2, ["update", "earlier"], None),
    ]
    assert history["versions"][0]["fetched_at"].startswith("2020-11-09T08:00:00")
    shown = json.loads(tracker("show", URL, "--section", "update", "--json", db=db_url).stdout)
    assert shown["version"]["number"] == 2
    listing = json.loads(tracker("list", "--json", db=db_url).stdout)
    assert listing["stories"][0]["url"] == URL and listing["stories"][0]["versions"] == 2


def test_ingest_of_unchanged_text_says_so(db_url: str) -> None:
    tracker("ingest", URL, str(SEED), db=db_url)
    again = tracker("ingest", URL, str(SEED), db=db_url)
    assert again.returncode == 0 and "unchanged" in again.stdout


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database holding the seed story (stored without facts: errors are the point here)."""
    from tracker.ingest import ingest_file
    from tracker.store import Store

    url = f"sqlite:///{tmp_path_factory.mktemp('seeded') / 'tracker.db'}"
    with Store(url) as store:
        ingest_file(store, URL, SEED, facts=False)
    return url


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ingest", "not a url", str(SEED)), "not a story URL"),
        (("ingest", URL, "/no/such/file.txt"), "no such file"),
        (("history", "https://unknown.example/x"), "unknown story"),
        (("show", URL, "--version", "9"), "no version 9"),
        (("ingest", URL, str(SEED), "--at", "yesterday-ish"), "not a time"),
        (("show", URL, "--section", "middle"), "--section must be"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_nonzero(
    seeded_db: str, args: tuple[str, ...], message: str
) -> None:
    result = tracker(*args, db=seeded_db)
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x00\x01\x02binary", "binary"), (b"caf\xe9", "not valid")],
)
def test_bad_files_store_nothing(tmp_path: Path, db_url: str, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    result = tracker("ingest", URL, str(bad), db=db_url)
    assert result.returncode != 0 and message in result.stderr
    assert "unknown story" in tracker("history", URL, db=db_url).stderr


def test_corrupt_database_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 500)
    result = tracker("list", db=str(bad))
    assert result.returncode != 0
    assert "corrupt" in result.stderr and "Traceback" not in result.stderr


def test_python_dash_m_and_help() -> None:
    result = tracker("--help")
    assert result.returncode == 0 and "ingest" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("blame",), "Missing argument"),
        (("diff", "--bogus", "x"), "no such option"),
        (("no-such-command",), "No such command"),
    ],
)
def test_usage_errors_are_one_line_without_traceback(args: tuple[str, ...], message: str) -> None:
    result = tracker(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
