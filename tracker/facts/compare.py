"""Compare the facts of two versions and report how they changed, most important first.

Cheap by design (no parsing): facts are matched on their keys across the whole
document, because in a breaking update the outdated sentence survives unchanged
below the new lede. Sentences are compared with rapidfuzz on folded text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from tracker.facts import lexicon as lx
from tracker.facts.model import Fact
from tracker.facts.normalize import content_words, entity_key, fold, parse_number, stems
from tracker.model import FactChange, FactChangeKind, Sentence, SentenceOp

_SENTENCE_SLOTS = {"added": "event_added", "removed": "event_removed"}
_SENTENCE_SLOTS |= {"changed": "statement", "contradicted": "statement"}
_SENTENCE_LABELS = {"added": "New", "removed": "Removed", "changed": "Changed"}
_SENTENCE_LABELS |= {"contradicted": "Contradicted"}
_NUMBER = re.compile(r"\d[\d,.]*")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
UNKNOWN_AGENTS = frozenset(
    {"unknown", "who", "whoever", "that", "which", "it", "they", "he", "she"}
)


@dataclass(frozen=True)
class _Candidate:
    """A fact change with what ranks it: its weight and the B (or A) sentence it rests on."""

    change: FactChange
    weight: float
    position: int
    a_sentence: int | None = None
    b_sentence: int | None = None


@dataclass(frozen=True)
class _Side:
    sentences: Sequence[Sentence]
    facts: Sequence[Fact]

    def text(self, index: int | None) -> str | None:
        return self.sentences[index].text if index is not None else None


def compare_facts(
    a_sentences: Sequence[Sentence],
    a_facts: Sequence[Fact],
    b_sentences: Sequence[Sentence],
    b_facts: Sequence[Fact],
    ops: Sequence[SentenceOp],
) -> list[FactChange]:
    """The fact changes from version A to version B, most important first."""
    a, b = _Side(a_sentences, a_facts), _Side(b_sentences, b_facts)
    cover = _coverage(a_sentences, b_sentences)
    candidates = [
        *_quantity_changes(a, b, cover.b_score, _inserted_block(b, cover)),
        *_status_changes(a, b),
        *_agent_changes(a, b),
        *_nominal_agent_changes(a, b),
        *_scope_changes(a, b, ops),
        *_measured_distances(a, b),
        *_destination_change(a, b),
    ]
    explained = {
        c.b_sentence for c in candidates if c.b_sentence is not None and c.change.kind != "status"
    }
    candidates += _edits(a, b, ops, explained)
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += _answers(a, b, cover, explained)
    explained |= {c.b_sentence for c in candidates if c.b_sentence is not None}
    candidates += _additions(a, b, cover, explained)
    used_a = {c.a_sentence for c in candidates if c.a_sentence is not None}
    candidates += _removals(a, b, cover.a_score, used_a)
    return _rank(candidates, max(len(b_sentences), 1), _sentence_cap(cover))


# ---------------------------------------------------------------- sentence coverage


@dataclass(frozen=True)
class _Coverage:
    """For each sentence, how well the other version already says it (0..100), and where."""

    a_score: list[float]
    b_score: list[float]
    b_best: list[int]


def _coverage(a_sentences: Sequence[Sentence], b_sentences: Sequence[Sentence]) -> _Coverage:
    """Directional: B's sentence j is covered when some A sentence says all of it."""
    a_texts = [fold(s.text) for s in a_sentences]
    b_texts = [fold(s.text) for s in b_sentences]
    if not a_texts or not b_texts:
        return _Coverage([0.0] * len(a_texts), [0.0] * len(b_texts), [-1] * len(b_texts))
    same = process.cdist(a_texts, b_texts, scorer=fuzz.ratio, workers=1)
    b_in_a, a_in_b = same.copy(), same.copy()
    a_stems = [stems(s.text) for s in a_sentences]
    b_stems = [stems(s.text) for s in b_sentences]
    for i, old in enumerate(a_stems):
        for j, new in enumerate(b_stems):
            shared = len(old & new)
            if new:
                b_in_a[i, j] = max(b_in_a[i, j], 100.0 * shared / len(new))
            if old:
                a_in_b[i, j] = max(a_in_b[i, j], 100.0 * shared / len(old))
    partner = b_in_a.argmax(axis=0)  # before the figure rule flattens the scores
    for j, new in enumerate(b_stems):  # a merge: two old sentences told as one
        if len(a_stems) < 2 or not new:
            continue
        first, second = b_in_a[:, j].argsort()[-2:]
        merged = len(new & (a_stems[first] | a_stems[second])) / len(new)
        b_in_a[partner[j], j] = max(b_in_a[partner[j], j], 100.0 * merged * lx.MERGE_DISCOUNT)
    a_numbers = [set(_NUMBER.findall(t)) for t in a_texts]
    for j, text in enumerate(b_texts):
        numbers = set(_NUMBER.findall(text))
        for i, known in enumerate(a_numbers):
            if numbers - known:  # a new figure is news however similar the wording
                b_in_a[i, j] = min(b_in_a[i, j], lx.COVERED_SIMILARITY - 1)
    scores = b_in_a
    return _Coverage(
        a_score=[float(row.max()) for row in a_in_b],
        b_score=[float(scores[:, j].max()) for j in range(len(b_texts))],
        b_best=[int(i) for i in partner],
    )


def _novel_share(text: str, vocabulary: set[str]) -> float:
    words = stems(text)
    if not words:
        return 0.0
    return len(words - vocabulary) / len(words)


def _vocabulary(sentences: Iterable[Sentence]) -> set[str]:
    return set().union(*(stems(s.text) for s in sentences))


# ---------------------------------------------------------------- quantities


def _by_key(facts: Iterable[Fact], kind: str) -> dict[str, list[Fact]]:
    grouped: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == kind and fact.key:
            grouped[fact.key].append(fact)
    return grouped


def _dimension(fact: Fact) -> str | None:
    return lx.UNITS[fact.unit][0] if fact.unit in lx.UNITS else None


def _vague(fact: Fact) -> bool:
    return any(w in lx.VAGUE_NUMBERS for w in fold(fact.number or "").split())


def _base_value(fact: Fact) -> float | None:
    if fact.value is None:
        return None
    factor = lx.UNITS[fact.unit][1] if fact.unit in lx.UNITS else 1.0
    return fact.value * factor


def _same_value(x: Fact, y: Fact) -> bool:
    if _vague(x) != _vague(y):
        return False  # "hundreds" → "more than 200" is news: the toll got a figure
    vx, vy = _base_value(x), _base_value(y)
    if vx is None or vy is None:
        return fold(x.number or "") == fold(y.number or "")
    if x.unit == y.unit:
        return vx == vy
    if _dimension(x) != _dimension(y) or _dimension(x) not in lx.CONVERTIBLE_DIMENSIONS:
        return False
    # a conversion is rounded ("6 miles (10 kilometres)"): close enough is the same distance
    return abs(vx - vy) <= lx.UNIT_TOLERANCE * max(abs(vx), abs(vy), 1e-9)


def _quantity_changes(
    a: _Side, b: _Side, b_cover: list[float], sidebar: set[int]
) -> list[_Candidate]:
    a_keys = _by_key(a.facts, "quantity")
    b_keys = _by_key((f for f in b.facts if f.sentence not in sidebar), "quantity")
    a_all = [f for facts in a_keys.values() for f in facts]
    out = []
    for key, b_list in b_keys.items():
        if _unit_only(key):
            out += _unnamed_measure_change(b_list, a_keys, a, b)
            continue
        a_list = a_keys.get(key, [])
        fresh = [f for f in b_list if not any(_same_value(f, old) for old in a_list)]
        if not fresh:  # same figure: another source's wording is not news on its own
            out += _place_change(key, a_list, b_list, a, b)
            continue
        new = fresh[0]
        if a_list:
            old = a_list[0]
            changed = _quantity_change("quantity", key, old, new, a, b)
            source = _source_change(key, a_list, b_list, a, b)
            if source and source[0].change.after == new.source:
                # one new source, already shown with the new figure: one item, not two
                before = f"{old.number} ({source[0].change.before} said)"
                changed = replace(changed, change=replace(changed.change, before=before))
                source = []
            out += [changed, *source]
        elif moved := _same_people_other_fate(key, new, a_keys):
            out.append(_fate_change(key, moved, new, a, b))
        elif (
            _is_tracked(key)
            and not any(_same_value(new, old) for old in a_all)
            and b_cover[new.sentence] < lx.SAME_SENTENCE_SIMILARITY
        ):
            vague = _vague_count(key, a)
            if vague is not None:
                out.append(_quantity_change("quantity", key, vague, new, a, b))
            else:
                out.append(_quantity_change("added", key, None, new, a, b))
    return out


def _unnamed_measure_change(
    b_list: list[Fact], a_keys: dict[str, list[Fact]], a: _Side, b: _Side
) -> list[_Candidate]:
    """A measure whose thing is missing ("unleashed a 23-foot (7-meter)", cut short).

    When the old story measures exactly one thing in the same unit, that is the thing.
    """
    out = []
    for new in b_list:
        if new.value is None or _dimension(new) not in lx.CONVERTIBLE_DIMENSIONS:
            continue  # a scale ("magnitude 6") measures many things in one story
        same_unit = {
            k: facts
            for k, facts in a_keys.items()
            if not _unit_only(k) and any(f.unit == new.unit for f in facts)
        }
        if len(same_unit) != 1:
            continue
        key, facts = next(iter(same_unit.items()))
        old = next(f for f in facts if f.unit == new.unit)
        if _same_value(old, new):
            continue
        out.append(_quantity_change("quantity", key, old, new, a, b))
    return out[:1]


def _vague_count(key: str, a: _Side) -> Fact | None:
    """An order of magnitude A gave for the count ("killed hundreds of people").

    Read from the text, not the parse: excerpts glue words across broken lines
    ("andkilled hundreds"), which the parser cannot read as a verb.
    """
    thing = _stem(key.split("/")[0])
    if len(thing) < 4:
        return None
    for sentence in a.sentences:
        words = [w.strip(".,;:\"'“”()").lower() for w in sentence.text.split()]
        for n, word in enumerate(words):
            if word not in lx.VAGUE_NUMBERS or word in lx.VAGUE_QUANTIFIERS:
                continue
            near = words[max(0, n - lx.VAGUE_WINDOW) : n + lx.VAGUE_WINDOW + 1]
            if any(thing in entity_key(w) for w in near if w != word):
                return Fact(kind="quantity", sentence=sentence.index, number=word, text=word)
    return None


def _measured_distances(a: _Side, b: _Side) -> list[_Candidate]:
    """A distance A only called far or near, now measured ("distant from X" → "70 km from X")."""
    out = []
    seen: set[str] = set()
    for new in b.facts:
        if new.kind != "quantity" or _dimension(new) != "length" or not new.number:
            continue
        text = b.sentences[new.sentence].text
        start = text.find(new.number)
        place = lx.FROM_PLACE.search(text, max(start, 0))
        if start < 0 or place is None or place.start() - start > lx.MEASURE_REACH:
            continue
        name = place.group(1)
        if entity_key(name) in seen:
            continue
        for old in a.sentences:
            vague = lx.VAGUE_DISTANCE.search(old.text)
            if vague is None or entity_key(name) not in entity_key(old.text[vague.end() :]):
                continue
            if any(_dimension(f) == "length" for f in a.facts if f.sentence == old.index):
                continue  # already measured there
            seen.add(entity_key(name))
            after = text[start : place.end()]
            before = f"{vague.group(0)} {name}"
            out.append(
                _Candidate(
                    FactChange(
                        change="changed",
                        kind="quantity",
                        subject=f"Distance from {name}",
                        slot="value",
                        before=before,
                        after=after,
                        summary=f"Distance from {name}: {vague.group(1)} → {after}",
                        evidence_a=old.text,
                        evidence_b=text,
                    ),
                    weight=lx.CHANGE_WEIGHT["quantity"],
                    position=new.sentence,
                    a_sentence=old.index,
                    b_sentence=new.sentence,
                )
            )
            break
    return out


def _destinations(side: _Side) -> dict[str, tuple[str, int]]:
    """Where people went ("fled to Nevada", "settle in Las Vegas"): key → (name, sentence)."""
    found: dict[str, tuple[str, int]] = {}
    for sentence in side.sentences:
        for match in lx.DESTINATION.finditer(sentence.text):
            found.setdefault(entity_key(match.group(1)), (match.group(1), sentence.index))
    return found


def _destination_change(a: _Side, b: _Side) -> list[_Candidate]:
    """The one place a story says people went, now another ("fled to X" → "settled in Y")."""
    old_places, new_places = _destinations(a), _destinations(b)
    if len(old_places) != 1 or len(new_places) != 1 or old_places.keys() == new_places.keys():
        return []
    (old_key, (before, i)), (new_key, (after, j)) = (
        next(iter(old_places.items())),
        next(iter(new_places.items())),
    )
    if old_key in _doc_names(b) or new_key in _doc_names(a):
        return []  # both places still told: the story says more, not something else
    return [
        _Candidate(
            FactChange(
                change="changed",
                kind="event",
                subject=f"where they went: {before} → {after}",
                slot="location",
                before=before,
                after=after,
                summary=f"Where they went: {before} → {after}",
                evidence_a=a.sentences[i].text,
                evidence_b=b.sentences[j].text,
            ),
            weight=lx.CHANGE_WEIGHT["changed"],
            position=j,
            a_sentence=i,
            b_sentence=None,
        )
    ]


def _same_people_other_fate(key: str, new: Fact, a_keys: dict[str, list[Fact]]) -> Fact | None:
    """The A count of the same number of people in another fate (custody → charged)."""
    if key not in lx.FATE_CLASSES or not new.value:
        return None
    for other, facts in a_keys.items():
        if other in lx.FATE_CLASSES and other != key:
            old = next((f for f in facts if f.value == new.value), None)
            if old is not None:
                return old
    return None


def _fate_change(key: str, old: Fact, new: Fact, a: _Side, b: _Side) -> _Candidate:
    before = f"{old.number} {old.key}"
    after = f"{new.number} {key}{_said(new)}"
    return _Candidate(
        FactChange(
            change="changed",
            kind="quantity",
            subject=f"{new.number} people",
            slot="status",
            before=before,
            after=after,
            summary=f"{new.number} people: {old.key} → {key}",
            evidence_a=a.text(old.sentence),
            evidence_b=b.text(new.sentence),
        ),
        weight=lx.CHANGE_WEIGHT["changed"] + 1.0,
        position=new.sentence,
        a_sentence=old.sentence,
        b_sentence=new.sentence,
    )


def _place_change(
    key: str, a_list: list[Fact], b_list: list[Fact], a: _Side, b: _Side
) -> list[_Candidate]:
    """Same figure, now placed: "bodies found in a coastal area" → "… in Sendai"."""
    a_places = {entity_key(f.place) for f in a_list if f.place}
    new = next((f for f in b_list if f.place and not _same_source(f.place, a_places)), None)
    if new is None:
        return []
    old = next((f for f in a_list if _same_value(f, new)), a_list[0])
    label = _counted_label(key)
    told = _told(a.sentences, old.sentence)
    before = old.place or _place_phrase(told) or told
    return [
        _Candidate(
            FactChange(
                change="changed",
                kind="quantity",
                subject=f"{label} {new.number}",
                slot="location",
                before=before,
                after=new.place,
                summary=f"Where ({label.lower()} {new.number}): {before} → {new.place}",
                evidence_a=a.text(old.sentence),
                evidence_b=b.text(new.sentence),
            ),
            weight=lx.CHANGE_WEIGHT["changed"],
            position=new.sentence,
            a_sentence=old.sentence,
            b_sentence=new.sentence,
        )
    ]


def _told(sentences: Sequence[Sentence], index: int) -> str:
    """A sentence with the lines that finish it, when an excerpt broke it mid-sentence."""
    parts = [sentences[index].text]
    n = index
    while (
        not parts[-1].rstrip(" \"'”’)").endswith(lx.SENTENCE_ENDS)
        and n + 1 < len(sentences)
        and len(parts) < lx.MAX_BROKEN_LINES
    ):
        n += 1
        parts.append(sentences[n].text)
    return " ".join(parts)


def _place_phrase(text: str) -> str | None:
    """Where a sentence puts things when no place name was found ("in a coastal area")."""
    match = lx.PLACE_PHRASE.search(text)
    return match.group(0) if match else None


def _is_tracked(key: str) -> bool:
    """Counts of people and events, prices and rates: new ones are news by themselves."""
    _, _, dimension = key.partition("/")
    return key in lx.COUNT_CLASSES.values() or dimension in lx.NEWS_DIMENSIONS


def _unit_only(key: str) -> bool:
    """ "percent/share": a measure whose thing we could not find compares with nothing."""
    thing, _, dimension = key.partition("/")
    return bool(dimension) and thing in lx.UNITS


def _counted_label(key: str) -> str:
    counted = key.split("/")[0]
    return counted[:1].upper() + counted[1:]


def _quantity_change(
    change: FactChangeKind, key: str, old: Fact | None, new: Fact, a: _Side, b: _Side
) -> _Candidate:
    label = _counted_label(key)
    before = old.number if old else None
    after = new.number or ""
    after_shown = f"{after}{_said(new)}"
    summary = f"{label}: {before or 'not given'} → {after_shown}"
    return _Candidate(
        FactChange(
            change=change,
            kind="quantity",
            subject=label,
            slot="count",
            before=before,
            after=after_shown,
            summary=summary,
            evidence_a=a.text(old.sentence) if old else None,
            evidence_b=b.text(new.sentence),
        ),
        weight=lx.CHANGE_WEIGHT[change] + 1.0,
        position=new.sentence,
        a_sentence=old.sentence if old else None,
        b_sentence=new.sentence,
    )


def _source_change(
    key: str, a_list: list[Fact], b_list: list[Fact], a: _Side, b: _Side
) -> list[_Candidate]:
    """The count now comes from other sources ("the agency said" → "police said")."""
    a_sources = {entity_key(f.source) for f in a_list if f.source}
    b_sources = [f for f in b_list if f.source]
    if not a_sources or not b_sources:
        return []
    if any(_same_source(f.source or "", a_sources) for f in b_sources):
        return []  # the old source still stands behind the figure
    old = next(f for f in a_list if f.source)
    new = b_sources[0]
    sources = list(dict.fromkeys(f.source or "" for f in b_sources))
    candidate = _attribution_change(_counted_label(key), old, new, a, b)
    after = ", ".join(sources)
    summary = f"{_counted_label(key)}: source {old.source} → {after}"
    return [
        _Candidate(
            replace(candidate.change, after=after, summary=summary),
            candidate.weight,
            candidate.position,
            candidate.a_sentence,
            candidate.b_sentence,
        )
    ]


def _same_source(source: str, others: set[str]) -> bool:
    """ "Police" and "Japanese police" are one source; so are spelling variants."""
    key = entity_key(source)
    names = _name_stems(source)
    return any(
        key in other or other in key or names & _name_stems(other, keyed=True) for other in others
    )


def _name_stems(text: str, keyed: bool = False) -> set[str]:
    """Stems of the proper names in a phrase, titles left out ("Governor", "President")."""
    words = text.split() if keyed else [w for w in text.split() if w[:1].isupper()]
    return {_stem(w) for w in words if w.lower().strip(".") not in lx.TITLES} - {""}


def _attribution_change(subject: str, old: Fact, new: Fact, a: _Side, b: _Side) -> _Candidate:
    return _Candidate(
        FactChange(
            change="attribution",
            kind="attribution",
            subject=subject,
            slot="source",
            before=old.source,
            after=new.source,
            summary=f"{subject}: source {old.source} → {new.source}",
            evidence_a=a.text(old.sentence),
            evidence_b=b.text(new.sentence),
        ),
        weight=lx.CHANGE_WEIGHT["attribution"],
        position=new.sentence,
        a_sentence=old.sentence,
        b_sentence=new.sentence,
    )


def _past(verb: str | None) -> str:
    if not verb:
        return "said"
    if verb == "according to":
        return "says"
    head, _, particle = verb.partition(" ")
    past = lx.IRREGULAR_PAST.get(head, head + ("d" if head.endswith("e") else "ed"))
    return f"{past} {particle}".strip()


# ---------------------------------------------------------------- entity statuses


def _status_changes(a: _Side, b: _Side) -> list[_Candidate]:
    a_keys, b_keys = _by_key(a.facts, "status"), _by_key(b.facts, "status")
    out = []
    for key, b_list in b_keys.items():
        a_list = a_keys.get(key)
        if not a_list:
            continue
        old, new = a_list[0], b_list[0]
        surer = _certainty_change(new.patient or key, old, new, a, b, a_list)
        if old.status == new.status:
            out += surer or _status_source_change(new.patient or key, a_list, b_list, a, b)
            continue
        out += _status_source_change(new.patient or key, a_list, b_list, a, b)
        name = new.patient or key
        before = f"{old.status}: {old.text}"
        after = f"{new.status}: {new.text}"
        out.append(
            _Candidate(
                FactChange(
                    change="changed",
                    kind="status",
                    subject=name,
                    slot="status",
                    before=before,
                    after=after,
                    summary=f"{name}: {old.status} → {new.status}{_said(new)}",
                    evidence_a=a.text(old.sentence),
                    evidence_b=b.text(new.sentence),
                ),
                weight=lx.CHANGE_WEIGHT["changed"] + 1.0,
                position=new.sentence,
                a_sentence=old.sentence,
                b_sentence=new.sentence,
            )
        )
    return out


def _status_source_change(
    name: str, a_list: list[Fact], b_list: list[Fact], a: _Side, b: _Side
) -> list[_Candidate]:
    """Who says it happened: a source B names for an entity's status that A did not."""
    a_sources = {entity_key(f.source) for f in a_list if f.source}
    headline = b_list[0].status
    if headline in lx.WEAK_STATUSES:
        return []
    new = next(
        (
            f
            for f in b_list
            if f.source and f.status == headline and not _same_source(f.source, a_sources)
        ),
        None,
    )
    if new is None:
        return []
    old = next((f for f in a_list if f.status == new.status), a_list[0])
    before = old.source if old.status == new.status else None
    after = f"{new.source} ({_past(new.source_verb)})"
    return [
        _Candidate(
            FactChange(
                change="attribution",
                kind="attribution",
                subject=f"{name} {new.status}",
                slot="source",
                before=before,
                after=after,
                summary=f"{name} {new.status}: now attributed to {after}",
                evidence_a=a.text(old.sentence),
                evidence_b=b.text(new.sentence),
            ),
            weight=lx.CHANGE_WEIGHT["attribution"],
            position=new.sentence,
            a_sentence=old.sentence,
            b_sentence=new.sentence,
        )
    ]


def _certainty_change(
    name: str, old: Fact, new: Fact, a: _Side, b: _Side, a_list: Sequence[Fact] = ()
) -> list[_Candidate]:
    """Same status, surer or less sure: "rebels claimed …" → "the army confirmed …".

    ``before`` lists every claim A made about the entity, so a reader sees what was
    contested ("captured, Aliyev claimed; contested: the fight … is continuing").
    """
    if lx.CERTAINTY_RANK[old.certainty] == lx.CERTAINTY_RANK[new.certainty]:
        return []
    claims = {(f.status, f.source): f for f in (a_list or [old])}
    before = "; ".join(
        f"{f.status} {f.certainty}{_said(f)}: {_short(f.text)}" for f in claims.values()
    )
    after = f"{new.certainty}{_said(new)}: {_short(new.text)}"
    return [
        _Candidate(
            FactChange(
                change="certainty",
                kind="certainty",
                subject=f"{name} {new.status}",
                slot="certainty",
                before=before,
                after=after,
                summary=f"{name} {new.status}: {old.certainty}{_said(old)} → "
                f"{new.certainty}{_said(new)}",
                evidence_a=a.text(old.sentence),
                evidence_b=b.text(new.sentence),
            ),
            weight=lx.CHANGE_WEIGHT["certainty"],
            position=new.sentence,
            a_sentence=old.sentence,
            b_sentence=new.sentence,
        )
    ]


def _short(text: str, words: int = 16) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _said(fact: Fact) -> str:
    return f" ({fact.source} {_past(fact.source_verb)})" if fact.source else ""


# ---------------------------------------------------------------- who did it


def _known(agent: str | None) -> bool:
    return bool(agent) and fold(agent or "") not in UNKNOWN_AGENTS


def _is_pronoun(agent: str | None) -> bool:
    """An agent A left as a pronoun: naming it in B is resolution of the text, not news."""
    return bool(agent) and fold(agent or "") in UNKNOWN_AGENTS and agent != "unknown"


def _named(agent: str | None) -> bool:
    """An agent worth reporting as the answer to "who did it": a name, not "One activist"."""
    words = (agent or "").split()
    return _known(agent) and any(
        w[:1].isupper() and w.lower() not in lx.NUMBER_WORDS and w.lower() not in lx.STOP_LEMMAS
        for w in words
    )


def _event_groups(facts: Iterable[Fact]) -> dict[tuple[str, str], list[Fact]]:
    grouped: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "event" and fact.key and fact.predicate.split()[0] not in lx.LIGHT_VERBS:
            grouped[(fact.predicate, fact.key)].append(fact)
    return grouped


def _agent_changes(a: _Side, b: _Side) -> list[_Candidate]:
    """Who did it: unclear → known (resolved), or one known agent → another (changed)."""
    a_groups, b_groups = _event_groups(a.facts), _event_groups(b.facts)
    out = []
    for key, b_list in b_groups.items():
        a_list = a_groups.get(key)
        if not a_list:
            continue
        new = next((f for f in b_list if _known(f.agent)), None)
        if new is None or key[1] in lx.PEOPLE_NOUNS:
            continue
        a_agents = {entity_key(f.agent or "") for f in a_list if _known(f.agent)}
        if _same_source(new.agent or "", a_agents):
            continue
        old = next((f for f in a_list if f.certainty == "unclear"), a_list[0])
        if a_agents:
            old = next(f for f in a_list if _known(f.agent))
            if not (_named(old.agent) and _named(new.agent)):
                continue
            change, before = "changed", old.agent
        elif _named(new.agent) and not any(_is_pronoun(f.agent) for f in a_list):
            change, before = "resolved", "unclear" if old.certainty == "unclear" else None
        else:
            continue
        out.append(_agent_change(change, key, old, new, before, a, b))
    return out


def _event_stem(fact: Fact) -> tuple[str, bool]:
    """What a frame is about, a verb or the noun a launch verb acts on, and whether it is a noun.

    "police investigated the family" and "a prosecutor opened an investigation" share
    the stem of "investigate".
    """
    head = fact.predicate.split()[0] if fact.predicate else ""
    if head in lx.LAUNCH_VERBS and fact.patient:
        return _stem(fact.patient.split()[-1]), True
    return _stem(head), False


def _nominal_agent_changes(a: _Side, b: _Side) -> list[_Candidate]:
    """The same action told once as a verb, once as a noun, by another agent.

    "Police investigated the family" → "A county prosecutor opened an investigation":
    who investigated changed from police to a county prosecutor.
    """
    a_events = [f for f in a.facts if f.kind == "event" and _known(f.agent) and f.predicate]
    out = []
    seen: set[str] = set()
    for new in b.facts:
        if new.kind != "event" or not _known(new.agent) or not new.predicate:
            continue
        stem, new_nominal = _event_stem(new)
        if len(stem) < lx.STEM_LENGTH or stem in seen:
            continue
        for old in a_events:
            old_stem, old_nominal = _event_stem(old)
            if old_stem != stem or old_nominal == new_nominal:
                continue  # the same form is compared by _agent_changes
            if _same_source(new.agent or "", {entity_key(old.agent or "")}):
                break
            verbal = new if old_nominal else old
            predicate = verbal.predicate
            shown = replace(new, patient=verbal.patient or new.patient)
            out.append(_agent_change("changed", (predicate, stem), old, shown, old.agent, a, b))
            seen.add(stem)
            break
    return out


def _quantified(text: str) -> dict[str, tuple[str, str]]:
    """Nouns with a quantifier in front: stem → (quantifier, phrase)."""
    found: dict[str, tuple[str, str]] = {}
    for match in lx.QUANTIFIER_PATTERN.finditer(text):
        quantifier, noun = match.group(1), match.group(2)
        found.setdefault(_stem(noun), (quantifier.lower(), match.group(0)))
    return found


def _scope_changes(a: _Side, b: _Side, ops: Sequence[SentenceOp]) -> list[_Candidate]:
    """A claim about all of a group now about part of it, or the reverse.

    "The judge released all defendants" → "… released a group of defendants".
    """
    out = []
    for op in ops:
        if op.op != "edited" or len(op.a) != 1 or len(op.b) != 1:
            continue
        old, new = a.sentences[op.a[0]], b.sentences[op.b[0]]
        before, after = _quantified(old.text), _quantified(new.text)
        for stem, (old_q, old_phrase) in before.items():
            if stem not in after:
                continue
            new_q, new_phrase = after[stem]
            was_all = old_q.split()[-1] in lx.UNIVERSAL_QUANTIFIERS or old_q.startswith("all")
            is_all = new_q.split()[-1] in lx.UNIVERSAL_QUANTIFIERS or new_q.startswith("all")
            if was_all == is_all:
                continue
            event = _main_event(b.facts, new.index)
            noun = new_phrase.split()[-1]
            subject = f"{event.predicate} / {noun}" if event else noun
            out.append(
                _Candidate(
                    FactChange(
                        change="changed",
                        kind="event",
                        subject=subject,
                        slot="patient",
                        before=old_phrase,
                        after=new_phrase,
                        summary=f"How many {noun}: {old_phrase} → {new_phrase}",
                        evidence_a=old.text,
                        evidence_b=new.text,
                    ),
                    weight=lx.CHANGE_WEIGHT["changed"],
                    position=new.index,
                    a_sentence=old.index,
                    b_sentence=new.index,
                )
            )
    return out


def _agent_change(
    change: FactChangeKind,
    key: tuple[str, str],
    old: Fact,
    new: Fact,
    before: str | None,
    a: _Side,
    b: _Side,
) -> _Candidate:
    predicate, _ = key
    thing = (new.patient or old.patient or "").split()[-1:] or [""]
    after = f"{new.agent}{_said(new)}"
    subject = f"{predicate} / {thing[0]}"
    summary = f"Who {_past(predicate)} the {thing[0]}: "
    summary += f"{before or 'not stated'} → {after}"
    return _Candidate(
        FactChange(
            change=change,
            kind="event",
            subject=subject,
            slot="agent",
            before=before,
            after=after,
            summary=summary,
            evidence_a=a.text(old.sentence),
            evidence_b=b.text(new.sentence),
        ),
        weight=lx.CHANGE_WEIGHT[change],
        position=new.sentence,
        a_sentence=old.sentence,
        b_sentence=new.sentence,
    )


# ---------------------------------------------------------------- new and dropped sentences


def _main_event(facts: Iterable[Fact], sentence: int) -> Fact | None:
    events = [f for f in facts if f.sentence == sentence and f.kind == "event"]
    return next((f for f in events if f.predicate.split()[0] not in lx.LIGHT_VERBS), None)


def _is_background(facts: Sequence[Fact], sentence: int) -> bool:
    """ "Japan lies on the Ring of Fire": a state of things, not something that happened."""
    event = _main_event(facts, sentence)
    return event is not None and event.predicate.split()[0] in lx.STATIVE_VERBS


def _is_commentary(text: str) -> bool:
    """What ought to happen or a question to readers ("… is a must", "Do you know …?")."""
    return text.rstrip(" \"'”’").endswith("?") or bool(lx.PRESCRIPTIVE.search(text))


def _cut_short(sentence: Sentence, sentences: Sequence[Sentence]) -> bool:
    """The last sentence of an excerpt that stops mid-sentence ("… upgraded the str")."""
    is_last = sentence.index == len(sentences) - 1
    return is_last and not sentence.text.rstrip().endswith(lx.SENTENCE_ENDS)


def _has_quantity(facts: Iterable[Fact], sentence: int) -> bool:
    return any(f.kind == "quantity" and f.sentence == sentence for f in facts)


def _is_substantive(text: str) -> bool:
    return len(text.split()) >= lx.MIN_ADDED_WORDS


def _additions(a: _Side, b: _Side, cover: _Coverage, explained: set[int]) -> list[_Candidate]:
    vocabulary = _vocabulary(a.sentences)
    novel = [
        s
        for s in b.sentences
        if s.index not in explained
        and cover.b_score[s.index] < lx.COVERED_SIMILARITY
        and _is_substantive(s.text)
        and not _furniture(s.text)
        and not _cut_short(s, b.sentences)
    ]
    block = _inserted_block(b, cover)
    names = _doc_names(a)
    a_numbers = {n for s in a.sentences for n in _NUMBER.findall(s.text)}
    events = {(f.predicate, _stem(f.key)) for f in a.facts if f.kind == "event" and f.key}
    novel = [
        s
        for s in novel
        if _novel_share(s.text, vocabulary) >= lx.NOVEL_WORD_SHARE
        or _new_event(b.facts, s.index, events)
    ]
    out = []
    for sentence in novel:
        if sentence.index in block:
            continue
        best = cover.b_best[sentence.index]
        if best >= 0 and _overlap(a.sentences[best].text, sentence.text) >= lx.REWRITE_OVERLAP:
            _, added = _term_difference(
                _terms(a.facts, best)[0], _terms(b.facts, sentence.index)[0]
            )
            new_figures = set(_NUMBER.findall(sentence.text)) - a_numbers
            if _name_count(added, names) >= lx.MIN_NEW_NAMES or new_figures:
                news = sorted(_new_names(added, names) | new_figures)
                out.append(_rewrite(a.sentences[best], sentence, b.facts, news))
                continue
        if _main_event(b.facts, sentence.index) is not None or _has_quantity(
            b.facts, sentence.index
        ):
            news = _news_value(sentence.text, names, vocabulary)
            news += lx.NEWS_WEIGHTS["new_event"] * _new_event(b.facts, sentence.index, events)
            news -= lx.NEWS_WEIGHTS["background"] * _is_background(b.facts, sentence.index)
            news -= lx.NEWS_WEIGHTS["commentary"] * _is_commentary(sentence.text)
            out.append(
                _sentence_change("added", b.facts, sentence, None, sentence.text, weight=news)
            )
    return out  # an inserted sidebar (the block) is page furniture, not the story


def _answers(a: _Side, b: _Side, cover: _Coverage, explained: set[int]) -> list[_Candidate]:
    """An open question of A ("it was not clear if X was connected to the conflict")
    that a source in B now answers ("the ministry said the conflict was a factor").

    The answer is a new sentence that speaks of what the question ended on.
    """
    out = []
    for old in a.sentences:
        match = lx.OPEN_QUESTION.search(old.text)
        if match is None:
            continue
        asked = [w for w in re.findall(r"[A-Za-z-]+", old.text[match.end() :]) if len(w) > 3]
        if not asked:
            continue
        topic = _stem(asked[-1])  # what the question ends on: "… connected to the conflict"
        for new in b.sentences:
            j = new.index
            if j in explained or cover.b_score[j] >= lx.COVERED_SIMILARITY:
                continue
            if lx.OPEN_QUESTION.search(new.text) or not lx.SAID.search(new.text):
                continue
            if topic not in {_stem(w) for w in re.findall(r"[A-Za-z-]+", new.text)}:
                continue
            out.append(
                _Candidate(
                    FactChange(
                        change="resolved",
                        kind="certainty",
                        subject=asked[-1],
                        slot="certainty",
                        before=f"not clear: {old.text}",
                        after=new.text,
                        summary=f"Answered ({asked[-1]}): {new.text}",
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


def _doc_names(side: _Side) -> set[str]:
    """Every name the version mentions, and each part of a hyphenated one (Nagorno-Karabakh)."""
    names = {n for s in side.sentences for n in _names(s.text)}
    parts = {p for n in names for p in re.split(r"[-‐–]", n) if p}
    return {entity_key(n) for n in names | parts}


def _new_event(facts: Sequence[Fact], sentence: int, known: set[tuple[str, str]]) -> bool:
    """Does the sentence's main event (verb + what it acts on) appear nowhere in A?"""
    event = _main_event(facts, sentence)
    return (
        event is not None and bool(event.key) and (event.predicate, _stem(event.key)) not in known
    )


def _names(text: str) -> list[str]:
    """Capitalised words after the first: the names a sentence mentions."""
    words = [w.strip(".,;:\"'“”‘’()") for w in text.split()[1:]]
    return [w for w in words if w[:1].isupper() and w.lower() not in lx.STOP_LEMMAS]


def _news_value(text: str, known_names: set[str], vocabulary: set[str]) -> float:
    """How much a new sentence tells: new names and figures, new words; quotes tell less."""
    new_names = {entity_key(n) for n in _names(text)} - known_names
    quoted = sum(len(q) for q in _QUOTED.findall(text)) / max(len(text), 1)
    digits = 1.0 if _NUMBER.search(text) else 0.0
    return (
        lx.NEWS_WEIGHTS["new_name"] * math.log1p(len(new_names))
        + lx.NEWS_WEIGHTS["figure"] * digits
        + lx.NEWS_WEIGHTS["novelty"] * _novel_share(text, vocabulary)
        - lx.NEWS_WEIGHTS["quote"] * quoted
    )


def _overlap(old: str, new: str) -> float:
    """Share of the new sentence's content words the old one already had."""
    new_words = content_words(new)
    return len(new_words & content_words(old)) / len(new_words) if new_words else 0.0


def _inserted_block(b: _Side, cover: _Coverage) -> set[int]:
    """A long run of new sentences dropped into an otherwise unchanged story (a sidebar).

    The run may hold a few short sentences that happen to echo the story.
    """
    kept = [score >= lx.SAME_SENTENCE_SIMILARITY for score in cover.a_score]
    if not kept or sum(kept) / len(kept) < lx.BLOCK_KEPT_SHARE:
        return set()
    block: set[int] = set()
    run: list[int] = []
    gap = 0
    for sentence in [*b.sentences, None]:
        if sentence is not None and cover.b_score[sentence.index] < lx.COVERED_SIMILARITY:
            run.append(sentence.index)
            gap = 0
            continue
        gap += 1
        if sentence is not None and run and gap <= lx.BLOCK_GAP:
            continue
        if len(run) >= lx.BLOCK_RUN:
            block.update(range(min(run), max(run) + 1))
        run, gap = [], 0
    return block


def _rewrite(
    old: Sentence, new: Sentence, facts: Sequence[Fact], news: Sequence[str]
) -> _Candidate:
    """A new sentence that reworks an old one: report it as a change of that statement."""
    candidate = _sentence_change("changed", facts, new, old.text, new.text)
    summary = f"Reworded with {', '.join(news)}: {new.text}"
    return _Candidate(
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
    a_keys = {_stem(t) for t in a_terms}
    b_keys = {_stem(t) for t in b_terms}
    return (
        {t for t in a_terms if _stem(t) not in b_keys},
        {t for t in b_terms if _stem(t) not in a_keys},
    )


def _stem(term: str) -> str:
    return entity_key(term)[: lx.STEM_LENGTH]


def _furniture(text: str) -> bool:
    return any(p.search(text) for p in lx.FURNITURE_PATTERNS)


def _pronoun_stand_in(old: str, new: str, added: set[str]) -> bool:
    """ "Kukharenko said" → "he said": a name replaced by a pronoun, nothing new added."""
    old_words = {w.strip(',.“”"').lower() for w in old.split()}
    new_words = {w.strip(',.“”"').lower() for w in new.split()}
    return not added and bool((new_words - old_words) & lx.STAND_IN_PRONOUNS)


def _names_changed(removed: set[str], added: set[str], known: set[str], b_names: set[str]) -> bool:
    """A name dropped or replaced by another name, or several new names.

    Not: a title added ("U.S." before a court), a name turned into a common noun
    ("previous White Houses" → "previous administrations").
    """
    new_names = _name_count(added, known)
    dropped = _name_count(removed, b_names) > 0  # gone from the whole of B, not just moved
    replaced = _names_or_numbers(removed) and (new_names > 0 or (not added and dropped))
    return replaced or new_names >= lx.MIN_NEW_NAMES


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


def _edits(a: _Side, b: _Side, ops: Sequence[SentenceOp], explained: set[int]) -> list[_Candidate]:
    """Edited sentence pairs whose names, things or negation changed (not just style)."""
    names, b_names = _doc_names(a), _doc_names(b)
    events = {(f.predicate, _stem(f.key)) for f in a.facts if f.kind == "event" and f.key}
    out = []
    for op in ops:
        if op.op != "edited" or len(op.a) != 1 or len(op.b) != 1 or op.b[0] in explained:
            continue
        i, j = op.a[0], op.b[0]
        a_terms, a_neg = _terms(a.facts, i)
        b_terms, b_neg = _terms(b.facts, j)
        removed, added = _term_difference(a_terms, b_terms)
        old, new = a.sentences[i], b.sentences[j]
        if _furniture(old.text) or _furniture(new.text):
            continue
        if a_neg != b_neg:
            change = "contradicted"
        elif _names_changed(removed, added, names, b_names) and not _pronoun_stand_in(
            old.text, new.text, added
        ):
            change = "changed"
        elif clause := _added_clause(a, b, i, j, events):
            out.append(clause)
            continue
        else:
            continue
        what = f"{', '.join(sorted(removed)) or '—'} → {', '.join(sorted(added)) or '—'}"
        candidate = _sentence_change(change, b.facts, new, old.text, new.text)
        out.append(
            _Candidate(
                replace(candidate.change, evidence_a=old.text, summary=f"Changed: {what}"),
                weight=candidate.weight,
                position=j,
                a_sentence=i,
                b_sentence=j,
            )
        )
    return out


def _added_clause(
    a: _Side, b: _Side, i: int, j: int, known: set[tuple[str, str]]
) -> _Candidate | None:
    """An edited sentence that gained a clause telling a new event ("X denied that …, and …").

    Ranked like a new sentence: it is one, grafted onto an old one.
    """
    old, new = a.sentences[i], b.sentences[j]
    had, has = content_words(old.text), content_words(new.text)
    gained = has - had
    if len(gained) < lx.MIN_ADDED_WORDS or len(had & has) < lx.KEPT_CLAUSE_SHARE * len(had):
        return None  # not the old sentence kept with a clause added: a rewrite
    old_verbs = {f.predicate for f in a.facts if f.kind == "event" and f.sentence == i}
    fresh = [
        f
        for f in b.facts
        if f.kind == "event"
        and f.sentence == j
        and f.key
        and f.predicate not in old_verbs
        and f.predicate.split()[0] not in lx.LIGHT_VERBS | lx.STATIVE_VERBS
        and (f.predicate, _stem(f.key)) not in known
    ]
    if not fresh:
        return None
    candidate = _sentence_change("changed", b.facts, new, old.text, new.text)
    what = ", ".join(sorted(gained)[:8])
    return _Candidate(
        replace(
            candidate.change,
            subject=f"{fresh[0].predicate} / {fresh[0].patient or fresh[0].key}",
            evidence_a=old.text,
            summary=f"Added to a sentence ({what}): {new.text}",
        ),
        weight=lx.CHANGE_WEIGHT["added"] + _salience(new.text),
        position=j,
        a_sentence=i,
        b_sentence=j,
    )


def _removals(a: _Side, b: _Side, a_cover: list[float], used: set[int]) -> list[_Candidate]:
    """Sentences of A that B no longer says, when B is a revision of A (not a rewrite)."""
    if not a.sentences:
        return []
    kept = sum(score >= lx.SAME_SENTENCE_SIMILARITY for score in a_cover) / len(a.sentences)
    if kept < lx.REVISION_SHARE:
        return []
    vocabulary = _vocabulary(b.sentences)
    tail = len(a.sentences) * (1 - lx.TAIL_SHARE)
    out = []
    for sentence in a.sentences:
        i = sentence.index
        if a_cover[i] >= lx.COVERED_SIMILARITY or i >= tail or i in used:
            continue
        if not _is_substantive(sentence.text):
            continue
        if _novel_share(sentence.text, vocabulary) < lx.NOVEL_WORD_SHARE:
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
) -> _Candidate:
    event = _main_event(facts, sentence.index)
    subject = f"{event.predicate} / {event.patient or event.agent or ''}" if event else ""
    label = _SENTENCE_LABELS[change]
    return _Candidate(
        FactChange(
            change=change,
            kind="event",
            subject=subject.strip(" /"),
            slot=_SENTENCE_SLOTS[change],
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


# ---------------------------------------------------------------- ranking


def _sentence_cap(cover: _Coverage) -> int:
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


def _rank(candidates: list[_Candidate], length: int, cap: int) -> list[FactChange]:
    """Most important first; lede sentences before late ones; one item per change.

    Sentence-level changes (a whole new, dropped or reworded sentence) are capped:
    the reader wants the top new facts, not every new sentence of a rewrite.
    """
    seen: set[tuple[str, str | None, str | None]] = set()

    def importance(candidate: _Candidate) -> float:
        return candidate.weight - lx.POSITION_WEIGHT * candidate.position / length

    def is_sentence_level(candidate: _Candidate) -> bool:
        return candidate.change.slot in _SENTENCE_SLOTS.values()

    # facts a reader can state in a line first, whole new sentences after them
    ordered = sorted(candidates, key=lambda c: (is_sentence_level(c), -importance(c), c.position))
    out = []
    sentence_level = 0
    events: set[str] = set()
    for candidate in ordered:
        change = candidate.change
        identity = (change.subject, change.before, change.after)
        if identity in seen:
            continue
        event = _event_identity(change.subject)
        if change.slot in _SENTENCE_SLOTS.values():
            if event and event in events:
                continue  # the same event told again in another new sentence
            sentence_level += 1
            if sentence_level > _budget(cap, len(out)):
                continue
        seen.add(identity)
        if event:
            events.add(event)
        out.append(change)
    return out


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
    return f"{predicate}/{_stem(words[-1])}" if predicate and words else ""
