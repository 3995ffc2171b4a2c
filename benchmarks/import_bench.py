"""Import and facts-job speed: versions/s for a WARC import, and for 1 and 3 facts workers.

    python benchmarks/import_bench.py [--stories 50] [--captures 4] [--workers 1 2]
                                      [--pg postgresql+psycopg://postgres@127.0.0.1/test_i11]
                                      [--facts-versions 24] [--facts-workers 1 3]

Writes a gzipped WARC of ``--stories`` generated stories with ``--captures``
responses each (each capture revises a toll and adds a sentence), imports it
into a fresh SQLite database with each ``--workers`` count, and prints
versions/s. With ``--pg`` (a server URL whose user may create databases) it then
stores ``--facts-versions`` versions without facts in a fresh PostgreSQL
database per run and times ``tracker facts-worker --once`` with each
``--facts-workers`` count of processes, checking every version was parsed once.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker.extract import parse_text
from tracker.ingest import ingest_article
from tracker.research.importer import import_paths
from tracker.scheduler import worker_processes
from tracker.store import Store

ROOT = Path(__file__).resolve().parents[1]


def _paragraphs(story: int, capture: int) -> list[str]:
    out = [
        f"RIVERTON (AP) -- Floodwater broke through a levee in district {story} early on "
        "Sunday, forcing families in three villages to leave their homes before dawn.",
        f"At least {3 + capture * 2} people were killed and dozens more were missing, "
        "the interior ministry said in a statement read on state television.",
    ]
    out += [
        f"Update {i}: rescue boats from district {story + i} worked through the night, and "
        "the army opened two more shelters in school buildings on higher ground."
        for i in range(capture + 3)
    ]
    return out


def _page(story: int, capture: int) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in _paragraphs(story, capture))
    return (
        f"<html><head><title>Levee breaks in district {story}</title></head><body>"
        f"<nav>Home | World</nav><article><h1>Levee breaks in district {story}</h1>{body}"
        "</article><footer>Contact</footer></body></html>"
    ).encode()


def write_warc(path: Path, stories: int, captures: int) -> int:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    start = datetime(2026, 3, 1, tzinfo=UTC)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for c in range(captures):
            for s in range(stories):
                body = _page(s, c)
                headers = StatusAndHeaders(
                    "200 OK",
                    [
                        ("Content-Type", "text/html; charset=utf-8"),
                        ("Content-Length", str(len(body))),
                    ],
                    protocol="HTTP/1.1",
                )
                at = (start + timedelta(hours=c, seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
                record = writer.create_warc_record(
                    f"https://news.example.org/flood/{s}",
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=headers,
                    warc_headers_dict={"WARC-Date": at},
                )
                writer.write_record(record)
    return stories * captures


def bench_import(tmp: Path, warc: Path, workers: int) -> tuple[int, float]:
    with Store(f"sqlite:///{tmp / f'import-{workers}.db'}") as store:
        pool = worker_processes(workers) if workers > 0 else None
        try:
            if pool is not None:  # start the processes before the clock does
                list(pool.map(abs, range(workers)))
            started = time.perf_counter()
            report = import_paths(store, [warc], pool=pool, ahead=4 * max(1, workers))
            elapsed = time.perf_counter() - started
        finally:
            if pool is not None:
                pool.shutdown()
    return report.versions, elapsed


def bench_facts(admin_url: str, versions: int, workers: int) -> tuple[int, float, bool]:
    name = f"tracker_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        start = datetime(2026, 3, 1, tzinfo=UTC)
        with Store(url) as store:
            for v in range(versions):
                story, capture = divmod(v, 3)
                article = parse_text("\n\n".join(_paragraphs(story, capture)))
                at = start + timedelta(hours=capture)
                url_ = f"https://news.example.org/flood/{story}"
                ingest_article(store, url_, article, fetched_at=at, facts=False)
        command = [sys.executable, "-m", "tracker", "facts-worker", "--db", url, "--once"]
        command += ["--json", "--batch", "2"]
        started = time.perf_counter()
        procs = [
            subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            for _ in range(workers)
        ]
        parsed: list[int] = []
        for proc in procs:
            out, _ = proc.communicate()
            parsed += json.loads(out)["parsed"]
        elapsed = time.perf_counter() - started
        once = len(parsed) == len(set(parsed)) == versions
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return len(parsed), elapsed, once


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stories", type=int, default=50)
    parser.add_argument("--captures", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--pg", help="PostgreSQL server URL for the facts-job runs")
    parser.add_argument("--facts-versions", type=int, default=24)
    parser.add_argument("--facts-workers", type=int, nargs="+", default=[1, 3])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        warc = tmp / "bench.warc.gz"
        records = write_warc(warc, args.stories, args.captures)
        size = warc.stat().st_size / 1024
        print(f"WARC: {records} responses, {args.stories} stories, {size:.0f} KB")
        for workers in args.workers:
            stored, elapsed = bench_import(tmp, warc, workers)
            print(
                f"import, {workers} extraction process(es): {stored} versions in {elapsed:.1f} s "
                f"= {stored / elapsed:.1f} versions/s"
            )
    if args.pg:
        for workers in args.facts_workers:
            parsed, elapsed, once = bench_facts(args.pg, args.facts_versions, workers)
            print(
                f"facts job, {workers} worker(s) on PostgreSQL: {parsed} versions in "
                f"{elapsed:.1f} s = {parsed / elapsed:.2f} versions/s "
                f"(each parsed once: {'yes' if once else 'NO'}; includes spaCy start-up)"
            )


if __name__ == "__main__":
    main()
