"""``tracker export``: files that read back with csv, json and pyarrow, identical every time."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tracker.cli import main
from tracker.ingest import ingest_file
from tracker.research import changes
from tracker.store import Store

QUAKE = "https://news.example.org/2026/quake"
FLOOD = "https://www.wire.example.com/flood"
LEDE = "HARBIN, Borduria (AP) -- A strong earthquake shook the river port of Harbin on Tuesday."
TOLL = "At least {n} people were killed and 140 were injured, the health ministry said."
TAIL = "Rescue crews searched collapsed apartment blocks through the night with dogs and lamps."
TABLES = ("stories", "versions", "sentences", "sentence_ops", "fact_changes")


def _fill(db_url: str, tmp_path: Path) -> str:
    with Store(db_url) as store:
        for url, tolls in ((QUAKE, (32, 60, 45)), (FLOOD, (3, 7))):
            for i, n in enumerate(tolls):
                path = tmp_path / f"{len(url)}-{i}.txt"
                body = [LEDE, TOLL.format(n=n), TAIL, f"The river rose {n} feet."]
                path.write_text("\n\n".join(body), encoding="utf-8")
                at = datetime(2026, 3, 3 + i, 8, tzinfo=UTC)
                ingest_file(store, url, path, at=at)
        changes.derive_pending(store)
    return db_url


@pytest.fixture
def filled(db_url: str, tmp_path: Path) -> str:
    return _fill(db_url, tmp_path)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _expected(db_url: str) -> dict[str, int]:
    with Store(db_url) as store, store.engine.connect() as conn:
        from sqlalchemy import text

        def n(sql: str) -> int:
            return conn.execute(text(sql)).scalar()

        return {
            "stories": n("SELECT COUNT(*) FROM stories"),
            "versions": n("SELECT COUNT(*) FROM story_versions"),
            "sentences": n("SELECT COUNT(*) FROM version_sentences"),
            "sentence_ops": n("SELECT COUNT(*) FROM sentence_ops"),
            "fact_changes": n("SELECT COUNT(*) FROM fact_changes"),
        }


def test_csv_reads_back_with_the_counts_of_the_database(filled, tmp_path, capsys) -> None:
    code, out, _ = _run(capsys, "export", "--db", filled, "--out", str(tmp_path / "x"), "-f", "csv")
    assert code == 0
    counts = {}
    for table in TABLES:
        with (tmp_path / "x" / f"{table}.csv").open(newline="", encoding="utf-8") as f:
            counts[table] = sum(1 for _ in csv.DictReader(f))
    expected = _expected(filled)
    assert counts == expected
    assert expected["stories"] == 2 and expected["versions"] == 5 and expected["fact_changes"] > 0
    assert f"fact_changes.csv: {expected['fact_changes']} rows" in out
    with (tmp_path / "x" / "fact_changes.csv").open(newline="", encoding="utf-8") as f:
        down = [r for r in csv.DictReader(f) if r["subject"] == "Killed" and r["b_version"] == "3"]
    assert [(r["before_number"], r["after_number"], r["source"]) for r in down] == [
        ("60.0", "45.0", "health ministry")
    ]


def test_export_from_postgresql_matches_the_sqlite_export(db_url, pg_database, tmp_path, capsys):
    _fill(db_url, tmp_path)
    _fill(pg_database, tmp_path)
    for name, url in (("sqlite", db_url), ("pg", pg_database)):
        assert _run(capsys, "export", "--db", url, "--out", str(tmp_path / name))[0] == 0
    for table in TABLES:  # the same rows; only the stories' created_at (now) differ
        a, b = (
            [
                json.loads(line)
                for line in (tmp_path / n / f"{table}.jsonl").read_text().splitlines()
            ]
            for n in ("sqlite", "pg")
        )
        for row in (*a, *b):
            row.pop("created_at", None)
        assert a == b, table
        assert a, table


def test_parquet_reads_back_with_pyarrow(filled, tmp_path, capsys) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "p"
    assert _run(capsys, "export", "--db", filled, "--out", str(out), "-f", "parquet")[0] == 0
    tables = {t: pq.read_table(out / f"{t}.parquet") for t in TABLES}
    assert {t: v.num_rows for t, v in tables.items()} == _expected(filled)
    versions = tables["versions"].to_pylist()
    assert versions[0]["fetched_at"] == datetime(2026, 3, 3, 8, tzinfo=UTC)
    assert versions[0]["text"].split("\n\n")[1] == TOLL.format(n=32)
    sentences = tables["sentences"].to_pylist()
    assert {k: sentences[1][k] for k in ("entry_id", "version", "sent_idx", "sentence")} == {
        "entry_id": 1,
        "version": 1,
        "sent_idx": 1,
        "sentence": TOLL.format(n=32),
    }


def test_two_exports_are_byte_identical(filled, tmp_path, capsys) -> None:
    for fmt in ("jsonl", "csv", "parquet"):
        for name in ("one", "two"):
            args = ["export", "--db", filled, "--out", str(tmp_path / fmt / name), "-f", fmt]
            assert _run(capsys, *args)[0] == 0
        assert _digests(tmp_path / fmt / "one") == _digests(tmp_path / fmt / "two")


def test_jsonl_keeps_lists_as_json_and_filters_by_story_and_time(filled, tmp_path, capsys):
    out = tmp_path / "j"
    args = ["export", "--db", filled, "--out", str(out), "--story", QUAKE]
    assert _run(capsys, *args, "--since", "2026-03-04T00:00:00Z")[0] == 0
    versions = [json.loads(line) for line in (out / "versions.jsonl").read_text().splitlines()]
    assert [(v["url"], v["version"]) for v in versions] == [(QUAKE, 2), (QUAKE, 3)]
    assert versions[0]["sections"] == ["body"]
    ops = [json.loads(line) for line in (out / "sentence_ops.jsonl").read_text().splitlines()]
    assert {op["b_version"] for op in ops} == {2, 3}
    assert ops[1]["op"] == "edited" and ops[1]["a_sent_idx"] == [1]


def test_source_filter_takes_a_site_and_its_subdomains(filled, tmp_path, capsys) -> None:
    out = tmp_path / "s"
    assert (
        _run(capsys, "export", "--db", filled, "--out", str(out), "--source", "example.com")[0] == 0
    )
    stories = [json.loads(line)["url"] for line in (out / "stories.jsonl").read_text().splitlines()]
    assert stories == [FLOOD]


def test_bad_options_are_one_line_errors(filled, tmp_path, capsys) -> None:
    code, _, err = _run(capsys, "export", "--db", filled, "--out", str(tmp_path), "-f", "xml")
    assert code == 2 and err.startswith("tracker: error: unknown format 'xml'")
    code, _, err = _run(
        capsys, "export", "--db", filled, "--out", str(tmp_path), "--since", "yesterday-ish"
    )
    assert code == 2 and "not a time" in err


def test_parquet_without_pyarrow_says_what_to_install(filled, tmp_path) -> None:
    script = (
        "import sys; sys.modules['pyarrow'] = None; from tracker.cli import main; "
        f"main(['export', '--db', {filled!r}, '--out', {str(tmp_path / 'n')!r}, '-f', 'parquet'])"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "tracker: error: Parquet needs pyarrow: pip install 'tracker[parquet]' "
        "(or use --format jsonl|csv)"
    )


def test_the_documented_schema_is_the_exported_one() -> None:
    from tracker.research.export import TABLES

    doc = (ROOT / "docs" / "research-data.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = doc.split(f"### `{table}`\n", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        rows = [line for line in section.splitlines() if line.startswith("| `")]
        assert rows == [f"| `{c.name}` | {c.type} | {c.doc} |" for c in columns], table
