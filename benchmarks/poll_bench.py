"""The real ``tracker run`` against a local news server, with a bare aiohttp loop as the limit.

    .venv/bin/python benchmarks/poll_bench.py --stories 1000 10000 \\
        --modes stable volatile real --pages ../shared/pages

For every N and mode, in one run:

1. a news server starts in its own process on 127.0.0.1 and serves N stories
   (``/story/{i}``), changing ``--change-rate`` articles a second:
   - ``stable``: ~80 KB pages whose bytes change only with the article, with an
     ETag (304 answers);
   - ``volatile``: the same pages with an ad slot, a page-view id, a CSP nonce
     and an "updated" clock that differ on every response, and no validator;
   - ``real``: the twelve real pages of ``--pages`` (read at run time, never
     copied) as templates: each story is one of them with its article body
     replaced by the story's own text, and the volatile furniture above;
2. a SQLite database is seeded with N stories as ``tracker add URL --every 1s``
   leaves them after a first check (a version, its fingerprint and located
   article region, its ETag) and the daemon after recording that first version's
   change entry: every story stays due;
3. the real ``tracker run --allow-private`` runs in a subprocess with its
   defaults (per-host 4, concurrency 64, extraction processes, the facts job,
   retention, one log line per check on stderr, read by this script);
4. a bare aiohttp loop (one process, the same per-host and total connection
   limits) fetches the same server for ``--bare-seconds``: a conditional GET
   on ``stable``, a GET and a sha256 of the body otherwise. It is the limit.

Printed per run: checks/s; CPU-seconds per 1,000 checks (the daemon's main
process, and with its extraction and facts processes); the main process's peak
RSS; change → stored p50 / p95 (from the server's change time to the log line
of the check that stored it); database growth per hour; and the same
throughput and CPU figures for the bare loop, with tracker's as a ratio to them.
The machine may be shared: the ratios, measured in the same run, are the
figures to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing
import os
import random
import re
import resource
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from tracker.extract import parse_bytes  # noqa: E402
from tracker.fingerprint import Region, cut, fingerprint, locate  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.schema import Story, Version  # noqa: E402
from tracker.store.sources_schema import ChangeEntry  # noqa: E402

WORDS = (
    "officials said the storm council harbour village rescue teams reported water levels "
    "rose overnight while residents gathered at the school gym and volunteers carried food "
    "supplies across the bridge before the river crested near the old mill on the eastern bank"
).split()

# -- the pages -----------------------------------------------------------------------------


def paragraphs(story: int, version: int) -> list[str]:
    rng = random.Random(story)
    paras = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(15)]
    paras[0] = (
        f"The death toll in district {story} rose to {100 + version}, officials said. " + (paras[0])
    )
    return paras


def _synthetic_template() -> tuple[bytes, bytes]:
    rng = random.Random(7)
    script = "".join(
        f"function f{i}(a,b){{return a*{rng.randint(1, 99)}+b.length;}}\n" for i in range(900)
    )
    style = "".join(f".c{i}{{margin:{i % 7}px;color:#{i:06x};}}\n" for i in range(800))
    nav = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(60))
    related = "".join(
        f"<li><a href='/story/{rng.randint(0, 99999)}'>Related story number {i} about "
        f"{' '.join(rng.choice(WORDS) for _ in range(6))}</a></li>"
        for i in range(40)
    )
    head = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Storm update</title>"
        f"<style>{style}</style><script>{script}</script></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main><article><h1>Storm update</h1>"
        "<p class='byline'>By Staff</p><div class='article-body'>"
    )
    tail = (
        f"</div></article><aside><h2>More stories</h2><ul>{related}</ul></aside></main>"
        "<footer><p>© News Co. All rights reserved.</p></footer></body></html>"
    )
    return head.encode(), tail.encode()


def _real_templates(folder: Path) -> list[tuple[bytes, bytes]]:
    """Each real page cut around its article body: (before the body's text, after it)."""
    out = []
    for path in sorted(folder.glob("*.html")):
        page = path.read_bytes()
        article = parse_bytes(page, url=path.name, name=path.name)
        region = locate(page, article.paragraphs, article.title)
        parts = cut(page, region) if region else None
        if not parts or region is None:
            print(f"  (skipped {path.name}: no article region)", file=sys.stderr)
            continue
        body = max(parts, key=len)
        span = region.spans[[len(p) for p in parts].index(len(body))]
        start = page.find(body)
        open_end = page.find(b">", start) + 1
        close = start + len(body) - len(span.end)
        out.append((page[:open_end], page[close:]))
    if not out:
        raise SystemExit(f"no usable pages in {folder}")
    return out


def noise() -> tuple[bytes, bytes]:
    """Furniture that differs on every fetch: an ad slot, a clock, a page-view id, a nonce."""
    nonce = f"{random.getrandbits(64):016x}"
    top = (
        f"<div class='ad' data-slot='{random.getrandbits(64):x}'>Sponsored {random.random()}</div>"
        f"<span class='updated'>Updated {time.time():.6f}</span>"
    )
    bottom = f"<script nonce='{nonce}'>var pageview='{random.getrandbits(128):x}';</script>"
    return top.encode(), bottom.encode()


class Pages:
    """The server's pages: a template per story, the story's text, optional noise."""

    def __init__(self, mode: str, folder: Path | None) -> None:
        self.volatile = mode != "stable"
        self.templates = (
            _real_templates(folder) if mode == "real" and folder else [_synthetic_template()]
        )

    def page(self, story: int, version: int, *, volatile: bool | None = None) -> bytes:
        before, after = self.templates[story % len(self.templates)]
        body = "".join(f"<p>{p}</p>" for p in paragraphs(story, version)).encode()
        if not (self.volatile if volatile is None else volatile):
            return before + body + after
        top, bottom = noise()
        cut_at = before.find(b">", before.find(b"<body")) + 1
        end_at = after.rfind(b"</body>")
        end_at = end_at if end_at >= 0 else len(after)
        return (
            before[:cut_at]
            + top
            + before[cut_at:]
            + body
            + after[:end_at]
            + bottom
            + after[end_at:]
        )


# -- the server (own process) ----------------------------------------------------------------


def serve(port_out: Any, log_out: Any, n: int, mode: str, folder: Path | None, rate: float):
    pages = Pages(mode, folder)
    versions = [0] * n
    changes: list[tuple[int, float]] = []

    class Protocol(asyncio.Protocol):
        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while b"\r\n\r\n" in self.buffer:
                head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
                self.answer(head)

        def answer(self, head: bytes) -> None:
            lines = head.split(b"\r\n")
            path = lines[0].split(b" ")[1].decode()
            inm = None
            for line in lines[1:]:
                if line[:14].lower() == b"if-none-match:":
                    inm = line[14:].strip().decode()
            try:
                story = int(path.rsplit("/", 1)[1])
                version = versions[story]
            except (ValueError, IndexError):
                self.send(404, b"not found", ())
                return
            if pages.volatile:
                self.send(200, pages.page(story, version), ())
                return
            etag = f'"{story}-{version}"'
            if inm == etag:
                self.send(304, b"", (("ETag", etag),))
            else:
                self.send(200, pages.page(story, version), (("ETag", etag),))

        def send(self, status: int, body: bytes, headers: tuple[tuple[str, str], ...]) -> None:
            reason = {200: "OK", 304: "Not Modified", 404: "Not Found"}[status]
            out = [f"HTTP/1.1 {status} {reason}", "Content-Type: text/html; charset=utf-8"]
            out += [f"{k}: {v}" for k, v in headers]
            out.append(f"Content-Length: {len(body) if status != 304 else 0}")
            self.transport.write(("\r\n".join(out) + "\r\n\r\n").encode() + body)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Protocol, "127.0.0.1", 0, backlog=1024)
        port_out.send(server.sockets[0].getsockname()[1])
        rng = random.Random(1)
        changing = False
        next_change = time.monotonic()
        while True:
            await asyncio.sleep(0.05)
            if log_out.poll():
                message = log_out.recv()
                if message == "start changes":
                    changing = True
                    next_change = time.monotonic()
                    continue
                usage = resource.getrusage(resource.RUSAGE_SELF)
                log_out.send((changes, usage.ru_utime + usage.ru_stime))
                return
            while changing and rate > 0 and time.monotonic() >= next_change:
                story = rng.randrange(n)
                versions[story] += 1
                changes.append((story, time.time()))
                next_change += 1.0 / rate

    asyncio.run(main())


class Server:
    def __init__(self, n: int, mode: str, folder: Path | None, rate: float) -> None:
        port_recv, port_send = multiprocessing.Pipe(duplex=False)
        self.log, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(
            target=serve, args=(port_send, child, n, mode, folder, rate), daemon=True
        )
        self.process.start()
        self.port = port_recv.recv()

    def start_changes(self) -> None:
        self.log.send("start changes")

    def stop(self) -> tuple[list[tuple[int, float]], float]:
        self.log.send("done")
        changes, cpu = self.log.recv()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()
        return changes, cpu


# -- the database: N stories after their first check ------------------------------------------


def seed(url: str, n: int, port: int, pages: Pages) -> None:
    """Stories as ``tracker add --every 1s`` and one check leave them: a version, a region."""
    regions: list[Region | None] = []
    words: list[int] = []
    for t in range(len(pages.templates)):
        page = pages.page(t, 0, volatile=False)
        article = parse_bytes(page, url="bench", name="bench")
        regions.append(locate(page, article.paragraphs, article.title))
        words.append(article.words)
    now = datetime.now(UTC)
    stories, versions = [], []
    for i in range(n):
        t = i % len(pages.templates)
        page = pages.page(i, 0, volatile=False)
        region = regions[t]
        stories.append(
            {
                "url": f"http://127.0.0.1:{port}/story/{i}",
                "created_at": now - timedelta(hours=1),
                "status": "active",
                "failures": 0,
                "every_seconds": 1,
                "interval_seconds": 1,
                "next_check_at": now,
                "last_checked_at": now,
                "fingerprint": fingerprint(page, region=region, min_words=words[t] // 2),
                "article_region": region.dumps() if region else "",
                "etag": None if pages.volatile else f'"{i}-0"',
            }
        )
    with Store(url) as store, store.session() as session:
        for start in range(0, n, 5000):
            session.execute(insert(Story), stories[start : start + 5000])
        ids = dict(session.execute(select(Story.url, Story.id)).all())
        for i in range(n):
            versions.append(
                {
                    "story_id": ids[f"http://127.0.0.1:{port}/story/{i}"],
                    "number": 1,
                    "fetched_at": now - timedelta(hours=1),
                    "text_hash": hashlib.sha256(f"seed {i}".encode()).hexdigest(),
                    "words": words[i % len(pages.templates)],
                    "sections": ["body"],
                    "facts": [],
                }
            )
        for start in range(0, n, 5000):
            session.execute(insert(Version), versions[start : start + 5000])
        # Each first version's change entry, as the daemon recorded it after that first check:
        # without them the run measured a one-off backlog (0.2 ms a story) beside the polling.
        entries = [
            {
                "kind": "version",
                "version_id": version_id,
                "story_id": story_id,
                "number": 1,
                "fetched_at": now - timedelta(hours=1),
                "significance": "none",
                "fact_lines": [],
                "other_lines": [],
                "events": ["first version"],
                "created_at": now - timedelta(hours=1),
            }
            for version_id, story_id in session.execute(select(Version.id, Version.story_id))
        ]
        for start in range(0, n, 5000):
            session.execute(insert(ChangeEntry), entries[start : start + 5000])


def db_bytes(path: Path) -> int:
    """The database's size with its write-ahead log checkpointed into it."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


# -- tracker run, as a user runs it ----------------------------------------------------------


def proc_cpu(pid: int) -> float:
    """CPU seconds (user + system) of one process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found + [g for c in found for g in children(c)]


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


LINE = re.compile(r"/story/(\d+): (?:HTTP \d+ )?([a-z_ ]+?)(?::|;| \()")


class Daemon:
    """``tracker run`` in a subprocess; its per-check log lines read on a thread."""

    def __init__(self, db: str, seconds: float) -> None:
        env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1", "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tracker", "run", "--db", db, "--for", f"{seconds:.0f}s"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            env=env,
            cwd=ROOT,
        )
        self.checks = 0
        self.stored: dict[int, list[float]] = {}
        self.errors: list[str] = []
        self.counting = False
        self.counted = 0
        self.first = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for raw in self.process.stderr:
            line = raw.decode("utf-8", "replace")
            match = LINE.search(line)
            if match is None:
                if "Traceback" in line or "error" in line.lower():
                    self.errors.append(line.strip())
                continue
            self.first.set()
            self.checks += 1
            if self.counting:
                self.counted += 1
            if match.group(2) == "changed":
                self.stored.setdefault(int(match.group(1)), []).append(time.time())

    def cpu(self) -> tuple[float, float]:
        """(main process, main process and its children) CPU seconds."""
        main = proc_cpu(self.process.pid)
        return main, main + sum(proc_cpu(c) for c in children(self.process.pid))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)


# -- the bare loop: the limit ------------------------------------------------------------------


def bare_loop(port: int, n: int, seconds: float, conditional: bool, out: Any) -> None:
    import aiohttp

    async def main() -> tuple[int, float]:
        # The ETags a first pass learnt, as tracker's seeded database knows them.
        etags = {i: f'"{i}-0"' for i in range(n)} if conditional else {}
        count = 0
        stop_at = time.monotonic() + seconds
        next_story = iter(range(10**12))
        connector = aiohttp.TCPConnector(limit=64, limit_per_host=4)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def worker() -> None:
                nonlocal count
                while time.monotonic() < stop_at:
                    story = next(next_story) % n
                    headers = {}
                    if conditional and story in etags:
                        headers["If-None-Match"] = etags[story]
                    async with session.get(
                        f"http://127.0.0.1:{port}/story/{story}", headers=headers
                    ) as response:
                        body = await response.read()
                        if response.status == 200:
                            hashlib.sha256(body).digest()
                            if conditional and "ETag" in response.headers:
                                etags[story] = response.headers["ETag"]
                    count += 1

            t0 = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(64)))
            return count, time.monotonic() - t0

    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    count, wall = asyncio.run(main())
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (usage1.ru_utime + usage1.ru_stime) - (usage0.ru_utime + usage0.ru_stime)
    out.send((count, wall, cpu))


def run_bare(port: int, n: int, seconds: float, conditional: bool) -> tuple[float, float]:
    """(checks/s, CPU-s per 1,000 checks) of the bare loop."""
    recv, send = multiprocessing.Pipe(duplex=False)
    process = multiprocessing.Process(target=bare_loop, args=(port, n, seconds, conditional, send))
    process.start()
    count, wall, cpu = recv.recv()
    process.join()
    return count / wall, cpu / max(count, 1) * 1000


# -- one run ----------------------------------------------------------------------------------


@dataclass
class Result:
    n: int
    mode: str
    rate: float
    cpu_main: float  # CPU-s per 1,000 checks
    cpu_all: float
    rss_mb: float
    p50: float
    p95: float
    latencies: int
    db_per_hour: float  # bytes
    check_rows_per_hour: float
    bare_rate: float
    bare_cpu: float
    errors: list[str]


def run_one(n: int, mode: str, args: argparse.Namespace) -> Result:
    server = Server(n, mode, args.pages, args.change_rate)
    pages = Pages(mode, args.pages)
    with tempfile.TemporaryDirectory(prefix="poll-bench-") as folder:
        path = Path(folder) / "bench.db"
        seed(f"sqlite:///{path}", n, server.port, pages)
        size0 = db_bytes(path)
        rows0 = sqlite3.connect(path).execute("SELECT count(*) FROM checks").fetchone()[0]
        total = args.warmup + args.seconds + 5
        started = time.monotonic()
        daemon = Daemon(f"sqlite:///{path}", total)
        daemon.first.wait(timeout=30)
        time.sleep(args.warmup)
        server.start_changes()
        cpu0 = daemon.cpu()
        wall0 = time.perf_counter()
        daemon.counting = True
        time.sleep(args.seconds)
        daemon.counting = False
        wall = time.perf_counter() - wall0
        cpu1 = daemon.cpu()
        checks = daemon.counted
        rss = peak_rss_mb(daemon.process.pid)
        changes, _ = server.stop()
        daemon.stop()
        ran = time.monotonic() - started
        size1 = db_bytes(path)
        rows1 = sqlite3.connect(path).execute("SELECT count(*) FROM checks").fetchone()[0]
    bare_server = Server(n, mode, args.pages, 0.0)
    bare_rate, bare_cpu = run_bare(bare_server.port, n, args.bare_seconds, mode == "stable")
    bare_server.stop()
    latencies = sorted(_latencies(changes, daemon.stored))
    return Result(
        n=n,
        mode=mode,
        rate=checks / wall,
        cpu_main=(cpu1[0] - cpu0[0]) / max(checks, 1) * 1000,
        cpu_all=(cpu1[1] - cpu0[1]) / max(checks, 1) * 1000,
        rss_mb=rss,
        p50=statistics.median(latencies) if latencies else float("nan"),
        p95=latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
        latencies=len(latencies),
        db_per_hour=(size1 - size0) / ran * 3600,
        check_rows_per_hour=(rows1 - rows0) / ran * 3600,
        bare_rate=bare_rate,
        bare_cpu=bare_cpu,
        errors=daemon.errors[:3],
    )


def _latencies(changes: list[tuple[int, float]], stored: dict[int, list[float]]) -> list[float]:
    """For each change, the time until the first stored version of that story after it."""
    out = []
    for story, changed_at in changes:
        later = [t for t in stored.get(story, ()) if t > changed_at]
        if later:
            out.append(min(later) - changed_at)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--modes", nargs="+", default=["stable", "volatile"])
    parser.add_argument("--pages", type=Path, help="the real pages folder (mode 'real')")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per run")
    parser.add_argument("--warmup", type=float, default=4.0)
    parser.add_argument("--bare-seconds", type=float, default=5.0)
    parser.add_argument("--change-rate", type=float, default=2.0, help="article changes/s")
    args = parser.parse_args()
    if "real" in args.modes and not args.pages:
        parser.error("mode 'real' needs --pages FOLDER")
    print(f"cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}", flush=True)
    print(
        f"{'stories':>8} {'mode':>8} {'checks/s':>9} {'bare':>6} {'ratio':>6}"
        f" {'CPU-s/1k main':>13} {'all':>5} {'bare':>5} {'ratio':>6}"
        f" {'RSS MB':>6} {'stored p50/p95 s (n)':>21} {'DB MB/h':>8} {'checks/h':>9}"
    )
    for n in args.stories:
        for mode in args.modes:
            t0 = time.monotonic()
            r = run_one(n, mode, args)
            print(
                f"{r.n:>8} {r.mode:>8} {r.rate:>9.0f} {r.bare_rate:>6.0f}"
                f" {r.rate / r.bare_rate:>6.2f} {r.cpu_main:>13.2f} {r.cpu_all:>5.2f}"
                f" {r.bare_cpu:>5.2f} {r.cpu_main / r.bare_cpu:>6.1f} {r.rss_mb:>6.0f}"
                f" {r.p50:>8.1f} / {r.p95:>4.1f} ({r.latencies:>3})"
                f" {r.db_per_hour / 1e6:>8.0f} {r.check_rows_per_hour:>9.0f}"
                f"   [{time.monotonic() - t0:.0f} s]",
                flush=True,
            )
            for line in r.errors:
                print(f"    tracker run said: {line}", flush=True)


if __name__ == "__main__":
    main()
