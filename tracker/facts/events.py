"""Changes of what happened: who did it, to what and how many, where people went, an
entity's status, how sure the story is of it and who says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace

from tracker.facts import lexicon as lx
from tracker.facts.candidates import (
    Candidate,
    Side,
    by_key,
    change_between,
    doc_names,
    main_event,
    past_tense,
    said_suffix,
    same_but_place_adjective,
    same_source,
    stem_of,
)
from tracker.facts.model import Fact
from tracker.facts.normalize import entity_key, fold
from tracker.model import FactChange, FactChangeKind, SentenceOp

UNKNOWN_AGENTS = frozenset(
    {"unknown", "who", "whoever", "that", "which", "it", "they", "he", "she"}
    # a quote's speaker: naming "I" or "we" in B resolves the text, not the story
    | {"i", "we", "you", "me", "us", "him", "her", "them"}
)


def _destinations(side: Side) -> dict[str, tuple[str, int]]:
    """Where people went ("fled to Nevada", "settle in Las Vegas"): key → (name, sentence)."""
    found: dict[str, tuple[str, int]] = {}
    for sentence in side.sentences:
        for match in lx.DESTINATION.finditer(sentence.text):
            found.setdefault(entity_key(match.group(1)), (match.group(1), sentence.index))
    return found


def destination_change(a: Side, b: Side) -> list[Candidate]:
    """The one place a story says people went, now another ("fled to X" → "settled in Y")."""
    old_places, new_places = _destinations(a), _destinations(b)
    if len(old_places) != 1 or len(new_places) != 1 or old_places.keys() == new_places.keys():
        return []
    (old_key, (before, i)), (new_key, (after, j)) = (
        next(iter(old_places.items())),
        next(iter(new_places.items())),
    )
    if old_key in doc_names(b) or new_key in doc_names(a):
        return []  # both places still told: the story says more, not something else
    return [
        Candidate(
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


def status_changes(a: Side, b: Side) -> list[Candidate]:
    a_keys, b_keys = by_key(a.facts, "status"), by_key(b.facts, "status")
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
            change_between(
                a,
                b,
                old.sentence,
                new.sentence,
                lx.CHANGE_WEIGHT["changed"] + 1.0,
                change="changed",
                kind="status",
                subject=name,
                slot="status",
                before=before,
                after=after,
                summary=f"{name}: {old.status} → {new.status}{said_suffix(new)}",
            )
        )
    return out


def _status_source_change(
    name: str, a_list: list[Fact], b_list: list[Fact], a: Side, b: Side
) -> list[Candidate]:
    """Who says it happened: a source B names for an entity's status that A did not."""
    a_sources = {entity_key(f.source) for f in a_list if f.source}
    headline = b_list[0].status
    if headline in lx.WEAK_STATUSES:
        return []
    new = next(
        (
            f
            for f in b_list
            if f.source and f.status == headline and not same_source(f.source, a_sources)
        ),
        None,
    )
    if new is None:
        return []
    old = next((f for f in a_list if f.status == new.status), a_list[0])
    before = old.source if old.status == new.status else None
    after = f"{new.source} ({past_tense(new.source_verb)})"
    return [
        change_between(
            a,
            b,
            old.sentence,
            new.sentence,
            lx.CHANGE_WEIGHT["attribution"],
            change="attribution",
            kind="attribution",
            subject=f"{name} {new.status}",
            slot="source",
            before=before,
            after=after,
            summary=f"{name} {new.status}: now attributed to {after}",
        )
    ]


def _certainty_change(
    name: str, old: Fact, new: Fact, a: Side, b: Side, a_list: Sequence[Fact] = ()
) -> list[Candidate]:
    """Same status, surer or less sure: "rebels claimed …" → "the army confirmed …".

    ``before`` lists every claim A made about the entity, so a reader sees what was
    contested ("captured, Aliyev claimed; contested: the fight … is continuing").
    """
    if lx.CERTAINTY_RANK[old.certainty] == lx.CERTAINTY_RANK[new.certainty]:
        return []
    claims = {(f.status, f.source): f for f in (a_list or [old])}
    before = "; ".join(
        f"{f.status} {f.certainty}{said_suffix(f)}: {_short(f.text)}" for f in claims.values()
    )
    after = f"{new.certainty}{said_suffix(new)}: {_short(new.text)}"
    return [
        change_between(
            a,
            b,
            old.sentence,
            new.sentence,
            lx.CHANGE_WEIGHT["certainty"],
            change="certainty",
            kind="certainty",
            subject=f"{name} {new.status}",
            slot="certainty",
            before=before,
            after=after,
            summary=f"{name} {new.status}: {old.certainty}{said_suffix(old)} → "
            f"{new.certainty}{said_suffix(new)}",
        )
    ]


def _short(text: str, words: int = 16) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


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


def agent_changes(a: Side, b: Side) -> list[Candidate]:
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
        if same_source(new.agent or "", a_agents) or any(
            same_but_place_adjective(new.agent or "", f.agent or "") for f in a_list
        ):
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
        return stem_of(fact.patient.split()[-1]), True
    return stem_of(head), False


def nominal_agent_changes(a: Side, b: Side) -> list[Candidate]:
    """The same action told once as a verb, once as a noun, by another agent.

    "Police investigated the family" → "A county prosecutor opened an investigation":
    who investigated changed from police to a county prosecutor.
    """
    first_event: dict[tuple[str, bool], Fact] = {}  # (stem, told as a noun) → A's first such frame
    for old in a.facts:
        if old.kind == "event" and _known(old.agent) and old.predicate:
            first_event.setdefault(_event_stem(old), old)
    out = []
    seen: set[str] = set()
    for new in b.facts:
        if new.kind != "event" or not _known(new.agent) or not new.predicate:
            continue
        stem, new_nominal = _event_stem(new)
        if len(stem) < lx.STEM_LENGTH or stem in seen:
            continue
        # the other form only: the same form is compared by agent_changes
        old = first_event.get((stem, not new_nominal))
        if old is None or same_source(new.agent or "", {entity_key(old.agent or "")}):
            continue
        verbal = old if new_nominal else new
        predicate = verbal.predicate
        shown = replace(new, patient=verbal.patient or new.patient)
        out.append(_agent_change("changed", (predicate, stem), old, shown, old.agent, a, b))
        seen.add(stem)
    return out


def _quantified(text: str) -> dict[str, tuple[str, str]]:
    """Nouns with a quantifier in front: stem → (quantifier, phrase)."""
    found: dict[str, tuple[str, str]] = {}
    for match in lx.QUANTIFIER_PATTERN.finditer(text):
        quantifier, noun = match.group(1), match.group(2)
        found.setdefault(stem_of(noun), (quantifier.lower(), match.group(0)))
    return found


def scope_changes(a: Side, b: Side, ops: Sequence[SentenceOp]) -> list[Candidate]:
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
            event = main_event(b.facts, new.index)
            noun = new_phrase.split()[-1]
            subject = f"{event.predicate} / {noun}" if event else noun
            out.append(
                Candidate(
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
    a: Side,
    b: Side,
) -> Candidate:
    predicate, _ = key
    thing = (new.patient or old.patient or "").split()[-1:] or [""]
    after = f"{new.agent}{said_suffix(new)}"
    subject = f"{predicate} / {thing[0]}"
    named = thing[0][:1].isupper()
    # a person or place is named whole ("Who assassinated President Jovenel Moïse"); a
    # thing by its head noun ("Who shot down the helicopter")
    patient = _without_determiner(new.patient or old.patient or "") if named else f"the {thing[0]}"
    summary = f"Who {past_tense(predicate)} {patient}: "
    summary += f"{before or 'not stated'} → {after}"
    return change_between(
        a,
        b,
        old.sentence,
        new.sentence,
        lx.CHANGE_WEIGHT[change],
        change=change,
        kind="event",
        subject=subject,
        slot="agent",
        before=before,
        after=after,
        summary=summary,
    )


def _without_determiner(phrase: str) -> str:
    words = phrase.split()
    return " ".join(words[1:] if words and words[0].lower() in ("the", "a", "an") else words)
