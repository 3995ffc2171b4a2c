"""Whole sentences as candidates: every new sentence of B and every dropped sentence of A.

A sentence the other version does not already say (by coverage) is a candidate, with
the features salience needs: how much of it is new to the story, the names, figures,
quotes and sources it brings, and where it sits. A new sentence that retells an old
one in part keeps that old sentence as its ``before``; adjacent new sentences carry
the size of the block they stand in.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from tracker.facts import lexicon as lx
from tracker.facts.candidates import Side
from tracker.facts.coverage import Coverage, novel_share, vocabulary_of
from tracker.facts.normalize import stems
from tracker.model import FactChange, Sentence, Significance

PARTNER_SHARE = 40  # coverage at which an old sentence is the one a new one rewrites
MIN_WORDS = 3  # shorter lines are labels and fragments; short ones are a feature, not a filter


def sentence_candidates(
    a: Side,
    b: Side,
    cover: Coverage,
    told_a: Collection[int],
    told_b: Collection[int],
) -> list[tuple[FactChange, dict[str, float], Significance | None]]:
    """New and dropped sentences no typed change tells, with their features.

    An opinion or a question to readers is never listed as a fact (the third item).
    """
    out = []
    new = [
        s
        for s in b.sentences
        if s.index not in told_b
        and cover.b_score[s.index] < lx.COVERED_SIMILARITY
        and is_story_text(s, b.sentences)
    ]
    vocabulary = vocabulary_of(a.sentences)
    # No block size for new sentences: a line inserted beside one would change it.
    for sentence in new:
        partner = cover.b_best[sentence.index]
        share = cover.b_score[sentence.index]
        before = (
            a.text(partner)
            if partner >= 0 and share >= PARTNER_SHARE and _retells(a.text(partner), sentence.text)
            else None
        )
        change = FactChange(
            change="added" if before is None else "changed",
            kind="sentence",
            subject="New sentence" if before is None else "Rewritten sentence",
            slot="event_added",
            before=before,
            after=sentence.text,
            summary=(
                f"New: {sentence.text}"
                if before is None
                else f"Now: {sentence.text} (was: {before})"
            ),
            evidence_a=before,
            evidence_b=sentence.text,
            a_sentences=(partner,) if before is not None else (),
            b_sentences=(sentence.index,),
        )
        out.append(
            (
                change,
                {
                    "added_sentence": 1.0,
                    "novelty": novel_share(sentence.text, vocabulary),
                    "covered": share / 100,
                    "rewrite": float(before is not None),
                    "short": float(len(sentence.text.split()) < lx.MIN_ADDED_WORDS),
                },
                "minor" if is_commentary(sentence.text) else None,
            )
        )
    kept = [s for s in a.sentences if s.index not in told_a]
    b_vocabulary = vocabulary_of(b.sentences)
    dropped = [
        s
        for s in kept
        if cover.a_score[s.index] < lx.COVERED_SIMILARITY and is_story_text(s, a.sentences)
    ]
    runs = _run_lengths([s.index for s in dropped])
    for sentence in dropped:
        change = FactChange(
            change="removed",
            kind="sentence",
            subject="Dropped sentence",
            slot="event_removed",
            before=sentence.text,
            after=None,
            summary=f"Removed: {sentence.text}",
            evidence_a=sentence.text,
            a_sentences=(sentence.index,),
        )
        out.append(
            (
                change,
                {
                    "removed_sentence": 1.0,
                    "novelty": novel_share(sentence.text, b_vocabulary),
                    "covered": cover.a_score[sentence.index] / 100,
                    "block": min(runs[sentence.index], 5) / 5,
                    "short": float(len(sentence.text.split()) < lx.MIN_ADDED_WORDS),
                    "tail": float(sentence.index >= (1 - lx.TAIL_SHARE) * len(a.sentences)),
                },
                "minor" if is_commentary(sentence.text) else None,
            )
        )
    return out


def _retells(old: str, new: str) -> bool:
    """The new sentence keeps enough of the old one's content words to be its rewrite:
    a character ratio of 40 holds for two unrelated English sentences."""
    new_stems = stems(new)
    shared = new_stems & stems(old)
    return len(shared) >= 2 and len(shared) >= lx.REWRITE_OVERLAP * len(new_stems)


def is_commentary(text: str) -> bool:
    """What ought to happen or a question to readers ("… is a must", "Do you know …?").

    "Joseph said elections should be held" is news: a source's call, reported. Only an
    unattributed "should" is the writer's own opinion.
    """
    if text.rstrip(" \"'”’").endswith("?"):
        return True
    return bool(lx.PRESCRIPTIVE.search(text)) and not lx.SAID.search(text)


def is_furniture(text: str) -> bool:
    """A credit, caption or page line ("… contributed reporting", "(AP Photo/…)"), any outlet."""
    return any(p.search(text) for p in lx.FURNITURE_PATTERNS)


def is_story_text(sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    """Not a fragment, a credit line, a headline or label standing as its own paragraph
    without a full stop, or the cut-off end of an excerpt."""
    text = sentence.text
    if len(text.split()) < MIN_WORDS:
        return False
    if is_furniture(text) or _in_caption(sentence, sentences):
        return False
    if text.rstrip().endswith(lx.SENTENCE_ENDS):
        return True
    is_last = sentence.index == len(sentences) - 1
    return not (is_last or _alone_in_paragraph(sentence, sentences))


def _in_caption(sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    """A sentence of a paragraph that carries a photo credit ("… (AP Photo/Jane Doe)"):
    the paragraph is a caption, every sentence of it."""
    if not (0 <= sentence.index < len(sentences) and sentences[sentence.index] is sentence):
        return bool(lx.PHOTO_CREDIT.search(sentence.text))
    start = sentence.index
    while start > 0 and sentences[start - 1].paragraph == sentence.paragraph:
        start -= 1
    end = sentence.index
    while end + 1 < len(sentences) and sentences[end + 1].paragraph == sentence.paragraph:
        end += 1
    return any(lx.PHOTO_CREDIT.search(s.text) for s in sentences[start : end + 1])


def _alone_in_paragraph(sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    i = sentence.index
    if 0 <= i < len(sentences) and sentences[i] is sentence:
        # a paragraph's sentences stand together: its neighbours tell (a scan of every
        # sentence for each unterminated line was quadratic on text with no full stops)
        neighbours = [*sentences[max(0, i - 1) : i], *sentences[i + 1 : i + 2]]
    else:
        neighbours = [s for s in sentences if s.index != i]
    return not any(s.paragraph == sentence.paragraph for s in neighbours)


def _run_lengths(indexes: Sequence[int]) -> dict[int, int]:
    """For each index, the length of the run of consecutive indexes it stands in."""
    out: dict[int, int] = {}
    run: list[int] = []
    for index in [*indexes, -10]:
        if run and index != run[-1] + 1:
            out.update(dict.fromkeys(run, len(run)))
            run = []
        run.append(index)
    return out
