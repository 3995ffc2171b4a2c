"""Compare the facts of two versions and report how they changed, most important first.

Cheap by design (no parsing): facts are matched on their keys across the whole
document, because in a breaking update the outdated sentence survives unchanged
below the new lede. Sentences are compared with rapidfuzz on folded text.

This module runs the comparisons (``quantities``, ``events``, ``novelty``) and ranks
what they find; ``coverage`` says how well each sentence is already told.
"""

from __future__ import annotations

from collections.abc import Sequence

from tracker.facts import lexicon as lx
from tracker.facts.candidates import _Candidate, _Side, _stem
from tracker.facts.coverage import _Coverage, _coverage, _inserted_block
from tracker.facts.events import (
    _agent_changes,
    _destination_change,
    _nominal_agent_changes,
    _scope_changes,
    _status_changes,
)
from tracker.facts.model import Fact
from tracker.facts.novelty import _SENTENCE_SLOTS, _additions, _answers, _edits, _removals
from tracker.facts.quantities import _measured_distances, _quantity_changes
from tracker.model import FactChange, Sentence, SentenceOp


def compare_facts(
    a_sentences: Sequence[Sentence],
    a_facts: Sequence[Fact],
    b_sentences: Sequence[Sentence],
    b_facts: Sequence[Fact],
    ops: Sequence[SentenceOp],
) -> list[FactChange]:
    """The fact changes from version A to version B, most important first."""
    a, b = _Side(a_sentences, a_facts), _Side(b_sentences, b_facts)
    cover = _coverage(a_sentences, b_sentences)
    candidates = [
        *_quantity_changes(a, b, cover.b_score, _inserted_block(b, cover)),
        *_status_changes(a, b),
        *_agent_changes(a, b),
        *_nominal_agent_changes(a, b),
        *_scope_changes(a, b, ops),
        *_measured_distances(a, b),
        *_destination_change(a, b),
    ]
    explained = {
        c.b_sentence for c in candidates if c.b_sentence is not None and c.change.kind != "status"
    }
    candidates += _edits(a, b, ops, explained)
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += _answers(a, b, cover, explained)
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += _additions(a, b, cover, explained)
    used_a = {c.a_sentence for c in candidates if c.a_sentence is not None}
    candidates += _removals(a, b, cover.a_score, used_a)
    return _rank(candidates, max(len(b_sentences), 1), _sentence_cap(cover))


def _sentence_cap(cover: _Coverage) -> int:
    """How many whole new sentences to list.

    In a revision (the story kept nearly word for word) each added sentence is an
    editor's deliberate addition; in a rewrite most new sentences retell old facts.
    """
    if not cover.a_score:
        return lx.MAX_SENTENCE_CHANGES
    kept = sum(score >= lx.SAME_SENTENCE_SIMILARITY for score in cover.a_score)
    if kept / len(cover.a_score) >= lx.REVISION_KEPT_SHARE:
        return lx.MAX_REVISION_SENTENCE_CHANGES
    return lx.MAX_SENTENCE_CHANGES


def _rank(candidates: list[_Candidate], length: int, cap: int) -> list[FactChange]:
    """Most important first; lede sentences before late ones; one item per change.

    Sentence-level changes (a whole new, dropped or reworded sentence) are capped:
    the reader wants the top new facts, not every new sentence of a rewrite.
    """
    seen: set[tuple[str, str | None, str | None]] = set()

    def importance(candidate: _Candidate) -> float:
        return candidate.weight - lx.POSITION_WEIGHT * candidate.position / length

    def is_sentence_level(candidate: _Candidate) -> bool:
        return candidate.change.slot in _SENTENCE_SLOTS.values()

    # facts a reader can state in a line first, whole new sentences after them
    ordered = sorted(candidates, key=lambda c: (is_sentence_level(c), -importance(c), c.position))
    out = []
    sentence_level = 0
    events: set[str] = set()
    for candidate in ordered:
        change = candidate.change
        identity = (change.subject, change.before, change.after)
        if identity in seen:
            continue
        event = _event_identity(change.subject)
        if change.slot in _SENTENCE_SLOTS.values():
            if event and event in events:
                continue  # the same event told again in another new sentence
            sentence_level += 1
            if sentence_level > _budget(cap, len(out)):
                continue
        seen.add(identity)
        if event:
            events.add(event)
        out.append(change)
    return out


def _budget(cap: int, fact_items: int) -> int:
    """Whole sentences left to list after the one-line facts of a rewrite.

    A rewrite whose news is already told as several figures and names lists fewer
    retold sentences; a revision's added sentences are all deliberate and keep the cap.
    """
    if cap <= lx.MAX_SENTENCE_CHANGES and fact_items >= lx.BUSY_FACT_ITEMS:
        return min(cap, lx.BUSY_SENTENCE_CHANGES)
    return cap


def _event_identity(subject: str) -> str:
    """ "shoot down / Russian military helicopter" and "shoot down / helicopter" are one event."""
    predicate, _, patient = subject.partition(" / ")
    words = patient.split()
    return f"{predicate}/{_stem(words[-1])}" if predicate and words else ""
