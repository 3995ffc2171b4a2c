"""Cut paragraphs into sentences in a way that survives news text.

The base segmentation comes from syntok; news-specific repairs (datelines,
titles before names, a sentence that continues in lower case, a decimal before
a full stop) are data tables below, applied to syntok's spans. Sentences are
slices of the paragraph with runs of whitespace folded to one space, so the
text is the publisher's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import syntok.segmenter as syntok_segmenter

from tracker import limits
from tracker.model import Sentence, Split

# --- repairs as data -------------------------------------------------------------------------

# Titles and abbreviations that stand before a name or number and never end a sentence
# in news copy ("Gov. Andrew Cuomo", "Lt. Col. Ann Lee", "No. 2"). syntok splits after some.
_TITLE_LIST = """
    Gov Lt Rep Reps Sen Sens Gen Col Maj Capt Cmdr Adm Sgt Cpl Pvt Brig Det Insp Supt Atty Amb
    Hon Rev Msgr Prof Dr Mr Mrs Ms Mt Ft No Nos vs
"""
_TITLES_BEFORE_NAMES = tuple(_TITLE_LIST.split())

_DASH = r"(?:--|—|–|-)"
# A dateline on its own: "YEREVAN, ARMENIA", "BOULDER, Colo.", "PARIS (AP)", "KYIV, Ukraine (AP)".
_DATELINE_PLACE = r"[A-Z][A-Z'’.\- ]*[A-Z.](?:,\s*[A-Z](?:[A-Za-z0-9'’.\- ]*[A-Za-z0-9.])?){0,2}"
_AGENCY = r"\([A-Za-z][A-Za-z .&/-]{0,30}\)"

# (why, the fragment before must match this at its end, the fragment after at its start):
# when both match, syntok's boundary between the two fragments is not a sentence boundary.
_JOIN_RULES: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    (
        "title before a name or number",
        re.compile(r"(?:^|[\s(“\"])(?:" + "|".join(map(re.escape, _TITLES_BEFORE_NAMES)) + r")\.$"),
        re.compile(r"^[\"“‘]?[A-Z0-9]"),
    ),
    (
        "dateline cut before its agency or dash",
        re.compile(rf"^{_DATELINE_PLACE}(?:\s*{_AGENCY})?$"),
        re.compile(rf"^(?:{_AGENCY}\s*)?{_DASH}\s|^{_AGENCY}"),
    ),
    (
        "sentence that goes on in lower case",
        re.compile(r"\S$"),
        re.compile(r"^[\"“”'’(]?[a-z](?![a-z]*[A-Z])"),
    ),
    (
        "orphaned closing quote or bracket",
        re.compile(r"\S$"),
        re.compile(r"^[\"”’)\]]+(?:\s|$)"),
    ),
)

# Boundaries syntok misses: (why, a zero-width pattern where a sentence ends).
_SPLIT_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("full stop after a decimal or a price", re.compile(r"(?<=\d)\.(?=\s+[\"“‘]?[A-Z])")),
    # Wire copy typed on old systems closes a quote with two apostrophes: ''no.'' She left.
    ("quote closed by two apostrophes", re.compile(r"(?<=[.?!]''|[.?!]’’)(?=\s+[\"“‘'A-Z])")),
)

# "YEREVAN, ARMENIA -- ", "BOULDER, Colo. (AP) — ", "PARIS (AP) - ", "(CNN) — ".
_DATELINE = re.compile(
    rf"^(?P<place>{_DATELINE_PLACE})?\s*(?P<agency>{_AGENCY})?\s*{_DASH}\s+(?=\S)",
)
_MAX_DATELINE_CHARS = 60

_WHITESPACE = re.compile(r"\s+")
# The join rules read at most this many characters at the end of the fragment before (its
# start only when it is this short): a run of joined fragments grows, and reading all of it
# at every boundary was quadratic ("Gov. Gov. Gov. …" took 15 s for 50,000 characters).
_JOIN_WINDOW = 200


# --- public API ------------------------------------------------------------------------------


def split_sentences(paragraph: str) -> list[str]:
    """The sentences of one paragraph, in order; nothing for an empty paragraph."""
    if not paragraph.strip():
        return []
    spans = _join_spans(paragraph, _syntok_spans(paragraph))
    spans = [piece for span in spans for piece in _split_span(paragraph, span)]
    sentences = (_WHITESPACE.sub(" ", paragraph[start:end]).strip() for start, end in spans)
    return [piece for s in sentences if s for piece in _capped(s)]


def segment(split: Split) -> list[Sentence]:
    """Number the sentences and paragraphs of a whole version across its sections."""
    sentences: list[Sentence] = []
    paragraph_index = 0
    for section in split.sections:
        for paragraph in section.paragraphs:
            for text in split_sentences(paragraph):
                if len(sentences) == limits.MAX_SENTENCES:
                    limits.check("the article", len(sentences) + 1, "sentences", "MAX_SENTENCES")
                sentences.append(
                    Sentence(
                        text=text,
                        index=len(sentences),
                        paragraph=paragraph_index,
                        section=section.kind,
                    )
                )
            paragraph_index += 1
    return sentences


def strip_dateline(sentence: str) -> tuple[str | None, str]:
    """Split a leading dateline off a sentence: ``("YEREVAN, ARMENIA", "Azerbaijan said …")``.

    The place is returned without the agency; a dateline that is only an agency
    ("(CNN) — …") returns the agency's name. No dateline: ``(None, sentence)``.
    """
    match = _DATELINE.match(sentence)
    if not match or match.end() > _MAX_DATELINE_CHARS:
        return None, sentence
    place, agency = match.group("place"), match.group("agency")
    if place is None and agency is None:
        return None, sentence
    if place is not None and not _looks_like_place(place):
        return None, sentence
    dateline = place.strip() if place else agency.strip("()").strip()
    return dateline, sentence[match.end() :]


# --- private helpers -------------------------------------------------------------------------


def _looks_like_place(place: str) -> bool:
    """A dateline starts with a word in capitals ("WASHINGTON"), not a sentence's first word."""
    first_word = re.split(r"[,\s]", place.strip(), maxsplit=1)[0].rstrip(".")
    return len(first_word) >= 2 and first_word.isupper() and "." not in first_word


@lru_cache(maxsize=4096)
def _syntok_spans(paragraph: str) -> tuple[tuple[int, int], ...]:
    """Character spans of syntok's sentences (slices of the original text).

    Cached: syntok is most of a version's segmentation, and a new version of a
    story repeats most of its paragraphs (an extraction process sees them again).
    """
    spans: list[tuple[int, int]] = []
    for syntok_paragraph in syntok_segmenter.analyze(paragraph):
        for tokens in syntok_paragraph:
            if tokens:
                last = tokens[-1]
                spans.append((tokens[0].offset, last.offset + len(last.value)))
    return tuple(spans)


def _join_spans(paragraph: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and (
            _inside_token(paragraph, joined[-1][1], start)
            or _should_join(_tail(paragraph, *joined[-1]), paragraph[start:end])
        ):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _inside_token(paragraph: str, before_end: int, after_start: int) -> bool:
    """syntok cuts some runs without whitespace ("00;A", "said;Then"): a sentence boundary
    there would split one word in two, and the words of a version must survive segmentation."""
    return not any(c.isspace() for c in paragraph[before_end:after_start])


def _tail(paragraph: str, start: int, end: int) -> str:
    """The fragment, or when longer than _JOIN_WINDOW its end after a NUL: no rule matches
    across the NUL, and none that reads only the end sees a difference."""
    if end - start <= _JOIN_WINDOW:
        return paragraph[start:end]
    return "\x00" + paragraph[end - _JOIN_WINDOW : end]


def _capped(sentence: str) -> Iterator[str]:
    """A sentence, or a longer one cut at spaces into pieces of at most MAX_SENTENCE_CHARS."""
    limit = limits.MAX_SENTENCE_CHARS
    while len(sentence) > limit:
        cut = sentence.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        yield sentence[:cut].rstrip()
        sentence = sentence[cut:].lstrip()
    if sentence:
        yield sentence


def _should_join(before: str, after: str) -> bool:
    before, after = before.strip(), after.strip()
    return any(prev.search(before) and nxt.search(after) for _why, prev, nxt in _JOIN_RULES)


def _split_span(paragraph: str, span: tuple[int, int]) -> Iterator[tuple[int, int]]:
    start, end = span
    text = paragraph[start:end]
    cuts = sorted({m.end() for _why, rule in _SPLIT_RULES for m in rule.finditer(text)})
    previous = 0
    for cut in cuts:
        if not any(c.isalpha() for c in text[previous:cut]):
            continue  # a list number ("1. Police said …") is not a sentence of its own
        yield start + previous, start + cut
        previous = cut
    yield start + previous, end
