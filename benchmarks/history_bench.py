"""How fast history, blame, facts and search answer, and how they grow with the story.

    python benchmarks/history_bench.py [--db URL] [--stories 10000] [--repeat 5]

Builds synthetic stories of 25, 50, 100 and 200 versions (each version edits a
sentence, and now and then adds, drops or moves one; a death toll rises every
ten versions, stored as a fact), plus ``--stories`` five-version stories written
in bulk, then prints the median time of each query next to the number of
sentence rows the long story holds (its versions' lengths summed). Default: a fresh SQLite
file in a temporary directory; ``--db`` takes a PostgreSQL URL (its tables must
be empty or absent).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from tracker import queries
from tracker.facts.model import Fact
from tracker.model import Article, Section, Sentence, Split
from tracker.store import Store
from tracker.store.repository import text_hash
from tracker.store.schema import SentenceText, Story, Version, VersionSentence

START = datetime(2024, 5, 1, tzinfo=UTC)
PLACES = ["Riverton", "Ashford", "Millbrook", "Lakeside", "Stonebridge", "Fairview", "Oakdale"]
NOUNS = ["bridge", "road", "school", "hospital", "shelter", "dam", "market", "station", "farm"]
VERBS = ["closed", "flooded", "reopened", "damaged", "evacuated", "inspected", "repaired"]
WHO = ["officials", "the mayor", "police", "residents", "engineers", "the governor", "volunteers"]
WHEN = ["on Monday", "overnight", "on Tuesday", "early Wednesday", "late Thursday", "at dawn"]


def sentence(rng: random.Random, tag: str) -> str:
    """A plausible, distinct news sentence; ``tag`` keeps texts of different stories apart."""
    return (
        f"The {rng.choice(NOUNS)} in {rng.choice(PLACES)} was {rng.choice(VERBS)} "
        f"{rng.choice(WHEN)}, {rng.choice(WHO)} said of report {tag}-{rng.randrange(10**6)}."
    )


def toll_sentence(toll: int) -> str:
    return f"At least {toll} people were killed in the floods, officials said."


def evolve(rng: random.Random, body: list[str], k: int, tag: str) -> list[str]:
    """The next version: one sentence edited; every 3rd adds, every 7th drops, every 11th moves."""
    body = list(body)
    i = rng.randrange(1, len(body))
    body[i] = body[i].replace(" was ", f" was again {rng.choice(VERBS)} and ", 1)[:400]
    if k % 3 == 0:
        body.insert(rng.randrange(1, len(body) + 1), sentence(rng, tag))
    if k % 7 == 0 and len(body) > 10:
        body.pop(rng.randrange(2, len(body)))
    if k % 11 == 0:
        body.insert(rng.randrange(1, len(body)), body.pop(rng.randrange(1, len(body))))
    return body


def story_versions(n: int, tag: str, seed: int) -> list[tuple[list[str], int]]:
    """``n`` versions of one story as (sentences, death toll); sentence 0 states the toll."""
    rng = random.Random(seed)
    body = ["placeholder"] + [sentence(rng, tag) for _ in range(30)]
    out = []
    for k in range(n):
        toll = 10 + 7 * (k // 10)
        if k:
            body = evolve(rng, body, k, tag)
        body[0] = toll_sentence(toll)
        out.append((list(body), toll))
    return out


def facts_for(toll: int) -> list[dict[str, Any]]:
    fact = Fact("quantity", 0, "kill", "killed", number=str(toll), value=float(toll))
    return [fact.to_json()]


def save_long_story(store: Store, url: str, n: int, seed: int) -> None:
    """Through the real write path: one transaction per version."""
    for k, (body, toll) in enumerate(story_versions(n, url.rsplit("/", 1)[-1], seed)):
        article = Article(paragraphs=tuple(body))
        split = Split(sections=(Section("body", tuple(body)),))
        sentences = [Sentence(text, i, i, "body") for i, text in enumerate(body)]
        at = START + timedelta(minutes=30 * k)
        store.save_version(url, article, split, sentences, fetched_at=at, facts=facts_for(toll))


def bulk_stories(store: Store, count: int, versions: int = 5) -> None:
    """``count`` short stories written with multi-row INSERTs (setup speed, not a code path)."""
    with store.session() as session:
        next_sentence = (
            session.scalar(select(SentenceText.id).order_by(SentenceText.id.desc())) or 0
        ) + 1
        next_story = (session.scalar(select(Story.id).order_by(Story.id.desc())) or 0) + 1
        next_version = (session.scalar(select(Version.id).order_by(Version.id.desc())) or 0) + 1
        stories, version_rows, sentence_rows, links = [], [], [], []
        ids = {text: i for i, text in session.execute(select(SentenceText.id, SentenceText.text))}
        for s in range(count):
            story_id = next_story + s
            url = f"https://bench.example/short/{s}"
            stories.append(
                {"id": story_id, "url": url, "status": "active", "created_at": START, "failures": 0}
            )
            for k, (body, toll) in enumerate(story_versions(versions, f"s{s}", seed=s)):
                version_id = next_version
                next_version += 1
                version_rows.append(
                    {
                        "id": version_id,
                        "story_id": story_id,
                        "number": k + 1,
                        "fetched_at": START + timedelta(hours=k, seconds=s),
                        "text_hash": text_hash("\n".join(body)),
                        "words": sum(len(t.split()) for t in body),
                        "sections": ["body"],
                        "facts": facts_for(toll),
                    }
                )
                for position, text in enumerate(body):
                    if text not in ids:
                        ids[text] = next_sentence
                        sentence_rows.append(
                            {"id": next_sentence, "hash": text_hash(text), "text": text}
                        )
                        next_sentence += 1
                    links.append(
                        {
                            "version_id": version_id,
                            "position": position,
                            "sentence_id": ids[text],
                            "paragraph": position,
                            "section": "body",
                        }
                    )
        for table, rows in (
            (Story, stories),
            (SentenceText, sentence_rows),
            (Version, version_rows),
            (VersionSentence, links),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(table), rows[start : start + 5000])


def median_ms(call: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--stories", type=int, default=10_000, help="short 5-version stories")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.db or f"sqlite:///{Path(scratch) / 'bench.db'}"
        with Store(url) as store:
            started = time.perf_counter()
            sizes = (25, 50, 100, 200)
            for n in sizes:
                save_long_story(store, f"https://bench.example/long/{n}", n, seed=n)
            long_done = time.perf_counter()
            bulk_stories(store, args.stories)
            print(
                f"setup: {sum(sizes)} versions of 4 long stories in {long_done - started:.1f} s; "
                f"{args.stories} stories x 5 versions in {time.perf_counter() - long_done:.1f} s "
                f"({store.engine.dialect.name})"
            )
            columns = ("sentences", "history", "blame", "facts", "search")
            print(f"{'versions':>8}  " + "  ".join(f"{c:>9}" for c in columns) + "  (median ms)")
            phrase = "people were killed in the floods"
            for n in sizes:
                story = f"https://bench.example/long/{n}"
                row = [
                    median_ms(lambda s=story: queries.history(store, s), args.repeat),
                    median_ms(lambda s=story: queries.blame(store, s), args.repeat),
                    median_ms(lambda s=story: queries.fact_timeline(store, s), args.repeat),
                    median_ms(lambda s=story: queries.search(store, phrase, story=s), args.repeat),
                ]
                read = sum(len(body) for body, _ in story_versions(n, story.rsplit("/", 1)[-1], n))
                print(f"{n:>8}  {read:>9}  " + "  ".join(f"{ms:>9.1f}" for ms in row))
            short = f"https://bench.example/short/{args.stories // 2}"
            row = [
                median_ms(lambda: queries.history(store, short), args.repeat),
                median_ms(lambda: queries.blame(store, short), args.repeat),
                median_ms(lambda: queries.fact_timeline(store, short), args.repeat),
            ]
            label = f"5 (1 of {args.stories})"
            print(f"{label:>8}  {'':>9}  " + "  ".join(f"{ms:>9.1f}" for ms in row))
            rare = next(
                t
                for t in story_versions(5, f"s{args.stories // 2}", seed=args.stories // 2)[0][0]
                if t.startswith("The ")
            )
            rare_phrase = " ".join(rare.split()[-3:]).rstrip(".")
            hits = queries.search(store, rare_phrase)
            print(
                f"search {rare_phrase!r} over all {args.stories * 5 + sum(sizes)} versions: "
                f"{median_ms(lambda: queries.search(store, rare_phrase), args.repeat):.1f} ms "
                f"({len(hits)} story)"
            )
            common = "people were killed in the floods"
            hits = queries.search(store, common)
            elapsed = median_ms(lambda: queries.search(store, common), 1)
            print(f"search {common!r} (in every story): {elapsed:.0f} ms ({len(hits)} stories)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
