"""Benchmark: fact extraction cost per 1,000 words and comparison cost per diff.

Usage: .venv/bin/python benchmarks/bench_facts.py FILE [FILE ...]
Prints numbers; never gates CI.
"""

from __future__ import annotations

import itertools
import sys
import time
from pathlib import Path

from tracker.extract import read_article
from tracker.facts import compare_facts, extract_facts
from tracker.facts.extract import nlp
from tracker.sections import split_article
from tracker.sentences import segment


def main(paths: list[str]) -> None:
    started = time.perf_counter()
    nlp()
    print(f"model load: {time.perf_counter() - started:.2f} s")
    versions = [segment(split_article(read_article(Path(p)))) for p in paths]
    words = sum(len(s.text.split()) for sentences in versions for s in sentences)
    started = time.perf_counter()
    facts = [extract_facts(sentences) for sentences in versions]
    extract_s = time.perf_counter() - started
    print(
        f"extract: {len(versions)} versions, {words} words, {extract_s:.2f} s "
        f"= {1000 * extract_s / max(words, 1):.3f} s per 1,000 words, "
        f"{len(versions) / extract_s:.1f} versions/s"
    )
    started = time.perf_counter()
    pairs = 0
    sides = list(zip(versions, facts, strict=True))
    for (a, fa), (b, fb) in itertools.pairwise(sides):
        compare_facts(a, fa, b, fb, [])
        pairs += 1
    compare_s = time.perf_counter() - started
    print(f"compare: {pairs} pairs, {1000 * compare_s / max(pairs, 1):.1f} ms per diff")


if __name__ == "__main__":
    main(sys.argv[1:])
