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
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cdist

from tracker import limits
from tracker.model import SentenceOp, SentenceOpKind
from tracker.sentences import strip_dateline
from tracker.worddiff import word_diff

# --- thresholds ------------------------------------------------------------------------------
# "ratio" is rapidfuzz's character edit ratio of the normalised texts (0..1); "similarity" is
# the mean of that ratio and the overlap (Dice) of content-word stems, so that two sentences
# about the same thing in other words still score, and two unrelated sentences of the same
# length do not (their character ratio alone is ~0.38 on news copy, 0.46 at the 99th centile).

# Sentences with a ratio this high are "the same sentence": an anchor, or a move when out of order.
NEAR_IDENTICAL = 0.85
# Outside their gap, sentences with a ratio this high are one sentence moved (and perhaps edited).
MOVED = 0.75
# Inside a gap between anchors, a pair this similar is one sentence edited. Checked on the
# corpus pairs: real rewrites score 0.42-0.80, neighbouring unrelated sentences 0.22-0.42.
GAP_PAIR = 0.42
# A gap of one sentence on each side is almost always one sentence rewritten, so there a
# lower similarity will do, given a shared content word ("It was not immediately clear how
# many were hurt." → "At least 14 people were hurt, the fire department said." is 0.41).
SOLE_PAIR = 0.3
# Every part of a split / merge takes at least this share of its content stems from the whole;
# a real split then scores this much above its best part (see _group_similarity).
SPLIT_PART_SHARED = 0.5
SPLIT_GAIN = 0.05
MAX_SPLIT_PARTS = 3
# Reworded moves are looked for among at most this many leftover pairs (the rest by ratio).
MAX_REWORDED_MOVE_CELLS = 250_000
# Larger gaps are paired greedily instead of by dynamic programming (keeps long texts fast).
MAX_GAP_CELLS = 40_000
# Stems are word prefixes of this length ("injured"/"injuries" → "injur").
STEM_LENGTH = 5
# A sentence edited by gaining or losing a clause keeps most of the shorter side's content
# words while its Dice overlap falls with the added length; the share of the shorter side
# found in the longer counts at this weight, for sentences of at least CONTAINED_MIN stems.
CONTAINED = 0.8
CONTAINED_MIN = 5

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
    """How alike two sentences are in wording and content, 0..1 (1 for house-style variants)."""
    nx, ny = _normalise(x), _normalise(y)
    return _similarity(_ratio(nx, ny), _stems(nx), _stems(ny))


def align(a: Sequence[str], b: Sequence[str]) -> list[SentenceOp]:
    """The sentence operations that turn ``a`` into ``b``, in B's reading order.

    Every index of ``a`` and of ``b`` appears in exactly one op; ``SentenceOp.a`` and ``.b``
    are positions in the given sequences.
    """
    matches = _Aligner([_normalise(s) for s in a], [_normalise(s) for s in b]).run()
    return _order(_to_ops(a, b, matches))


# --- comparing sentences ---------------------------------------------------------------------


def _normalise(text: str) -> str:
    # A shared dateline ("YEREVAN, Armenia (AP) —") says nothing about what a sentence says.
    text = strip_dateline(text.strip())[1].lower()
    for pattern, replacement in _HOUSE_STYLE:
        text = pattern.sub(replacement, text)
    return text.strip()


def _ratio(x: str, y: str) -> float:
    return fuzz.ratio(x, y) / 100.0


def _stems(normalised: str) -> frozenset[str]:
    """Content-word stems; numbers count, short function words do not."""
    return frozenset(
        word[:STEM_LENGTH]
        for word in _WORD.findall(normalised)
        if word not in _STOPWORDS and (len(word) >= 3 or word[0].isdigit())
    )


def _similarity(ratio: float, stems_x: frozenset[str], stems_y: frozenset[str]) -> float:
    if not (stems_x or stems_y):
        return ratio  # no content words on either side ("___", "By —"): wording is all there is
    shared = len(stems_x & stems_y)
    dice = 2 * shared / (len(stems_x) + len(stems_y))
    smaller = min(len(stems_x), len(stems_y))
    if smaller >= CONTAINED_MIN:
        dice = max(dice, CONTAINED * shared / smaller)
    return (ratio + dice) / 2


# --- the alignment ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Match:
    kind: SentenceOpKind
    a: tuple[int, ...]
    b: tuple[int, ...]
    similarity: float


class _Aligner:
    """The normalised sides, their stems, and which indexes are already matched."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        self.a, self.b = a, b
        self.stems_a = [_stems(s) for s in a]
        self.stems_b = [_stems(s) for s in b]
        self.free_a = [True] * len(a)
        self.free_b = [True] * len(b)
        self.matches: list[_Match] = []
        # Character ratios of each gap between exact anchors, keyed by the gap's first indexes.
        self._gap_ratios: dict[tuple[int, int], np.ndarray] = {}
        self._gap_starts: list[tuple[int, int]] = []

    def run(self) -> list[_Match]:
        anchors = self._anchors()
        for i, j in anchors:
            kind: SentenceOpKind = "equal" if self.a[i] == self.b[j] else "edited"
            self._take(_Match(kind, (i,), (j,), self.similarity(i, j)))
        # An identical sentence out of LCS order was moved; take those before gap pairing
        # so that a weak in-gap pairing cannot steal a sentence that clearly moved.
        self._match_moves(NEAR_IDENTICAL)
        for gap_a, gap_b in self._gaps(anchors):
            self._pair_gap(gap_a, gap_b)
        # An anchor can hold the larger half of a split; give it the free half beside it.
        self.matches = [self._grown(match) for match in self.matches]
        self._match_moves(MOVED, reworded=True)
        self.matches.extend(_Match("removed", (i,), (), 0.0) for i in self._rest(self.free_a))
        self.matches.extend(_Match("added", (), (j,), 0.0) for j in self._rest(self.free_b))
        return self.matches

    # -- bookkeeping

    def _take(self, match: _Match) -> None:
        for i in match.a:
            self.free_a[i] = False
        for j in match.b:
            self.free_b[j] = False
        self.matches.append(match)

    @staticmethod
    def _rest(free: list[bool]) -> list[int]:
        return [k for k, is_free in enumerate(free) if is_free]

    def similarity(self, i: int, j: int, ratio: float | None = None) -> float:
        if ratio is None:
            ratio = _ratio(self.a[i], self.b[j])
        return _similarity(ratio, self.stems_a[i], self.stems_b[j])

    # -- step 1: anchors

    def _anchors(self) -> list[tuple[int, int]]:
        """LCS of identical sentences, then LCS of near-identical ones inside its gaps."""
        exact = _exact_lcs(self.a, self.b)
        anchors: list[tuple[int, int]] = []
        for gap_a, gap_b, following in _gaps_between(exact, len(self.a), len(self.b)):
            if gap_a and gap_b:
                ratios = _ratio_matrix([self.a[i] for i in gap_a], [self.b[j] for j in gap_b])
                # Every later gap lies inside one of these: keep the ratios for pairing.
                self._gap_ratios[(gap_a[0], gap_b[0])] = ratios
                self._gap_starts.append((gap_a[0], gap_b[0]))
                anchors.extend(self._near_identical_lcs(gap_a, gap_b, ratios))
            if following is not None:
                anchors.append(following)
        return anchors

    def _ratios(self, gap_a: list[int], gap_b: list[int]) -> np.ndarray:
        """The character ratios of a gap, cut from those of the exact-LCS gap around it."""
        k = bisect_right(self._gap_starts, (gap_a[0], len(self.b))) - 1
        start_a, start_b = self._gap_starts[k]
        whole = self._gap_ratios[(start_a, start_b)]
        return whole[np.ix_([i - start_a for i in gap_a], [j - start_b for j in gap_b])]

    def _near_identical_lcs(
        self, gap_a: list[int], gap_b: list[int], ratios: np.ndarray
    ) -> list[tuple[int, int]]:
        rows, columns = _near_diagonal(*np.nonzero(ratios >= NEAR_IDENTICAL), ratios.shape)
        # Most pairs first; among as many, the longer and closer ones (see _exact_lcs).
        tie_break = _length_tie_break([self.a[i] for i in gap_a])
        candidates = [
            (gap_a[x], gap_b[y], 1.0 + tie_break * len(self.a[gap_a[x]]) * float(ratios[x, y]))
            for x, y in zip(rows.tolist(), columns.tolist(), strict=True)
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

    def _pair_gap(self, gap_a: list[int], gap_b: list[int]) -> None:
        similarities = self._similarity_matrix(gap_a, gap_b)
        if len(gap_a) == len(gap_b) == 1:
            self._pair_sole(gap_a[0], gap_b[0], float(similarities[0, 0]))
            return
        if len(gap_a) * len(gap_b) > MAX_GAP_CELLS:
            self._pair_gap_greedily(gap_a, gap_b, similarities)
            return
        for match in _GapProgram(self, gap_a, gap_b, similarities.tolist()).solve():
            self._take(match)

    def _pair_sole(self, i: int, j: int, score: float) -> None:
        if score >= SOLE_PAIR and self.stems_a[i] & self.stems_b[j]:
            self._take(_Match("edited", (i,), (j,), score))

    def _pair_gap_greedily(
        self, gap_a: list[int], gap_b: list[int], similarities: np.ndarray
    ) -> None:
        """Best pairs first (ties by position), each sentence once; order is not enforced."""
        rows, columns = np.nonzero(similarities >= GAP_PAIR)
        scores = similarities[rows, columns]
        if len(rows) > limits.MAX_ALIGN_CANDIDATES:  # only the best are weighed
            rows, columns, scores = _best(rows, columns, scores)
        for k in np.lexsort((rows, columns, -scores)).tolist():
            i, j = gap_a[int(rows[k])], gap_b[int(columns[k])]
            if self.free_a[i] and self.free_b[j]:
                self._take(_Match("edited", (i,), (j,), float(scores[k])))

    def _similarity_matrix(
        self, rows: list[int], columns: list[int], ratios: np.ndarray | None = None
    ) -> np.ndarray:
        """``similarity`` of every A row against every B column, vectorised."""
        if ratios is None:
            ratios = self._ratios(rows, columns)
        vocabulary: dict[str, int] = {}
        for stems in [self.stems_a[i] for i in rows] + [self.stems_b[j] for j in columns]:
            for stem in stems:
                vocabulary.setdefault(stem, len(vocabulary))
        in_a = _incidence([self.stems_a[i] for i in rows], vocabulary)
        in_b = _incidence([self.stems_b[j] for j in columns], vocabulary)
        shared = in_a @ in_b.T
        sizes = in_a.sum(axis=1)[:, None] + in_b.sum(axis=1)[None, :]
        dice = np.divide(2 * shared, sizes, out=np.zeros_like(shared), where=sizes > 0)
        smaller = np.minimum(in_a.sum(axis=1)[:, None], in_b.sum(axis=1)[None, :])
        contained = np.divide(
            CONTAINED * shared, smaller, out=np.zeros_like(shared), where=smaller >= CONTAINED_MIN
        )
        dice = np.maximum(dice, contained)
        # No content words on either side: wording is all there is (as in _similarity).
        return np.where(sizes > 0, (ratios + dice) / 2, ratios)

    def _grown(self, match: _Match) -> _Match:
        """An edited pair extended into a split / merge with free neighbours, when that is real."""
        if match.kind != "edited":
            return match
        (i,), (j,) = match.a, match.b
        best = match
        for extra in range(1, MAX_SPLIT_PARTS):
            for start in range(j - extra, j + 1):  # the free neighbours before, after, around
                group = self._free_run(self.free_b, start, extra + 1, keep=j)
                if group and (split := self._group(i, group, split=True, best=best)):
                    best = split
            for start in range(i - extra, i + 1):
                group = self._free_run(self.free_a, start, extra + 1, keep=i)
                if group and (merge := self._group(j, group, split=False, best=best)):
                    best = merge
        for k in best.a:
            self.free_a[k] = False
        for k in best.b:
            self.free_b[k] = False
        return best

    @staticmethod
    def _free_run(free: list[bool], start: int, length: int, keep: int) -> list[int] | None:
        """Indexes start..start+length-1 if all are free except ``keep``, which must be inside."""
        run = list(range(start, start + length))
        if start < 0 or run[-1] >= len(free) or keep not in run:
            return None
        return run if all(free[k] or k == keep for k in run) else None

    def _group(self, one: int, many: list[int], *, split: bool, best: _Match) -> _Match | None:
        whole, whole_stems = (
            (self.a[one], self.stems_a[one]) if split else (self.b[one], self.stems_b[one])
        )
        side, side_stems = (self.b, self.stems_b) if split else (self.a, self.stems_a)
        score = _group_similarity(
            whole,
            whole_stems,
            [side[k] for k in many],
            [side_stems[k] for k in many],
            best.similarity,
        )
        if score is None or score <= best.similarity:
            return None
        if split:
            return _Match("split", (one,), tuple(many), score)
        return _Match("merged", tuple(many), (one,), score)

    # -- step 3: moves

    def _match_moves(self, threshold: float, *, reworded: bool = False) -> None:
        """Pair what is left anywhere, best first: ratio >= threshold, or with ``reworded``
        also similarity >= threshold (a sentence moved and reordered: "X, a spokesman said"
        → "A spokesman said X" keeps its words but not its character order)."""
        rest_a, rest_b = self._rest(self.free_a), self._rest(self.free_b)
        if not rest_a or not rest_b:
            return
        texts_a, texts_b = [self.a[i] for i in rest_a], [self.b[j] for j in rest_b]
        if reworded and len(rest_a) * len(rest_b) <= MAX_REWORDED_MOVE_CELLS:
            ratios = _ratio_matrix(texts_a, texts_b)
            scores = np.maximum(ratios, self._similarity_matrix(rest_a, rest_b, ratios))
        else:
            scores = ratios = _ratio_matrix(texts_a, texts_b, cutoff=threshold)
        rows, columns = np.nonzero(scores >= threshold)
        if len(rows) > limits.MAX_ALIGN_CANDIDATES:  # thousands of near-identical lines
            rows, columns, _ = _best(rows, columns, scores[rows, columns])
        candidates = sorted(
            (-float(scores[x, y]), rest_b[y], rest_a[x], float(ratios[x, y]))
            for x, y in zip(rows.tolist(), columns.tolist(), strict=True)
        )
        for _negative_score, j, i, ratio in candidates:
            if self.free_a[i] and self.free_b[j]:
                self._take(_Match("moved", (i,), (j,), self.similarity(i, j, ratio)))


_Step = tuple[int, int, "_Match | None"]  # how many A and B sentences a step takes, and its pair


class _GapProgram:
    """In-order pairing of one gap by dynamic programming, with splits and merges.

    Maximises the summed ``similarity - GAP_PAIR`` of the pairs taken; a sentence
    left out costs nothing, so only pairs worth making are made.
    """

    def __init__(
        self, aligner: _Aligner, gap_a: list[int], gap_b: list[int], single: list[list[float]]
    ):
        self.aligner, self.gap_a, self.gap_b = aligner, gap_a, gap_b
        self.single = single  # similarity of each one-to-one pair in the gap

    def solve(self) -> list[_Match]:
        n, m = len(self.gap_a), len(self.gap_b)
        best = [[0.0] * (m + 1) for _ in range(n + 1)]
        steps: list[list[_Step]] = [[(0, 0, None)] * (m + 1) for _ in range(n + 1)]
        for x in range(n + 1):
            for y in range(m + 1):
                if not (x or y):
                    continue
                best_value, best_step = -1.0, (0, 0, None)
                # Strictly greater: ties keep the earlier step (pairs before skips, fewer parts).
                for step in self._steps_ending_at(x, y):
                    dx, dy, match = step
                    value = best[x - dx][y - dy] + (match.similarity - GAP_PAIR if match else 0.0)
                    if value > best_value:
                        best_value, best_step = value, step
                best[x][y], steps[x][y] = best_value, best_step
        return self._trace(steps, n, m)

    @staticmethod
    def _trace(steps: list[list[_Step]], x: int, y: int) -> list[_Match]:
        matches: list[_Match] = []
        while x or y:
            dx, dy, match = steps[x][y]
            if match is not None:
                matches.append(match)
            x, y = x - dx, y - dy
        return matches[::-1]

    def _steps_ending_at(self, x: int, y: int) -> Iterator[_Step]:
        if x and y:
            if self.single[x - 1][y - 1] >= GAP_PAIR:
                i, j = self.gap_a[x - 1], self.gap_b[y - 1]
                yield 1, 1, _Match("edited", (i,), (j,), self.single[x - 1][y - 1])
            for parts in range(2, MAX_SPLIT_PARTS + 1):
                if y >= parts and (split := self._split(x - 1, y - parts, y)):
                    yield 1, parts, split
                if x >= parts and (merge := self._merge(x - parts, x, y - 1)):
                    yield parts, 1, merge
        if x:
            yield 1, 0, None
        if y:
            yield 0, 1, None

    def _split(self, x: int, y_start: int, y_end: int) -> _Match | None:
        """A[x] → B[y_start:y_end], when those B sentences are adjacent and each part of A[x]."""
        i, parts = self.gap_a[x], self.gap_b[y_start:y_end]
        if parts[-1] - parts[0] != len(parts) - 1:
            return None
        best_single = max(self.single[x][y_start:y_end])
        score = _group_similarity(
            self.aligner.a[i],
            self.aligner.stems_a[i],
            [self.aligner.b[j] for j in parts],
            [self.aligner.stems_b[j] for j in parts],
            best_single,
        )
        if score is None:
            return None
        return _Match("split", (i,), tuple(parts), score)

    def _merge(self, x_start: int, x_end: int, y: int) -> _Match | None:
        """A[x_start:x_end] → B[y], when those A sentences are adjacent and each part of B[y]."""
        parts, j = self.gap_a[x_start:x_end], self.gap_b[y]
        if parts[-1] - parts[0] != len(parts) - 1:
            return None
        best_single = max(self.single[x][y] for x in range(x_start, x_end))
        score = _group_similarity(
            self.aligner.b[j],
            self.aligner.stems_b[j],
            [self.aligner.a[i] for i in parts],
            [self.aligner.stems_a[i] for i in parts],
            best_single,
        )
        if score is None:
            return None
        return _Match("merged", tuple(parts), (j,), score)


def _group_similarity(
    whole: str,
    whole_stems: frozenset[str],
    pieces: list[str],
    piece_stems: list[frozenset[str]],
    best_single: float,
) -> float | None:
    """How well the joined pieces stand for ``whole``, if they are a real split / merge of it.

    Real when every piece takes most of its content stems from the whole and brings some the
    other pieces lack, and the joined pieces resemble the whole at least as much as the best
    piece alone. Character ratios punish the reordering a split brings, so a real group
    scores at least its best piece plus ``SPLIT_GAIN``: enough to beat "best piece edited,
    the others added", not enough to beat two good one-to-one edits.
    """
    if best_single < GAP_PAIR / 2:
        return None  # cheap exit: no piece resembles the whole at all
    for k, stems in enumerate(piece_stems):
        others = frozenset().union(*(piece_stems[:k] + piece_stems[k + 1 :]))
        from_whole = stems & whole_stems
        if len(from_whole) < SPLIT_PART_SHARED * len(stems) or not from_whole - others:
            return None
    joined_stems = frozenset().union(*piece_stems)
    joined = _similarity(_ratio(whole, " ".join(pieces)), whole_stems, joined_stems)
    if joined < GAP_PAIR or joined < best_single:
        return None  # joining made the match no better: a pair plus unrelated neighbours
    return max(joined, min(1.0, best_single + SPLIT_GAIN))


# --- helpers on index sequences --------------------------------------------------------------


def _ratio_matrix(rows: list[str], columns: list[str], cutoff: float = 0.0) -> np.ndarray:
    """Character ratios (0..1) of every row against every column, computed in C.

    Ratios below ``cutoff`` come back as 0 (and cost less to compute).
    """
    return cdist(rows, columns, scorer=fuzz.ratio, score_cutoff=cutoff * 100, workers=1) / 100.0


def _exact_lcs(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of equal strings (Hunt–Szymanski).

    Candidate pairs are the equal strings; sentences rarely repeat, so there are about
    as many candidates as sentences and this is O(n log n), where Myers' diff is O(n·d).
    """
    positions_in_b: dict[str, list[int]] = {}
    for j, sentence in enumerate(b):
        positions_in_b.setdefault(sentence, []).append(j)
    tie_break = _length_tie_break(a)
    counts_a = Counter(a)
    pairs = sum(n * len(positions_in_b.get(s, ())) for s, n in counts_a.items())
    if pairs > limits.MAX_ALIGN_CANDIDATES:  # a line repeated thousands of times
        return _heaviest_increasing_pairs(_repeats_in_step(a, positions_in_b, counts_a))
    candidates = [
        (i, j, 1.0 + tie_break * len(sentence))
        for i, sentence in enumerate(a)
        for j in positions_in_b.get(sentence, ())
    ]
    return _heaviest_increasing_pairs(candidates)


def _repeats_in_step(
    a: list[str], positions_in_b: dict[str, list[int]], counts_a: Counter[str]
) -> list[tuple[int, int, float]]:
    """Candidates for a side with many repeats: the k-th copy of a sentence in A pairs only
    with the copies of it in B at about the same rank (three of them), not with all."""
    tie_break = _length_tie_break(a)
    seen: Counter[str] = Counter()
    candidates = []
    for i, sentence in enumerate(a):
        positions = positions_in_b.get(sentence)
        if not positions:
            continue
        rank = seen[sentence] * len(positions) // counts_a[sentence]
        seen[sentence] += 1
        for j in positions[max(0, rank - 1) : rank + 2]:
            candidates.append((i, j, 1.0 + tie_break * len(sentence)))
    return candidates


def _best(
    rows: np.ndarray, columns: np.ndarray, scores: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The MAX_ALIGN_CANDIDATES best-scored (row, column) pairs, in their given order."""
    limit = limits.MAX_ALIGN_CANDIDATES
    keep = np.sort(np.argpartition(-scores, limit)[:limit])
    return rows[keep], columns[keep], scores[keep]


def _near_diagonal(
    rows: np.ndarray, columns: np.ndarray, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """At most MAX_ALIGN_CANDIDATES of the (row, column) pairs, those nearest the diagonal of
    a ``shape`` matrix, in their given order (all of them when there are not so many)."""
    if len(rows) <= limits.MAX_ALIGN_CANDIDATES:
        return rows, columns
    n, m = shape
    distance = np.abs(rows.astype(np.int64) * m - columns.astype(np.int64) * n)
    keep = np.sort(
        np.argpartition(distance, limits.MAX_ALIGN_CANDIDATES)[: limits.MAX_ALIGN_CANDIDATES]
    )
    return rows[keep], columns[keep]


def _length_tie_break(side: Sequence[str]) -> float:
    """A weight per character so small that all of them together never outweigh one pair."""
    return 1.0 / (sum(len(s) for s in side) + 1)


def _incidence(stem_sets: list[frozenset[str]], vocabulary: dict[str, int]) -> np.ndarray:
    """One row per sentence, one column per stem: 1.0 where the sentence has the stem."""
    matrix = np.zeros((len(stem_sets), max(1, len(vocabulary))), dtype=np.float32)
    for row, stems in enumerate(stem_sets):
        matrix[row, [vocabulary[stem] for stem in stems]] = 1.0
    return matrix


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
    """The chain of ``(i, j, weight)`` pairs increasing on both sides with the largest weight.

    Callers weigh a pair 1 plus a length tie-break, so the chain is a longest common
    subsequence that, among equally long ones, keeps the longer sentences in place: a short
    marker line is then what moved, not the paragraph beside it. A Fenwick tree over j gives
    the best chain ending below any j in O(log n): O(k log n) for k candidates.
    """
    if not candidates:
        return []
    # Same i sorted by descending j so that one A sentence is never used twice in a chain.
    ordered = sorted(candidates, key=lambda c: (c[0], -c[1]))
    rank = {j: r for r, j in enumerate(sorted({j for _i, j, _w in ordered}), start=1)}
    size = len(rank)
    tree_weight = [0.0] * (size + 1)  # Fenwick tree of the best chain weight ending at or below
    tree_position = [-1] * (size + 1)  # ... and the position in ordered where that chain ends
    previous = [-1] * len(ordered)
    weight_at = [0.0] * len(ordered)
    for position, (_i, j, weight) in enumerate(ordered):
        best_weight, best_position, k = 0.0, -1, rank[j] - 1  # best chain with a smaller j
        while k > 0:
            if tree_weight[k] > best_weight:
                best_weight, best_position = tree_weight[k], tree_position[k]
            k -= k & -k
        previous[position] = best_position
        weight_at[position] = total = best_weight + weight
        k = rank[j]
        while k <= size:
            if total > tree_weight[k]:
                tree_weight[k], tree_position[k] = total, position
            k += k & -k
    position = max(range(len(ordered)), key=lambda p: (weight_at[p], -p))
    chain: list[tuple[int, int]] = []
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
        # Equal and moved pairs can still differ in house style ("--" for "—"); show that too.
        differs = match.kind in ("edited", "split", "merged") or (
            match.kind in ("equal", "moved") and a_text != b_text
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
