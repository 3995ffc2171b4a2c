"""Align the sentences of two versions: equal, moved, edited, added, removed, split, merged.

Similarity alone cannot do this on wire copy, where a breaking update repeats
old facts almost word for word at the top while a real fact edit ("It was not
clear who shot it down." → "Azerbaijan later said its forces shot it down.")
keeps only half its characters. Position decides instead:

1. anchor on the longest common subsequence of near-identical sentences;
2. inside each gap between two anchors, pair what is left by similarity in
   order, letting one sentence pair with two or three (split, merge);
3. match what is still left anywhere, at a high threshold, as moves.

Output reads top to bottom like a unified diff: B in order, each removed A
sentence where it stood relative to its neighbours.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from tracker.model import SentenceOp, SentenceOpKind
from tracker.worddiff import word_diff

# --- thresholds (rapidfuzz ratio on normalised text, 0..1) -----------------------------------

# Two sentences this similar are "the same sentence" (an anchor, or a move when out of order).
NEAR_IDENTICAL = 0.85
# Inside a gap between anchors, pairs at least this similar are edits of each other ...
GAP_PAIR = 0.45
# ... and so are less similar pairs that share enough content words (a rewritten lede).
GAP_PAIR_WITH_SHARED_WORDS = 0.3
SHARED_CONTENT_WORDS = 2
# Outside their gap, sentences this similar are one sentence moved (and perhaps edited).
MOVED = 0.75
# A split / merge must beat the best one-to-one pairing of its parts by this much ...
SPLIT_GAIN = 0.05
# ... and every part must be this contained in the other side (rapidfuzz partial_ratio).
SPLIT_PART_CONTAINED = 0.6
MAX_SPLIT_PARTS = 3
# Larger gaps are paired greedily instead of by dynamic programming (keeps long texts fast).
MAX_GAP_CELLS = 40_000

# House-style variants that are not edits: (pattern, replacement), applied in order.
_HOUSE_STYLE: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[“”„‟″«»]"), '"'),
    (re.compile(r"[‘’‚‛′`]"), "'"),
    (re.compile(r"\s*(?:--|[—–‒―])\s*"), " - "),
    (re.compile(r"\u00a0"), " "),
    (re.compile(r"\s+"), " "),
)

# Words that say nothing about what a sentence is about.
_STOPWORD_LIST = """
    a an the and or but if of to in on at by for with from as into onto over under about after
    before than then that this these those there here it its it's he she they them his her their
    we our you your i me my is are was were be been being has have had do does did not no so
    said says say told who whom which what when where why how also more most very just
    will would could should can may might must s
"""
_STOPWORDS = frozenset(_STOPWORD_LIST.split())
_WORD = re.compile(r"[a-z0-9]+(?:[.,'][a-z0-9]+)*")


# --- public API ------------------------------------------------------------------------------


def similarity(x: str, y: str) -> float:
    """How alike two sentences are, 0..1 (character edit ratio after house-style normalising)."""
    return fuzz.ratio(_normalise(x), _normalise(y)) / 100.0


def align(a: Sequence[str], b: Sequence[str]) -> list[SentenceOp]:
    """The sentence operations that turn ``a`` into ``b``, in B's reading order."""
    aligner = _Aligner([_normalise(s) for s in a], [_normalise(s) for s in b])
    matches = aligner.run()
    return _order(_to_ops(a, b, matches))


# --- normalising -----------------------------------------------------------------------------


def _normalise(text: str) -> str:
    text = text.lower()
    for pattern, replacement in _HOUSE_STYLE:
        text = pattern.sub(replacement, text)
    return text.strip()


def _content_words(normalised: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(normalised) if w not in _STOPWORDS)


# --- the alignment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    kind: SentenceOpKind
    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float


class _Aligner:
    """Holds the normalised sides and which indexes are already matched."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        self.a, self.b = a, b
        self.free_a = [True] * len(a)
        self.free_b = [True] * len(b)
        self.matches: list[_Match] = []
        self._words_a: dict[int, frozenset[str]] = {}
        self._words_b: dict[int, frozenset[str]] = {}

    def run(self) -> list[_Match]:
        anchors = self._anchors()
        for i, j in anchors:
            kind: SentenceOpKind = "equal" if self.a[i] == self.b[j] else "edited"
            self._take(_Match(kind, (i,), (j,), self._score(i, j)))
        # An identical sentence out of LCS order was moved; take those before gap pairing
        # so a weak in-gap pairing cannot steal a sentence that clearly moved.
        self._match_moves(NEAR_IDENTICAL)
        for gap_a, gap_b in self._gaps(anchors):
            self._pair_gap(gap_a, gap_b)
        self._match_moves(MOVED)
        for i in range(len(self.a)):
            if self.free_a[i]:
                self.matches.append(_Match("removed", (i,), (), 0.0))
        for j in range(len(self.b)):
            if self.free_b[j]:
                self.matches.append(_Match("added", (), (j,), 0.0))
        return self.matches

    # -- bookkeeping

    def _take(self, match: _Match) -> None:
        for i in match.a:
            self.free_a[i] = False
        for j in match.b:
            self.free_b[j] = False
        self.matches.append(match)

    def _score(self, i: int, j: int) -> float:
        return fuzz.ratio(self.a[i], self.b[j]) / 100.0

    # -- step 1: anchors

    def _anchors(self) -> list[tuple[int, int]]:
        """LCS of identical sentences, then LCS of near-identical ones inside its gaps."""
        exact = _exact_lcs(self.a, self.b)
        anchors: list[tuple[int, int]] = []
        for gap_a, gap_b, following in _gaps_between(exact, len(self.a), len(self.b)):
            anchors.extend(self._near_identical_lcs(gap_a, gap_b))
            if following is not None:
                anchors.append(following)
        return anchors

    def _near_identical_lcs(self, gap_a: list[int], gap_b: list[int]) -> list[tuple[int, int]]:
        if not gap_a or not gap_b:
            return []
        scores = _score_matrix([self.a[i] for i in gap_a], [self.b[j] for j in gap_b])
        candidates = [
            (gap_a[x], gap_b[y], float(scores[x, y]))
            for x, y in zip(*(scores >= NEAR_IDENTICAL * 100).nonzero(), strict=True)
        ]
        return _heaviest_increasing_pairs(candidates)

    def _gaps(self, anchors: list[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
        """Still-free indexes between consecutive anchors, on each side."""
        gaps = []
        for gap_a, gap_b, _following in _gaps_between(anchors, len(self.a), len(self.b)):
            free_a = [i for i in gap_a if self.free_a[i]]
            free_b = [j for j in gap_b if self.free_b[j]]
            if free_a and free_b:
                gaps.append((free_a, free_b))
        return gaps

    # -- step 2: pairs inside a gap

    def _pairable(self, i: int, j: int, score: float) -> bool:
        if score >= GAP_PAIR:
            return True
        if score < GAP_PAIR_WITH_SHARED_WORDS:
            return False
        shared = self._words(self._words_a, self.a, i) & self._words(self._words_b, self.b, j)
        return len(shared) >= SHARED_CONTENT_WORDS

    @staticmethod
    def _words(cache: dict[int, frozenset[str]], side: list[str], k: int) -> frozenset[str]:
        if k not in cache:
            cache[k] = _content_words(side[k])
        return cache[k]

    def _pair_gap(self, gap_a: list[int], gap_b: list[int]) -> None:
        scores = _score_matrix([self.a[i] for i in gap_a], [self.b[j] for j in gap_b]) / 100.0
        if len(gap_a) * len(gap_b) > MAX_GAP_CELLS:
            self._pair_gap_greedily(gap_a, gap_b, scores)
            return
        for match in _GapProgram(self, gap_a, gap_b, scores).solve():
            self._take(match)

    def _pair_gap_greedily(self, gap_a: list[int], gap_b: list[int], scores: object) -> None:
        candidates = sorted(
            (-float(scores[x, y]), gap_b[y], gap_a[x])  # type: ignore[index]
            for x in range(len(gap_a))
            for y in range(len(gap_b))
            if float(scores[x, y]) >= GAP_PAIR_WITH_SHARED_WORDS  # type: ignore[index]
        )
        for negative_score, j, i in candidates:
            if self.free_a[i] and self.free_b[j] and self._pairable(i, j, -negative_score):
                self._take(_Match("edited", (i,), (j,), -negative_score))

    # -- step 3: moves

    def _match_moves(self, threshold: float) -> None:
        rest_a = [i for i, free in enumerate(self.free_a) if free]
        rest_b = [j for j, free in enumerate(self.free_b) if free]
        if not rest_a or not rest_b:
            return
        scores = _score_matrix([self.a[i] for i in rest_a], [self.b[j] for j in rest_b])
        candidates = sorted(
            (-float(scores[x, y]) / 100.0, rest_b[y], rest_a[x])
            for x, y in zip(*(scores >= threshold * 100).nonzero(), strict=True)
        )
        for negative_score, j, i in candidates:
            if self.free_a[i] and self.free_b[j]:
                self._take(_Match("moved", (i,), (j,), -negative_score))


class _GapProgram:
    """In-order pairing of one gap by dynamic programming, with splits and merges.

    Maximises the summed ``similarity - threshold`` of the pairs taken; a sentence
    left out costs nothing, so only pairs worth making are made.
    """

    def __init__(self, aligner: _Aligner, gap_a: list[int], gap_b: list[int], scores: object):
        self.aligner, self.gap_a, self.gap_b, self.scores = aligner, gap_a, gap_b, scores

    def solve(self) -> list[_Match]:
        n, m = len(self.gap_a), len(self.gap_b)
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        step: list[list[tuple[int, int, _Match | None]]] = [
            [(0, 0, None)] * (m + 1) for _ in range(n + 1)
        ]
        for x in range(n + 1):
            for y in range(m + 1):
                if x == 0 and y == 0:
                    continue
                options: list[tuple[float, int, int, _Match | None]] = []
                for dx, dy, match in self._moves_ending_at(x, y):
                    gain = match.similarity - GAP_PAIR_WITH_SHARED_WORDS if match else 0.0
                    options.append((best[x - dx][y - dy] + gain, dx, dy, match))
                # Ties go to the first option: pairs before skips, fewer parts before more.
                value, dx, dy, match = max(options, key=lambda option: option[0])
                best[x][y] = value
                step[x][y] = (dx, dy, match)
        return self._trace(step, n, m)

    def _trace(self, step: list[list[tuple[int, int, _Match | None]]], x: int, y: int):
        matches: list[_Match] = []
        while x > 0 or y > 0:
            dx, dy, match = step[x][y]
            if match is not None:
                matches.append(match)
            x, y = x - dx, y - dy
        return matches[::-1]

    def _moves_ending_at(self, x: int, y: int):
        if x and y:
            one = self._one_to_one(x - 1, y - 1)
            if one:
                yield 1, 1, one
            for parts in range(2, MAX_SPLIT_PARTS + 1):
                if y >= parts:
                    split = self._split(x - 1, y - parts, y)
                    if split:
                        yield 1, parts, split
                if x >= parts:
                    merge = self._merge(x - parts, x, y - 1)
                    if merge:
                        yield parts, 1, merge
        if x:
            yield 1, 0, None
        if y:
            yield 0, 1, None

    def _one_to_one(self, x: int, y: int) -> _Match | None:
        score = float(self.scores[x, y])  # type: ignore[index]
        i, j = self.gap_a[x], self.gap_b[y]
        if not self.aligner._pairable(i, j, score):
            return None
        return _Match("edited", (i,), (j,), score)

    def _split(self, x: int, y_start: int, y_end: int) -> _Match | None:
        """A[x] → B[y_start:y_end], when those B sentences are adjacent and each part of A[x]."""
        parts = self.gap_b[y_start:y_end]
        if parts[-1] - parts[0] != len(parts) - 1:
            return None
        whole = self.aligner.a[self.gap_a[x]]
        pieces = [self.aligner.b[j] for j in parts]
        best_single = max(float(self.scores[x, y]) for y in range(y_start, y_end))  # type: ignore[index]
        score = _group_score(whole, pieces, best_single)
        if score is None:
            return None
        return _Match("split", (self.gap_a[x],), tuple(parts), score)

    def _merge(self, x_start: int, x_end: int, y: int) -> _Match | None:
        """A[x_start:x_end] → B[y], when those A sentences are adjacent and each part of B[y]."""
        parts = self.gap_a[x_start:x_end]
        if parts[-1] - parts[0] != len(parts) - 1:
            return None
        whole = self.aligner.b[self.gap_b[y]]
        pieces = [self.aligner.a[i] for i in parts]
        best_single = max(float(self.scores[x, y]) for x in range(x_start, x_end))  # type: ignore[index]
        score = _group_score(whole, pieces, best_single)
        if score is None:
            return None
        return _Match("merged", tuple(parts), (self.gap_b[y],), score)


def _group_score(whole: str, pieces: list[str], best_single: float) -> float | None:
    """Similarity of ``whole`` to the joined pieces, if the group is a real split / merge."""
    score = fuzz.ratio(whole, " ".join(pieces)) / 100.0
    if score < GAP_PAIR or score < best_single + SPLIT_GAIN:
        return None
    if any(fuzz.partial_ratio(piece, whole) / 100.0 < SPLIT_PART_CONTAINED for piece in pieces):
        return None
    return score


# --- helpers on index sequences --------------------------------------------------------------


def _score_matrix(rows: list[str], columns: list[str]):  # -> numpy array of 0..100
    return cdist(rows, columns, scorer=fuzz.ratio, workers=1)


def _exact_lcs(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of equal strings (Myers, diff-match-patch)."""
    codes: dict[str, str] = {}
    differ = diff_match_patch()
    differ.Diff_Timeout = 0
    pairs: list[tuple[int, int]] = []
    i = j = 0
    for op, chars in differ.diff_main(_encode(a, codes), _encode(b, codes), False):
        if op == diff_match_patch.DIFF_EQUAL:
            pairs.extend((i + k, j + k) for k in range(len(chars)))
        if op != diff_match_patch.DIFF_INSERT:
            i += len(chars)
        if op != diff_match_patch.DIFF_DELETE:
            j += len(chars)
    return pairs


def _encode(sentences: list[str], codes: dict[str, str]) -> str:
    """One character per distinct sentence; code points from U+E000 up skip the surrogates."""
    return "".join(codes.setdefault(s, chr(0xE000 + len(codes))) for s in sentences)


def _gaps_between(
    pairs: list[tuple[int, int]], n: int, m: int
) -> list[tuple[list[int], list[int], tuple[int, int] | None]]:
    """The index runs before each pair and after the last: (A run, B run, the pair after)."""
    gaps: list[tuple[list[int], list[int], tuple[int, int] | None]] = []
    i = j = 0
    for pair in [*pairs, None]:
        end_i, end_j = pair if pair is not None else (n, m)
        gaps.append((list(range(i, end_i)), list(range(j, end_j)), pair))
        i, j = end_i + 1, end_j + 1
    return gaps


def _heaviest_increasing_pairs(candidates: list[tuple[int, int, float]]) -> list[tuple[int, int]]:
    """Most pairs increasing on both sides (longest increasing subsequence, patience sorting)."""
    # Same i sorted by descending j so that one A sentence is never used twice.
    ordered = sorted(candidates, key=lambda c: (c[0], -c[1], -c[2]))
    tails: list[int] = []  # tails[k]: position in ordered of the chain of k+1 with the least last j
    tail_js: list[int] = []  # the j of each tail, for bisecting
    previous: list[int] = [-1] * len(ordered)
    for position, (_i, j, _score) in enumerate(ordered):
        k = bisect_left(tail_js, j)
        if k:
            previous[position] = tails[k - 1]
        if k == len(tails):
            tails.append(position)
            tail_js.append(j)
        else:
            tails[k] = position
            tail_js[k] = j
    chain: list[tuple[int, int]] = []
    position = tails[-1] if tails else -1
    while position != -1:
        chain.append((ordered[position][0], ordered[position][1]))
        position = previous[position]
    return chain[::-1]


# --- from matches to ops, in reading order ---------------------------------------------------


def _to_ops(a: Sequence[str], b: Sequence[str], matches: list[_Match]) -> list[SentenceOp]:
    ops = []
    for match in matches:
        a_text = " ".join(a[i] for i in match.a)
        b_text = " ".join(b[j] for j in match.b)
        differs = match.kind in ("edited", "split", "merged") or (
            match.kind == "moved" and a_text != b_text
        )
        ops.append(
            SentenceOp(
                op=match.kind,
                a=match.a,
                b=match.b,
                a_text=a_text,
                b_text=b_text,
                words=word_diff(a_text, b_text) if differs else (),
                similarity=round(match.similarity, 4)
                if match.kind not in ("added", "removed")
                else 0.0,
            )
        )
    return ops


def _order(ops: list[SentenceOp]) -> list[SentenceOp]:
    """B's order; a removed sentence follows the op holding its nearest earlier A neighbour."""
    in_b = sorted((op for op in ops if op.b), key=lambda op: (op.b[0], op.a))
    removed = sorted((op for op in ops if not op.b), key=lambda op: op.a)
    # Moved sentences left their place in A, so they cannot tell where a removal stood.
    slot_of_a: dict[int, int] = {}
    for slot, op in enumerate(in_b):
        if op.op != "moved":
            for i in op.a:
                slot_of_a[i] = slot
    after_slot: dict[int, list[SentenceOp]] = {}
    removed_at = {op.a[0]: op for op in removed}
    slot_before = -1  # the slot of the nearest earlier A sentence still in B, walking A
    for i in range(max(removed_at, default=-1) + 1):
        if i in removed_at:
            after_slot.setdefault(slot_before, []).append(removed_at[i])
        slot_before = slot_of_a.get(i, slot_before)
    ordered = list(after_slot.get(-1, []))
    for slot, op in enumerate(in_b):
        ordered.append(op)
        ordered.extend(after_slot.get(slot, []))
    return ordered
