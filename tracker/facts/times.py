"""When it happened: the day or time of day a version gives beside an event word, now
another ("the killing late Tuesday" → "the killing early Wednesday").

Told across the whole document, as figures are: a rewrite moves the event into a new
sentence, so the two sentences need not be aligned. Report times ("said Monday") are
left out: they date the statement, not the event.
"""

from __future__ import annotations

import re

from tracker.facts import lexicon as lx
from tracker.facts.candidates import Candidate, Side, stem_of
from tracker.model import FactChange

_DAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|"
    r"(?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.? \d{1,2})"
)
# "<event word> [on] [early|late] <day> [morning|night|…]"
_EVENT_TIME = re.compile(
    rf"\b(?P<word>[a-z][a-z'-]{{2,}}) (?P<when>(?:(?:on|in the) )?(?:(?:early|late) )?"
    rf"(?:{_DAY})(?: (?:morning|afternoon|evening|night))?|overnight)\b",
    re.I,
)
_NOT_EVENTS = frozenset(
    {
        "said",
        "says",
        "told",
        "announced",
        "reported",
        "added",
        "stated",
        "confirmed",
        "and",
        "the",
        "until",
        "since",
        "from",
        "before",
        "after",
        "late",
        "early",
        "last",
        "this",
        "next",
        "that",
        "than",
        "with",
        "for",
        "but",
        "was",
        "were",
        "is",
        "are",
        "by",
    }
)


def _event_times(side: Side) -> dict[str, tuple[str, str, int]]:
    """Event word stem → (the words as written, the time phrase, sentence), first told."""
    found: dict[str, tuple[str, str, int]] = {}
    for sentence in side.sentences:
        for match in _EVENT_TIME.finditer(sentence.text):
            word = match.group("word")
            if word.lower() in _NOT_EVENTS or word.lower() in lx.STOP_LEMMAS:
                continue
            found.setdefault(stem_of(word), (word, match.group("when"), sentence.index))
    return found


_ABSOLUTE_DAY = re.compile(
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|[a-z]+\.? \d{1,2}", re.I
)


def _day_of(phrase: str) -> str | None:
    """The calendar day a phrase names; None for "today", "overnight" and the like, which
    a web copy and a print copy of one story tell differently."""
    found = _ABSOLUTE_DAY.search(phrase)
    return found.group(0).lower() if found else None


def time_changes(a: Side, b: Side) -> list[Candidate]:
    """The same event word given another day or time of day, the old one no longer told."""
    old_times, new_times = _event_times(a), _event_times(b)
    b_text = " ".join(s.text for s in b.sentences).lower()
    out = []
    for key, (word, new_when, j) in new_times.items():
        if key not in old_times:
            continue
        old_word, old_when, i = old_times[key]
        old_day, new_day = _day_of(old_when), _day_of(new_when)
        if not word.islower() or old_day is None or new_day is None or old_day == new_day:
            continue  # a name, a relative day, or the same day told more or less precisely
        if old_day in b_text:
            continue  # B still tells the old day somewhere
        before, after = f"{old_word} {old_when}", f"{word} {new_when}"
        out.append(
            Candidate(
                FactChange(
                    change="changed",
                    kind="time",
                    subject=f"when: {word.lower()}",
                    slot="time",
                    before=before,
                    after=after,
                    summary=f"When: {before} → {after}",
                    evidence_a=a.sentences[i].text,
                    evidence_b=b.sentences[j].text,
                    a_sentences=(i,),
                    b_sentences=(j,),
                ),
                weight=lx.CHANGE_WEIGHT["changed"],
                position=j,
                a_sentence=i,
                b_sentence=j,
            )
        )
    return out
