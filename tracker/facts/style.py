"""House style: whether an edit changes only how a thing is written, and why.

Every test here is about English news prose in general: punctuation and quote
marks, letter case, British/American spelling, transliteration and diacritics,
an abbreviation and its expansion, a metric conversion added or dropped, digits
for number words, a dateline, and the small words of "said Monday" ↔ "said on
Monday". None knows any story.
"""

from __future__ import annotations

import re
import unicodedata

from tracker.facts import lexicon as lx
from tracker.facts.normalize import before_a_noun, fold, parse_number, place_adjective_swap

# Words whose change alone never changes a fact: articles, "on" before a day, "that"
# after a say-verb, the serial comma's "and".
FUNCTION_WORDS: frozenset[str] = frozenset(
    ["a", "an", "the", "on", "that", "and", "of", "which", "who", "also", "has", "have"]
)
# Agency tags in a dateline: "YEREVAN, ARMENIA --" and "YEREVAN, Armenia (AP) —" are one place.
WIRE_TAGS: frozenset[str] = frozenset(["ap", "reuters", "afp", "upi", "cnn", "bbc"])
# British → American endings (applied to whole lower-case words).
SPELLING_ENDINGS: tuple[tuple[str, str], ...] = (
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ise", "ize"),
    ("ised", "ized"),
    ("ising", "izing"),
    ("isation", "ization"),
    ("yse", "yze"),
    ("ysed", "yzed"),
    ("tre", "ter"),
    ("tres", "ters"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
    ("ence", "ense"),
    ("mme", "m"),
)
_WORD = re.compile(r"[\w'’.-]+")
_NUMBER_WORDS = "|".join(sorted(lx.NUMBER_WORDS, key=len, reverse=True))
_UNIT_WORDS = "|".join(sorted({re.escape(u) for u in lx.UNITS}, key=len, reverse=True))
CONVERSION = re.compile(
    # the conversion stands apart, in brackets or after a comma or dash: a measure
    # inserted in the sentence itself ("spread 50 miles") is a fact
    rf"^\s*[(,–—-]\s*(?:about|around|nearly|some|roughly|approximately|almost|more than)?\s*"
    rf"(?:[\d.,]+|{_NUMBER_WORDS})[\s-]*(?:(?:metric|square|cubic|nautical)\s+)?(?:{_UNIT_WORDS})(?:e?s)?\b\.?\s*[)]?\s*[,;]?\s*$",
    re.I,
)
_BRACKETS = re.compile(r"\s*\([^()]{1,60}\)")


def without_conversions(text: str) -> str:
    """The text with its bracketed unit conversions cut ("2,000 tons (1,814 metric tons)"
    → "2,000 tons"): their figures restate one already given."""
    return _BRACKETS.sub(lambda m: "" if CONVERSION.match(m.group(0)) else m.group(0), text)


PERCENT = re.compile(r"\s*(?:%|per ?cent|percent)\s*", re.I)


def fold_marks(text: str) -> str:
    """Lower case, no accents, quotes and dashes folded, punctuation dropped, spaces single."""
    text = unicodedata.normalize("NFKD", text.translate(lx.DASHES))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = PERCENT.sub(" percent ", text)
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def style_reason(removed: str, added: str, a_text: str, b_text: str) -> str | None:
    """Why an edit of ``removed`` into ``added`` is house style, or None when it is not.

    ``a_text``/``b_text`` are the whole documents of each side: a spelling that both
    sides use somewhere is a variant, not a correction.
    """
    old, new = fold_marks(removed), fold_marks(added)
    if old == new:
        return "punctuation, quote marks or letter case"
    old_words, new_words = old.split(), new.split()
    if [w for w in old_words if w not in WIRE_TAGS] == [w for w in new_words if w not in WIRE_TAGS]:
        return "a dateline's wire tag or case"
    if not (set(old_words) ^ set(new_words)) - FUNCTION_WORDS:
        return "small words only"
    if _say_tense_only(old_words, new_words):
        return "a verb of saying in another tense ('says' → 'said')"
    if _conversion_only(removed, added):
        return "a unit conversion added or dropped"
    if _same_numbers(old_words, new_words):
        return "a number written another way"
    if _spelling(old_words, new_words):
        return "British and American spelling"
    if _variants(removed, added):
        return "spelling or transliteration variants"
    if _abbreviation(removed, added):
        return "an abbreviation and its expansion"
    if _title_before_name(removed, added):
        return "a title put before a name or taken from it ('Brandt' → 'Chancellor Brandt')"
    if _place_and_its_adjective(removed, added, a_text, b_text):
        return "a place name and its adjective ('Ireland' → 'Irish')"
    if _both_spellings_used(removed, added, a_text, b_text):
        return "a spelling variant the story uses on both sides"
    if _reference_named(removed, added, a_text) or _reference_named(added, removed, b_text):
        return "a name the story already gives, for its reference ('the region', 'he')"
    return None


# The forms of the verbs of saying: a wire copy's present ("police say") turned past
# ("police said") by the next outlet or update is house style, not news.
_SAY_FORMS = frozenset("say says said tell tells told".split())


def _say_tense_only(old: list[str], new: list[str]) -> bool:
    """The edit only moves a verb of saying between tenses (and small words)."""
    changed = (set(old) ^ set(new)) - FUNCTION_WORDS
    return changed <= _SAY_FORMS and bool(changed & set(old)) and bool(changed & set(new))


def _reference_named(reference: str, name: str, document: str) -> bool:
    """ "the region" → "Alsace-Lorraine", told elsewhere in the same version; "he" ↔ a name."""
    ref, named = reference.strip(" ,."), name.strip(" ,.")
    words = ref.split()
    if not words or not named or not named[:1].isupper() or len(words) > 3:
        return False
    if any(w[:1].isupper() for w in words[1:]) or named not in document.replace(reference, ""):
        return False
    is_pronoun = len(words) == 1 and words[0].lower() in lx.STAND_IN_PRONOUNS
    return is_pronoun or words[0].lower() in ("the", "this", "that")


def _one_sided(removed: str, added: str) -> str:
    """The words an edit only puts in or only takes out; "" when it replaces words."""
    return added if not removed.strip() else removed if not added.strip() else ""


def _conversion_only(removed: str, added: str) -> bool:
    """ "10 kilometres (six miles)" ↔ "6 miles": one measure kept, its conversion dropped."""
    inserted = _one_sided(removed, added)
    if inserted:
        return bool(CONVERSION.match(inserted))
    longer, shorter = (removed, added) if len(removed) > len(added) else (added, removed)
    if "(" not in longer or not _has_unit(shorter):
        return False
    kept, all_values = _values(shorter), _values(longer)
    return bool(kept) and set(kept) <= set(all_values) and len(all_values) == len(kept) + 1


def _has_unit(text: str) -> bool:
    words = [w.strip("().,").lower() for w in text.split()]
    return any(w in lx.UNITS or w.rstrip("s") in lx.UNITS for w in words)


def _values(text: str) -> list[float]:
    out = []
    for word in text.replace(",", "").split():
        value = parse_number(word.strip("()$%.,;:\"'“”"))
        if value is not None:
            out.append(value)
    return out


def _same_numbers(old: list[str], new: list[str]) -> bool:
    """ "five" ↔ "5", "1,200" ↔ "1200": the same value, written differently."""
    if not old or not new or len(old) > 3 or len(new) > 3:
        return False
    a, b = parse_number(" ".join(old)), parse_number(" ".join(new))
    return a is not None and a == b


def _variants(removed: str, added: str) -> bool:
    """Word for word the same but for spelling and transliteration (Nakhcivan/Nakhchivan)."""
    old = fold_marks(fold(removed)).split()
    new = fold_marks(fold(added)).split()
    if len(old) != len(new) or old == new:
        return False
    originals = dict(zip(old, fold_marks(removed).split(), strict=False))
    for a, b in zip(old, new, strict=True):
        if a == b or _spelling_pair(a, b):
            continue
        is_name = originals.get(a, a)[:1].isupper() or a[:1] == b[:1]
        if not (is_name and a[:1] == b[:1] and _transliterated(a) == _transliterated(b)):
            return False
    return True


def _transliterated(word: str) -> str:
    """A name's letters under the usual romanisation choices: an 'h' after a consonant
    (Nakhcivan/Nakhchivan), doubled letters, 'y' for 'i' beside a vowel or at the end
    (Pashinyan/Pashinian, Zelensky/Zelenskiy). A letter changed anywhere else
    (Kowalczyk/Kowalczik) is a respelling: a correction, not a variant."""
    word = re.sub(r"[^a-z0-9]", "", fold_marks(word))
    word = _H_AFTER_CONSONANT.sub(r"\1", word)
    word = _DOUBLED.sub(r"\1", word)
    word = re.sub(r"iy$|yi$", "y", word)
    return _Y_BY_VOWEL.sub("i", word)


_H_AFTER_CONSONANT = re.compile(r"([cszkgtdp])h")
_DOUBLED = re.compile(r"(\w)\1")
_Y_BY_VOWEL = re.compile(r"(?<=[aeiou])y|y(?=[aeiou])|y$")


def _spelling(old: list[str], new: list[str]) -> bool:
    if len(old) != len(new):
        return False
    pairs = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return bool(pairs) and all(_spelling_pair(a, b) for a, b in pairs)


def _spelling_pair(a: str, b: str) -> bool:
    if lx.SPELLING_VARIANTS.get(a) == b or lx.SPELLING_VARIANTS.get(b) == a:
        return True
    for british, american in SPELLING_ENDINGS:
        for x, y in ((a, b), (b, a)):
            stem = x[: -len(british)]
            same_stem = stem == y[: -len(american)] and len(stem) > 2
            if x.endswith(british) and y.endswith(american) and same_stem:
                return True
    return a.replace("-", "") == b.replace("-", "")


def _initials(phrase: str) -> str:
    return "".join(w[0] for w in _WORD.findall(phrase) if w[:1].isupper()).lower()


_BRACKETED_ABBREVIATION = re.compile(r"\(([A-Z][A-Z.&-]{1,11})\)")


def _abbreviation(removed: str, added: str) -> bool:
    """ "U.S." ↔ "United States", "Gov." ↔ "Governor", "UN" ↔ "United Nations", and a
    name told in full with its abbreviation in brackets ↔ the abbreviation with a common
    noun ("the National Union of Rail, Maritime and Transport Workers (RMT)" ↔ "the RMT
    union")."""
    for short, long in ((removed.strip(), added.strip()), (added.strip(), removed.strip())):
        given = _BRACKETED_ABBREVIATION.search(long)
        words = [w.strip(".,;:") for w in short.split()]
        if given and given.group(1) in words and len(short) < len(long):
            rest = [w for w in words if w and w != given.group(1)]
            if all(w[:1].islower() for w in rest):
                return True
        letters = re.sub(r"[^A-Za-z]", "", short)
        if not letters or len(short) >= len(long):
            continue
        if len(letters) >= 2 and letters.isupper() and letters.lower() == _initials(long):
            return True
        head = long.split()[0].lower() if long.split() else ""
        if short.endswith(".") and head.startswith(letters.lower()) and len(long.split()) == 1:
            return True
    return False


def _title_before_name(removed: str, added: str) -> bool:
    """Only a capitalised title put in or taken out ("Chancellor", "Prime Minister"):
    a later reference shortened or lengthened, not a new rank (RANK_WORDS are news)."""
    inserted = _one_sided(removed, added).strip()
    words = [w.strip(".,").lower() for w in inserted.split()]
    return (
        bool(words)
        and inserted[:1].isupper()
        and all(w in lx.PERSON_TITLES and w not in lx.RANK_WORDS for w in words)
    )


def _place_and_its_adjective(removed: str, added: str, a_text: str, b_text: str) -> bool:
    """One capitalised word swapped for the adjective of the same place, used before a
    noun ("Northern Ireland leaders" → "Northern Irish leaders", "the Azerbaijan exclave"
    → "the Azerbaijani exclave"): a rewording. "Julia" → "Julian" is a name corrected:
    a name is not followed by a lower-case noun."""
    old, new = removed.strip(" ,.;"), added.strip(" ,.;")
    swap = place_adjective_swap(old, new) if len(old.split()) == len(new.split()) == 1 else None
    if swap is None:
        return False
    return before_a_noun(swap.adjective, b_text if swap.adjective_in_other else a_text)


def _both_spellings_used(removed: str, added: str, a_text: str, b_text: str) -> bool:
    """Nakhcivan and Nakhchivan in one story: two transliterations, not a correction."""
    old, new = removed.strip(" ,.;"), added.strip(" ,.;")
    if not old or not new or len(old.split()) > 3 or not old[:1].isupper():
        return False

    def uses(text: str, name: str) -> bool:  # as a word: "Julian" does not use "Julia"
        return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None

    used_together = any(uses(text, old) and uses(text, new) for text in (a_text, b_text))
    return used_together and _letters_close(old, new)


def _letters_close(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.normalized_similarity(a.lower(), b.lower()) >= 0.75
