"""Export speed and memory: rows/s and peak RSS of ``tracker export`` as the database grows.

    python benchmarks/export_bench.py [--versions 10000 100000] [--format jsonl parquet]

Builds one SQLite database per size with that many versions (stories of ten
versions, six sentences each, one edited sentence per version, its sentence ops
and one fact change stored as rows), written in bulk, then runs
``tracker export`` on each in a fresh process and prints the rows written, the
time, rows/s and the process's peak RSS. Flat memory means the RSS column stays
the same while the rows grow tenfold (VmHWM of the export process).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.research.changes import ENGINE
from tracker.store import Store

PER_STORY = 10
SENTENCES = 6
BULK = 5000


def _sentence(story: int, slot: int, version: int) -> str:
    if slot == 1:
        return f"At least {10 + version} people were killed in district {story}, officials said."
    return f"Sentence {slot} of story {story} tells what happened by the river on day {slot}."


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")  # how SQLAlchemy stores times in SQLite


def build(path: Path, versions: int) -> None:
    """Write ``versions`` versions with their sentences and diff rows in bulk (sqlite3)."""
    Store(f"sqlite:///{path}").close()  # the schema, at the head revision
    start = datetime(2026, 1, 1, tzinfo=UTC)
    conn = sqlite3.connect(path)
    texts: dict[str, int] = {}
    rows: dict[str, list[tuple]] = {t: [] for t in INSERTS}

    def flush() -> None:
        for table, sql in INSERTS.items():
            conn.executemany(sql, rows[table])
            rows[table] = []

    for n in range(versions):
        story, number = n // PER_STORY + 1, n % PER_STORY + 1
        vid = n + 1
        at = _when(start + timedelta(minutes=n))
        if number == 1:
            url = f"https://news.example.org/s/{story}"
            rows["stories"].append((story, url, "active", _when(start), 0))
        digest = hashlib.sha256(f"{story}/{number}".encode()).hexdigest()
        rows["versions"].append(
            (vid, story, number, at, digest, 90, '["body"]', f"Flood in district {story}", "[]")
        )
        for slot in range(SENTENCES):
            text = _sentence(story, slot, number if slot == 1 else 0)
            if text not in texts:
                texts[text] = len(texts) + 1
                rows["sentences"].append(
                    (texts[text], hashlib.sha256(text.encode()).hexdigest(), text)
                )
            rows["version_sentences"].append((vid, slot, texts[text], slot, "body"))
        previous = (vid - 1, number - 1) if number > 1 else (None, None)
        rows["version_diffs"].append((vid, story, vid, *previous, "versions", number, ENGINE, at))
        if number > 1:
            old, new = _sentence(story, 1, number - 1), _sentence(story, 1, number)
            for slot in range(SENTENCES):
                edited = slot == 1
                words = json.dumps([["-", str(9 + number)], ["+", str(10 + number)]])
                rows["diff_sentence_ops"].append(
                    (
                        vid,
                        slot,
                        "edited" if edited else "equal",
                        f"[{slot}]",
                        f"[{slot}]",
                        slot,
                        slot,
                        old if edited else None,
                        new if edited else None,
                        words if edited else None,
                        0.97 if edited else 1.0,
                    )
                )
            rows["diff_fact_changes"].append(
                (
                    vid,
                    0,
                    "quantity",
                    "quantity",
                    "Killed",
                    "count",
                    "fact",
                    0.98,
                    f"At least {9 + number}",
                    f"At least {10 + number}",
                    9.0 + number,
                    10.0 + number,
                    "officials",
                    "said",
                    f"Killed: At least {9 + number} → At least {10 + number}",
                    old,
                    new,
                    "[1]",
                    "[1]",
                    "[]",
                    "[]",
                )
            )
        if len(rows["version_sentences"]) >= BULK:
            flush()
    flush()
    conn.commit()
    conn.close()


INSERTS = {
    "stories": "INSERT INTO stories (id, url, status, created_at, failures) VALUES (?,?,?,?,?)",
    "sentences": "INSERT INTO sentences (id, hash, text) VALUES (?,?,?)",
    "versions": "INSERT INTO versions (id, story_id, number, fetched_at, text_hash, words, "
    "sections, title, facts) VALUES (?,?,?,?,?,?,?,?,?)",
    "version_sentences": "INSERT INTO version_sentences VALUES (?,?,?,?,?)",
    "version_diffs": "INSERT INTO version_diffs (id, story_id, version_id, a_version_id, "
    "a_number, kind, b_number, engine, derived_at) VALUES (?,?,?,?,?,?,?,?,?)",
    "diff_sentence_ops": "INSERT INTO diff_sentence_ops (diff_id, position, op, a_positions, "
    "b_positions, a_first, b_first, a_text, b_text, words, similarity) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "diff_fact_changes": "INSERT INTO diff_fact_changes (diff_id, position, change, kind, "
    "subject, slot, significance, salience, before_value, after_value, before_number, "
    "after_number, source, certainty, summary, evidence_a, evidence_b, a_sentences, "
    "b_sentences, a_sentence_ids, b_sentence_ids) "
    f"VALUES ({','.join('?' * 21)})",
}


CHILD = """
import json, sys, time
from tracker.research.export import export
from tracker.store import Store
with Store(sys.argv[1]) as store:
    started = time.perf_counter()
    result = export(store, sys.argv[2], sys.argv[3])
    elapsed = time.perf_counter() - started
# VmHWM: this process image's peak RSS (ru_maxrss would carry the parent's over fork+exec).
status = open("/proc/self/status").read()
hwm = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"rows": sum(result.rows.values()), "seconds": elapsed,
                  "rss_mb": hwm}))
"""


def main() -> None:
    if sys.argv[1:2] == ["--build"]:
        build(Path(sys.argv[2]), int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--versions", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--format", nargs="+", default=["jsonl", "parquet"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"{'versions':>9} {'format':>8} {'rows':>10} {'seconds':>8} {'rows/s':>9} "
            f"{'peak RSS':>9}"
        )
        for size in args.versions:
            path = Path(tmp) / f"{size}.db"
            url = f"sqlite:///{path}"
            started = time.perf_counter()
            subprocess.run([sys.executable, __file__, "--build", str(path), str(size)], check=True)
            built = time.perf_counter() - started
            print(f"# built {size} versions in {built:.1f} s", file=sys.stderr)
            for fmt in args.format:
                out = Path(tmp) / f"out-{size}-{fmt}"
                proc = subprocess.run(
                    [sys.executable, "-c", CHILD, url, str(out), fmt],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                r = json.loads(proc.stdout)
                print(
                    f"{size:>9} {fmt:>8} {r['rows']:>10} {r['seconds']:>8.1f} "
                    f"{r['rows'] / r['seconds']:>9.0f} {r['rss_mb']:>7.0f} MB"
                )


if __name__ == "__main__":
    main()
