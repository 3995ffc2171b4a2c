"""Fact extraction: events with roles, quantities, attributions, certainty, statuses."""

from __future__ import annotations

import re

from tracker.facts import Fact, extract_facts, facts_from_json, facts_to_json
from tracker.facts.normalize import entity_key, fold, parse_number
from tracker.model import Sentence


def sentences(text: str) -> list[Sentence]:
    """Invented fixture text → Sentence records (one paragraph per blank line)."""
    out: list[Sentence] = []
    for p, paragraph in enumerate(re.split(r"\n\s*\n", text.strip())):
        for part in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", paragraph.strip()):
            out.append(Sentence(text=part, index=len(out), paragraph=p))
    return out


def facts_of(text: str, kind: str) -> list[Fact]:
    return [f for f in extract_facts(sentences(text)) if f.kind == kind]


def test_pronoun_subject_of_reported_clause_is_the_speaker() -> None:
    events = facts_of("Freedonia said Tuesday that it shot down a cargo plane.", "event")
    shot = next(f for f in events if f.predicate == "shoot down")
    assert shot.agent == "Freedonia"
    assert shot.key == "plane"
    assert shot.source == "Freedonia"


def test_not_clear_who_makes_the_agent_unknown_and_resolves_it_to_the_previous_subject() -> None:
    text = "A cargo plane was shot down near the border. It was not clear who shot it down."
    events = facts_of(text, "event")
    unclear = next(f for f in events if f.sentence == 1 and f.predicate == "shoot down")
    assert unclear.agent == "unknown"
    assert unclear.certainty == "unclear"
    assert unclear.patient == "cargo plane"


def test_passive_without_agent_has_no_agent() -> None:
    event = next(
        f for f in facts_of("A cargo plane was shot down.", "event") if f.predicate == "shoot down"
    )
    assert event.agent is None
    assert event.key == "plane"


def test_people_named_by_their_part_are_counted_by_their_fate() -> None:
    text = (
        "The police chief said three suspected gunmen of the Varga attack were fatally shot "
        "by officers and two others arrested."
    )
    counts = {f.key: f.number for f in facts_of(text, "quantity")}
    assert counts == {"killed": "three", "arrested": "two"}


def test_counts_of_people_by_what_became_of_them() -> None:
    text = (
        "Six of the guards have since retired. Rescuers said 40 miners were trapped "
        "and 12 were hospitalized."
    )
    counts = {f.key: f.number for f in facts_of(text, "quantity")}
    assert counts == {"left their posts": "Six", "trapped": "40", "hospitalized": "12"}
    counts = {f.key: f.number for f in facts_of("Two missiles killed five people.", "quantity")}
    assert counts["killed"] == "five"


def test_a_rank_on_a_scale_is_a_quantity_even_when_tagged_as_a_name() -> None:
    text = "The storm weakened to a Category 3 storm and then became a Category 2."
    assert [f.number for f in facts_of(text, "quantity")] == ["3", "2"]
    assert facts_of("They drove along Route 66 to the coast.", "quantity") == []


def test_people_tied_to_a_death_are_not_counted_as_killed() -> None:
    tried = facts_of("A judge heard the trial of five men over the death of Ana Ruiz.", "quantity")
    assert [f.key for f in tried if f.number == "five"] != ["killed"]
    charged = facts_of("Three men were charged over the deaths of 12 people.", "quantity")
    assert {f.number: f.key for f in charged} == {"Three": "charged", "12": "killed"}


def test_quantity_counts_the_event_not_the_people_noun() -> None:
    facts = facts_of("Officials said more than 1,400 soldiers have been killed.", "quantity")
    assert [(f.key, f.value, f.number) for f in facts] == [("killed", 1400.0, "more than 1,400")]
    assert facts[0].source == "Officials"


def test_unit_conversion_in_parentheses_is_one_quantity() -> None:
    facts = facts_of("The village lies 12 miles (19 kilometres) from the coast road.", "quantity")
    assert len(facts) == 1
    assert facts[0].unit == "mile"


def test_confirm_verb_makes_a_confirmed_attribution() -> None:
    facts = facts_of("The interior ministry confirmed that nine miners died.", "quantity")
    assert facts[0].source_verb == "confirm"
    assert facts[0].certainty == "confirmed"


def test_dateline_does_not_join_the_subject() -> None:
    events = facts_of("OSLOBURG, Freedonia -- Rebels captured the port on Sunday.", "event")
    assert events[0].agent == "Rebels"


def test_seizure_of_a_named_place_is_a_captured_status() -> None:
    statuses = facts_of("The seizure of Port Amir is the rebels' biggest gain.", "status")
    assert [(f.patient, f.status) for f in statuses] == [("Port Amir", "captured")]


def test_every_sentence_gets_its_mentions() -> None:
    facts = facts_of("The mayor opened the bridge. Traffic resumed.", "mentions")
    assert [f.sentence for f in facts] == [0, 1]
    assert "bridge" in facts[0].text


def test_spelling_variants_fold_to_one_form() -> None:
    assert fold("Defence Ministry -- 10 kilometres") == fold("Defense Ministry — 10 kilometers")
    assert entity_key("Nakhcivan") == entity_key("Nakhchivan")


def test_number_words_and_scales_parse() -> None:
    assert parse_number("six") == 6
    assert parse_number("1.2 million") == 1_200_000
    assert parse_number("1,200") == 1200


def test_facts_round_trip_through_json_exactly() -> None:
    facts = extract_facts(
        sentences("Freedonia said that it shot down a plane. Two pilots were killed.")
    )
    assert facts_from_json(facts_to_json(facts)) == facts


def test_copular_status_phrase_is_about_the_subject() -> None:
    facts = extract_facts(
        sentences(
            '"The town of Varnsdorf is completely out of our control," '
            "rebel spokesman Milan Hrubes said."
        )
    )
    statuses = [f for f in facts if f.kind == "status"]
    assert [(f.patient, f.status) for f in statuses] == [("Varnsdorf", "captured")]


def test_a_passive_say_verb_has_no_speaker_in_its_subject() -> None:
    # "were confirmed killed": the 14 are what was confirmed, not who confirmed it
    text = "Another 14 were confirmed killed, with 31 missing."
    quantities = facts_of(text, "quantity")
    killed = next(f for f in quantities if f.key == "killed" and f.sentence == 0)
    assert killed.source is None
    confirmed = facts_of("Five people were killed, the ministry confirmed.", "quantity")
    assert [f.source for f in confirmed if f.key == "killed"] == ["ministry"]


def test_a_figure_phrase_leaves_out_the_preposition_before_it() -> None:
    from tracker.facts.hunks import number_phrase

    sentence = "Another 14 were confirmed killed, with 31 missing."
    assert number_phrase(sentence, "31") == "31 missing"
    assert number_phrase("It had winds near 165 mph, they said.", "165") == "winds near 165 mph"


def test_an_unterminated_line_is_story_text_only_beside_other_sentences_of_its_paragraph() -> None:
    from tracker.facts.blocks import is_story_text

    lines = [
        Sentence("Flood waters rose overnight in the valley", 0, 0),  # a headline, alone
        Sentence("Crews worked through the night on the levee", 1, 1),
        Sentence("They said more rain is due.", 2, 1),
        Sentence("The road stays closed until Friday", 3, 2),  # the cut-off last line
    ]
    assert [is_story_text(s, lines) for s in lines] == [False, True, True, False]
    # sentences not in index order still get the same answer
    shuffled = [lines[2], lines[0], lines[3], lines[1]]
    assert [is_story_text(s, shuffled) for s in lines] == [False, True, True, False]
