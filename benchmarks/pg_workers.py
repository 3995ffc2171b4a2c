"""Several ``tracker run`` workers on one PostgreSQL database × many changing stories.

    python benchmarks/pg_workers.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/test_x \\
        --workers 4 --stories 500 --versions 4 --seconds 120

A local server serves each story's version k for two requests, then version
k + 1, up to ``--versions``. The workers run until every story has all its
versions stored (or ``--seconds`` pass), then get SIGTERM. Counted:

- distinct texts served and versions stored;
- duplicates: a story with two versions of one text;
- lost changes: a served text never stored;
- overlapping requests: the most requests in flight at once for one story (must be 1);
- SIGTERM: each worker's exit code and how long it took to stop, against the grace period;
- leases left behind.

The script makes its own database next to ``--pg`` (dropped afterwards) and
prints one line, or with ``--json`` one JSON document; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from tests.httpserver import Custom, RecordedRequest, Reply, TestHTTPServer  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.polling import add_story  # noqa: E402
from tracker.store.schema import Story, Version  # noqa: E402

GRACE = 10.0  # the workers' --grace, seconds


@dataclass
class Report:
    workers: int
    stories: int
    versions_per_story: int
    seconds: float = 0.0
    texts_served: int = 0
    versions_stored: int = 0
    duplicates: int = 0
    lost_changes: int = 0
    max_in_flight: int = 0
    overlapping_stories: int = 0
    exit_codes: list[int] = field(default_factory=list)
    stop_seconds: list[float] = field(default_factory=list)
    leases_left: int = 0
    complete: bool = False

    @property
    def failures(self) -> list[str]:
        found = []
        if self.duplicates:
            found.append(f"{self.duplicates} duplicates")
        if self.lost_changes:
            found.append(f"{self.lost_changes} lost changes")
        if self.max_in_flight > 1:
            found.append(f"{self.overlapping_stories} stories fetched twice at once")
        if any(code != 0 for code in self.exit_codes):
            found.append(f"exit codes {self.exit_codes}")
        if any(s > GRACE + 5 for s in self.stop_seconds):
            found.append(f"slow stop {max(self.stop_seconds):.1f} s")
        if self.leases_left:
            found.append(f"{self.leases_left} leases left")
        return found


class Site:
    """Stories whose text changes every two requests, up to ``versions`` texts."""

    def __init__(self, server: TestHTTPServer, stories: int, versions: int) -> None:
        self.versions = versions
        self.lock = threading.Lock()
        self.requests: dict[int, int] = defaultdict(int)
        self.served: dict[int, set[int]] = defaultdict(set)
        for story in range(stories):
            server.route(f"/d{story}", Custom(self._responder(story)))

    def _responder(self, story: int):  # type: ignore[no-untyped-def]
        def respond(_request: RecordedRequest) -> Reply:
            with self.lock:
                version = min(self.versions - 1, self.requests[story] // 2)
                self.requests[story] += 1
                self.served[story].add(version)
            time.sleep(0.005)  # widen the window in which a second fetch would overlap
            body = page(story, version)
            return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), body)

        return respond


def page(story: int, version: int) -> bytes:
    paras = "".join(
        f"<p>Update {version} on district {story}: officials said {version * 10 + i} homes were "
        f"flooded and {i + 2} shelters opened as the river kept rising through the night.</p>"
        for i in range(6)
    )
    return (
        f"<html><head><title>Flood {story}</title></head><body><article>{paras}</article>"
        "</body></html>"
    ).encode()


def _worker(db: str, port: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tracker", "run", "--db", db, "-q"]
    command += ["--allow-host", f"127.0.0.1:{port}", "--grace", f"{GRACE:g}s"]
    command += ["--tick", "0.2s", "--min-interval", "1s", "--max-interval", "1s"]
    command += ["--facts-every", "0", "--per-host", "16", "--concurrency", "32"]
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_ALLOW_PRIVATE"}
    return subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env=env)


def _stored(db: str) -> int:
    with Store(db) as store, store.session() as session:
        return session.scalar(select(func.count()).select_from(Version)) or 0


def run(pg: str, workers: int, stories: int, versions: int, seconds: float) -> Report:
    report = Report(workers, stories, versions)
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = make_url(pg).set(database=name).render_as_string(hide_password=False)
    started = time.monotonic()
    try:
        with TestHTTPServer() as server:
            site = Site(server, stories, versions)
            with Store(db) as store:
                for i in range(stories):
                    add_story(store, server.url(f"/d{i}"))
            procs = [_worker(db, server.port) for _ in range(workers)]
            try:
                deadline = time.monotonic() + seconds
                while time.monotonic() < deadline and _stored(db) < stories * versions:
                    time.sleep(0.5)
                report.complete = _stored(db) >= stories * versions
                time.sleep(1.0)  # a little longer: a duplicate would show up now
                stopping = time.monotonic()
                for proc in procs:
                    proc.send_signal(signal.SIGTERM)
                for proc in procs:
                    proc.communicate(timeout=GRACE + 30)
                    report.stop_seconds.append(round(time.monotonic() - stopping, 2))
                    report.exit_codes.append(proc.returncode)
            finally:
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                        proc.wait()
            in_flight = [server.max_in_flight(f"/d{i}") for i in range(stories)]
            report.max_in_flight = max(in_flight)
            report.overlapping_stories = sum(1 for n in in_flight if n > 1)
            report.texts_served = sum(len(v) for v in site.served.values())
            _count_versions(db, server, site, report)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    report.seconds = round(time.monotonic() - started, 1)
    return report


def _count_versions(db: str, server: TestHTTPServer, site: Site, report: Report) -> None:
    with Store(db) as store:
        with store.session() as session:
            ids = dict(session.execute(select(Story.url, Story.id)).all())
            rows = session.execute(select(Version.story_id, Version.text_hash)).all()
            report.leases_left = (
                session.scalar(select(func.count()).where(Story.lease_owner.is_not(None))) or 0
            )
        report.versions_stored = len(rows)
        hashes: dict[int, list[str]] = defaultdict(list)
        for story_id, digest in rows:
            hashes[story_id].append(digest)
        report.duplicates = sum(len(h) - len(set(h)) for h in hashes.values())
        for story, served in site.served.items():
            stored = len(set(hashes.get(ids[server.url(f"/d{story}")], [])))
            report.lost_changes += max(0, len(served) - stored)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("TRACKER_TEST_PG"), help="PostgreSQL URL")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--stories", type=int, default=500)
    parser.add_argument("--versions", type=int, default=4, help="texts per story")
    parser.add_argument("--seconds", type=float, default=120.0, help="the longest run")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.pg:
        sys.exit("pg_workers: give --pg URL (or set TRACKER_TEST_PG)")
    report = run(args.pg, args.workers, args.stories, args.versions, args.seconds)
    if args.json:
        print(json.dumps(asdict(report) | {"failures": report.failures}))
    else:
        print(
            f"{report.workers} workers x {report.stories} stories x {report.versions_per_story} "
            f"texts in {report.seconds:.0f} s ({'all stored' if report.complete else 'TIMED OUT'}):"
            f" {report.texts_served} texts served, {report.versions_stored} versions stored, "
            f"{report.duplicates} duplicates, {report.lost_changes} lost changes, "
            f"max {report.max_in_flight} request(s) in flight per story, SIGTERM exits "
            f"{report.exit_codes} in {report.stop_seconds} s (grace {GRACE:g} s), "
            f"{report.leases_left} leases left"
        )
    sys.exit(1 if report.failures or not report.complete else 0)


if __name__ == "__main__":
    main()
