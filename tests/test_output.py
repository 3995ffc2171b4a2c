"""Output read later is whole: into a file nothing is cut with "…", no line ends in spaces."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_V1, DEMO_V2, ROOT
from tests.test_cli_diff import run
from tracker.ingest import ingest_file
from tracker.store import Store

URL = "https://news.example/world/helicopter"
NOTES = ROOT / "tests" / "fixtures" / "notes"


@pytest.fixture
def db(db_url: str) -> str:
    with Store(db_url) as store:
        ingest_file(store, URL, DEMO_V1)
        ingest_file(store, URL, DEMO_V2)
        ingest_file(store, URL, NOTES / "corrected.txt")
    return db_url


def into_file(tmp_path: Path, db: str, *args: str) -> str:
    """Run the real ``tracker ARGS > out.txt`` and return what the file holds."""
    target = tmp_path / "out.txt"
    with target.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "tracker", *args, "--db", db],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tmp_path,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    return target.read_text("utf-8")


def assert_whole(text: str) -> None:
    assert text.strip()
    assert "…" not in text
    bad = [line for line in text.splitlines() if line != line.rstrip()]
    assert not bad, bad[:3]


@pytest.mark.parametrize(
    "args",
    [
        ("diff", URL, "1", "2", "--facts-only"),
        ("diff", URL, "2", "3"),
        ("diff", URL, "1", "2", "--side-by-side"),
        ("history", URL),
        ("blame", URL),
        ("list",),
    ],
)
def test_output_into_a_file_is_whole_and_unpadded(tmp_path: Path, db: str, args) -> None:
    assert_whole(into_file(tmp_path, db, *args))


def test_width_wraps_at_n_columns(tmp_path: Path, db: str) -> None:
    text = into_file(tmp_path, db, "diff", URL, "1", "2", "--width", "60")
    assert max(len(line) for line in text.splitlines()) <= 60
    assert_whole(text)


def test_without_width_a_file_gets_one_line_per_sentence(tmp_path: Path, db: str) -> None:
    text = into_file(tmp_path, db, "diff", URL, "1", "2")
    assert max(len(line) for line in text.splitlines()) > 200  # not folded at 80


def test_a_width_below_20_is_refused(capsys, db: str) -> None:
    code, _, err = run(capsys, "diff", URL, "--width", "5", "--db", db)
    assert code != 0 and "--width" in err


def test_html_writes_the_page_and_says_so(tmp_path: Path, db: str) -> None:
    page = tmp_path / "d.html"
    out = into_file(tmp_path, db, "diff", URL, "1", "2", "--html", str(page))
    assert out == f"wrote {page}\n"
    text = page.read_text("utf-8")
    assert URL in text and "news.example" in text
    assert "T08:" not in text.split("<h2>")[0]  # human times in the heading, not ISO


def test_html_to_a_folder_that_does_not_exist_is_one_line(capsys, db: str, tmp_path) -> None:
    code, out, err = run(capsys, "diff", URL, "--html", str(tmp_path / "no" / "x.html"), "--db", db)
    assert code != 0 and out == ""
    assert "cannot write" in err and len(err.strip().splitlines()) == 1


def test_diff_shows_only_fact_items_unless_all(capsys) -> None:
    base, style = str(NOTES / "base.txt"), str(NOTES / "style.txt")
    _, plain, _ = run(capsys, "diff", base, style, "--facts-only")
    assert "[style" not in plain and "No fact changes." in plain
    _, every, _ = run(capsys, "diff", base, style, "--facts-only", "--all")
    assert "• [style: a number written another way] " in every


def test_all_in_html_marks_each_minor_or_style_item(tmp_path: Path, capsys) -> None:
    page = tmp_path / "d.html"
    base, style = str(NOTES / "base.txt"), str(NOTES / "style.txt")
    run(capsys, "diff", base, style, "--html", str(page))
    assert "Minor and house-style changes" not in page.read_text("utf-8")
    run(capsys, "diff", base, style, "--html", str(page), "--all")
    text = page.read_text("utf-8")
    assert "Minor and house-style changes" in text
    assert "style: a number written another way" in text
