"""Poll throughput: checks per second against a local news server, byte-stable and volatile.

A news server runs in its own process (so it does not share the poller's GIL)
on 127.0.0.1 and serves N stories as ~80 KB pages: a head of inline script and
style, navigation, the article (~15 paragraphs, different for every story), a
list of related stories and a footer (or, with ``--pages DIR``, the real news
pages in DIR, each story one of them with a lede paragraph of its own). Every
round a fraction (``--change``, 1 %) of the stories gets a new article version;
a round is ``--round`` seconds, by default N / 1,000 (the time one pass over all stories takes at
1,000 checks/s), so the change rate is the same ~10 articles/s for every N.

- ``stable``: bytes change only with the article; ETag / 304 answers.
- ``volatile``: every response differs (an ad slot, a page-view id, an
  "updated" timestamp) and carries no validator, while the article text does
  not change between versions.

The poller (one process, the library's :class:`tracker.poll.Poller`, SQLite)
starts from the steady state in which every story has been checked once (its
fingerprint and ETag are known), keeps every story due, and runs for
``--seconds``. Printed per run: checks/s, checks per CPU-second of the poller
(the figure that does not depend on what else the machine runs), the poller's
CPU % (of one core; its extraction process included), its peak RSS (without
the extraction process), the server's CPU %, and the time from an article
changing on the server to its version being stored (median and 95th percentile).

    .venv/bin/python benchmarks/poll_bench.py --stories 1000 10000 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import multiprocessing
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert

from tracker.fetch import Fetcher, FetchSettings
from tracker.poll import CheckReport, Poller, PollSettings, fingerprint
from tracker.scheduler import SchedulePolicy
from tracker.store import Store, utcnow
from tracker.store.schema import Story

# -- the pages ------------------------------------------------------------------------

WORDS = (
    "officials said the storm council harbour village rescue teams reported water levels "
    "rose overnight while residents gathered at the school gym and volunteers carried food "
    "supplies across the bridge before the river crested near the old mill on the eastern bank"
).split()


def _furniture(seed: int) -> tuple[bytes, bytes]:
    rng = random.Random(seed)
    script = "".join(
        f"function f{i}(a,b){{return a*{rng.randint(1, 99)}+b.length;}}\n" for i in range(900)
    )
    style = "".join(f".c{i}{{margin:{i % 7}px;color:#{i:06x};}}\n" for i in range(800))
    nav = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(60))
    head = (
        "<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{style}</style><script>{script}</script></head><body>"
        f"<header><nav><ul>{nav}</ul></nav></header><main>"
    )
    related = "".join(
        f"<li><a href='/story/{rng.randint(0, 99999)}'>Related story number {i} about "
        f"{' '.join(rng.choice(WORDS) for _ in range(6))}</a></li>"
        for i in range(40)
    )
    tail = (
        f"<aside><h2>More stories</h2><ul>{related}</ul></aside></main>"
        "<footer><p>© News Co. All rights reserved.</p></footer></body></html>"
    )
    return head.encode(), tail.encode()


HEAD, TAIL = _furniture(7)


@functools.lru_cache(maxsize=20_000)
def article(story: int, version: int) -> tuple[bytes, bytes]:
    rng = random.Random(story)
    paras = [" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "." for _ in range(15)]
    paras[0] = (
        f"The death toll in district {story} rose to {100 + version}, officials said. " + (paras[0])
    )
    title = f"Storm update {story}"
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<article><h1>{title}</h1><p class='byline'>By Staff</p>{body}</article>"
    ).encode(), title.encode()


# With ``--pages DIR``: real news pages, each story one of them with its own lede paragraph.
REAL: list[tuple[bytes, bytes]] = []  # (before the first <p>, from it on)


def use_real_pages(folder: Path) -> None:
    for path in sorted(folder.glob("*.html")):
        data = path.read_bytes()
        cut = data.find(b"<p")
        if cut > 0:
            REAL.append((data[:cut], data[cut:]))
    if not REAL:
        raise SystemExit(f"no HTML pages with a <p> in {folder}")


def page(story: int, version: int, volatile: bool) -> bytes:
    if REAL:
        before, after = REAL[story % len(REAL)]
        lede = f"<p>The death toll in district {story} rose to {100 + version}.</p>".encode()
        return before + (_noise() if volatile else b"") + lede + after
    text, title = article(story, version)
    head = HEAD.replace(b"{title}", title)
    if not volatile:
        return head + text + TAIL
    return head + _noise() + text + TAIL


def _noise() -> bytes:
    """What makes a volatile page's bytes differ on every fetch: ad slot, timestamp, view id."""
    return (
        f"<div class='ad' data-slot='{random.getrandbits(64):x}'>Sponsored {random.random()}</div>"
        f"<span class='updated'>Updated {time.time():.6f}</span>"
        f"<script>var pageview='{random.getrandbits(128):x}';</script>"
    ).encode()


# -- the server (own process) -----------------------------------------------------------


def serve(port_out: Any, log_out: Any, n: int, volatile: bool, change: float, round_s: float):
    """Serve ``/story/{i}``; every round bump ``change`` of the stories; log change times."""
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
            if volatile:
                self.send(200, page(story, version, True), ())
                return
            etag = f'"{story}-{version}"'
            if inm == etag:
                self.send(304, b"", (("ETag", etag),))
            else:
                self.send(200, page(story, version, False), (("ETag", etag),))

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
        while True:
            await asyncio.sleep(round_s)
            if log_out.poll():
                log_out.recv()
                usage = resource.getrusage(resource.RUSAGE_SELF)
                log_out.send((changes, usage.ru_utime + usage.ru_stime))
                return
            for story in rng.sample(range(n), max(1, int(n * change))):
                versions[story] += 1
                changes.append((story, time.time()))

    asyncio.run(main())


# -- the poller (this process) ------------------------------------------------------------


@dataclass
class Result:
    stories: int
    mode: str
    checks: int
    seconds: float
    cpu: float
    rss_mb: float
    outcomes: Counter[str]
    latency: list[float]
    server_cpu: float


def seed_database(url: str, n: int, port: int, volatile: bool) -> None:
    """The steady state: every story known, its fingerprint (and ETag) from a first check."""
    now = utcnow()
    rows = [
        {
            "url": f"http://127.0.0.1:{port}/story/{i}",
            "created_at": now,
            "status": "active",
            "failures": 0,
            "next_check_at": now,
            "interval_seconds": 1,
            "fingerprint": fingerprint(page(i, 0, volatile)),
            "etag": None if volatile else f'"{i}-0"',
        }
        for i in range(n)
    ]
    with Store(url) as store, store.session() as session:
        session.execute(insert(Story), rows)


async def measure(
    store: Store,
    port: int,
    seconds: float,
    warmup: float,
    concurrency: int,
    per_host: int,
    extract_in: str,
) -> tuple[int, float, float, Counter[str], dict[int, list[float]]]:
    outcomes: Counter[str] = Counter()
    stored: dict[int, list[float]] = {}
    counting = False

    def on_check(report: CheckReport) -> None:
        if not counting:
            return
        outcomes[report.outcome] += 1
        if report.outcome == "changed":
            stored.setdefault(int(report.url.rsplit("/", 1)[1]), []).append(time.time())

    policy = SchedulePolicy(start_interval=0.01, min_interval=0.01, max_interval=0.01)
    settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{port}"}), per_host_limit=per_host)
    async with Fetcher(settings) as fetcher:
        poller = Poller(
            store,
            fetcher,
            policy=policy,
            settings=PollSettings(concurrency=concurrency, extract_in=extract_in),
            on_check=on_check,
        )
        task = asyncio.create_task(poller.drain())
        await asyncio.sleep(warmup)
        counting = True
        cpu0, wall0 = _cpu(poller), time.perf_counter()
        await asyncio.sleep(seconds)
        counting = False
        cpu = _cpu(poller) - cpu0
        wall = time.perf_counter() - wall0
        poller.stopping = True
        await task
        poller.close()
    return sum(outcomes.values()), wall, cpu, outcomes, stored


def _cpu(poller: Poller) -> float:
    """CPU seconds of this process and of the poller's extraction processes."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    tick = os.sysconf("SC_CLK_TCK")
    for pid in getattr(poller._extractor, "_processes", None) or {}:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def run_one(n: int, volatile: bool, args: argparse.Namespace) -> Result:
    port_recv, port_send = multiprocessing.Pipe(duplex=False)
    log_parent, log_child = multiprocessing.Pipe()
    server = multiprocessing.Process(
        target=serve,
        args=(port_send, log_child, n, volatile, args.change, args.round or n / 1000),
        daemon=True,
    )
    server.start()
    port = port_recv.recv()
    server_started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="poll-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        seed_database(url, n, port, volatile)
        with Store(url) as store:
            checks, wall, cpu, outcomes, stored = asyncio.run(
                measure(
                    store,
                    port,
                    args.seconds,
                    args.warmup,
                    args.concurrency,
                    args.per_host,
                    args.extract_in,
                )
            )
    log_parent.send("done")
    changes, server_cpu = log_parent.recv()
    server_wall = time.perf_counter() - server_started
    server.join(timeout=5)
    if server.is_alive():
        server.terminate()
    return Result(
        stories=n,
        mode="volatile" if volatile else "stable",
        checks=checks,
        seconds=wall,
        cpu=cpu / wall * 100,
        rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        outcomes=outcomes,
        latency=_latencies(changes, stored),
        server_cpu=server_cpu / server_wall * 100,
    )


def _latencies(changes: list[tuple[int, float]], stored: dict[int, list[float]]) -> list[float]:
    """For each change, the time until the first 'changed' check of that story after it."""
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
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--change", type=float, default=0.01, help="share changed per round")
    parser.add_argument("--round", type=float, help="seconds per round [default: N / 1000]")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--per-host", type=int, default=32)
    parser.add_argument("--extract-in", choices=["process", "thread"], default="process")
    parser.add_argument("--pages", type=Path, help="real news pages (*.html) to serve instead")
    args = parser.parse_args()
    if args.pages:
        use_real_pages(args.pages)
    sizes = [len(page(i, 0, False)) for i in range(max(1, len(REAL)))]
    print(f"page size: {sum(sizes) / len(sizes) / 1024:.0f} KB; cores: {os.cpu_count()}")
    header = f"{'stories':>8} {'mode':>9} {'checks/s':>9} {'per CPU-s':>9} {'CPU %':>6}"
    print(header + "  RSS MB  server %  change→stored median / p95 (n)   outcomes")
    for n in args.stories:
        for mode in args.modes:
            r = run_one(n, mode == "volatile", args)
            lat = sorted(r.latency)
            median = statistics.median(lat) if lat else float("nan")
            p95 = lat[int(len(lat) * 0.95)] if lat else float("nan")
            rate = r.checks / r.seconds
            print(
                f"{r.stories:>8} {r.mode:>9} {rate:>9.0f} {rate / (r.cpu / 100):>9.0f} "
                f"{r.cpu:>6.0f}  {r.rss_mb:>6.0f} {r.server_cpu:>8.0f}  "
                f"{median:>6.2f} s / {p95:.2f} s ({len(lat)})   {dict(r.outcomes)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
