"""The Fact record: one thing a sentence asserts, in a form versions can be compared by."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

FactKind = Literal["event", "quantity", "status", "mentions"]
Certainty = Literal["stated", "attributed", "confirmed", "reported", "unclear", "denied"]


@dataclass(frozen=True)
class Fact:
    """A fact extracted from one sentence of a version.

    ``kind`` is ``event`` (an action with roles), ``quantity`` (a number and what it
    counts), ``status`` (what happened to a named entity: captured, dead, charged …) or
    ``mentions`` (one per sentence: its content lemmas in ``text``, for cheap comparison).
    ``predicate`` is the verb lemma with its particle ("shoot down"), ``key`` the
    normalised thing the fact is about (an event's patient, a quantity's counted
    class, a status's entity), so facts of two versions are matched on
    ``(kind, predicate, key)`` without reparsing. ``source`` is who says so.
    """

    kind: FactKind
    sentence: int
    predicate: str = ""
    key: str = ""
    agent: str | None = None
    patient: str | None = None
    place: str | None = None
    time: str | None = None
    number: str | None = None
    value: float | None = None
    unit: str | None = None
    status: str | None = None
    source: str | None = None
    source_verb: str | None = None
    certainty: Certainty = "stated"
    negated: bool = False
    text: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fact:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})
