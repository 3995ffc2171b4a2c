"""``tracker import``: WARC files, diffengine databases and snapshot folders, idempotent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.httpserver import TestHTTPServer
from tests.research_fixtures import story_html, story_text, write_diffengine, write_warc
from tracker.cli import main

URL = "https://news.example.org/2026/levee"


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _import(capsys, db: str, *paths: Path, workers: int = 0) -> dict:
    code, out, err = _run(
        capsys, "import", "--db", db, "--workers", str(workers), "--json", *map(str, paths)
    )
    assert code == 0, err
    return json.loads(out)


def _history(capsys, db: str, url: str) -> list[tuple[int, str]]:
    code, out, err = _run(capsys, "history", url, "--db", db, "--json")
    assert code == 0, err
    return [(v["number"], v["fetched_at"]) for v in json.loads(out)["versions"]]


def _diff_facts(capsys, db: str, url: str) -> list[str]:
    code, out, err = _run(capsys, "diff", url, "--db", db, "--json")
    assert code == 0, err
    return [f["summary"] for f in json.loads(out)["facts"]]


def test_a_warc_imports_each_story_response_as_a_version(
    tmp_path: Path, db_url: str, http_server: TestHTTPServer, capsys
) -> None:
    warc = tmp_path / "crawl.warc.gz"
    write_warc(
        warc,
        http_server,
        [
            ("/levee", story_html(4), "2026-03-01T08:00:00Z"),
            ("/levee", story_html(4), "2026-03-01T09:00:00Z"),  # unchanged
            ("/levee", story_html(11), "2026-03-01T10:00:00Z"),
            ("/menu", "<html><body><p>Home</p></body></html>", "2026-03-01T08:05:00Z"),
        ],
    )
    report = _import(capsys, db_url, warc)
    assert (report["stories"], report["versions"], report["unchanged"]) == (2, 2, 1)
    assert len(report["bad"]) == 1 and "no article text" in report["bad"][0]
    url = http_server.url("/levee")
    assert _history(capsys, db_url, url) == [
        (1, "2026-03-01T08:00:00Z"),
        (2, "2026-03-01T10:00:00Z"),
    ]
    assert any("4" in s and "11" in s for s in _diff_facts(capsys, db_url, url))
    again = _import(capsys, db_url, warc)
    assert (again["versions"], again["already_stored"]) == (0, 3)
    assert len(_history(capsys, db_url, url)) == 2


def test_a_diffengine_database_imports_every_entry_version(tmp_path: Path, db_url: str, capsys):
    source = tmp_path / "diffengine.db"
    other = "https://news.example.org/2026/other"
    write_diffengine(
        source,
        [
            (
                URL,
                [
                    ("Levee breaks", story_text(4), "2026-03-01 08:00:00.000000"),
                    ("Levee breaks, 11 dead", story_text(11), "2026-03-01 12:30:00.000000"),
                ],
            ),
            (other, [("Other", story_text(2), "not a time")]),
        ],
    )
    report = _import(capsys, db_url, source)
    assert (report["stories"], report["versions"]) == (1, 2)
    assert report["bad"] == ["entryversion 3: bad created time 'not a time'"]
    assert _history(capsys, db_url, URL) == [
        (1, "2026-03-01T08:00:00Z"),
        (2, "2026-03-01T12:30:00Z"),
    ]
    code, out, _ = _run(capsys, "show", URL, "--db", db_url, "--version", "2")
    assert code == 0 and "At least 11 people were killed" in out
    assert any("11" in s for s in _diff_facts(capsys, db_url, URL))
    assert _import(capsys, db_url, source)["versions"] == 0


def test_a_snapshot_directory_imports_each_folder_as_a_story(
    tmp_path: Path, db_url: str, capsys
) -> None:
    root = tmp_path / "snapshots"
    story = root / "levee"
    story.mkdir(parents=True)
    (story / "URL").write_text(URL + "\n")
    (story / "2026-03-01T08:00:00Z.html").write_text(story_html(4))
    (story / "2026-03-01T14:00:00Z.txt").write_text(story_text(11))
    (story / "notes.md").write_text("not a snapshot")
    (story / "yesterday.html").write_text(story_html(5))
    (root / "no-url").mkdir()
    report = _import(capsys, db_url, root, workers=2)
    assert (report["stories"], report["versions"]) == (1, 2)
    assert sorted(report["bad"]) == [
        "levee/notes.md: not an .html or .txt snapshot",
        "levee/yesterday.html: the name is not a capture time (2020-11-09T14:00:00Z)",
        "no-url: no URL file",
    ]
    assert [n for n, _ in _history(capsys, db_url, URL)] == [1, 2]
    assert _import(capsys, db_url, story)["already_stored"] == 2


def test_plain_output_counts_what_was_done(tmp_path: Path, db_url: str, capsys) -> None:
    story = tmp_path / "one"
    story.mkdir()
    (story / "URL").write_text(URL)
    (story / "2026-03-01T08:00:00Z.txt").write_text(story_text(4))
    code, out, _ = _run(capsys, "import", "--db", db_url, "--workers", "0", str(story))
    assert code == 0
    assert out == (
        "imported 1 stories: 1 new versions, 0 unchanged, 0 already stored, 0 bad records\n"
    )


def test_a_file_of_another_kind_is_a_one_line_error(tmp_path: Path, db_url: str, capsys) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello")
    code, _, err = _run(capsys, "import", "--db", db_url, str(junk))
    assert code == 2
    assert err == (
        f"tracker: error: {junk}: not a diffengine SQLite database, a WARC file or a directory\n"
    )
    code, _, err = _run(capsys, "import", "--db", db_url, str(tmp_path / "missing"))
    assert code == 2 and "no such file or directory" in err


def test_a_newsedits_style_table_without_entry_or_id_columns(tmp_path: Path, db_url: str, capsys):
    import sqlite3

    source = tmp_path / "newsedits.db"
    conn = sqlite3.connect(source)
    conn.execute(
        'CREATE TABLE entryversion ("index" INTEGER, version INTEGER, title TEXT, created TEXT, '
        "url TEXT, source TEXT, entry_id INTEGER, summary TEXT)"
    )
    for i, n in enumerate((4, 11)):
        conn.execute(
            "INSERT INTO entryversion VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (i, i, "Levee breaks", f"2026-03-0{i + 1} 08:00:00", URL, "ap", 7, story_text(n)),
        )
    conn.commit()
    conn.close()
    report = _import(capsys, db_url, source)
    assert (report["stories"], report["versions"], report["bad"]) == (1, 2, [])
    assert [n for n, _ in _history(capsys, db_url, URL)] == [1, 2]
