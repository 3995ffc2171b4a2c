"""Changes of numbers, measures and counts: a new or changed figure, a converted unit,
a distance now measured, the source or the place of a count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from tracker.facts import lexicon as lx
from tracker.facts.candidates import (
    Candidate,
    Side,
    by_key,
    change_between,
    past_participle,
    said_suffix,
    same_source,
    stem_of,
)
from tracker.facts.model import Fact
from tracker.facts.normalize import entity_key, fold
from tracker.model import FactChange, FactChangeKind, Sentence


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


def quantity_changes(
    a: Side, b: Side, b_cover: list[float], b_partner: list[int], sidebar: set[int]
) -> list[Candidate]:
    """Figures new or changed in B. ``b_partner[j]`` is the A sentence that B's sentence
    ``j`` says most of: a changed figure's old value is taken from it when it has one
    ("weakened to Category 3" → "weakened to Category 3, then became a Category 2")."""
    a_keys = by_key(a.facts, "quantity")
    b_keys = by_key((f for f in b.facts if f.sentence not in sidebar), "quantity")
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
            partner = b_partner[new.sentence] if new.sentence < len(b_partner) else -1
            replaced = [f for f in a_list if f.sentence == partner]
            old = replaced[-1] if replaced else a_list[0]
            changed = _quantity_change("quantity", key, old, new, a, b)
            source = _source_change(key, a_list, b_list, a, b)
            if source and source[0].change.after == new.source:
                # one new source, already shown with the new figure: one item, not two
                before = f"{old.number} ({source[0].change.before} said)"
                told = changed.change
                summary = f"{told.subject}: {before} → {told.after}"
                changed = replace(changed, change=replace(told, before=before, summary=summary))
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
    b_list: list[Fact], a_keys: dict[str, list[Fact]], a: Side, b: Side
) -> list[Candidate]:
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


def _vague_count(key: str, a: Side) -> Fact | None:
    """A count A gave without a figure ("killed hundreds of people", "wounding a number of
    people", "multiple people were hurt"), read next to a word of the same count class.

    Read from the text, not the parse: excerpts glue words across broken lines
    ("andkilled hundreds"), which the parser cannot read as a verb.
    """
    thing = key.split("/")[0]
    if len(stem_of(thing)) < 4:
        return None
    for sentence in a.sentences:
        folded = " ".join(w.strip(".,;:\"'“”()").lower() for w in sentence.text.split())
        for match in lx.VAGUE_COUNT.finditer(folded):
            near = folded[: match.start()].split()[-lx.VAGUE_WINDOW :]
            near += folded[match.end() :].split()[: lx.VAGUE_WINDOW + 1]
            if any(_counts(word, thing) for word in near):
                phrase = match.group(0)
                following = folded[match.end() :].split()[:1]
                if following and following[0] not in lx.STOP_LEMMAS and following[0].isalpha():
                    phrase = f"{phrase} {following[0]}"  # "a number of people"
                return Fact(kind="quantity", sentence=sentence.index, number=phrase, text=phrase)
    return None


def _counts(word: str, thing: str) -> bool:
    """ "wounding" counts the injured; "killings" the killed; "injured" itself."""
    if stem_of(thing) in entity_key(word):
        return True
    return any(
        word.startswith(stem_of(root)) and label == thing
        for root, label in lx.COUNT_CLASSES.items()
    )


def measured_distances(a: Side, b: Side) -> list[Candidate]:
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
                Candidate(
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


def _fate_change(key: str, old: Fact, new: Fact, a: Side, b: Side) -> Candidate:
    before = f"{old.number} {old.key}"
    after = f"{new.number} {key}{said_suffix(new)}"
    return change_between(
        a,
        b,
        old.sentence,
        new.sentence,
        lx.CHANGE_WEIGHT["changed"] + 1.0,
        change="changed",
        kind="quantity",
        subject=f"{new.number} people",
        slot="status",
        before=before,
        after=after,
        summary=f"{new.number} people: {old.key} → {key}",
    )


def _place_change(
    key: str, a_list: list[Fact], b_list: list[Fact], a: Side, b: Side
) -> list[Candidate]:
    """Same figure, now placed: "bodies found in a coastal area" → "… in Sendai"."""
    a_places = {entity_key(f.place) for f in a_list if f.place}
    new = next((f for f in b_list if f.place and not same_source(f.place, a_places)), None)
    if new is None:
        return []
    if key.split("/")[0] == "distance" or _DIRECTION.fullmatch(key.split("/")[0]):
        return []  # "40 miles northeast of …" is a distance (measured_distances), not a count
    old = next((f for f in a_list if _same_value(f, new)), a_list[0])
    label = counted_label(key)
    told = _told(a.sentences, old.sentence)
    before = old.place or _place_phrase(told)
    return [
        change_between(
            a,
            b,
            old.sentence,
            new.sentence,
            lx.CHANGE_WEIGHT["changed"],
            change="changed",
            kind="quantity",
            subject=f"{label} {new.number}",
            slot="location",
            before=before,
            after=new.place,
            summary=f"Place of the {label.lower()} ({new.number}): "
            f"{before or 'not given'} → {new.place}",
        )
    ]


_DIRECTION = re.compile(r"(?:north|south|east|west)(?:-?(?:north|south|east|west))*(?:ern)?")


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


def counted_label(key: str) -> str:
    """ "people force" → "People forced": a counted noun and what was done to it."""
    counted = key.split("/")[0]
    words = counted.split()
    is_class = counted in lx.COUNT_CLASSES.values()  # "in custody", "left their posts"
    if not is_class and len(words) == 2 and words[1].isalpha() and words[1] not in lx.UNITS:
        counted = f"{words[0]} {past_participle(words[1])}"
    return counted[:1].upper() + counted[1:]


def _quantity_change(
    change: FactChangeKind, key: str, old: Fact | None, new: Fact, a: Side, b: Side
) -> Candidate:
    label = counted_label(key)
    before = old.number if old else None
    after = new.number or ""
    after_shown = f"{after}{said_suffix(new)}"
    summary = f"{label}: {before or 'not given'} → {after_shown}"
    return change_between(
        a,
        b,
        old.sentence if old else None,
        new.sentence,
        lx.CHANGE_WEIGHT[change] + 1.0,
        change=change,
        kind="quantity",
        subject=label,
        slot="count",
        before=before,
        after=after_shown,
        summary=summary,
    )


def _source_change(
    key: str, a_list: list[Fact], b_list: list[Fact], a: Side, b: Side
) -> list[Candidate]:
    """The count now comes from other sources ("the agency said" → "police said")."""
    a_sources = {entity_key(f.source) for f in a_list if f.source}
    b_sources = [f for f in b_list if f.source]
    if not a_sources or not b_sources:
        return []
    if any(same_source(f.source or "", a_sources) for f in b_sources):
        return []  # the old source still stands behind the figure
    old = next(f for f in a_list if f.source)
    new = b_sources[0]
    sources = list(dict.fromkeys(f.source or "" for f in b_sources))
    candidate = _attribution_change(counted_label(key), old, new, a, b)
    after = ", ".join(sources)
    summary = f"{counted_label(key)}: source {old.source} → {after}"
    return [
        Candidate(
            replace(candidate.change, after=after, summary=summary),
            candidate.weight,
            candidate.position,
            candidate.a_sentence,
            candidate.b_sentence,
        )
    ]


def _attribution_change(subject: str, old: Fact, new: Fact, a: Side, b: Side) -> Candidate:
    return change_between(
        a,
        b,
        old.sentence,
        new.sentence,
        lx.CHANGE_WEIGHT["attribution"],
        change="attribution",
        kind="attribution",
        subject=subject,
        slot="source",
        before=old.source,
        after=new.source,
        summary=f"{subject}: source {old.source} → {new.source}",
    )
