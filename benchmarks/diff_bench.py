"""How long a diff takes: sentence alignment with word diffs against plain diff-match-patch.

Prints figures, never asserts a time. Synthetic article pairs are built from the
bundled seed story: its sentences repeated (with their numbers varied, so the
copies differ) up to the wanted length, then a second version made by editing,
deleting, inserting, moving, splitting and merging sentences at fixed rates
with a fixed random seed.

    .venv/bin/python benchmarks/diff_bench.py            # 1,000 and 20,000 words
    .venv/bin/python benchmarks/diff_bench.py --chars    # also the character-level diff
                                                         # of the 20,000-word pair (slow)

Each measurement is one function taking the two texts (``measure_*``); add a new
one to ``MEASUREMENTS`` to have it printed for every pair.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from tracker.align import align
from tracker.model import SentenceOp
from tracker.sentences import split_sentences
from tracker.worddiff import word_diff

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5365f7407493eced.txt"
SIZES = (1_000, 20_000)  # words per article
REPEATS = 3  # best of, per measurement
RANDOM_SEED = 20201109

# Per-sentence rates of change between version A and version B.
EDIT, DELETE, INSERT, SPLIT, MERGE = 0.08, 0.03, 0.03, 0.01, 0.01
MOVED_BLOCKS = 2  # runs of 3 sentences moved elsewhere


# --- synthetic versions ----------------------------------------------------------------------


def seed_sentences() -> list[str]:
    paragraphs = SEED.read_text(encoding="utf-8").split("\n\n")
    return [s for p in paragraphs for s in split_sentences(p)]


def version_a(words: int, rng: random.Random) -> list[str]:
    """Seed sentences repeated up to ``words`` words; each copy gets its own numbers."""
    base = seed_sentences()
    sentences: list[str] = []
    total = 0
    copy = 0
    while total < words:
        for sentence in base:
            varied = sentence if copy == 0 else _vary_numbers(sentence, rng)
            sentences.append(varied)
            total += len(varied.split())
            if total >= words:
                break
        copy += 1
    return sentences


def version_b(a: list[str], rng: random.Random) -> tuple[list[str], list[tuple[int, ...]]]:
    """A later version of ``a`` (edits, deletions, insertions, splits, merges, moves).

    Also returns, for each B sentence, the A sentences it came from: the true alignment.
    """
    b: list[tuple[str, tuple[int, ...]]] = []
    k = 0
    while k < len(a):
        sentence, roll = a[k], rng.random()
        if roll < EDIT:
            b.append((_edit(sentence, rng), (k,)))
        elif roll < EDIT + DELETE:
            pass
        elif roll < EDIT + DELETE + INSERT:
            b.append((sentence, (k,)))
            b.append((f"Officials said {rng.randint(2, 900)} more people were hurt.", ()))
        elif roll < EDIT + DELETE + INSERT + SPLIT and ", " in sentence:
            head, tail = sentence.split(", ", 1)
            b.extend([(head + ".", (k,)), (tail[:1].upper() + tail[1:], (k,))])
        elif roll < EDIT + DELETE + INSERT + SPLIT + MERGE and k + 1 < len(a):
            merged = sentence.rstrip(".") + " and " + a[k + 1][:1].lower() + a[k + 1][1:]
            b.append((merged, (k, k + 1)))
            k += 1
        else:
            b.append((sentence, (k,)))
        k += 1
    for _ in range(MOVED_BLOCKS):
        start = rng.randrange(max(1, len(b) - 3))
        block, b[start : start + 3] = b[start : start + 3], []
        target = rng.randrange(len(b) + 1)
        b[target:target] = block
    return [text for text, _origin in b], [origin for _text, origin in b]


def _vary_numbers(sentence: str, rng: random.Random) -> str:
    return re.sub(r"\d+", lambda _m: str(rng.randint(2, 9_999)), sentence)


def _edit(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    position = rng.randrange(len(words))
    words[position] = rng.choice(["killed", "reported", "Tuesday", "1,300", "officials"])
    return " ".join(words)


# --- measurements: (name, function of the two texts) -----------------------------------------


def measure_align_with_word_diffs(a: list[str], b: list[str]) -> object:
    """Sentence alignment; word diffs of every changed pair are part of it."""
    return align(a, b)


def measure_plain_word_diff(a: list[str], b: list[str]) -> object:
    """One diff-match-patch token diff of the whole texts."""
    return word_diff(" ".join(a), " ".join(b))


def measure_plain_char_diff(a: list[str], b: list[str]) -> object:
    """One diff-match-patch character diff of the whole texts (exact: no timeout)."""
    differ = diff_match_patch()
    differ.Diff_Timeout = 0
    diffs = differ.diff_main(" ".join(a), " ".join(b), False)
    differ.diff_cleanupSemantic(diffs)
    return diffs


def measure_semdiff_diff_texts(a: list[str], b: list[str]) -> object:
    """The whole semantic diff of two texts (parse, sections, align, facts), if available."""
    from tracker.semdiff import diff_texts  # optional stage: may not exist yet

    return diff_texts(" ".join(a), " ".join(b))


def link_scores(ops: list[SentenceOp], origins: list[tuple[int, ...]]) -> tuple[float, float]:
    """Precision and recall of the (A sentence, B sentence) links against the true ones."""
    truth = {(i, j) for j, origin in enumerate(origins) for i in origin}
    found = {(i, j) for op in ops for i in op.a for j in op.b}
    hits = len(truth & found)
    return hits / max(1, len(found)), hits / max(1, len(truth))


Measurement = Callable[[list[str], list[str]], object]
MEASUREMENTS: list[tuple[str, Measurement]] = [
    ("align + word diffs", measure_align_with_word_diffs),
    ("plain dmp word diff", measure_plain_word_diff),
    ("plain dmp char diff", measure_plain_char_diff),
    ("semdiff.diff_texts", measure_semdiff_diff_texts),
]
SLOW = {"plain dmp char diff"}  # run on long texts only with --chars
SLOW_ABOVE_WORDS = 5_000


def best_of(measure: Measurement, a: list[str], b: list[str], repeats: int) -> float:
    """Milliseconds of the fastest of ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        measure(a, b)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", action="store_true", help="character diff of long texts too")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    align(["Warm up."], ["Warm up!"])  # imports and first-call costs are not part of a diff
    for words in SIZES:
        rng = random.Random(RANDOM_SEED + words)
        a = version_a(words, rng)
        b, origins = version_b(a, rng)
        ops = align(a, b)
        kinds = {kind: sum(op.op == kind for op in ops) for kind in sorted({op.op for op in ops})}
        precision, recall = link_scores(ops, origins)
        print(f"\n{words:,} words: A {len(a)} sentences, B {len(b)} sentences; ops {kinds}")
        print(f"  alignment links: precision {precision:.3f}, recall {recall:.3f}")
        for name, measure in MEASUREMENTS:
            if name in SLOW and words > SLOW_ABOVE_WORDS and not args.chars:
                print(f"  {name:<24} skipped (use --chars)")
                continue
            try:
                ms = best_of(measure, a, b, 1 if name in SLOW else args.repeats)
            except ImportError as error:
                print(f"  {name:<24} not available ({error})")
                continue
            print(f"  {name:<24} {ms:10.1f} ms")


if __name__ == "__main__":
    main()
