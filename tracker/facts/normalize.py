"""Fold spelling, house style and number words so equal facts compare equal."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from tracker.facts import lexicon as lx

_WORD = re.compile(r"[a-z0-9$%]+(?:[.,'][a-z0-9]+)*")
_CONTENT_WORD = re.compile(r"[a-z0-9$%]+(?:[.,'-][a-z0-9]+)*")
_VARIANT = re.compile(
    r"(?<![a-z])("
    + "|".join(re.escape(k) for k in sorted(lx.SPELLING_VARIANTS, key=len, reverse=True))
    + r")(?![a-z])"
)
_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower-case text with dashes, quotes and spelling variants unified."""
    text = unicodedata.normalize("NFKC", text).translate(lx.DASHES).lower()
    text = text.replace("--", "-")
    return _VARIANT.sub(lambda m: lx.SPELLING_VARIANTS[m.group(1)], text).strip()


@lru_cache(maxsize=1 << 16)
def entity_key(name: str) -> str:
    """A key under which transliteration variants of a name collide.

    Nakhchivan/Nakhcivan, Pashinian/Pashinyan: letters only, no 'h', vowels 'y'→'i',
    doubled letters single. Determiners and possessives dropped.
    """
    words = [w for w in fold(name).split() if w not in ("the", "a", "an", "'s")]
    letters = re.sub(r"[^a-z0-9 ]", "", " ".join(words)).replace("h", "").replace("y", "i")
    return _DOUBLE.sub(r"\1", letters).strip()


def parse_number(text: str) -> float | None:
    """The value of "1,200", "six", "1.2 million", "200 to 300" (the low end), "13"."""
    words = fold(text).replace(",", "").split()
    if not words:
        return None
    value: float | None = None
    for word in words:
        if word == "to":
            break
        if word in lx.SCALE_WORDS and value is not None:
            value *= lx.SCALE_WORDS[word]
            continue
        number = _one_number(word)
        if number is None:
            return value
        value = number if value is None else value
    return value


def _one_number(word: str) -> float | None:
    word = word.strip("$%")
    if word in lx.NUMBER_WORDS:
        return float(lx.NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def content_words(text: str) -> frozenset[str]:
    """Folded words of a text minus function words and pronouns: what a sentence is
    about. A hyphenated name is one word ("Port-au-Prince"), an accented one too ("Moïse")."""
    plain = fold(text)
    if not plain.isascii():  # NFKD leaves ASCII as it is: skip the per-character pass
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", plain) if not unicodedata.combining(c)
        )
    return frozenset(
        w
        for w in _CONTENT_WORD.findall(plain)
        if w not in lx.STOP_LEMMAS and w not in lx.PRONOUN_WORDS and len(w) > 1
    )


def stems(text: str) -> frozenset[str]:
    """Crude stems of a text's content words: "Azerbaijani"/"Azerbaijan", "killed"/"kills"
    collide. Enough to tell whether a sentence says something its neighbours do not."""
    return frozenset(entity_key(w)[: lx.STEM_LENGTH] for w in content_words(text))


# How English makes a place's adjective: the place, less one of these tails, plus one of
# these endings ("Armenia" + "n", "Japan" + "ese", "Ukrain|e" + "ian", "Ir|eland" + "ish").
_PLACE_TAILS = ("", "a", "e", "land", "and", "eland")
_ADJECTIVE_ENDINGS = ("n", "an", "ian", "i", "ese", "ish", "tish", "nish", "ic")


def is_place_adjective(place: str, adjective: str) -> bool:
    """ "Irish" is the adjective of "Ireland", "Azerbaijani" of "Azerbaijan"."""
    for tail in _PLACE_TAILS:
        base = place[: len(place) - len(tail)] if tail else place
        if (tail and not place.endswith(tail)) or len(base) < 2:
            continue
        if any(adjective == base + ending for ending in _ADJECTIVE_ENDINGS):
            return True
    return False


class PlaceSwap(NamedTuple):
    place: str
    adjective: str
    adjective_in_other: bool  # the adjective is the second phrase's word


def place_adjective_swap(phrase: str, other: str) -> PlaceSwap | None:
    """Two phrases alike but for one capitalised word swapped for the adjective of the
    same place ("Ireland farmers" / "Irish farmers"); None for any other difference."""
    words, other_words = phrase.split(), other.split()
    if len(words) != len(other_words):
        return None
    swapped = [(x, y) for x, y in zip(words, other_words, strict=True) if x != y]
    if len(swapped) != 1:
        return None
    x, y = swapped[0]
    if not (x[:1].isupper() and y[:1].isupper()):
        return None
    if is_place_adjective(x, y):
        return PlaceSwap(x, y, True)
    if is_place_adjective(y, x):
        return PlaceSwap(y, x, False)
    return None


def before_a_noun(word: str, text: str) -> bool:
    """The word stands before a lower-case word in the text: used as an adjective ("Irish
    leaders"), not as a name ("Julian Assange")."""
    return re.search(rf"(?<!\w){re.escape(word)} [a-z]", text) is not None
