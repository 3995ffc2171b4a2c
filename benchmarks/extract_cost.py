"""CPU per changed real page: what the poller's extraction worker pays for a new fingerprint.

    python benchmarks/extract_cost.py ../shared/pages [--repeat 3]

For each page of the folder (read at run time, never copied) it times, in CPU
seconds of this process (best of ``--repeat``), the stages of
:func:`tracker.poll.ingest_checked`: extraction (trafilatura), split and
segmentation, storing the version in a SQLite file, and the check that the
story's article region still holds the text (:func:`tracker.fingerprint.covers`).
Each repeat stores a new version (the page with a changed first paragraph), as a
real change does.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from tracker.extract import parse_bytes
from tracker.fingerprint import covers, locate
from tracker.ingest import ingest_article
from tracker.model import Article
from tracker.sections import split_article
from tracker.sentences import segment
from tracker.store import Store

LIMIT_MS = 20.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"error: no *.html pages in {args.pages}", file=sys.stderr)
        return 2
    print(
        f"{'page':32} {'extract':>8} {'segment':>8} {'store':>7} {'region':>7} {'total ms':>9}"
        "  (CPU, best of repeats)"
    )
    totals = []
    with tempfile.TemporaryDirectory() as folder, Store(f"sqlite:///{folder}/x.db") as store:
        for path in files:
            page = path.read_bytes()
            best = [float("inf")] * 4
            for n in range(args.repeat):
                t0 = time.process_time()
                article = parse_bytes(page, url=path.name, name=path.name)
                t1 = time.process_time()
                first = (f"Revision {n}: {article.paragraphs[0]}",)
                article = Article(first + article.paragraphs[1:], article.title, article.byline)
                segment(split_article(article))
                t2 = time.process_time()
                ingest_article(store, f"https://x/{path.name}", article, raw_html=page, facts=False)
                t3 = time.process_time()
                # The region check every extraction makes (locating again is rarer).
                region = locate(page, article.paragraphs[1:], article.title)
                t4 = time.process_time()
                if region is not None:
                    covers(page, region, article.paragraphs[1:])
                t5 = time.process_time()
                # ingest_article segments again: its segmentation is counted once, above
                stages = (t1 - t0, t2 - t1, (t3 - t2) - (t2 - t1), t5 - t4)
                for i, value in enumerate(stages):
                    best[i] = min(best[i], value * 1000)
            total = sum(best)
            totals.append(total)
            print(
                f"{path.stem[:32]:32} {best[0]:8.1f} {best[1]:8.1f} {best[2]:7.1f}"
                f" {best[3]:7.1f} {total:9.1f}"
            )
    print(
        f"mean {sum(totals) / len(totals):.1f} ms, worst {max(totals):.1f} ms per changed page "
        f"(aim: {LIMIT_MS:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
