"""Discovery and alert latency of ``tracker run`` with many sources, on a local server.

A made-up outlet per source (``--sources``, 50) runs on one local HTTP server on
127.0.0.1, each with an RSS feed of ``--articles`` (100) articles that are
already tracked (stored once, facts extracted, validators known: the steady
state of a daemon that has been running for a while). Then ``tracker run``
(a real subprocess, the command users run, SQLite) is started with a
``tracker.toml`` that follows every feed (re-read every ``--source-every``) and
alerts one local webhook receiver, and for ``--seconds`` the benchmark

- publishes a new article in a random feed every ``--publish-every`` seconds:
  **discovery latency** = first version stored (its ``fetched_at``) − the moment
  the feed listed it;
- changes the death toll of a random tracked article every ``--update-every``
  seconds: **alert latency** = webhook message received − the moment the
  server served the new text.

Printed: p50 / p95 / max of both, and how many were seen. The schedule used is
printed too (it bounds the latencies: a story is re-checked every
``--max-interval`` at worst, and facts are extracted every ``--facts-every``).

    .venv/bin/python benchmarks/sources_bench.py --sources 50 --articles 100 --seconds 120
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, update  # noqa: E402

from tests.httpserver import TestHTTPServer  # noqa: E402
from tests.newsroom import Newsroom, story_paragraphs  # noqa: E402
from tests.receivers import WebhookReceiver  # noqa: E402
from tracker.extract import parse_page  # noqa: E402
from tracker.poll import fingerprint  # noqa: E402
from tracker.sections import split_article  # noqa: E402
from tracker.semdiff import prepare  # noqa: E402
from tracker.sentences import segment  # noqa: E402
from tracker.store import Store  # noqa: E402
from tracker.store.schema import Story, Version  # noqa: E402
from tracker.store.sources import SourceSettings, add_items, follow_source  # noqa: E402


def percentiles(values: list[float]) -> str:
    if not values:
        return "none"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered):.1f} s, p95 {p95:.1f} s, max {ordered[-1]:.1f} s"


def seed(store: Store, server: TestHTTPServer, rooms: list[Newsroom], every: int) -> None:
    """Every listed article tracked, stored once with facts, its validators known."""
    template = rooms[0].articles[0]
    html = server.url(template.path)
    page = parse_page(_body(server, template.path).decode(), url=html, name=html)
    side = prepare(page, "v1")  # one article text, parsed once, facts extracted once
    facts = list(side.facts)
    split = split_article(page)
    sentences = segment(split)
    now = datetime.now(UTC)
    for i, room in enumerate(rooms):
        follow_source(store, SourceSettings(url=room.url("/rss.xml"), every_seconds=every))
        source_id = i + 1
        items = [(server.url(a.path), a.title) for a in room.articles]
        add_items(store, source_id, items, label=f"Outlet {i:02d}", every=None)
        for url, _ in items:
            store.save_version(url, page, split, sentences, fetched_at=now, facts=facts)
    with store.session() as session:
        for story in session.scalars(select(Story)):
            path = "/" + story.url.split("/", 3)[3]
            route = server._route_for(path)  # the page as served: its validators
            story.etag = route.etag  # type: ignore[union-attr]
            story.last_modified = route.last_modified  # type: ignore[union-attr]
            story.fingerprint = fingerprint(route.body)  # type: ignore[union-attr]
            story.interval_seconds = 30
            story.next_check_at = now + timedelta(seconds=random.uniform(0, 30))
            story.last_changed_at = now
        session.execute(update(Version).values(fetched_at=now - timedelta(hours=1)))


def _body(server: TestHTTPServer, path: str) -> bytes:
    return server._route_for(path).body  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--publish-every", type=float, default=1.0)
    parser.add_argument("--update-every", type=float, default=2.0)
    parser.add_argument("--source-every", default="10s")
    parser.add_argument("--min-interval", default="10s")
    parser.add_argument("--max-interval", default="30s")
    parser.add_argument("--facts-every", default="2s")
    parser.add_argument("--settle", type=float, default=60.0, help="wait for stragglers")
    args = parser.parse_args()
    random.seed(7)
    work = Path(tempfile.mkdtemp(prefix="sources-bench-"))
    db = f"sqlite:///{work / 'bench.db'}"
    hook = WebhookReceiver().up()
    with TestHTTPServer() as server:
        rooms = [Newsroom(server, prefix=f"s{i:02d}") for i in range(args.sources)]
        same = story_paragraphs(0, 32, town="Port Ellis")
        for room in rooms:
            for j in range(args.articles):
                room.publish(
                    f"ferry-story-number-{j:03d}", "Ferry capsizes", paragraphs=same, relist=False
                )
            room.relist()
        started = time.monotonic()
        with Store(db) as store:
            from tracker.scheduler import parse_duration

            seed(store, server, rooms, round(parse_duration(args.source_every)))
        print(
            f"seeded {args.sources} sources x {args.articles} articles in "
            f"{time.monotonic() - started:.1f} s",
            flush=True,
        )
        config = work / "tracker.toml"
        config.write_text(
            "".join(
                f'[[sources]]\nurl = "{room.url("/rss.xml")}"\nlabel = "Outlet {i:02d}"\n'
                f'every = "{args.source_every}"\n\n'
                for i, room in enumerate(rooms)
            )
            + f'[[alerts]]\nname = "bench"\nwebhook = "{hook.url}"\nsecret = "b"\nbackoff = "1s"\n'
        )
        env = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1"}
        command = [
            sys.executable, "-m", "tracker", "run", "--db", db, "--config", str(config),
            "--quiet", "--facts-every", args.facts_every, "--min-interval", args.min_interval,
            "--max-interval", args.max_interval,
        ]  # fmt: skip
        log = (work / "run.log").open("w")
        daemon = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            time.sleep(5)  # start-up: spaCy in the facts process, the first source reads
            published: dict[str, float] = {}  # url -> wall time the feed listed it
            updated: dict[str, list[float]] = {}  # url -> wall times its text changed
            tracked = [a for room in rooms for a in room.articles]
            end = time.monotonic() + args.seconds
            next_publish = next_update = time.monotonic()
            n = 0
            while time.monotonic() < end:
                now = time.monotonic()
                if now >= next_publish:
                    room = random.choice(rooms)
                    path = room.publish(f"new-story-number-{n:04d}", f"New story {n}", killed=40)
                    published[server.url(path)] = time.time()
                    n += 1
                    next_publish += args.publish_every
                if now >= next_update:
                    article = random.choice(tracked)
                    count = 33 + len(updated.get(article.path, []))
                    room = next(r for r in rooms if article.path.startswith(f"/{r.prefix}/"))
                    room.update(article.path, story_paragraphs(0, count, town="Port Ellis"))
                    updated.setdefault(server.url(article.path), []).append(time.time())
                    next_update += args.update_every
                time.sleep(0.02)
            expected_alerts = sum(len(v) for v in updated.values())
            deadline = time.monotonic() + args.settle
            while time.monotonic() < deadline:
                if len(hook.hook.posts) >= expected_alerts and _stored(db, published) == len(
                    published
                ):
                    break
                time.sleep(1)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
            hook.close()
    discovery = _discovery(db, published)
    alerts = _alerts(hook, updated)
    print(
        f"schedule: sources re-read every {args.source_every}, stories every "
        f"{args.min_interval}…{args.max_interval}, facts job every {args.facts_every}"
    )
    print(
        f"discovery latency (listed in a feed → first version stored): {percentiles(discovery)} "
        f"({len(discovery)}/{len(published)} articles)"
    )
    print(
        f"alert latency (update served → webhook received): {percentiles(alerts)} "
        f"({len(alerts)}/{sum(len(v) for v in updated.values())} updates)"
    )
    print(f"(work folder {work})")


def _stored(db: str, published: dict[str, float]) -> int:
    with Store(db) as store, store.session() as session:
        rows = session.scalars(
            select(Story.url)
            .join(Version, Version.story_id == Story.id)
            .where(Story.url.in_(list(published)), Version.number == 1)
        ).all()
    return len(rows)


def _discovery(db: str, published: dict[str, float]) -> list[float]:
    with Store(db) as store, store.session() as session:
        rows = session.execute(
            select(Story.url, Version.fetched_at)
            .join(Version, Version.story_id == Story.id)
            .where(Story.url.in_(list(published)), Version.number == 1)
        ).all()
    return [fetched.timestamp() - published[url] for url, fetched in rows]


def _alerts(hook: WebhookReceiver, updated: dict[str, list[float]]) -> list[float]:
    """Each received alert against the update it reports (version 2 is the first update)."""
    latencies = []
    for body, _, received in hook.hook.posts:
        document = json.loads(body)
        times = updated.get(document["story"]["url"], [])
        k = document["version"] - 2
        if 0 <= k < len(times):
            latencies.append(received - times[k])
    return latencies


if __name__ == "__main__":
    main()
