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


# Units a figure may carry right after its number ("6 miles", "30 percent", "$2 million").
UNITS = frozenset(
    "percent per cent % miles mile kilometres kilometers kilometre kilometer km metres meters "
    "metre meter m feet foot ft inches inch tonnes tons ton kg kilograms pounds lb dollars "
    "euros pounds degrees hectares acres hours days weeks months years".split()
)
_UNIT_AFTER = re.compile(r"\d[\d,.]*\s*(?:million|billion|thousand)?\s*(%|[A-Za-z]+)")


@dataclass(frozen=True)
class Value:
    """One side of a fact change, in parts."""

    text: str | None
    number: float | None = None
    source: str | None = None
    verb: str | None = None
    unit: str | None = None


def split_value(shown: str | None, *, numeric: bool = False) -> Value:
    """``shown`` without its trailing ``(source verb)``; with its number when ``numeric``."""
    if shown is None:
        return Value(None)
    text, source, verb = shown, None, None
    match = _SOURCE.match(shown)
    if match and match.group("value") and _is_say_verb(match.group("verb")):
        text, source, verb = match.group("value"), match.group("source"), match.group("verb")
    number = first_number(text) if numeric else None
    return Value(text, number, source, verb, unit_of(text) if number is not None else None)


def unit_of(text: str) -> str | None:
    """The unit right after the first figure: ``"6 miles"`` → ``miles``, ``"30%"`` → ``%``."""
    if "$" in text:
        return "$"
    match = _UNIT_AFTER.search(text)
    if match and match.group(1).lower() in UNITS:
        return match.group(1).lower()
    return None


def _is_say_verb(word: str) -> bool:
    """The engine writes attributions as "(source <past-tense verb>)": said, claimed, denied."""
    return word in _IRREGULAR_SAID or (word.endswith("ed") and word not in UNITS)


_IRREGULAR_SAID = frozenset({"said", "told", "wrote", "says", "claims", "reports", "thought"})


def first_number(text: str) -> float | None:
    """The first number in ``text``: qualifiers such as "at least" or "more than" skipped."""
    words = _SKIP.findall(text)
    for start in range(len(words)):
        value = parse_number(" ".join(words[start:]))
        if value is not None:
            return value
    return None
