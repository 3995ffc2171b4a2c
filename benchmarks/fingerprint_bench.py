"""Fingerprint cost per real page, as a ratio to a sha256 of the same bytes, in one run.

    python benchmarks/fingerprint_bench.py ../shared/pages [--repeat 200]

For each page of the folder (read at run time, never copied), it times:

- ``sha256``: ``hashlib.sha256(page).digest()``, the reference;
- ``regex``: :func:`tracker.fingerprint.text_fingerprint`, the regular-expression
  cut over the whole page (the fingerprint before this benchmark, and the fallback);
- ``lexbor``: a selectolax/lexbor parse, the text of the same elements, a hash
  (skipped when selectolax is not installed: ``pip install selectolax``);
- ``region``: :func:`tracker.fingerprint.fingerprint` with the story's region,
  located once from the page's extraction (:func:`tracker.fingerprint.locate`);

and prints each as a ratio to sha256, the one-off cost of locating, the share
of the page the region covers, and whether the region holds every extracted
paragraph. Exit status 1 when a region fingerprint is over 1.5x sha256 or a
region misses a paragraph.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tracker.extract import parse_bytes
from tracker.fingerprint import covers, cut, fingerprint, locate, text_fingerprint

LIMIT = 1.5


def best(fn: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` timings of ``fn``, in seconds (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def lexbor_fingerprint() -> Callable[[bytes], str] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None
    query = "title, p, h1, h2, h3, h4, h5, h6, li, blockquote, dd, figcaption, td, th, pre"

    def run(page: bytes) -> str:
        tree = LexborHTMLParser(page)
        text = " ".join(node.text(deep=True) for node in tree.css(query))
        return hashlib.blake2b(" ".join(text.split()).encode(), digest_size=16).hexdigest()

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", type=Path, help="folder of real pages (*.html)")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args(argv)
    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"error: no *.html pages in {args.pages}", file=sys.stderr)
        return 2
    lexbor = lexbor_fingerprint()
    print(
        f"{'page':34} {'KB':>5} {'sha256 ms':>9} {'regex':>6} {'lexbor':>6} {'region':>6}"
        f" {'locate ms':>9} {'cut %':>5} covers"
    )
    worst = 0.0
    failed = False
    for path in files:
        page = path.read_bytes()
        article = parse_bytes(page, url=path.name, name=path.name)
        t0 = time.perf_counter()
        region = locate(page, article.paragraphs, article.title)
        locate_ms = (time.perf_counter() - t0) * 1000
        sha = best(lambda page=page: hashlib.sha256(page).digest(), args.repeat)
        regex = best(lambda page=page: text_fingerprint(page), max(5, args.repeat // 20))
        lex = (
            best(lambda page=page: lexbor(page), max(5, args.repeat // 20))
            if lexbor is not None
            else None
        )
        if region is None:
            ratio = float("inf")
            share, holds = 0.0, False
        else:
            ratio = best(lambda page=page, r=region: fingerprint(page, region=r), args.repeat) / sha
            parts = cut(page, region) or []
            share = 100 * sum(len(p) for p in parts) / len(page)
            holds = covers(page, region, article.paragraphs)
        worst = max(worst, ratio)
        failed |= ratio > LIMIT or not holds
        lex_text = f"{lex / sha:6.1f}" if lex is not None else "     -"
        print(
            f"{path.stem[:34]:34} {len(page) / 1024:5.0f} {sha * 1000:9.3f} {regex / sha:6.1f}"
            f" {lex_text} {ratio:6.2f} {locate_ms:9.1f} {share:5.1f} {'yes' if holds else 'NO'}"
        )
    print(f"worst region ratio to sha256: {worst:.2f} (limit {LIMIT})")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
