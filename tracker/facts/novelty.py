"""Whole sentences as changes: new, dropped, reworded or edited sentences, answered
questions, and how much each one tells (its salience).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace

from tracker.facts import lexicon as lx
from tracker.facts.blocks import is_commentary, is_story_text
from tracker.facts.candidates import Candidate, Side, doc_names, main_event, names_in, stem_of
from tracker.facts.coverage import (
    FIGURE_TOKEN,
    Coverage,
    inserted_block,
    novel_share,
    vocabulary_of,
)
from tracker.facts.hunks import calendar_words
from tracker.facts.model import Fact
from tracker.facts.normalize import content_words, entity_key, parse_number
from tracker.model import FactChange, FactChangeKind, Sentence

SENTENCE_SLOTS = {"added": "event_added", "removed": "event_removed"}
SENTENCE_SLOTS |= {"changed": "statement", "contradicted": "statement"}
_SENTENCE_LABELS = {"added": "New", "removed": "Removed", "changed": "Changed"}
_SENTENCE_LABELS |= {"contradicted": "Contradicted"}
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")


def _is_background(facts: Sequence[Fact], sentence: int) -> bool:
    """ "Japan lies on the Ring of Fire": a state of things, not something that happened."""
    event = main_event(facts, sentence)
    return event is not None and event.predicate.split()[0] in lx.STATIVE_VERBS


def _has_quantity(facts: Iterable[Fact], sentence: int) -> bool:
    return any(f.kind == "quantity" and f.sentence == sentence for f in facts)


def _is_substantive(text: str) -> bool:
    return len(text.split()) >= lx.MIN_ADDED_WORDS


def added_sentences(a: Side, b: Side, cover: Coverage, explained: set[int]) -> list[Candidate]:
    vocabulary = vocabulary_of(a.sentences)
    novel = [
        s
        for s in b.sentences
        if s.index not in explained
        and cover.b_score[s.index] < lx.COVERED_SIMILARITY
        and _is_substantive(s.text)
        and is_story_text(s, b.sentences)
    ]
    block = inserted_block(b, cover)
    names = doc_names(a)
    a_numbers = {n for s in a.sentences for n in FIGURE_TOKEN.findall(s.text)}
    events = {(f.predicate, stem_of(f.key)) for f in a.facts if f.kind == "event" and f.key}
    novel = [
        s
        for s in novel
        if novel_share(s.text, vocabulary) >= lx.NOVEL_WORD_SHARE
        or _new_event(b.facts, s.index, events)
    ]
    out = []
    for sentence in novel:
        if sentence.index in block:
            continue
        best = _retold(a, cover, sentence)
        retells = (
            best >= 0 and _overlap(a.sentences[best].text, sentence.text) >= lx.REWRITE_OVERLAP
        )
        if retells:
            _, added = _term_difference(
                _terms(a.facts, best)[0], _terms(b.facts, sentence.index)[0]
            )
            new_figures = set(FIGURE_TOKEN.findall(sentence.text)) - a_numbers
            old_days, new_days = (
                calendar_words(a.sentences[best].text),
                calendar_words(sentence.text),
            )
            day_changed = bool(old_days and new_days) and old_days != new_days
            if _name_count(added, names) >= lx.MIN_NEW_NAMES or new_figures or day_changed:
                out.append(_rewrite(a.sentences[best], sentence, b.facts))
                continue
        if main_event(b.facts, sentence.index) is not None or _has_quantity(
            b.facts, sentence.index
        ):
            news = _news_value(sentence.text, names, vocabulary)
            news += lx.NEWS_WEIGHTS["new_event"] * _new_event(b.facts, sentence.index, events)
            news -= lx.NEWS_WEIGHTS["background"] * _is_background(b.facts, sentence.index)
            news -= lx.NEWS_WEIGHTS["commentary"] * is_commentary(sentence.text)
            candidate = _sentence_change(
                "added", b.facts, sentence, None, sentence.text, weight=news
            )
            if retells:
                # What it retells is its "before", even with no new name or figure: an
                # editor reads "hospitalized" → "shot and hospitalized" as one change.
                rewritten = _rewrite(a.sentences[best], sentence, b.facts)
                candidate = replace(rewritten, weight=candidate.weight)
            out.append(candidate)
    return out  # an inserted sidebar (the block) is page furniture, not the story


def answered_questions(a: Side, b: Side, cover: Coverage, explained: set[int]) -> list[Candidate]:
    """An open question of A that a new sentence of B answers.

    Two forms of news prose ask one: "it was not clear if X was connected to the
    conflict", answered by a source that speaks of what the question ended on, and
    "the cause of the blast was not immediately known", answered by a source that
    speaks of the subject or, when the subject asks why, gives a cause. B may keep
    its hedge ("not immediately clear") beside the source's answer.
    """
    out = []
    for old in a.sentences:
        question = _open_question(old.text)
        if question is None:
            continue
        topics, asks_cause, subject = question
        for new in b.sentences:
            j = new.index
            if j in explained or cover.b_score[j] >= lx.COVERED_SIMILARITY:
                continue
            if lx.OPEN_QUESTION.search(new.text) or lx.UNKNOWN_YET.search(new.text):
                continue
            attributed = bool(lx.SAID.search(new.text) or lx.PER_SOURCE.search(new.text))
            if not attributed or (asks_cause and lx.CAUSAL.search(new.text) is None):
                continue
            words = {stem_of(w) for w in re.findall(r"[A-Za-z-]+", new.text)}
            if not asks_cause and not topics & words:
                continue
            out.append(
                Candidate(
                    FactChange(
                        change="resolved",
                        kind="certainty",
                        subject=subject,
                        slot="certainty",
                        before=f"not clear: {old.text}",
                        after=new.text,
                        summary=f"Now known: {new.text} (was: {old.text})",
                        evidence_a=old.text,
                        evidence_b=new.text,
                    ),
                    weight=lx.CHANGE_WEIGHT["certainty"],
                    position=j,
                    a_sentence=old.index,
                    b_sentence=j,
                )
            )
            explained.add(j)
            break
    return out


def _open_question(text: str) -> tuple[set[str], bool, str] | None:
    """(topic stems, does it ask for a cause, subject) of a sentence that says something
    is not known yet, or None."""
    match = lx.OPEN_QUESTION.search(text)
    if match is not None:
        asked = [w for w in re.findall(r"[A-Za-z-]+", text[match.end() :]) if len(w) > 3]
        if not asked:
            return None
        # what the question ends on: "… connected to the conflict"
        return {stem_of(asked[-1])}, False, asked[-1]
    match = lx.UNKNOWN_YET.search(text)
    if match is None:
        return None
    subject = [w for w in re.findall(r"[A-Za-z-]+", text[: match.start()]) if len(w) > 3]
    subject = [w for w in subject if w.lower() not in lx.STOP_LEMMAS]
    withheld = (match.group("verb") or "").lower() in lx.WITHHELD_VERBS
    if withheld and not any(w.lower() in lx.INFORMATION_NOUNS for w in subject):
        return None  # "the hostages were not released" says what happened to them
    asks_cause = any(w.lower() in lx.CAUSE_NOUNS for w in subject)
    if not subject:
        # "It was not immediately clear what caused the fire": the question follows
        asked = lx.WH_QUESTION.match(text[match.end() :])
        if asked is None:
            return None
        subject = [
            w
            for w in re.findall(r"[A-Za-z-]+", asked.group("rest"))
            if len(w) > 3 and w.lower() not in lx.STOP_LEMMAS
        ]
        if not subject:
            return None
        rest = asked.group("rest")
        asks_cause = asked.group("wh").lower() == "why" or bool(lx.CAUSAL.match(rest))
    topics = {stem_of(w) for w in subject if w.lower() not in lx.CAUSE_NOUNS}
    return topics, asks_cause, subject[0] if asks_cause else subject[-1]


def _new_event(facts: Sequence[Fact], sentence: int, known: set[tuple[str, str]]) -> bool:
    """Does the sentence's main event (verb + what it acts on) appear nowhere in A?"""
    event = main_event(facts, sentence)
    return (
        event is not None and bool(event.key) and (event.predicate, stem_of(event.key)) not in known
    )


def _news_value(text: str, known_names: set[str], vocabulary: set[str]) -> float:
    """How much a new sentence tells: new names and figures, new words; quotes tell less."""
    new_names = {entity_key(n) for n in names_in(text)} - known_names
    quoted = sum(len(q) for q in _QUOTED.findall(text)) / max(len(text), 1)
    digits = 1.0 if FIGURE_TOKEN.search(text) else 0.0
    return (
        lx.NEWS_WEIGHTS["new_name"] * math.log1p(len(new_names))
        + lx.NEWS_WEIGHTS["figure"] * digits
        + lx.NEWS_WEIGHTS["novelty"] * novel_share(text, vocabulary)
        - lx.NEWS_WEIGHTS["quote"] * quoted
    )


def _retold(a: Side, cover: Coverage, sentence: Sentence) -> int:
    """The A sentence a new sentence retells: its closest A sentence, unless B still says
    that one as it was; then the A sentence B dropped that shares most of its words."""
    best = cover.b_best[sentence.index]
    if best < 0 or cover.a_score[best] < lx.SAME_SENTENCE_SIMILARITY:
        return best
    dropped = [s for s in a.sentences if cover.a_score[s.index] < lx.SAME_SENTENCE_SIMILARITY]
    if not dropped:
        return best
    return max(dropped, key=lambda old: _overlap(old.text, sentence.text)).index


def _overlap(old: str, new: str) -> float:
    """Share of the new sentence's content words the old one already had."""
    new_words = content_words(new)
    return len(new_words & content_words(old)) / len(new_words) if new_words else 0.0


def _rewrite(old: Sentence, new: Sentence, facts: Sequence[Fact]) -> Candidate:
    """A new sentence that reworks an old one: report it as a change of that statement."""
    candidate = _sentence_change("changed", facts, new, old.text, new.text)
    summary = f"Now: {new.text} (was: {old.text})"
    return Candidate(
        replace(candidate.change, evidence_a=old.text, summary=summary),
        weight=candidate.weight,
        position=candidate.position,
        a_sentence=old.index,
        b_sentence=new.index,
    )


def _terms(facts: Iterable[Fact], sentence: int) -> tuple[set[str], bool]:
    terms: set[str] = set()
    negated = False
    for fact in facts:
        if fact.kind == "mentions" and fact.sentence == sentence:
            terms.update(fact.text.split())
            negated = negated or fact.negated
    return terms, negated


def _term_difference(a_terms: set[str], b_terms: set[str]) -> tuple[set[str], set[str]]:
    """Terms only A has and terms only B has, spelling and transliteration variants folded."""
    a_keys = {stem_of(t) for t in a_terms}
    b_keys = {stem_of(t) for t in b_terms}
    return (
        {t for t in a_terms if stem_of(t) not in b_keys},
        {t for t in b_terms if stem_of(t) not in a_keys},
    )


def _name_count(terms: set[str], known: Collection[str] = ()) -> int:
    """Names among the terms that the other version nowhere mentions (titles are not names)."""
    return len(_new_names(terms, known))


def _new_names(terms: set[str], known: Collection[str]) -> set[str]:
    return {
        t
        for t in terms
        if t[:1].isupper()
        and parse_number(t) is None
        and t.lower().strip(".") not in lx.PERSON_TITLES
        and entity_key(t) not in known
    }


def _names_or_numbers(terms: set[str]) -> bool:
    """A change of a name is a fact change; other wording changes are style.

    Figures are left to the quantity comparison, which knows unit conversions and
    number words ("Twelve" = "12", "six miles" = "10 kilometres").
    """
    return any(t[:1].isupper() and parse_number(t) is None for t in terms)


def dropped_sentences(a: Side, b: Side, a_cover: list[float], used: set[int]) -> list[Candidate]:
    """Sentences of A that B no longer says, when B is a revision of A (not a rewrite)."""
    if not a.sentences:
        return []
    kept = sum(score >= lx.SAME_SENTENCE_SIMILARITY for score in a_cover) / len(a.sentences)
    if kept < lx.REVISION_SHARE:
        return []
    vocabulary = vocabulary_of(b.sentences)
    tail = len(a.sentences) * (1 - lx.TAIL_SHARE)
    out = []
    for sentence in a.sentences:
        i = sentence.index
        if a_cover[i] >= lx.COVERED_SIMILARITY or i >= tail or i in used:
            continue
        if not _is_substantive(sentence.text):
            continue
        if novel_share(sentence.text, vocabulary) < lx.NOVEL_WORD_SHARE:
            continue
        out.append(_sentence_change("removed", a.facts, sentence, sentence.text, None))
    return out


def _sentence_change(
    change: FactChangeKind,
    facts: Sequence[Fact],
    sentence: Sentence,
    before: str | None,
    after: str | None,
    weight: float = 0.0,
) -> Candidate:
    event = main_event(facts, sentence.index)
    subject = f"{event.predicate} / {event.patient or event.agent or ''}" if event else ""
    label = _SENTENCE_LABELS[change]
    return Candidate(
        FactChange(
            change=change,
            kind="event",
            subject=subject.strip(" /"),
            slot=SENTENCE_SLOTS[change],
            before=before,
            after=after,
            summary=f"{label}: {sentence.text}",
            evidence_a=before,
            evidence_b=after,
        ),
        weight=lx.CHANGE_WEIGHT[change] + _salience(sentence.text) + weight,
        position=sentence.index,
        a_sentence=sentence.index if change == "removed" else None,
        b_sentence=sentence.index if change == "added" else None,
    )


def _salience(text: str) -> float:
    """Numbers and names make a new sentence matter more; long quotes less."""
    words = text.split()
    names = sum(1 for w in words[1:] if w[:1].isupper())
    digits = any(ch.isdigit() for ch in text)
    return 0.3 * math.log1p(names) + (0.5 if digits else 0.0)
