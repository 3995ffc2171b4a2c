"""Semdiff: the semantic diff of two versions, or of a version's update and earlier story.

Aligns sentences (with word diffs inside edited ones), then compares the facts
of the two sides across the whole document, and returns a :class:`Diff` value
that the renderers show. Three lines diff two texts::

    >>> from tracker import semdiff
    >>> d = semdiff.diff_texts("Two soldiers were injured.", "Two soldiers were killed.")
    >>> d.sentences[0].op
    'edited'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.align import align
from tracker.errors import InputError
from tracker.extract import parse_text, read_article
from tracker.model import Article, Diff, DiffSide, SectionKind, Sentence, Split
from tracker.sections import split_article
from tracker.sentences import segment

if TYPE_CHECKING:
    from tracker.facts.salience import Scored
    from tracker.store import Store


@dataclass(frozen=True)
class Side:
    """One side of a diff: a version's sections, sentences and facts (as stored JSON rows)."""

    label: str
    split: Split
    sentences: tuple[Sentence, ...]
    facts: tuple[dict[str, Any], ...]
    fetched_at: str | None = None


def prepare(article: Article, label: str, fetched_at: str | None = None) -> Side:
    """Split, segment and extract facts from an article (the parse cost of a diff)."""
    split = split_article(article)
    sentences = tuple(segment(split))
    facts = tuple(_extract_rows(sentences))
    return Side(label, split, sentences, facts, fetched_at)


def diff(a: Side, b: Side) -> Diff:
    """The semantic diff from version ``a`` to version ``b`` (all sections)."""
    return _diff(a.sentences, a.facts, b.sentences, b.facts, a, b, _events(a.split, b.split))


def diff_sections(side: Side) -> Diff:
    """What the breaking update (B) adds to or contradicts in the earlier story (A)."""
    if side.split.section("update") is None or side.split.section("earlier") is None:
        found = ", ".join(side.split.kinds) or "none"
        raise InputError(
            f"{side.label}: no breaking update above an earlier story (sections: {found})"
        )
    a_sents, a_facts = _section(side, "earlier")
    b_sents, b_facts = _section(side, "update")
    a = DiffSide(f"{side.label}#earlier", side.fetched_at)
    b = DiffSide(f"{side.label}#update", side.fetched_at)
    return _diff(a_sents, a_facts, b_sents, b_facts, a, b, ())


def diff_texts(text_a: str, text_b: str, *, a_label: str = "A", b_label: str = "B") -> Diff:
    """Diff two plain-text articles (paragraphs separated by blank lines)."""
    return diff(prepare(parse_text(text_a), a_label), prepare(parse_text(text_b), b_label))


def diff_files(path_a: str | Path, path_b: str | Path) -> Diff:
    """Diff two local HTML or text files; nothing is stored."""
    a = prepare(read_article(path_a), str(path_a))
    b = prepare(read_article(path_b), str(path_b))
    return diff(a, b)


def diff_file_sections(path: str | Path) -> Diff:
    """Diff the earlier story of a local file against its breaking update."""
    return diff_sections(prepare(read_article(path), str(path)))


def _section(side: Side, kind: SectionKind) -> tuple[tuple[Sentence, ...], tuple[dict, ...]]:
    """The sentences of one section renumbered from 0, and their facts renumbered to match."""
    picked = [s for s in side.sentences if s.section == kind]
    renumber = {s.index: i for i, s in enumerate(picked)}
    sentences = tuple(replace(s, index=renumber[s.index]) for s in picked)
    facts = tuple(
        {**f, "sentence": renumber[f["sentence"]]}
        for f in side.facts
        if f.get("sentence") in renumber
    )
    return sentences, facts


def _diff(
    a_sents: Sequence[Sentence],
    a_facts: Sequence[dict[str, Any]],
    b_sents: Sequence[Sentence],
    b_facts: Sequence[dict[str, Any]],
    a: Side | DiffSide,
    b: Side | DiffSide,
    events: tuple[str, ...],
) -> Diff:
    from tracker.facts import compare_facts, facts_from_json

    ops = align([s.text for s in a_sents], [s.text for s in b_sents])
    changes = compare_facts(
        a_sents, facts_from_json(list(a_facts)), b_sents, facts_from_json(list(b_facts)), ops
    )
    return Diff(
        a=DiffSide(a.label, a.fetched_at),
        b=DiffSide(b.label, b.fetched_at),
        sentences=tuple(ops),
        facts=tuple(c for c in changes if c.significance == "fact"),
        other_changes=tuple(c for c in changes if c.significance != "fact"),
        events=events,
    )


def scored_diff(a: Side, b: Side) -> list[Scored]:
    """Every candidate change from ``a`` to ``b`` with its salience features (for fitting)."""
    return _scored(a.sentences, a.facts, b.sentences, b.facts)


def scored_sections(side: Side) -> list[Scored]:
    """Every candidate change from a version's earlier story to its update, with features."""
    a_sents, a_facts = _section(side, "earlier")
    b_sents, b_facts = _section(side, "update")
    return _scored(a_sents, a_facts, b_sents, b_facts)


def _scored(
    a_sents: Sequence[Sentence],
    a_facts: Sequence[dict[str, Any]],
    b_sents: Sequence[Sentence],
    b_facts: Sequence[dict[str, Any]],
) -> list[Scored]:
    from tracker.facts import facts_from_json, score_candidates

    ops = align([s.text for s in a_sents], [s.text for s in b_sents])
    return score_candidates(
        a_sents, facts_from_json(list(a_facts)), b_sents, facts_from_json(list(b_facts)), ops
    )


def _events(a: Split, b: Split) -> tuple[str, ...]:
    """Structural changes a reader sees as one event, not a wall of sentence edits."""
    had, has = "update" in a.kinds, "update" in b.kinds
    if has and not had:
        return (f"A breaking update arrived above the earlier story ({b.marker}).",)
    if had and not has:
        return ("The breaking-update marker was dropped: the story was rewritten as one text.",)
    if had and has and a.section("update") != b.section("update"):
        return ("The breaking update was revised.",)
    return ()


def stored_side(store: Store, url: str, number: int | None = None) -> Side:
    """A stored version ready to diff; its facts are extracted now (and kept) if still missing."""
    from tracker.render.json import iso

    version = store.version(url, number)
    facts = version.facts
    if facts is None:
        facts = _extract_rows(version.sentences)
        store.set_facts(url, version.info.number, facts)
    return Side(
        label=f"v{version.info.number}",
        split=version.split,
        sentences=version.sentences,
        facts=tuple(facts),
        fetched_at=iso(version.info.fetched_at),
    )


def fill_missing_facts(store: Store, limit: int = 100) -> int:
    """The background job: extract facts for versions stored without them. Returns how many."""
    done = 0
    for url, number in store.versions_without_facts(limit):
        version = store.version(url, number)
        store.set_facts(url, number, _extract_rows(version.sentences))
        done += 1
    return done


def _extract_rows(sentences: Sequence[Sentence]) -> list[dict[str, Any]]:
    from tracker.facts import extract_facts, facts_to_json

    return facts_to_json(extract_facts(sentences))
