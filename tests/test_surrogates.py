"""Lone surrogates (issue 13): undecodable argument bytes and JSON-LD escapes never crash.

Python decodes command-line bytes that are not UTF-8 to lone surrogates ("\\xff" becomes
"\\udcff"), and ``json.loads`` keeps a JSON-LD "\\udcff" as one. No database, URL or
UTF-8 output can hold them: a story name gives a one-line error, a file name still
works (and is shown with U+FFFD), metadata keeps U+FFFD in their place.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzzing import Outcome, problems, run_cli

ROOT = Path(__file__).resolve().parent.parent
BAD = "\udcff"  # what Python makes of the byte 0xFF in an argument
BODY = " ".join(["The river rose by two metres overnight, officials said."] * 3)


def _page(head: str = "", title: str = "Flood") -> str:
    return (
        f"<html><head>{head}</head><body><article><h1>{title}</h1>"
        f"<p>{BODY}</p></article></body></html>"
    )


def _ok_output(outcome: Outcome) -> None:
    """What reached stdout and stderr can be written as strict UTF-8."""
    outcome.stdout.encode("utf-8")
    outcome.stderr.encode("utf-8", "backslashreplace")  # Python's own stderr handler


def _one_line_error(argv: list[str]) -> str:
    outcome = run_cli(argv)
    assert outcome.traceback is None, outcome.traceback
    assert outcome.code != 0
    assert problems(argv, outcome) == []
    _ok_output(outcome)
    return outcome.stderr.strip()


@pytest.mark.parametrize(
    "command",
    [
        ["ingest", f"http://news.example/{BAD}", "PAGE"],
        ["ingest", f"http://news{BAD}.example/", "PAGE"],
        ["add", f"http://news.example/{BAD}"],
        ["history", f"http://news.example/{BAD}"],
        ["history", BAD],
        ["show", f"http://news.example/{BAD}"],
        ["diff", f"http://news.example/{BAD}"],
        ["poll", f"http://news.example/{BAD}"],
    ],
    ids=lambda c: " ".join(c[:1] + [a.replace(BAD, "BAD") for a in c[1:2]]),
)
def test_a_story_name_with_undecodable_bytes_is_a_one_line_error(
    tmp_path: Path, command: list[str]
) -> None:
    page = tmp_path / "page.html"
    page.write_text(_page(), "utf-8")
    argv = [str(page) if a == "PAGE" else a for a in command]
    argv += ["--db", str(tmp_path / "t.db")]
    assert "not valid UTF-8" in _one_line_error(argv)


def test_a_time_with_undecodable_bytes_is_a_one_line_error(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(_page(), "utf-8")
    argv = ["ingest", "https://news.example/a", str(page), "--at", f"2h {BAD}"]
    assert "not valid UTF-8" in _one_line_error([*argv, "--db", str(tmp_path / "t.db")])


def test_a_database_path_with_undecodable_bytes_is_a_one_line_error(tmp_path: Path) -> None:
    assert "not valid UTF-8" in _one_line_error(["list", "--db", str(tmp_path / f"t{BAD}.db")])


def test_a_json_ld_lone_surrogate_is_stored_as_a_replacement_character(tmp_path: Path) -> None:
    ld = '{"headline": "Flood \\udcff rises", "description": "\\ud800", "datePublished": "x"}'
    page = tmp_path / "ld.html"
    page.write_text(_page(f'<script type="application/ld+json">{ld}</script>'), "utf-8")
    db = str(tmp_path / "t.db")
    url = "http://news.example/flood"
    stored = run_cli(["ingest", url, str(page), "--db", db])
    assert stored.traceback is None, stored.traceback
    assert stored.code == 0, stored.stderr
    shown = run_cli(["show", url, "--json", "--db", db])
    assert shown.code == 0, shown.stderr
    _ok_output(shown)
    assert "Flood \ufffd rises" in json.dumps(json.loads(shown.stdout), ensure_ascii=False)
    history = run_cli(["history", url, "--db", db])
    assert history.code == 0 and history.traceback is None
    _ok_output(history)


def test_files_named_with_undecodable_bytes_diff_and_write_html(tmp_path: Path) -> None:
    a, b = tmp_path / f"a{BAD}.html", tmp_path / f"b{BAD}.html"
    a.write_text(_page(), "utf-8")
    b.write_text(_page(title="Flood waters recede"), "utf-8")
    out = tmp_path / f"out{BAD}.html"
    for argv in (
        ["diff", str(a), str(b)],
        ["diff", str(a), str(b), "--json"],
        ["diff", str(a), str(b), "--html", str(out)],
        ["split", str(a), "--json"],
        ["ingest", "http://news.example/a", str(a), "--db", str(tmp_path / "t.db")],
    ):
        outcome = run_cli(argv)
        assert outcome.traceback is None, outcome.traceback
        assert outcome.code == 0, (argv, outcome.stderr)
        assert problems(argv, outcome) == []
        _ok_output(outcome)
    assert "a\ufffd.html" in run_cli(["diff", str(a), str(b)]).stdout
    assert out.is_file()
    out.read_bytes().decode("utf-8")  # the page is strict UTF-8


def _tracker(*args: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8:strict")
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args], cwd=cwd, env=env, capture_output=True, timeout=120
    )


def test_real_undecodable_argument_bytes_give_one_line_or_work(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"a\xff.html")).write_text(_page(), "utf-8")
    (tmp_path / "b.html").write_text(_page(title="Flood waters recede"), "utf-8")
    refused = _tracker(b"history", b"http://news.example/\xff", b"--db", b"t.db", cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.decode().startswith("tracker: error: story ")
    assert len(refused.stderr.splitlines()) == 1
    written = _tracker(b"diff", b"a\xff.html", b"b.html", b"--html", b"o\xff.html", cwd=tmp_path)
    assert written.returncode == 0, written.stderr.decode("utf-8", "replace")
    assert written.stdout.decode("utf-8") == "wrote o\ufffd.html\n"
    assert (tmp_path / os.fsdecode(b"o\xff.html")).is_file()
