"""kill -9 loop: ``tracker ingest`` and ``tracker poll`` killed at random moments, then checked.

    python benchmarks/kill_loop.py --kills 200            # both modes, 200 kills each
    python benchmarks/kill_loop.py --mode poll --kills 20 --json

Each round starts a real ``tracker`` process on one SQLite file (ingest: a file
with a new text each round; poll: 12 stories on a local server whose pages
change on every request), sends SIGKILL after a random delay within the usual
run time (the first rounds land in schema creation), then checks the database:

- ``PRAGMA integrity_check`` is ``ok``;
- every version has its sentences; version numbers run 1..n (no duplicate, no gap);
- every version has its check-log row;
- ``history`` and ``diff`` of a story still work (in-process: tracker.queries);
- the next, unkilled command works (a half-built database would fail it).

Prints the counts (and ``--json`` one JSON document); exits 1 when any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.httpserver import Custom, RecordedRequest, Reply, TestHTTPServer  # noqa: E402
from tracker import queries  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.polling import add_story  # noqa: E402

STORY = "https://news.example/kill-loop"
POLL_STORIES = 12


@dataclass
class Counts:
    mode: str
    kills: int = 0
    killed_while_running: int = 0  # the process was still running when the signal came
    finished_first: int = 0
    integrity_errors: int = 0
    versions: int = 0
    versions_without_sentences: int = 0
    numbering_errors: int = 0  # duplicate or missing version numbers
    versions_without_check_row: int = 0
    history_or_diff_failures: int = 0
    next_command_failures: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return (
            self.integrity_errors
            + self.versions_without_sentences
            + self.numbering_errors
            + self.versions_without_check_row
            + self.history_or_diff_failures
            + self.next_command_failures
        )


def _text(round_: int) -> str:
    return (
        f"River flood update {round_}\n\n"
        f"The river rose by {round_ % 9 + 1} metres overnight, officials said on day {round_}. "
        f"About {round_ * 17 + 40} people left their homes as water reached the market square. "
        f"Crews from {round_ % 5 + 2} towns worked through the night to shore up the levee.\n\n"
        f"Forecasters said more rain would fall on {round_ % 4 + 1} more days this week.\n"
    )


def _page(story: int, round_: int) -> bytes:
    paras = "".join(
        f"<p>Update {round_} from district {story}: officials said {round_ * 3 + i} homes were "
        f"flooded and {i + 2} shelters opened as the river kept rising through the night.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>Flood in district {story}</title></head><body><article>"
        f"<h1>Flood in district {story}</h1>{paras}</article></body></html>"
    ).encode()


def _changing(story: int) -> Custom:
    served = itertools.count()
    lock = threading.Lock()

    def respond(_request: RecordedRequest) -> Reply:
        with lock:
            round_ = next(served)
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), _page(story, round_))

    return Custom(respond)


def _command(
    mode: str, db: Path, work: Path, round_: int, server: TestHTTPServer | None
) -> list[str]:
    base = [sys.executable, "-m", "tracker"]
    if mode == "ingest":
        path = work / f"v{round_}.txt"
        path.write_text(_text(round_))
        return [*base, "ingest", STORY, str(path), "--db", str(db)]
    assert server is not None
    return [*base, "poll", "--allow-host", f"127.0.0.1:{server.port}", "--db", str(db)]


def check(db: Path, counts: Counts, urls: list[str]) -> None:
    """The checks after one kill (the database may not exist yet: a kill before creation)."""
    if not db.exists():
        return
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as conn:
        verdict = conn.execute("PRAGMA integrity_check").fetchall()
        if verdict != [("ok",)]:
            counts.integrity_errors += 1
            counts.problems.append(f"integrity: {verdict[:3]}")
            return
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "versions" not in tables:
            return  # killed before the schema existed (it is all or nothing)
        bare = conn.execute(
            "SELECT count(*) FROM versions v WHERE NOT EXISTS "
            "(SELECT 1 FROM version_sentences s WHERE s.version_id = v.id)"
        ).fetchone()[0]
        counts.versions_without_sentences = max(counts.versions_without_sentences, bare)
        for story_id, numbers, top in conn.execute(
            "SELECT story_id, count(DISTINCT number), max(number) FROM versions GROUP BY story_id"
        ):
            if numbers != top:
                counts.numbering_errors += 1
                counts.problems.append(f"story {story_id}: {numbers} numbers up to {top}")
        unlogged = conn.execute(
            "SELECT count(*) FROM versions v WHERE NOT EXISTS (SELECT 1 FROM checks c WHERE "
            "c.story_id = v.story_id AND c.version_number = v.number)"
        ).fetchone()[0]
        counts.versions_without_check_row = max(counts.versions_without_check_row, unlogged)
        counts.versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    try:
        with Store(f"sqlite:///{db}") as store:
            for url in urls:
                history = store.history(url) if _tracked(store, url) else []
                if len(history) >= 1:
                    queries.history(store, url)
                if len(history) >= 2:
                    queries.diff_versions(store, url)
    except Exception as exc:  # a failure to report, whatever it is
        counts.history_or_diff_failures += 1
        counts.problems.append(f"history/diff: {type(exc).__name__}: {exc}")


def _tracked(store: Store, url: str) -> bool:
    return any(s.url == url for s in store.list_stories())


def run(mode: str, kills: int, db: Path | None = None, seed: int = 13) -> Counts:
    rng = random.Random(seed)
    counts = Counts(mode)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"kill-{mode}-") as tmp:
        work = Path(tmp)
        db = db or work / "tracker.db"
        server = TestHTTPServer().start() if mode == "poll" else None
        urls = [STORY]
        try:
            if server is not None:
                urls = [server.url(f"/d{i}") for i in range(POLL_STORIES)]
                for i in range(POLL_STORIES):
                    server.route(f"/d{i}", _changing(i))
                with Store(f"sqlite:///{db}") as store:
                    for url in urls:
                        add_story(store, url, every=1)
            # A first guess at one run's length (ingest loads spaCy for the facts); then the
            # last unkilled run's.
            took = 6.0 if mode == "ingest" else 4.0
            for round_ in range(kills):
                command = _command(mode, db, work, round_, server)
                child = subprocess.Popen(
                    command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
                )
                time.sleep(rng.uniform(0.05, took * 1.1))
                if child.poll() is None:
                    child.send_signal(signal.SIGKILL)
                    counts.killed_while_running += 1
                else:
                    counts.finished_first += 1
                child.wait()
                counts.kills += 1
                check(db, counts, urls)
                if round_ % 10 == 9:  # now and then an unkilled run: it must work (and how
                    # long it takes sets the range of the next kill delays)
                    took = _next_command(mode, db, work, round_, server, counts) or took
            if kills % 10:
                _next_command(mode, db, work, kills, server, counts)  # the last word: it works
        finally:
            if server is not None:
                server.stop()
    counts.seconds = round(time.monotonic() - started, 1)
    return counts


def _next_command(
    mode: str, db: Path, work: Path, round_: int, server: TestHTTPServer | None, counts: Counts
) -> float | None:
    """An unkilled run after the kills: it must succeed; returns how long it took."""
    began = time.monotonic()
    command = _command(mode, db, work, 100_000 + round_, server)
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)
    if done.returncode not in (0, 5):
        counts.next_command_failures += 1
        counts.problems.append(f"next {mode}: rc {done.returncode}: {done.stderr.strip()[-300:]}")
        return None
    check(db, counts, [])
    return time.monotonic() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=("ingest", "poll", "both"), default="both")
    parser.add_argument("--kills", type=int, default=200, help="kills per mode")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()
    modes = ("ingest", "poll") if args.mode == "both" else (args.mode,)
    results = [run(mode, args.kills, seed=args.seed) for mode in modes]
    if args.json:
        print(json.dumps([asdict(r) | {"failures": r.failures} for r in results]))
    else:
        for r in results:
            print(
                f"{r.mode}: {r.kills} kills ({r.killed_while_running} while running, "
                f"{r.finished_first} finished first) in {r.seconds:.0f} s; {r.versions} versions; "
                f"integrity errors {r.integrity_errors}, versions without sentences "
                f"{r.versions_without_sentences}, numbering errors {r.numbering_errors}, "
                f"versions without a check row {r.versions_without_check_row}, history/diff "
                f"failures {r.history_or_diff_failures}, failed next commands "
                f"{r.next_command_failures}"
            )
            for problem in r.problems[:10]:
                print(f"  {problem}")
    sys.exit(1 if any(r.failures for r in results) else 0)


if __name__ == "__main__":
    os.environ.pop("TRACKER_ALLOW_PRIVATE", None)
    main()
