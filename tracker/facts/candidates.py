"""What every comparison of two versions shares: the two sides, a candidate change, and
the helpers for names, sources, stems and main events that several comparisons read.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.facts import lexicon as lx
from tracker.facts.model import Fact
from tracker.facts.normalize import before_a_noun, entity_key, place_adjective_swap
from tracker.model import FactChange, Sentence


@dataclass(frozen=True)
class Candidate:
    """A fact change with what ranks it: its weight and the B (or A) sentence it rests on."""

    change: FactChange
    weight: float
    position: int
    a_sentence: int | None = None
    b_sentence: int | None = None


@dataclass(frozen=True)
class Side:
    sentences: Sequence[Sentence]
    facts: Sequence[Fact]

    def text(self, index: int | None) -> str | None:
        return self.sentences[index].text if index is not None else None


def by_key(facts: Iterable[Fact], kind: str) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == kind and fact.key:
            grouped[fact.key].append(fact)
    return grouped


def same_source(source: str, others: set[str]) -> bool:
    """ "Police" and "Japanese police" are one source; so are spelling variants."""
    key = entity_key(source)
    names = _name_stems(source)
    return any(
        key in other or other in key or names & _name_stems(other, keyed=True) for other in others
    )


def same_but_place_adjective(phrase: str, other: str) -> bool:
    """ "Ireland farmers" and "Irish farmers": one word swapped for its place's adjective,
    used before a noun ("Julia Briggs" → "Julian Briggs" is another person)."""
    swap = place_adjective_swap(phrase, other)
    return swap is not None and before_a_noun(
        swap.adjective, other if swap.adjective_in_other else phrase
    )


def _name_stems(text: str, keyed: bool = False) -> set[str]:
    """Stems of the proper names in a phrase, titles left out ("Governor", "President")."""
    words = text.split() if keyed else [w for w in text.split() if w[:1].isupper()]
    return {stem_of(w) for w in words if w.lower().strip(".") not in lx.TITLES} - {""}


def past_tense(verb: str | None) -> str:
    if not verb:
        return "said"
    if verb == "according to":
        return "says"
    head, _, particle = verb.partition(" ")
    past = lx.IRREGULAR_PAST.get(head) or _regular_past(head)
    return f"{past} {particle}".strip()


def past_participle(verb: str) -> str:
    """ "take" → "taken", "force" → "forced", "send" → "sent"."""
    return lx.IRREGULAR_PARTICIPLE.get(verb) or lx.IRREGULAR_PAST.get(verb) or _regular_past(verb)


def _regular_past(verb: str) -> str:
    """ "carry" → "carried", "stop" → "stopped", "confirm" → "confirmed"."""
    if verb.endswith("e"):
        return verb + "d"
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    short_cvc = len(verb) <= 4 and re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprt]", verb)
    return verb + (verb[-1] if short_cvc else "") + "ed"


def said_suffix(fact: Fact) -> str:
    return f" ({fact.source} {past_tense(fact.source_verb)})" if fact.source else ""


def main_event(facts: Iterable[Fact], sentence: int) -> Fact | None:
    events = [f for f in facts if f.sentence == sentence and f.kind == "event"]
    return next((f for f in events if f.predicate.split()[0] not in lx.LIGHT_VERBS), None)


def doc_names(side: Side) -> set[str]:
    """Every name the version mentions, and each part of a hyphenated one (Nagorno-Karabakh)."""
    names = {n for s in side.sentences for n in names_in(s.text)}
    parts = {p for n in names for p in re.split(r"[-‐–]", n) if p}
    return {entity_key(n) for n in names | parts}


def names_in(text: str) -> list[str]:
    """Capitalised words after the first: the names a sentence mentions."""
    words = [w.strip(".,;:\"'“”‘’()") for w in text.split()[1:]]
    return [w for w in words if w[:1].isupper() and w.lower() not in lx.STOP_LEMMAS]


def stem_of(term: str) -> str:
    return entity_key(term)[: lx.STEM_LENGTH]


def change_between(
    a: Side,
    b: Side,
    old_sentence: int | None,
    new_sentence: int,
    weight: float,
    **change: Any,
) -> Candidate:
    """A change that rests on A's ``old_sentence`` (if any) and B's ``new_sentence``."""
    return Candidate(
        FactChange(**change, evidence_a=a.text(old_sentence), evidence_b=b.text(new_sentence)),
        weight=weight,
        position=new_sentence,
        a_sentence=old_sentence,
        b_sentence=new_sentence,
    )
