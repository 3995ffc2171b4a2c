"""How long a diff takes: sentence alignment with word diffs against plain diff-match-patch.

Prints figures, never asserts a time. Synthetic article pairs are built from the
bundled seed story: its sentences repeated (with their numbers varied, so the
copies differ) up to the wanted length, then a second version made by editing,
deleting, inserting, moving, splitting and merging sentences at fixed rates
with a fixed random seed.

    .venv/bin/python benchmarks/diff_bench.py            # 1,000 and 15,000 words
    .venv/bin/python benchmarks/diff_bench.py --chars    # also the character-level diff
                                                         # of the 15,000-word pair (slow)

Each measurement is one function taking the two texts (``measure_*``); add a new
one to ``MEASUREMENTS`` to have it printed for every pair.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from diff_match_patch import diff_match_patch

from tracker.align import align
from tracker.model import SentenceOp
from tracker.sentences import split_sentences
from tracker.worddiff import word_diff

Thunk = Callable[[], object]
Measurement = Callable[[list[str], list[str]], Thunk]
SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5365f7407493eced.txt"
SIZES = (1_000, 15_000)  # words per article; 15,000 is near MAX_ARTICLE_CHARS
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


# --- measurements: each takes the two texts, does its set-up, returns the thing to time -----


def measure_align_with_word_diffs(a: list[str], b: list[str]) -> Thunk:
    """Sentence alignment; word diffs of every changed pair are part of it."""
    return lambda: align(a, b)


def measure_plain_word_diff(a: list[str], b: list[str]) -> Thunk:
    """One diff-match-patch token diff of the whole texts."""
    return lambda: word_diff(" ".join(a), " ".join(b))


def measure_plain_char_diff(a: list[str], b: list[str]) -> Thunk:
    """One diff-match-patch character diff of the whole texts (exact: no timeout)."""

    def run() -> object:
        differ = diff_match_patch()
        differ.Diff_Timeout = 0
        diffs = differ.diff_main(" ".join(a), " ".join(b), False)
        differ.diff_cleanupSemantic(diffs)
        return diffs

    return run


def measure_diff_files(a: list[str], b: list[str]) -> Thunk:
    """``tracker diff FILE_A FILE_B``: read, split, segment, parse facts, align, compare."""
    from tracker.semdiff import diff_files

    folder = Path(tempfile.mkdtemp(prefix="diff-bench-"))
    path_a, path_b = folder / "a.txt", folder / "b.txt"
    path_a.write_text(_as_article(a), encoding="utf-8")
    path_b.write_text(_as_article(b), encoding="utf-8")
    return lambda: diff_files(path_a, path_b)


def measure_diff_stored(a: list[str], b: list[str]) -> Thunk:
    """``tracker diff URL 1 2``: both versions stored (facts extracted at ingest), no parsing."""
    from tracker.extract import parse_text
    from tracker.ingest import ingest_article
    from tracker.semdiff import diff, stored_side
    from tracker.store import Store

    folder = Path(tempfile.mkdtemp(prefix="diff-bench-"))
    store = Store(f"sqlite:///{folder / 'bench.db'}")
    url = "https://bench.example/story"
    ingest_article(store, url, parse_text(_as_article(a)))
    ingest_article(store, url, parse_text(_as_article(b)))
    return lambda: diff(stored_side(store, url, 1), stored_side(store, url, 2))


def _as_article(sentences: list[str], per_paragraph: int = 3) -> str:
    paragraphs = [
        " ".join(sentences[i : i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)
    ]
    return "\n\n".join(paragraphs) + "\n"


def _warm_up_parser() -> None:
    """Load spaCy once before timing: model loading is a start-up cost, not a diff cost."""
    from tracker.extract import parse_text
    from tracker.semdiff import prepare

    prepare(parse_text("The ministry said two soldiers were killed on Monday."), "warm-up")


def parse_cost_per_1000_words(a: list[str]) -> float:
    """Milliseconds to split, segment and extract facts, per 1,000 words (the cost ingest pays)."""
    from tracker.extract import parse_text
    from tracker.semdiff import prepare

    article = parse_text(_as_article(a))
    start = time.perf_counter()
    prepare(article, "A")
    return (time.perf_counter() - start) * 1000 / (article.words / 1000)


def link_scores(ops: list[SentenceOp], origins: list[tuple[int, ...]]) -> tuple[float, float]:
    """Precision and recall of the (A sentence, B sentence) links against the true ones."""
    truth = {(i, j) for j, origin in enumerate(origins) for i in origin}
    found = {(i, j) for op in ops for i in op.a for j in op.b}
    hits = len(truth & found)
    return hits / max(1, len(found)), hits / max(1, len(truth))


MEASUREMENTS: list[tuple[str, Measurement]] = [
    ("align + word diffs", measure_align_with_word_diffs),
    ("plain dmp word diff", measure_plain_word_diff),
    ("plain dmp char diff", measure_plain_char_diff),
    ("diff from files", measure_diff_files),
    ("diff stored versions", measure_diff_stored),
]
SLOW = {"plain dmp char diff"}  # run on long texts only with --chars
ONCE = {"plain dmp char diff", "diff from files"}  # too slow to repeat
SLOW_ABOVE_WORDS = 5_000


def best_of(measure: Measurement, a: list[str], b: list[str], repeats: int) -> float:
    """Milliseconds of the fastest of ``repeats`` runs (set-up not counted)."""
    run = measure(a, b)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", action="store_true", help="character diff of long texts too")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    args = parser.parse_args()
    align(["Warm up."], ["Warm up!"])  # imports and first-call costs are not part of a diff
    _warm_up_parser()
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
                ms = best_of(measure, a, b, 1 if name in ONCE else args.repeats)
            except ImportError as error:
                print(f"  {name:<24} not available ({error})")
                continue
            print(f"  {name:<24} {ms:10.1f} ms")
        print(f"  {'parse cost':<24} {parse_cost_per_1000_words(a):10.1f} ms per 1,000 words")


if __name__ == "__main__":
    main()
