"""Split a fact change's shown value into its parts: value, number, source and verb.

The engine shows a value as a reader reads it: ``"At least 60 (health ministry
said)"``. Researchers want the parts in columns. Only fields the engine left
empty are filled: a number read from the value (``"At least 60"`` → 60.0,
``"1.2 million"`` → 1200000.0) and a trailing ``(source verb)`` split off as the
source, with the verb as the certainty (``said``, ``claimed``, ``denied``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.facts.normalize import parse_number

# "(health ministry said)", "(Azerbaijani President Ilham Aliyev claimed)"
_SOURCE = re.compile(r"^(?P<value>.*?)\s*\((?P<source>[^()]+?)\s+(?P<verb>[a-z]+)\)\s*$", re.S)
_SKIP = re.compile(r"[\w.,$%]+")


@dataclass(frozen=True)
class Value:
    """One side of a fact change, in parts."""

    text: str | None
    number: float | None = None
    source: str | None = None
    verb: str | None = None


def split_value(shown: str | None, *, numeric: bool = False) -> Value:
    """``shown`` without its trailing ``(source verb)``; with its number when ``numeric``."""
    if shown is None:
        return Value(None)
    text, source, verb = shown, None, None
    match = _SOURCE.match(shown)
    if match and match.group("value"):
        text, source, verb = match.group("value"), match.group("source"), match.group("verb")
    return Value(text, first_number(text) if numeric else None, source, verb)


def first_number(text: str) -> float | None:
    """The first number in ``text``: qualifiers such as "at least" or "more than" skipped."""
    words = _SKIP.findall(text)
    for start in range(len(words)):
        value = parse_number(" ".join(words[start:]))
        if value is not None:
            return value
    return None
