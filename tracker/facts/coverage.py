"""How much of each sentence the other version already says, and where; the sidebar
(a run of new sentences) a version dropped into an otherwise unchanged story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from tracker.facts import lexicon as lx
from tracker.facts.candidates import Side
from tracker.facts.normalize import fold, stems
from tracker.facts.style import without_conversions
from tracker.model import Sentence

FIGURE_TOKEN = re.compile(r"\d[\d,.]*")


@dataclass(frozen=True)
class Coverage:
    """For each sentence, how well the other version already says it (0..100), and where."""

    a_score: list[float]
    b_score: list[float]
    b_best: list[int]


def coverage_of(a_sentences: Sequence[Sentence], b_sentences: Sequence[Sentence]) -> Coverage:
    """Directional: B's sentence j is covered when some A sentence says all of it."""
    a_texts = [fold(s.text) for s in a_sentences]
    b_texts = [fold(s.text) for s in b_sentences]
    if not a_texts or not b_texts:
        return Coverage([0.0] * len(a_texts), [0.0] * len(b_texts), [-1] * len(b_texts))
    same = process.cdist(a_texts, b_texts, scorer=fuzz.ratio, workers=1)
    b_in_a, a_in_b = same.copy(), same.copy()
    a_stems = [stems(s.text) for s in a_sentences]
    b_stems = [stems(s.text) for s in b_sentences]
    shared = _shared_counts(a_stems, b_stems)
    b_sizes = np.array([len(new) for new in b_stems], dtype=float)
    a_sizes = np.array([len(old) for old in a_stems], dtype=float)
    cols, rows = b_sizes > 0, a_sizes > 0
    b_in_a[:, cols] = np.maximum(b_in_a[:, cols], 100.0 * shared[:, cols] / b_sizes[cols])
    a_in_b[rows] = np.maximum(a_in_b[rows], 100.0 * shared[rows] / a_sizes[rows, None])
    partner = b_in_a.argmax(axis=0)  # before the figure rule flattens the scores
    for j, new in enumerate(b_stems):  # a merge: two old sentences told as one
        if len(a_stems) < 2 or not new:
            continue
        first, second = b_in_a[:, j].argsort()[-2:]
        merged = len(new & (a_stems[first] | a_stems[second])) / len(new)
        b_in_a[partner[j], j] = max(b_in_a[partner[j], j], 100.0 * merged * lx.MERGE_DISCOUNT)
    # a conversion's figures restate a measure already given: they are no new figure
    a_numbers = [set(FIGURE_TOKEN.findall(fold(without_conversions(s.text)))) for s in a_sentences]
    for j, sentence in enumerate(b_sentences):
        numbers = set(FIGURE_TOKEN.findall(fold(without_conversions(sentence.text))))
        if not numbers:
            continue
        # a new figure is news however similar the wording
        news = [i for i, known in enumerate(a_numbers) if not numbers <= known]
        b_in_a[news, j] = np.minimum(b_in_a[news, j], lx.COVERED_SIMILARITY - 1)
    scores = b_in_a
    return Coverage(
        a_score=[float(row.max()) for row in a_in_b],
        b_score=[float(scores[:, j].max()) for j in range(len(b_texts))],
        b_best=[int(i) for i in partner],
    )


# Stems per block of _shared_counts: its 0/1 matrices stay a few MB however many stems the
# versions share (one dense pair for 2,000 sentences x 5,500 shared stems was 260 MB).
_STEM_BLOCK = 512


def _shared_counts(a_stems: Sequence[set[str]], b_stems: Sequence[set[str]]) -> np.ndarray:
    """How many stems each A sentence shares with each B sentence: len(a & b) for all pairs."""
    common = sorted(set().union(*a_stems) & set().union(*b_stems))
    column = {stem: k for k, stem in enumerate(common)}
    shared = np.zeros((len(a_stems), len(b_stems)), dtype=np.float32)  # exact below 2**24
    a_rows, a_cols = _cells(a_stems, column)
    b_rows, b_cols = _cells(b_stems, column)
    for start in range(0, len(common), _STEM_BLOCK):
        end = min(start + _STEM_BLOCK, len(common))
        a_has = np.zeros((len(a_stems), end - start), dtype=np.float32)
        b_has = np.zeros((len(b_stems), end - start), dtype=np.float32)
        for has, rows, cols in ((a_has, a_rows, a_cols), (b_has, b_rows, b_cols)):
            inside = (cols >= start) & (cols < end)
            has[rows[inside], cols[inside] - start] = 1.0
        shared += a_has @ b_has.T
    return shared


def _cells(side: Sequence[set[str]], column: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(sentence, stem column) of every stem of ``side`` that both versions have."""
    pairs = [(i, column[w]) for i, words in enumerate(side) for w in words if w in column]
    cells = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return cells[:, 0], cells[:, 1]


def novel_share(text: str, vocabulary: set[str]) -> float:
    words = stems(text)
    if not words:
        return 0.0
    return len(words - vocabulary) / len(words)


def vocabulary_of(sentences: Iterable[Sentence]) -> set[str]:
    return set().union(*(stems(s.text) for s in sentences))


def inserted_block(b: Side, cover: Coverage) -> set[int]:
    """A long run of new sentences dropped into an otherwise unchanged story (a sidebar).

    The run may hold a few short sentences that happen to echo the story.
    """
    kept = [score >= lx.SAME_SENTENCE_SIMILARITY for score in cover.a_score]
    if not kept or sum(kept) / len(kept) < lx.BLOCK_KEPT_SHARE:
        return set()
    block: set[int] = set()
    run: list[int] = []
    gap = 0
    for sentence in [*b.sentences, None]:
        if sentence is not None and cover.b_score[sentence.index] < lx.COVERED_SIMILARITY:
            run.append(sentence.index)
            gap = 0
            continue
        gap += 1
        if sentence is not None and run and gap <= lx.BLOCK_GAP:
            continue
        if len(run) >= lx.BLOCK_RUN:
            block.update(range(min(run), max(run) + 1))
        run, gap = [], 0
    return block
