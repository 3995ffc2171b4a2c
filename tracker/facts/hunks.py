"""Edits first: every word-diff hunk of an edited, split or merged sentence, typed by what changed.

A hunk is a run of removed and inserted words between unchanged ones. Each becomes
one candidate change whose before and after are the changed phrase with the
unchanged words around it up to a clause boundary, so each side reads on its own.
It is typed from closed-class word lists (numbers and quantifiers, titles, compass
points, days and months, modal and negation words, say-verbs, status verbs) and
letter case (names), or found to be house style (:mod:`tracker.facts.style`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from tracker.facts import lexicon as lx
from tracker.facts.normalize import parse_number
from tracker.facts.style import FUNCTION_WORDS, fold_marks, style_reason
from tracker.model import Sentence, SentenceOp
from tracker.worddiff import word_diff

# Category → how the line names what changed, when no better subject is at hand.
LABELS: dict[str, str] = {
    "quantity": "Figure",
    "name": "Name",
    "title": "Title or affiliation",
    "place": "Place",
    "time": "Time",
    "status": "Status",
    "certainty": "Certainty",
    "attribution": "Source",
    "information": "Detail",
    "style": "Style",
}
PREPOSITIONS = frozenset("near from in at on to with for by into over under across".split())
OBJECT_WORDS = 4  # the most words a figure's phrase runs on past a preposition
# An insertion or cut of at most this many words is shown as its phrase before → after.
SHOWN_BOTH_WORDS = 3
CONJUNCTIONS = frozenset({"and", "or", "but", "nor", "that", "which", "who", "while"})
QUANTIFIER_EDIT_WORDS = 8  # a vague count made precise is a short edit
CONTEXT_WORDS = 4  # unchanged words kept on each side of a hunk, up to a clause boundary
# A context that would end on "on the" or "and" reads as cut off: it runs on this many
# words more, to the next content word.
CONTEXT_RUN_ON = 3
# Words a quoted phrase cannot end on without reading cut off ("… on the", "… and").
DANGLING_WORDS: frozenset[str] = frozenset(
    "a an the of to in on at for and or but nor that with by from as into onto than "
    "is are was were be been has have had will would its their his her whose which who "
    "until since after before because while when "
    # determiners and quantifiers that need their noun ("… to bring more", "… and other")
    "more less other another some any many several few most each every all both this "
    "these those such no not very so can could may might must should shall".split()
)
# Words a phrase cannot open on: "of State Hillary Clinton" needs the noun before it.
OPENING_DANGLING_WORDS = frozenset({"of"})
NEGATION_EDIT_WORDS = 3  # the longest insertion that flips a claim: "has not yet been"
MAX_PHRASE_WORDS = 40  # a longer rewrite is told as its whole sentence
# Words that end a figure's phrase: what follows them is another part of the clause.
PHRASE_STOPS = frozenset(
    "and or but was were is are has have had in on at as with from to by for that which "
    "who said says after before when while".split()
)
# Words that end the modifier read before a bare figure: verbs of saying, auxiliaries and
# clause words (a participle in "-ing" ends it too).
FIGURE_PREFIX_STOPS = frozenset(
    "said says say told reported also after before when while as was were is are be been "
    "has have had who which that than where whom whose with".split()
)
RANGE_TO = frozenset({"up", "close", "nearly"})  # "up to 50": the "to" is the figure's
CLAUSE_MARKS = frozenset(',;:()—–"“”')

COMPASS = re.compile(
    r"\b(?:north|south|east|west)(?:[- ]?(?:north|south|east|west))?(?:ern|ward|wards)?\b"
    r"|\b(?:upstream|downstream|inland|offshore|nearby|outskirts|near|outside|inside)\b",
    re.I,
)
TIME_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tonight|"
    r"tomorrow|morning|afternoon|evening|night|overnight|dawn|midnight|noon|week|weekend|"
    r"month|year|hours?|minutes?|days?|earlier|later|recently|ago|since|until|"
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec|a\.m|p\.m|\d{1,2}:\d{2}|"
    r"(?:19|20)\d{2})\b",
    re.I,
)
# An age is no time: "a 9-year-old girl", "the 24-year-old", "a six-month-old baby".
AGE = re.compile(r"\b[\w.]+-(?:years?|months?|weeks?|days?)-olds?\b", re.I)
MODALITY = re.compile(
    r"\b(?:not|no|never|n't|nor|may|might|could|would|should|possibly|probably|likely|"
    r"unlikely|apparently|reportedly|allegedly|suspected|presumed|believed|expected|feared|"
    r"appears?|appeared|seems?|seemed|confirmed|unconfirmed|unclear|unknown|denied|denies|"
    r"deny|claimed|claims?|purportedly|perhaps|maybe)\b",
    re.I,
)
STATUS = re.compile(
    r"\b(?:died|dead|dies|killed|kills|injured|wounded|hurt|hospitali[sz]ed|missing|"
    r"rescued|survived|survivors?|arrested|charged|convicted|acquitted|sentenced|released|"
    r"freed|detained|jailed|resigned|fired|ousted|elected|appointed|named|nominated|"
    r"retired|suspended|closed|reopened|cancell?ed|postponed|approved|rejected|passed|"
    r"signed|vetoed|captured|seized|fell|taken|evacuated|destroyed|damaged|collapsed|"
    r"found|identified|recovered|leads?|led|heads?|headed|former|formerly|until|now|"
    r"will|would|plans?|planned|has|had|is|was|are|were|become|became)\b",
    re.I,
)
SAY_WORDS = re.compile(
    r"\b(?:said|says|say|told|tells|according|stated|states|announced|confirmed|reported|"
    r"reports|claimed|added|spokesman|spokeswoman|spokesperson|official|officials|ministry|"
    r"police|statement|sources?)\b",
    re.I,
)
PARTY = re.compile(r"\b[DRI]-[A-Z][A-Za-z.]+\b|\b(?:Democrat|Republican|Labour|Tory|Conservative)")
QUANTIFIERS = re.compile(
    r"\b(?:multiple|several|many|some|few|dozens|hundreds|thousands|millions|scores|"
    r"number of|handful|numerous|all|most|half|majority|nearly|about|almost|at least|"
    r"more than|less than|fewer than|up to|over|under|roughly|around|estimated)\b",
    re.I,
)
NUMBER = re.compile(r"\d")
NEGATION = re.compile(r"\b(?:not|never|no|n't|nor|neither)\b|n't\b", re.I)


@dataclass(frozen=True)
class Hunk:
    """One edit inside an aligned sentence pair, with the phrases that tell it."""

    a_sentence: int
    b_sentence: int
    removed: str
    added: str
    before: str
    after: str
    category: str
    style: str | None  # the reason it is house style, or None
    position: int  # the B sentence's index
    whole: bool = False  # before/after are whole sentences (a rewrite too large for a phrase)

    @property
    def negation_flipped(self) -> bool:
        """ "will go ahead" → "will not go ahead": the claim turned into its opposite.

        Only a short edit flips a claim: a clause added with its own "no" ("… and there
        were no survivors") tells something new, it does not deny what was said.
        """
        if not can_flip(self.removed, self.added):
            return False
        return _negations(self.removed) != _negations(self.added)

    @property
    def label(self) -> str:
        longest = max(len(self.removed.split()), len(self.added.split()))
        if self.category == "name" and longest > NAME_SWAP_WORDS + 2:
            # a clause rewritten around a name is a detail of the story, not the name
            return LABELS["information"]
        return LABELS[self.category]

    def numbers(self) -> tuple[float | None, float | None]:
        """The figures the edit changed: the first of its own words, else of its context
        ("from several hundred to under 50" → "to 41": 50 → 41, not 100 → 100)."""
        before = _first_number(self.removed)
        after = _first_number(self.added)
        if before is None:
            before = _first_number(self.before)
        if after is None:
            after = _first_number(self.after)
        return before, after


def hunks(
    ops: Sequence[SentenceOp],
    a_sentences: Sequence[Sentence],
    b_sentences: Sequence[Sentence],
) -> list[Hunk]:
    """Every hunk of every edited, split or merged sentence pair, in B order."""
    a_text = " ".join(s.text for s in a_sentences)
    b_text = " ".join(s.text for s in b_sentences)
    out = []
    for op in ops:
        if op.op not in ("edited", "split", "merged", "moved") or not op.a or not op.b:
            continue
        old = " ".join(a_sentences[i].text for i in op.a)
        new = " ".join(b_sentences[j].text for j in op.b)
        words = op.words or word_diff(old, new)
        if op.op == "moved" and all(kind == "=" for kind, _ in words):
            continue
        for run in _runs(words):
            for removed, added, *context in _clause_parts(*run):
                out.append(_hunk(op, (old, new), removed, added, context, (a_text, b_text)))
    return out


CLAUSE_BREAK = re.compile(r";(?=\s)")  # a dash may open a dateline or an aside: not a break


def _clause_parts(
    removed: str, added: str, *context: str
) -> list[tuple[str, str, str, str, str, str]]:
    """A replacement that also adds or drops a clause is two edits: "are presumed dead" →
    "died; there were no survivors" is a status changed and a clause added, and the new
    clause's "no" denies nothing the old words said."""
    left_a, right_a, left_b, right_b = context
    old_break, new_break = CLAUSE_BREAK.search(removed), CLAUSE_BREAK.search(added)
    if bool(old_break) == bool(new_break):
        return [(removed, added, *context)]
    if new_break and removed.strip() and added[: new_break.start()].strip():
        head, tail = added[: new_break.start()], added[new_break.start() :]
        return [
            (removed, head, left_a, right_a, left_b, tail + right_b),
            ("", tail, left_a + removed, right_a, left_b + head, right_b),
        ]
    if old_break and added.strip() and removed[: old_break.start()].strip():
        head, tail = removed[: old_break.start()], removed[old_break.start() :]
        return [
            (head, added, left_a, tail + right_a, left_b, right_b),
            (tail, "", left_a + head, right_a, left_b + added, right_b),
        ]
    return [(removed, added, *context)]


def _runs(words: Iterable[tuple[str, str]]) -> list[tuple[str, str, str, str, str, str]]:
    """(removed, added, A text before, A text after, B text before, B text after) per hunk.

    Two changes separated by one or two unchanged words are one hunk: "at least 50
    people" → "more than 70 people" is one edit, not two.
    """
    chunks = list(words)
    runs: list[list[int]] = []
    for i, (op, _) in enumerate(chunks):
        if op == "=":
            continue
        if runs and _joinable(chunks, runs[-1][-1], i):
            runs[-1].append(i)
        else:
            runs.append([i])
    out = []
    for run in runs:
        first, last = run[0], run[-1]
        removed = "".join(t for op, t in chunks[first : last + 1] if op in "-=")
        added = "".join(t for op, t in chunks[first : last + 1] if op in "+=")
        before, after = chunks[:first], chunks[last + 1 :]
        out.append(
            (
                removed,
                added,
                "".join(t for op, t in before if op != "+"),
                "".join(t for op, t in after if op != "+"),
                "".join(t for op, t in before if op != "-"),
                "".join(t for op, t in after if op != "-"),
            )
        )
    return out


def _joinable(chunks: list[tuple[str, str]], previous: int, current: int) -> bool:
    # a day or date changed beside a figure is a change of its own ("52-48 on Tuesday"
    # → "51-49 on Wednesday"): the vote and the day
    if _is_date_words(chunks[previous][1]) != _is_date_words(chunks[current][1]):
        return False
    between = chunks[previous + 1 : current]
    text = "".join(t for op, t in between if op == "=")
    # a clause mark between two changes parts two edits: "Kowalczyk, D-Ohio," respelled
    # and a party changed are two facts, not one
    return len(text.split()) <= 2 and not any(c in ".;" or c in CLAUSE_MARKS for c in text)


def _context(left: str, right: str) -> tuple[str, str]:
    """The unchanged words next to a hunk, up to CONTEXT_WORDS and a clause boundary."""
    left_words = left.split()
    kept_left: list[str] = []
    for word in reversed(left_words):
        if len(kept_left) >= CONTEXT_WORDS + CONTEXT_RUN_ON or (
            len(kept_left) >= CONTEXT_WORDS and kept_left[0].lower() not in OPENING_DANGLING_WORDS
        ):
            break
        if kept_left and word[-1:] in CLAUSE_MARKS:
            break
        kept_left.insert(0, word)
        if word[:1] in CLAUSE_MARKS:
            break
    kept_right: list[str] = []
    for word in right.split():
        if len(kept_right) >= CONTEXT_WORDS + CONTEXT_RUN_ON or (
            len(kept_right) >= CONTEXT_WORDS and not _dangling(kept_right[-1])
        ):
            break
        kept_right.append(word)
        if word[-1:] in CLAUSE_MARKS or word[-1:] == ".":
            break
    left_text = " ".join(kept_left)
    if left.endswith(" ") and left_text:
        left_text += " "
    right_text = " ".join(kept_right)
    if right.startswith(" ") and right_text:
        right_text = " " + right_text
    return left_text, right_text


def can_flip(removed: str, added: str) -> bool:
    """Can a "not" or "no" in this edit deny what the sentence said? A word or two
    inserted ("will not go ahead") or words replaced ("found it burning" → "did not find
    it burning") can; a clause inserted whole ("… and there were no survivors") cannot."""
    if removed.strip() and added.strip():
        return True
    return max(len(removed.split()), len(added.split())) <= NEGATION_EDIT_WORDS


def _dangling(word: str) -> bool:
    """A function word a phrase cannot end on ("the", "of", "and")."""
    return word.lower() in DANGLING_WORDS


def _phrase(left: str, right: str, middle: str) -> str:
    text = f"{left}{middle}{right}"
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" ,;:—–-").strip()


def _hunk(
    op: SentenceOp,
    sentences: tuple[str, str],
    removed: str,
    added: str,
    context: list[str],
    documents: tuple[str, str],
) -> Hunk:
    a_index, b_index = op.a[0], op.b[0]
    left_a, right_a, left_b, right_b = context
    before = _phrase(*_context(left_a, right_a), removed)
    after = _phrase(*_context(left_b, right_b), added)
    whole = max(len(before.split()), len(after.split())) > MAX_PHRASE_WORDS
    if whole:
        before, after = sentences
    reason = style_reason(removed, added, *documents)
    at_start = not left_a.strip() or not left_b.strip()
    category = "style" if reason else categorise(removed, added, at_start)
    if not reason and _is_date_edit(removed, added, before, after):
        category = "time"  # "on Monday" → "on Sunday", "March 4" → "March 11"
    elif not reason and (PARTY.search(before) or PARTY.search(after)) and _short(removed, added):
        category = "title"  # "(D-Ohio)" → "(R-Ohio)": the edit is inside a party label
    if category in ("title", "name", "information") and _next_to_say_verb(left_a, right_a):
        category = "attribution"  # who says so: "…, the regional governor said" → "police said"
    if not reason and respelled(removed, added):
        category = "name"  # "Kowalczyk" → "Kowalczik": the name corrected, wherever it stands
    return Hunk(
        a_index,
        b_index,
        removed.strip(),
        added.strip(),
        before,
        after,
        category,
        reason,
        b_index,
        whole,
    )


# The longest side of an edit that changes one fact exactly ("D" → "R", "north" →
# "northwest", "leads" → "until recently led", "is expected to be" → "was").
PRECISE_EDIT_WORDS = 4
PARTY_WORD = re.compile(
    r"^(?:[DRI]|Dem|Rep|Ind|Democrat(?:ic)?|Republican|Independent|Labour|Tory|Conservative|"
    r"Liberal|Green)$",
    re.I,
)
# Verbs of holding a role: one put in another tense says the role changed hands, where
# a verb of saying or thinking in another tense is reported speech ("object" → "objected").
ROLE_VERBS = frozenset(
    "lead head chair run serve direct manage own control command represent govern coach "
    "edit oversee hold".split()
)
# "would" backshifts reported speech ("would reveal" → "have revealed") as often as it
# hedges: it does not by itself make a claim more or less sure.
WEAK_MODALS = frozenset({"would"})


def precise_edit(hunk: Hunk) -> str | None:
    """Why a short edit changes one fact exactly, or None: a party label, a rank, a
    compass direction, a tense or aspect of what became of someone (leads → led,
    expected → done, chairs → chaired), a hedge added or dropped, or another named
    source. An editor lists such an edit wherever it stands in the story; a rewording
    never is one."""
    removed, added = hunk.removed, hunk.added
    if hunk.style or hunk.whole or not (removed or added):
        return None
    if max(len(removed.split()), len(added.split())) > PRECISE_EDIT_WORDS:
        return None
    both = bool(removed and added)
    if hunk.category == "title" and both and _all_words(removed, added, PARTY_WORD.match):
        return "a party label changed"
    # a rank put in or taken out ("Deputy Interior Minister" → "Interior Minister"); a
    # title put before a name ("Putin" → "President Putin") is house style, not a change
    rank_test = _is_title_word if both else _is_rank_word
    if hunk.category == "title" and _all_words(removed, added, rank_test):
        return "a title changed"
    if hunk.category == "place" and both and _all_words(removed, added, COMPASS.fullmatch):
        return "a direction changed"
    if hunk.category == "status" and _tense_changed(removed, added):
        return "what became of it changed"
    if _other_tense(removed, added) and _verb_forms(removed.strip(" ,.;:").lower()) & ROLE_VERBS:
        return "a role held is now told in another tense"  # "who chairs" → "who chaired"
    if hunk.category == "certainty" and (
        _modal_words(removed) - WEAK_MODALS != _modal_words(added) - WEAK_MODALS
    ):
        return "how sure the claim is changed"
    old_names, new_names = set(_names(removed)), set(_names(added))
    if (
        hunk.category == "attribution"
        and old_names
        and new_names
        and old_names.isdisjoint(new_names)
    ):
        return "another source named"
    return None


def _is_title_word(word: str) -> bool:
    return word.lower().strip(".") in lx.PERSON_TITLES


def _is_rank_word(word: str) -> bool:
    return word.lower().strip(".") in lx.RANK_WORDS


def _all_words(removed: str, added: str, test: Callable[[str], object]) -> bool:
    """Every word of both sides passes ``test`` (punctuation and hyphens aside)."""
    words = [w for w in re.split(r"[\s\-–]+", f"{removed} {added}") if w.strip(".,;:()")]
    return bool(words) and all(test(w.strip(".,;:()")) for w in words)


def categorise(removed: str, added: str, at_start: bool = False) -> str:
    """What kind of fact an edit touches, from the words it changes.

    ``at_start``: the edit opens its sentence, where every word is capitalised.
    """
    both = f"{removed} {added}"
    # "several" → "six" is a figure made precise; an "all" or "about" somewhere in a
    # rewritten clause is not
    short = max(len(removed.split()), len(added.split())) <= QUANTIFIER_EDIT_WORDS
    if short and (
        (QUANTIFIERS.search(removed) is None) != (QUANTIFIERS.search(added) is None)
        or (
            (NUMBER.search(both) or _number_words(both))
            and _but_years(_values(removed)) != _but_years(_values(added))
        )
    ):
        return "quantity"
    if not short and _figures(removed) != _figures(added):
        return "quantity"  # in a rewritten clause only a written figure counts: not "one", not 1994
    if at_start:
        removed, added = _lower_first(removed), _lower_first(added)
    if (
        PARTY.search(both)
        or _has_title(removed) != _has_title(added)
        or (_has_title(both) and _names(removed) == _names(added))
    ):
        return "title"
    if _tense_changed(removed, added):
        # "leads" → "until recently led", "is expected to be released" → "was released",
        # "presumed dead" → "died": what became of the thing, before how sure it is
        return "status"
    flips = can_flip(removed, added)
    if MODALITY.search(both) and _modal_words(removed, flips) != _modal_words(added, flips):
        return "certainty"
    if SAY_WORDS.search(both) and _say_words(removed) != _say_words(added):
        return "attribution"
    if _names(removed) != _names(added) and (_names(removed) or _names(added)):
        if COMPASS.search(both):
            return "place"
        return "name"
    if COMPASS.search(both):
        return "place"
    if TIME_WORDS.search(AGE.sub("", both)):
        return "time"
    if STATUS.search(both):
        return "status"
    return "information"


DATE_WORDS = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|"
    r"jul|aug|sept?|oct|nov|dec|today|yesterday|tonight|tomorrow|morning|afternoon|evening|"
    r"night|overnight|early|late|on|in|at|the|of|last|this|next|\d{1,2}(?:st|nd|rd|th)?|"
    r"(?:19|20)\d{2})$",
    re.I,
)
CALENDAR = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|"
    r"aug|sept?|oct|nov|dec|today|yesterday|tonight|tomorrow)\b\.?",
    re.I,
)


def calendar_words(text: str) -> set[str]:
    """The days and months a text names, lower case ("on Tuesday" → {"tuesday"})."""
    return {m.group(0).lower().strip(".") for m in CALENDAR.finditer(text)}


def _is_date_words(text: str) -> bool:
    words = [w for w in (w.strip(".,;:()") for w in text.split()) if w]
    return bool(words) and all(CALENDAR.fullmatch(w) for w in words)


def _is_date_edit(removed: str, added: str, before: str, after: str) -> bool:
    """Every changed word is a day, month, date or time of day, beside a calendar word."""
    words = [w.strip(".,;:()") for w in f"{removed} {added}".split()]
    words = [w for w in words if w]
    return (
        bool(words)
        and all(DATE_WORDS.match(w) for w in words)
        and bool(CALENDAR.search(before) or CALENDAR.search(after))
    )


# At most this many words a side for a swap of names (a full name, "New York Times").
NAME_SWAP_WORDS = 3


def respelled(removed: str, added: str) -> bool:
    """One capitalised name written with a letter or two changed: a correction."""
    old, new = removed.strip(" ,.;:'’"), added.strip(" ,.;:'’")
    if not old or not new or old == new or len(old.split()) != 1 or len(new.split()) != 1:
        return False
    if not (old[:1].isupper() and new[:1].isupper()) or min(len(old), len(new)) < 4:
        return False
    return Levenshtein.distance(old.lower(), new.lower()) <= max(1, len(old) // 6)


def name_swapped(removed: str, added: str) -> bool:
    """One short proper name put in the place of another ("Meri Brown" → "Robyn Brown"):
    a person, place or organisation swapped, which an editor lists wherever it stands."""
    old, new = removed.strip(" ,.;:'’"), added.strip(" ,.;:'’")
    words_old, words_new = old.split(), new.split()
    if not words_old or not words_new or max(len(words_old), len(words_new)) > NAME_SWAP_WORDS:
        return False
    capitalised = all(w[:1].isupper() and w[1:2].islower() for w in words_old + words_new)
    if not capitalised or {w.lower() for w in words_old} & {w.lower() for w in words_new}:
        return False
    # "Ireland" → "Irish", "Russia" → "Russian": one name in another form, not another name
    return old[:2].lower() != new[:2].lower()


def _short(removed: str, added: str) -> bool:
    return len(removed.split()) <= 2 and len(added.split()) <= 2


def _tense_changed(removed: str, added: str) -> bool:
    """A status verb on both sides in other forms: the same thing now told in another tense."""
    old = {m.lower() for m in STATUS.findall(removed)}
    new = {m.lower() for m in STATUS.findall(added)}
    return bool(old) and bool(new) and old != new and bool(_VERB_FORMS & (old | new))


def _other_tense(removed: str, added: str) -> bool:
    """One word each side, two forms of one verb: "chairs"/"chaired", "leads"/"led"."""
    old, new = removed.strip(" ,.;:").lower(), added.strip(" ,.;:").lower()
    if " " in old or " " in new or old == new or not old.isalpha() or not new.isalpha():
        return False
    # one side past, the other not: "hand"/"hands" or "report"/"reports" is no tense
    if _is_past(old) == _is_past(new):
        return False
    return bool(_verb_forms(old) & _verb_forms(new))


def _is_past(word: str) -> bool:
    return word.endswith("ed") or word in _PAST_FORMS


_PAST_FORMS = frozenset(lx.IRREGULAR_PAST.values()) | frozenset(lx.IRREGULAR_PARTICIPLE.values())


def _irregular_bases() -> dict[str, set[str]]:
    """ "led" → {"lead"}, "taken" → {"take"}: the base forms of the irregular past forms."""
    bases: dict[str, set[str]] = {}
    for base, past in (*lx.IRREGULAR_PAST.items(), *lx.IRREGULAR_PARTICIPLE.items()):
        bases.setdefault(past, set()).add(base)
    return bases


_IRREGULAR_BASES = _irregular_bases()


def _verb_forms(word: str) -> set[str]:
    """The base forms a word can be a present or past form of."""
    bases = {word}
    for suffix in ("es", "s", "ed", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            bases.add(word[: -len(suffix)])
    if word.endswith("ied"):
        bases.add(word[:-3] + "y")
    if word.endswith("ies"):
        bases.add(word[:-3] + "y")
    if len(word) > 4 and word.endswith("ed") and word[-3] == word[-4]:
        bases.add(word[:-3])  # "planned" → "plan"
    return bases | _IRREGULAR_BASES.get(word, set())


# Forms that carry tense or aspect (not "is"/"has" alone, which any rewording moves).
_VERB_FORMS = frozenset(
    "leads led heads headed died dies dead killed kills former formerly until now will plans "
    "planned became become released freed resigned retired".split()
)


SAY_VERB = re.compile(r"^(?:said|says|told|say|stated|reported|announced)\b", re.I)
SAID_BY = re.compile(r"(?:according to|said|says|told)\W*$", re.I)


def _next_to_say_verb(left: str, right: str) -> bool:
    return bool(SAY_VERB.match(right.strip())) or bool(SAID_BY.search(left.strip()))


def _lower_first(text: str) -> str:
    stripped = text.lstrip()
    return stripped[:1].lower() + stripped[1:]


def _values(text: str) -> list[float]:
    """Every figure a phrase gives, digits and number words alike, in order."""
    out = []
    # a tally or a range ("voted 5-2", "200-300") is two figures
    for word in re.split(r"\s+|(?<=\d)[-–](?=\d)", text.replace(",", "")):
        value = parse_number(word.strip("()$%.,;:\"'“”"))
        if value is not None:
            out.append(value)
    return sorted(out)


def _but_years(values: list[float]) -> list[float]:
    """A year is a date, not a figure: "since 1994" dropped is not a count changed."""
    low, high = lx.YEAR_RANGE
    return [v for v in values if not (v.is_integer() and low <= v <= high)]


def _figures(text: str) -> list[str]:
    """The figures written in digits, years left out."""
    return sorted(
        f
        for f in re.findall(r"\d[\d,.]*\d|\d", text)
        if not (f.isdigit() and len(f) == 4 and lx.YEAR_RANGE[0] <= int(f) <= lx.YEAR_RANGE[1])
    )


def _number_words(text: str) -> bool:
    return any(w in lx.NUMBER_WORDS for w in fold_marks(text).split())


def _first_number(text: str) -> float | None:
    words = text.replace(",", "").split()
    for i, word in enumerate(words):
        stripped = word.strip("()$%.,;:")
        if NUMBER.search(stripped) or stripped.lower() in lx.NUMBER_WORDS:
            value = parse_number(" ".join(w.strip("()$.,;:") for w in words[i : i + 3]))
            if value is not None:
                return value
    return None


def _names(text: str) -> tuple[str, ...]:
    """The capitalised words of a phrase, but days and months (a date is no name)."""
    words = [w.strip(".,;:\"'“”‘’()") for w in text.split()]
    return tuple(
        w
        for w in words
        if w[:1].isupper() and w.lower() not in lx.STOP_LEMMAS and not CALENDAR.fullmatch(w)
    )


def _has_title(text: str) -> bool:
    """A person's title or office ("Gov.", "spokesman"), not a determiner."""
    words = [w.lower().strip(".,") for w in text.split()]
    return any(w in lx.PERSON_TITLES and w not in FUNCTION_WORDS for w in words)


def _negations(text: str) -> int:
    return len(NEGATION.findall(text))


def _modal_words(text: str, short: bool = True) -> set[str]:
    """The hedges and negations of an edit; a long one's own "no" or "not" (a clause
    added: "… and there were no survivors") does not make the claim more or less sure."""
    words = {m.lower() for m in MODALITY.findall(text)}
    return words if short else {w for w in words if not NEGATION.fullmatch(w)}


def _say_words(text: str) -> set[str]:
    return {m.lower() for m in SAY_WORDS.findall(text)}


def number_phrase(sentence: str, value: str) -> str:
    """ "165" in "winds near 165 mph and …" → "winds near 165 mph": a figure with its unit.

    The figure is kept with what stands before it up to two words (a modifier or a
    label such as "Category") and the words after it up to a clause boundary, at
    most three: what it counts or measures.
    """
    words = sentence.split()
    target = value.split()
    for i in range(len(words) - len(target) + 1):
        window = [w.strip(".,;:()\"'“”") for w in words[i : i + len(target)]]
        if not all(_same_word(w, t) for w, t in zip(window, target, strict=True)):
            continue
        start = i
        stops = CLAUSE_MARKS | {"."}
        bare = target[0][:1].isdigit()  # no modifier given: take the one before the figure
        while (
            bare
            and start > max(0, i - 2)
            and words[start - 1][-1:] not in stops
            and words[start - 1].lower() not in CONJUNCTIONS
            and not _ends_modifier(words[start - 1])
        ):
            if words[start - 1].lower() == "to":
                # "up to 50" keeps its bound; "has risen to 60" is a verb, not the figure's
                if start >= 2 and words[start - 2].lower() in RANGE_TO:
                    start -= 2
                break
            start -= 1
        end = i + len(target)
        # "risen to 60, officials said": a mark after the figure ends its phrase
        closed = words[end - 1][-1:] in CLAUSE_MARKS | {"."}
        while not closed and end < min(len(words), i + len(target) + 3):
            if words[end].lower() in PHRASE_STOPS or _verb_with_object(words, end, i + len(target)):
                break
            end += 1
            if words[end - 1][-1:] in CLAUSE_MARKS | {"."}:
                break
        end = _through_object(words, end)
        while end > i + len(target) and words[end - 1].lower() in DANGLING_WORDS:
            end -= 1  # "four suspected killers of": what it counts, not a cut-off phrase
        return " ".join(words[start:end]).strip(" ,;:.—–-")
    return value


def _through_object(words: list[str], end: int) -> int:
    """A phrase that ends on a preposition runs on to its object ("people living near"
    → "people living near the Fukushima plant"), a few words at most."""
    if end >= len(words) or words[end - 1].lower() not in PREPOSITIONS:
        return end
    for at in range(end, min(len(words), end + OBJECT_WORDS)):
        word = words[at]
        if word.lower() in PHRASE_STOPS - PREPOSITIONS - {"the"}:
            return end
        if word[-1:] in CLAUSE_MARKS | {"."} or (
            word[:1].islower() and word.lower() not in DANGLING_WORDS
        ):
            return at + 1
    return end


def _verb_with_object(words: list[str], at: int, first: int) -> bool:
    """ "two firefighters suffered minor injuries": a past verb with words after it is
    what the counted ones did, and the figure's phrase ends before it (a phrase cut at
    "suffered minor" reads cut off); "36 people killed in …" keeps its participle."""
    word = words[at].lower().strip(",;:")
    if at == first or not word.endswith("ed") or len(word) < 5 or at + 1 >= len(words):
        return False
    following = words[at + 1].lower().strip(",;:.")
    return following not in PHRASE_STOPS and words[at][-1:] not in CLAUSE_MARKS | {"."}


def _ends_modifier(word: str) -> bool:
    """A word before a figure that is no part of it: a verb or a clause word ("police said
    200 bodies", "after killing 13 people"), where "at least 50" and "winds near 165" keep
    theirs."""
    word = word.lower().strip(",;:\"'“”")
    return word in FIGURE_PREFIX_STOPS or (word.endswith("ing") and len(word) > 5)


def _same_word(word: str, target: str) -> bool:
    """ "tons" for the lemma "ton": a figure's unit as the text writes it."""
    if word == target:
        return True
    return target.isalpha() and len(target) >= 2 and word.lower().startswith(target.lower())


def describe(hunk: Hunk, subject: str | None = None) -> str:
    """The reader's line: ``Subject: before → after`` (a pure addition or cut says so;
    a rewrite too large for a phrase reads ``Now: … (was: …)``).

    ``subject`` is what the edit is about when the parse knows it ("Killed"); the
    hunk's kind ("Figure") stands in for it otherwise.
    """
    label = subject or hunk.label
    if hunk.whole and hunk.removed and hunk.added:
        return f"Now: {hunk.after} (was: {hunk.before})"
    inserted_words = len(hunk.added.split()) + len(hunk.removed.split())
    if inserted_words <= SHOWN_BOTH_WORDS and hunk.before and hunk.after:
        # a word or two put in or taken out of a phrase reads best as the phrase before
        # and after: "Deputy Interior Minister Claire Dubois → Interior Minister Claire Dubois"
        return f"{label}: {hunk.before} → {hunk.after}"
    if not hunk.removed:
        return f"{label} added: {hunk.after}"
    if not hunk.added:
        return f"{label} dropped: {hunk.before}"
    return f"{label}: {hunk.before} → {hunk.after}"
