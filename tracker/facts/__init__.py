"""Facts a reader cares about, extracted per version and compared between versions.

>>> facts = extract_facts(sentences)        # once per stored version (spaCy)
>>> changes = compare_facts(a_s, a_f, b_s, b_f, ops)   # per diff (no spaCy)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tracker.facts.compare import compare_facts, score_candidates
from tracker.facts.extract import extract_facts
from tracker.facts.model import Fact


def facts_to_json(facts: Sequence[Fact]) -> list[dict[str, Any]]:
    """JSON-able form of a version's facts, for storage."""
    return [fact.to_json() for fact in facts]


def facts_from_json(data: list[dict[str, Any]]) -> list[Fact]:
    """The facts stored by :func:`facts_to_json`, exactly."""
    return [Fact.from_json(item) for item in data]


__all__ = [
    "Fact",
    "compare_facts",
    "extract_facts",
    "facts_from_json",
    "facts_to_json",
    "score_candidates",
]
