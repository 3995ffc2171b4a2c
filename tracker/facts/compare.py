"""Compare the facts of two versions and report how they changed, most important first.

Cheap by design (no parsing): facts are matched on their keys across the whole
document, because in a breaking update the outdated sentence survives unchanged
below the new lede. Sentences are compared with rapidfuzz on folded text.

This module runs the comparisons (``quantities``, ``events``, ``novelty``) and ranks
what they find; ``coverage`` says how well each sentence is already told.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

from tracker.facts import lexicon as lx
from tracker.facts import salience
from tracker.facts.blocks import is_commentary, is_furniture, sentence_candidates
from tracker.facts.candidates import Candidate, Side, stem_of
from tracker.facts.coverage import Coverage, coverage_of, inserted_block
from tracker.facts.events import (
    agent_changes,
    destination_change,
    nominal_agent_changes,
    scope_changes,
    status_changes,
)
from tracker.facts.hunks import (
    Hunk,
    calendar_words,
    describe,
    hunks,
    name_swapped,
    number_phrase,
    precise_edit,
    respelled,
)
from tracker.facts.model import Fact
from tracker.facts.normalize import parse_number, stems
from tracker.facts.novelty import (
    SENTENCE_SLOTS,
    added_sentences,
    answered_questions,
    dropped_sentences,
)
from tracker.facts.quantities import counted_label, measured_distances, quantity_changes
from tracker.facts.style import fold_marks
from tracker.facts.times import time_changes
from tracker.model import FactChange, FactChangeKind, Sentence, SentenceOp, Significance
from tracker.notes import find_notes


def compare_facts(
    a_sentences: Sequence[Sentence],
    a_facts: Sequence[Fact],
    b_sentences: Sequence[Sentence],
    b_facts: Sequence[Fact],
    ops: Sequence[SentenceOp],
) -> list[FactChange]:
    """Every candidate change from A to B with its significance; the listed facts first."""
    return salience.classify(
        score_candidates(a_sentences, a_facts, b_sentences, b_facts, ops), salience.load_model()
    )


def score_candidates(
    a_sentences: Sequence[Sentence],
    a_facts: Sequence[Fact],
    b_sentences: Sequence[Sentence],
    b_facts: Sequence[Fact],
    ops: Sequence[SentenceOp],
) -> list[salience.Scored]:
    """Every candidate change with its salience features, most important first.

    Typed comparisons (figures, statuses, agents, answered questions, new and dropped
    sentences) come first; every word-diff hunk they do not already tell follows.
    """
    a, b = Side(a_sentences, a_facts), Side(b_sentences, b_facts)
    cover = coverage_of(a_sentences, b_sentences)
    candidates = [
        *quantity_changes(a, b, cover.b_score, cover.b_best, inserted_block(b, cover)),
        *status_changes(a, b),
        *agent_changes(a, b),
        *nominal_agent_changes(a, b),
        *scope_changes(a, b, ops),
        *measured_distances(a, b),
        *destination_change(a, b),
        *time_changes(a, b),
    ]
    explained = {
        c.b_sentence for c in candidates if c.b_sentence is not None and c.change.kind != "status"
    }
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += answered_questions(a, b, cover, explained)
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += added_sentences(a, b, cover, explained)
    used_a = {c.a_sentence for c in candidates if c.a_sentence is not None}
    candidates += dropped_sentences(a, b, cover.a_score, used_a)
    typed = _typed(candidates, max(len(b_sentences), 1), _sentence_cap(cover), a)
    told = [s.change for s in typed]
    # once per diff, not per hunk: reading all of A for each of 600 hunks was 1.5 s
    known = _known_terms(a)
    edits = [
        _hunk_candidate(h, a, b, max(len(b_sentences), 1), known)
        for h in hunks(ops, a_sentences, b_sentences)
        if not _already_told(h, told)
    ]
    told_a = {i for c in told for i in c.a_sentences}
    told_b = {i for c in told for i in c.b_sentences}
    whole = [
        salience.Scored(
            change,
            {
                **features,
                **_place_features(
                    (change.b_sentences or change.a_sentences)[0],
                    max(len(b_sentences if change.b_sentences else a_sentences), 1),
                ),
                **_news_features(change.after or change.before or "", known),
            },
            fixed,
        )
        for change, features, fixed in sentence_candidates(a, b, cover, told_a, told_b)
    ]
    scored = _with_sources(_with_sentence_facts(typed + edits + whole, a, b), a, b)
    b_told = {j for c in scored for j in c.change.b_sentences}
    a_told = {i for c in scored if not c.change.b_sentences for i in c.change.a_sentences}
    notes = (_note_sentences(a_sentences, a_told), _note_sentences(b_sentences, b_told))
    scored = _notes_apart(scored, *notes)
    scored = _in_story_order(scored, ops, len(a_sentences), len(b_sentences))
    return _with_story_features(scored, cover, ops)


def _with_sources(candidates: list[salience.Scored], a: Side, b: Side) -> list[salience.Scored]:
    """Each change's ``source``: who its sentence attributes it to, as the parse found it
    (the new sentence's, or the old one's for a dropped fact)."""
    first_source: list[dict[int, str]] = []
    for side in (a, b):
        found: dict[int, str] = {}
        for f in side.facts:
            if f.source:
                found.setdefault(f.sentence, f.source)
        first_source.append(found)
    out = []
    for c in candidates:
        change = c.change
        new_side = bool(change.b_sentences)
        indexes = change.b_sentences if new_side else change.a_sentences
        source = first_source[new_side].get(indexes[0]) if indexes else None
        if change.source or source is None:
            out.append(c)
            continue
        out.append(replace(c, change=replace(change, source=source)))
    return out


def _note_sentences(sentences: Sequence[Sentence], wanted: set[int]) -> set[int]:
    """The sentences of a correction or editor's note, among the paragraphs that hold a
    ``wanted`` sentence: from the sentence that opens the note to the end of its
    paragraph ("Correction: … misstated the toll. It was 60.")."""
    paragraphs: dict[int, list[Sentence]] = {}
    for sentence in sentences:
        paragraphs.setdefault(sentence.paragraph, []).append(sentence)
    by_index = {s.index: s for s in sentences}
    asked = {by_index[i].paragraph for i in wanted if i in by_index}
    out: set[int] = set()
    for paragraph in asked:
        group = paragraphs[paragraph]
        if not find_notes([" ".join(s.text for s in group)]):
            continue  # one test per paragraph: most hold no note
        opened = next((k for k, s in enumerate(group) if find_notes([s.text])), None)
        if opened is not None:
            out |= {s.index for s in group[opened:]}
    return out


def _notes_apart(
    candidates: list[salience.Scored], a_notes: set[int], b_notes: set[int]
) -> list[salience.Scored]:
    """A correction or editor's note is its own event (``tracker.notes``), not a new fact."""
    out = []
    for c in candidates:
        text = c.change.after if c.change.change == "added" else c.change.before
        evidence = set(c.change.b_sentences) or {-1}
        in_note = evidence <= b_notes or (
            not c.change.b_sentences
            and bool(c.change.a_sentences)
            and set(c.change.a_sentences) <= a_notes
        )
        if in_note or (c.change.change in ("added", "removed") and text and find_notes([text])):
            c = replace(
                c,
                change=replace(c.change, reason="a correction or editor's note"),
                fixed="minor",
            )
        out.append(c)
    return out


def _in_story_order(
    candidates: list[salience.Scored], ops: Sequence[SentenceOp], a_length: int, b_length: int
) -> list[salience.Scored]:
    """Place every candidate by the old story's order, so that a sentence, a caption or an
    ad inserted above it does not move it down the pyramid: an edit or a dropped sentence
    stands where its A sentence stood, a new sentence after the A sentences kept above it."""
    kept_before = [0] * (b_length + 1)
    aligned = {j for op in ops if op.a for j in op.b}
    for j in range(b_length):
        kept_before[j + 1] = kept_before[j] + (j in aligned)
    length = max(a_length, 1)
    out = []
    for c in candidates:
        change = c.change
        if change.a_sentences:
            place = change.a_sentences[0]
        elif change.b_sentences and change.b_sentences[0] < b_length:
            place = kept_before[change.b_sentences[0]]
        else:
            out.append(c)
            continue
        out.append(replace(c, features={**c.features, **_place_features(place, length)}))
    return out


def _with_sentence_facts(
    candidates: list[salience.Scored], a: Side, b: Side
) -> list[salience.Scored]:
    """What the parse found in a whole new or dropped sentence: an action with its doer,
    a figure, a status, a source, and whether the sentence opens its paragraph (news
    paragraphs lead with their fact; colour and background follow)."""
    out = []
    for c in candidates:
        is_sentence = (
            c.features.get("sentence")
            or c.features.get("added_sentence")
            or (c.features.get("removed_sentence"))
        )
        change = c.change
        if not is_sentence:
            out.append(c)
            continue
        side, indexes = (b, change.b_sentences) if change.b_sentences else (a, change.a_sentences)
        if not indexes:
            out.append(c)
            continue
        index = indexes[0]
        facts = [f for f in side.facts if f.sentence == index]
        sentence = side.sentences[index] if index < len(side.sentences) else None
        opens = sentence is not None and (
            index == 0 or side.sentences[index - 1].paragraph != sentence.paragraph
        )
        features = {
            **c.features,
            "has_action": float(any(f.kind == "event" and f.agent for f in facts)),
            "has_figure": float(any(f.kind == "quantity" for f in facts)),
            "has_status": float(any(f.kind == "status" for f in facts)),
            "has_source": float(any(f.source for f in facts)),
            "opens_paragraph": float(opens),
        }
        out.append(replace(c, features=features))
    return out


def _with_story_features(
    candidates: list[salience.Scored], cover: Coverage, ops: Sequence[SentenceOp]
) -> list[salience.Scored]:
    """Add what the whole pair says to each candidate: was the story revised or rewritten,
    how crowded is the diff, and where a new sentence ranks among the pair's new sentences."""
    kept = sum(score >= lx.SAME_SENTENCE_SIMILARITY for score in cover.a_score)
    kept_share = kept / len(cover.a_score) if cover.a_score else 0.0
    listed = [c for c in candidates if c.fixed is None]
    # how much of the old story was touched (edited or dropped), not how many candidates:
    # an unrelated line inserted in B adds a candidate, not an edit of the story
    touched = sum(1 for op in ops if op.op != "equal" and op.a)
    crowd = math.log1p(touched) / 3

    def news(c: salience.Scored) -> float:
        f = c.features
        return f.get("new_names", 0) + f.get("new_figures", 0) + f.get("novelty", 0)

    added = sorted((c for c in listed if c.features.get("added_sentence")), key=lambda c: -news(c))
    rank = {id(c): i for i, c in enumerate(added)}
    # an update that changes one thing: that thing is its news, and is listed whatever
    # it scores, unless it is a rewording, an opinion or a question to readers
    alone = float(len([c for c in candidates if c.fixed != "style"]) == 1)
    out = []
    for c in candidates:
        features = {**c.features, "kept": kept_share, "crowd": crowd, "alone": alone}
        if id(c) in rank:
            features["added_rank"] = min(rank[id(c)], 6) / 3
            features["revision_added"] = kept_share
        # a typed change or a whole new or dropped sentence, not a rewording ("Now: …")
        reworded = c.change.kind == "sentence" and c.change.change == "changed"
        told = not c.features.get("hunk") and not reworded
        fixed = "fact" if alone and told and c.fixed is None else c.fixed
        out.append(replace(c, features=features, fixed=fixed))
    return out


def _sentence_cap(cover: Coverage) -> int:
    """How many whole new sentences to list.

    In a revision (the story kept nearly word for word) each added sentence is an
    editor's deliberate addition; in a rewrite most new sentences retell old facts.
    """
    if not cover.a_score:
        return lx.MAX_SENTENCE_CHANGES
    kept = sum(score >= lx.SAME_SENTENCE_SIMILARITY for score in cover.a_score)
    if kept / len(cover.a_score) >= lx.REVISION_KEPT_SHARE:
        return lx.MAX_REVISION_SENTENCE_CHANGES
    return lx.MAX_SENTENCE_CHANGES


def _typed(candidates: list[Candidate], length: int, cap: int, a: Side) -> list[salience.Scored]:
    """The typed candidates, one per change, with their features.

    Whole new or dropped sentences carry their rank among such sentences and
    whether they fall past the count an editor lists for this kind of revision:
    the reader wants the top new facts, not every new sentence of a rewrite.
    """
    seen: set[tuple[str, str | None, str | None]] = set()

    def importance(candidate: Candidate) -> float:
        return candidate.weight - lx.POSITION_WEIGHT * candidate.position / length

    def is_sentence_level(candidate: Candidate) -> bool:
        return candidate.change.slot in SENTENCE_SLOTS.values()

    ordered = sorted(candidates, key=lambda c: (is_sentence_level(c), -importance(c), c.position))
    known = _known_terms(a)
    out = []
    sentence_rank = 0
    facts_before = 0
    events: set[str] = set()
    for candidate in ordered:
        change = candidate.change
        identity = (change.subject, change.before, change.after)
        if identity in seen:
            continue
        seen.add(identity)
        event = _event_identity(change.subject)
        features = {
            "typed": 1.0,
            f"change_{change.change}": 1.0,
            "weight": candidate.weight / 10,
            **_place_features(candidate.position, length),
            **_news_features(change.after or change.evidence_b or "", known),
        }
        if is_sentence_level(candidate):
            features["sentence"] = 1.0
            features["repeat_event"] = float(bool(event and event in events))
            features["rank"] = min(sentence_rank, 6) / 3
            features["past_cap"] = float(sentence_rank >= _budget(cap, facts_before))
            features["revision"] = float(cap > lx.MAX_SENTENCE_CHANGES)
            sentence_rank += 1
        else:
            facts_before += 1
        if event:
            events.add(event)
        opinion = is_sentence_level(candidate) and is_commentary(change.after or "")
        out.append(
            salience.Scored(_with_evidence(candidate), features, "minor" if opinion else None)
        )
    return out


def _with_evidence(candidate: Candidate) -> FactChange:
    change = candidate.change
    if change.change == "quantity" or change.kind == "quantity":
        # a bare figure says nothing on its own: keep what it counts or measures with it
        before_value, after_value = change.before, change.after
        before = _figure(before_value, change.evidence_a)
        after = _figure(after_value, change.evidence_b)
        summary = change.summary
        if change.after and f"→ {change.after}" in summary and after:
            summary = summary.replace(f"→ {change.after}", f"→ {after}", 1)
        if change.before and f"{change.before} →" in summary and before:
            summary = summary.replace(f"{change.before} →", f"{before} →", 1)
        change = replace(
            change,
            before=before,
            after=after,
            summary=summary,
            before_number=parse_number(before_value or ""),
            after_number=parse_number(after_value or ""),
        )
    return replace(
        change,
        a_sentences=() if candidate.a_sentence is None else (candidate.a_sentence,),
        b_sentences=() if candidate.b_sentence is None else (candidate.b_sentence,),
    )


def _figure(value: str | None, sentence: str | None) -> str | None:
    if not value or not sentence:
        return value
    figure, said = _SAID_SUFFIX.match(value).groups()  # "2,000 (police said)"
    if parse_number(figure) is None and not any(c.isdigit() for c in figure):
        return value
    return number_phrase(sentence, figure) + said


def _place_features(position: int, length: int) -> dict[str, float]:
    return {"position": position / length, "lede": float(position < 3)}


def _known_terms(a: Side) -> tuple[set[str], set[str]]:
    """The names and figures version A already gives."""
    text = " ".join(s.text for s in a.sentences)
    return set(_NAME.findall(text[1:])), set(_FIGURE.findall(text))


def _news_features(text: str, known: tuple[set[str], set[str]]) -> dict[str, float]:
    names, figures = known
    new_names = {n for n in _NAME.findall(text) if n not in names} - _SENTENCE_START
    new_figures = set(_FIGURE.findall(text)) - figures
    return {
        "new_names": min(len(new_names), 4) / 2,
        "new_figures": min(len(new_figures), 3) / 2,
        "quote": float(bool(_QUOTE.search(text))),
        "says": float(bool(_SAYS.search(text))),
        "length": min(len(text.split()), 60) / 30,
    }


def _hunk_candidate(
    hunk: Hunk, a: Side, b: Side, length: int, known: tuple[set[str], set[str]]
) -> salience.Scored:
    before_number, after_number = hunk.numbers()
    subject = _counted_thing(hunk, a, b)
    age = _age_of(hunk, a) if subject is None else None
    if age:  # the subject names the person: the values are the ages alone
        subject, hunk = age, replace(hunk, before=hunk.removed, after=hunk.added)
    change = FactChange(
        change=_HUNK_CHANGE.get(hunk.category, "changed"),
        kind=hunk.category,
        subject=subject or hunk.label,
        slot=hunk.category,
        before=hunk.before or None,
        after=hunk.after or None,
        summary=describe(hunk, subject),
        evidence_a=a.text(hunk.a_sentence),
        evidence_b=b.sentences[hunk.b_sentence].text,
        reason=hunk.style,
        before_number=before_number if hunk.category == "quantity" else None,
        after_number=after_number if hunk.category == "quantity" else None,
        a_sentences=(hunk.a_sentence,),
        b_sentences=(hunk.b_sentence,),
    )
    changed = len(hunk.removed.split()) + len(hunk.added.split())
    features = {
        "hunk": 1.0,
        f"category_{hunk.category}": 1.0,
        "size": math.log1p(changed) / 3,
        "insertion": float(not hunk.removed),
        "deletion": float(not hunk.added),
        "whole": float(hunk.whole),
        **_place_features(hunk.position, length),
        **_news_features(hunk.added, known),
    }
    fixed: Significance | None = "style" if hunk.style else None
    if fixed is None and (is_furniture(change.evidence_a or "") or is_furniture(change.evidence_b)):
        change = replace(change, reason="a credit or caption line, not story text")
        fixed = "minor"
    if fixed is None and hunk.category in ("information", "name") and _reworded(hunk):
        change = replace(change, reason="reworded: the same names and figures")
        fixed = "minor"
    if hunk.negation_flipped:
        change = replace(change, change="contradicted")
        fixed = "fact"
    elif fixed is None and respelled(hunk.removed, hunk.added):
        # a name corrected is listed wherever it stands: the earlier spelling was wrong
        change = replace(change, reason="a name respelled: a correction")
        fixed = "fact"
    elif (
        fixed is None
        and hunk.category in ("name", "place")
        and name_swapped(hunk.removed, hunk.added)
    ):
        change = replace(change, reason="one name put in the place of another")
        fixed = "fact"
    elif fixed is None and (exact := precise_edit(hunk)):
        change = replace(change, reason=exact)
        fixed = "fact"
    return salience.Scored(change, features, fixed)


# "Ms. Alvarez, 51, has served …": a person's age set off by commas after the name.
_AGE_AFTER_NAME = re.compile(r"((?:[A-Z][\w.'’-]*\s)*[A-Z][\w'’-]+), (\d{1,3}),")


def _age_of(hunk: Hunk, a: Side) -> str | None:
    """ "Age of Ms. Alvarez" when the edit changes only the age after a name."""
    if hunk.category != "quantity" or not (hunk.removed.isdigit() and hunk.added.isdigit()):
        return None
    for match in _AGE_AFTER_NAME.finditer(a.text(hunk.a_sentence) or ""):
        if match.group(2) == hunk.removed:
            return f"Age of {match.group(1)}"
    return None


def _counted_thing(hunk: Hunk, a: Side, b: Side) -> str | None:
    """What an edited figure counts, as the parse named it ("Killed", "Missing"), when
    exactly one figure of the edit's own words is a quantity the parse found."""
    if hunk.category != "quantity" or hunk.whole:
        return None
    if max(len(hunk.removed.split()), len(hunk.added.split())) > lx.FIGURE_EDIT_WORDS:
        return None  # a clause rewritten around a figure is about more than the figure
    keys = set()
    edited = ((b, hunk.b_sentence, hunk.added), (a, hunk.a_sentence, hunk.removed))
    for side, index, words in edited:
        for fact in side.facts:
            if (
                fact.sentence == index
                and fact.kind == "quantity"
                and fact.key
                and fact.number
                and fact.number in words
            ):
                keys.add(fact.key)
    return counted_label(keys.pop()) if len(keys) == 1 else None


_HUNK_CHANGE: dict[str, FactChangeKind] = {
    "quantity": "quantity",
    "certainty": "certainty",
    "attribution": "attribution",
}
_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*")
_FIGURE = re.compile(r"\d[\d,.]*")
_QUOTE = re.compile(r"[\"“”]")
_SAID_SUFFIX = re.compile(r"(.*?)((?: \([^()]*\))?)$", re.S)
_PARENTHESIS = re.compile(r"\([^)]*\)")
_SAYS = re.compile(r"\b(?:said|says|told|according to)\b")
_SENTENCE_START = frozenset(["The", "A", "An", "He", "She", "They", "It", "In", "On", "At"])


def _reworded(hunk: Hunk) -> bool:
    """Told another way: no name or figure changed, and most content words are kept."""
    old, new = hunk.before, hunk.after
    if set(_NAME.findall(old[1:])) != set(_NAME.findall(new[1:])):
        return False
    if sorted(_FIGURE.findall(old)) != sorted(_FIGURE.findall(new)) and hunk.category != "name":
        return False
    old_stems, new_stems = stems(hunk.removed), stems(hunk.added)
    larger = max(len(old_stems), len(new_stems))
    # most words of both sides kept: "its clients" → "countries that buy its equipment"
    # keeps one word of six, and says something else
    return larger > 0 and len(old_stems & new_stems) * 2 >= larger


def _already_told(hunk: Hunk, told: Sequence[FactChange]) -> bool:
    """A typed change on the same sentence pair already tells this edit."""
    for change in told:
        if hunk.b_sentence not in change.b_sentences and hunk.a_sentence not in change.a_sentences:
            continue
        text = fold_marks(f"{change.before or ''} {change.after or ''}")
        for words in (hunk.added, hunk.removed):
            folded = fold_marks(words)
            if folded and folded in text:
                return True
        if change.kind == "quantity" and _told_inside(change, hunk):
            return True
        if _holds_only(change, hunk):
            return True
    return _told_together(hunk, told)


def _told_together(hunk: Hunk, told: Sequence[FactChange]) -> bool:
    """Figures of one edit told by several typed changes of its sentence pair ("12 dead
    and 30" → "15 dead and 42": Killed 12 → 15 and Injured 30 → 42), and nothing more."""
    same = [
        c
        for c in told
        if c.kind == "quantity"
        and (hunk.b_sentence in c.b_sentences or hunk.a_sentence in c.a_sentences)
    ]
    if len(same) < 2:
        return False
    told_text = " ".join(f"{c.before or ''} {c.after or ''}" for c in same)
    edit = f"{hunk.removed} {hunk.added}"
    figures = set(_FIGURE.findall(edit))
    if not figures or not figures <= set(_FIGURE.findall(told_text)):
        return False
    return stems(edit) <= stems(told_text)


def _holds_only(change: FactChange, hunk: Hunk) -> bool:
    """The edit's new words hold the typed change's new value and no other name or
    figure ("a flooded valley" → "the hill town of Marlow", told as Place: … → Marlow)."""
    after = _PARENTHESIS.sub("", change.after or "").strip()
    if not after or not hunk.added or fold_marks(after) not in fold_marks(hunk.added):
        return False
    before = _PARENTHESIS.sub("", change.before or "").strip()
    if before and hunk.removed and fold_marks(before) not in fold_marks(hunk.removed):
        return False
    told = f"{before} {after}"
    edit = f"{hunk.removed} {hunk.added}"
    if not set(_FIGURE.findall(edit)) <= set(_FIGURE.findall(told)):
        return False
    return _capitalised(edit) <= _capitalised(told)


def _capitalised(text: str) -> set[str]:
    return {w.strip(".,;:\"'“”‘’()") for w in text.split() if w[:1].isupper()}


def _told_inside(change: FactChange, hunk: Hunk) -> bool:
    """A figure's typed change whose before and after both stand inside a longer edit,
    and the edit changes no other figure: the edit is that change, told at length."""
    before, after = (_PARENTHESIS.sub("", v or "").strip() for v in (change.before, change.after))
    if not before or not after:
        return False
    if fold_marks(before) not in fold_marks(hunk.before):
        return False
    if fold_marks(after) not in fold_marks(hunk.after):
        return False
    others = set(_FIGURE.findall(hunk.removed + " " + hunk.added))
    if not others <= set(_FIGURE.findall(before + " " + after)):
        return False
    # "52-48 on Tuesday" → "51-49 on Wednesday": the day is a change of its own
    return calendar_words(f"{hunk.removed} {hunk.added}") <= calendar_words(f"{before} {after}")


def _budget(cap: int, fact_items: int) -> int:
    """Whole sentences left to list after the one-line facts of a rewrite.

    A rewrite whose news is already told as several figures and names lists fewer
    retold sentences; a revision's added sentences are all deliberate and keep the cap.
    """
    if cap <= lx.MAX_SENTENCE_CHANGES and fact_items >= lx.BUSY_FACT_ITEMS:
        return min(cap, lx.BUSY_SENTENCE_CHANGES)
    return cap


def _event_identity(subject: str) -> str:
    """ "shoot down / Russian military helicopter" and "shoot down / helicopter" are one event."""
    predicate, _, patient = subject.partition(" / ")
    words = patient.split()
    return f"{predicate}/{stem_of(words[-1])}" if predicate and words else ""
