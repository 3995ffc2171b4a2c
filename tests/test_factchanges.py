"""Fact changes between two versions: what is reported, and what must not be."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tests.test_facts import sentences
from tracker.facts import Fact, compare_facts, extract_facts
from tracker.model import FactChange, SentenceOp

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_5365f7407493eced.txt"
MARKER = "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below."

STORY = """The regional council voted on Monday to close the old harbour bridge.

The bridge was built in 1931 and carries about 9,000 cars a day.

Engineers found cracks in two of its steel supports last spring.

Mayor Ines Varga said repairs would cost more than the town can afford."""


def changes(a_text: str, b_text: str, ops: tuple[SentenceOp, ...] = ()) -> list[FactChange]:
    a, b = sentences(a_text), sentences(b_text)
    found = compare_facts(a, extract_facts(a), b, extract_facts(b), ops)
    return [c for c in found if c.significance == "fact"]


def edited(i: int = 0, j: int = 0) -> tuple[SentenceOp, ...]:
    return (SentenceOp("edited", (i,), (j,)),)


# ---------------------------------------------------------------- reported


def test_new_sentence_with_a_new_event_is_added() -> None:
    new = "Police in Dorval arrested a councillor on Tuesday over bribes from a Danish builder."
    found = changes(STORY, STORY + "\n\n" + new)
    assert [(c.change, c.after) for c in found] == [("added", new)]


def test_dropped_sentence_of_a_revision_is_removed() -> None:
    extra = "Opposition leader Tomas Brandt accused the council of hiding the inspection report."
    found = changes(extra + "\n\n" + STORY, STORY)
    assert [(c.change, c.before) for c in found] == [("removed", extra)]


def test_another_named_agent_is_changed() -> None:
    found = changes(
        "Judge Alma Ruiz was appointed by Governor Peter Mendes.",
        "Judge Alma Ruiz was appointed by Governor Sara Okafor.",
        edited(),
    )
    assert found[0].change == "changed"
    assert found[0].slot == "agent"
    assert (found[0].before, found[0].after) == ("Governor Peter Mendes", "Governor Sara Okafor")


def test_unknown_agent_becoming_known_is_resolved() -> None:
    found = changes(
        "A cargo plane was shot down near the border. It was not clear who shot it down.",
        "Freedonia said Tuesday that it shot down a cargo plane near the border.",
    )
    assert found[0].change == "resolved"
    assert found[0].before == "unclear"
    assert found[0].after == "Freedonia (Freedonia said)"
    assert found[0].summary.startswith("Who shot down the plane: unclear → Freedonia")


def test_negated_claim_is_contradicted() -> None:
    found = changes(
        "The Keller company said its merger with Brightline will go ahead in May.",
        "The Keller company said its merger with Brightline will not go ahead in May.",
        edited(),
    )
    assert [c.change for c in found] == ["contradicted"]


def test_new_figure_from_one_new_source_is_one_item_with_both_sources() -> None:
    found = changes(
        "At least 14 people were killed in the flooding, the regional governor said.",
        "At least 20 people were killed in the flooding, the national police said.",
        edited(),
    )
    assert [(c.change, c.before, c.after) for c in found] == [
        (
            "quantity",
            "At least 14 people (regional governor said)",
            "At least 20 people (national police said)",
        ),
    ]


def test_new_figure_from_several_new_sources_is_also_an_attribution_change() -> None:
    found = changes(
        "At least 14 people were killed in the flooding, the regional governor said.",
        "At least 20 people were killed in the flooding, the national police said.\n\n"
        "Medics at the Varnsdorf clinic said at least 20 people were killed.",
    )
    assert [c.change for c in found][:2] == ["quantity", "attribution"]


def test_same_figure_from_another_source_is_an_attribution_change_only() -> None:
    a = sentences("At least 14 people were killed in the flooding, the regional governor said.")
    b = sentences("At least 14 people were killed in the flooding, the national police said.")
    found = [
        c
        for c in compare_facts(a, extract_facts(a), b, extract_facts(b), edited())
        if c.significance != "style"
    ]
    assert [c.kind for c in found] == ["attribution"]
    assert "national police" in (found[0].after or "")


def test_claim_becoming_confirmation_is_a_certainty_change() -> None:
    found = changes(
        "Rebel commanders claimed that their fighters captured Port Amir.",
        "The army confirmed that rebel fighters captured Port Amir.",
        edited(),
    )
    assert [c.change for c in found] == ["certainty"]
    assert "reported (Rebel commanders claimed)" in found[0].before
    assert found[0].after.startswith("confirmed (army confirmed)")


def test_new_toll_is_a_quantity_change() -> None:
    found = changes(
        "At least 32 people were killed in the quake.",
        "At least 60 people were killed in the quake.",
        edited(),
    )
    assert [(c.change, c.before, c.after) for c in found] == [
        ("quantity", "At least 32 people", "At least 60 people")
    ]
    assert found[0].summary == "Killed: At least 32 people → At least 60 people"


# ---------------------------------------------------------------- not reported


def test_spelling_and_house_style_variants_are_not_changes() -> None:
    a = "The Defence Ministry said the convoy was 10 kilometres away -- near Nakhcivan."
    b = "The Defense Ministry said the convoy was 10 kilometers away — near Nakhchivan."
    assert changes(a, b, edited()) == []


def test_reordered_list_is_not_a_change() -> None:
    a = "The enclave borders Armenia, Turkey and Iran and has its own parliament."
    b = "The enclave borders Armenia, Iran and Turkey and has its own parliament."
    assert changes(a, b, edited()) == []


def test_rewording_that_keeps_the_facts_is_not_a_change() -> None:
    a = "The blast wounded 12 people at the market in the morning."
    b = "Twelve people were wounded by the explosion at the market in the morning."
    assert changes(a, b, edited()) == []


def test_unit_conversion_in_another_style_is_not_a_change() -> None:
    a = "The town lies about 10 kilometres (six miles) north of the dam."
    b = "The town lies about 6 miles north of the dam."
    assert changes(a, b, edited()) == []


def test_passive_without_agent_after_active_with_agent_is_not_a_change() -> None:
    a = "Coast guards rescued 40 fishermen off the coast of Lorvik on Friday."
    b = "Forty fishermen were rescued off the coast of Lorvik on Friday."
    assert changes(a, b, edited()) == []


def test_unchanged_story_has_no_changes() -> None:
    assert changes(STORY, STORY) == []


# ---------------------------------------------------------------- the seed's breaking update


def seed_sections() -> tuple[str, str]:
    update, earlier = SEED.read_text().split(MARKER)
    return earlier, update


def test_seed_update_resolves_who_shot_down_the_helicopter() -> None:
    earlier, update = seed_sections()
    resolved = [c for c in changes(earlier, update) if c.change == "resolved"]
    assert resolved[0].subject == "shoot down / helicopter"
    assert resolved[0].before == "unclear"
    assert resolved[0].after.startswith("Azerbaijan")


def test_seed_update_reports_shushi_seized_after_fight_continuing() -> None:
    earlier, update = seed_sections()
    status = next(c for c in changes(earlier, update) if c.kind == "status")
    assert status.subject == "Shushi"
    assert "continuing" in status.before
    assert "seizure" in status.after.lower()


def test_seed_update_does_not_report_spelling_or_reordering() -> None:
    earlier, update = seed_sections()
    text = " ".join(f"{c.summary} {c.before} {c.after}" for c in changes(earlier, update))
    assert "Nakhcivan" not in text
    assert "Turkey" not in text


def test_same_people_in_another_fate_is_a_status_change() -> None:
    found = changes(
        "Two soldiers were injured when the convoy was attacked.",
        "Two soldiers were killed when the convoy was attacked.",
        edited(),
    )
    assert [(c.change, c.slot, c.before, c.after) for c in found] == [
        ("changed", "status", "Two injured", "Two killed")
    ]


def test_no_arrests_is_a_new_count_of_zero() -> None:
    found = changes(STORY, STORY + "\n\nNo arrests were reported after the council meeting.")
    assert [(c.change, c.kind, c.after) for c in found] == [("added", "quantity", "no arrests")]


def test_new_prices_are_one_item_each_with_the_new_level() -> None:
    market = "Shares in Nordhaven Shipping closed lower on Friday after a weak quarter."
    prices = (
        "In commodity trading, copper fell 3 cents to $4.118 a pound. "
        "Silver rose 12 cents to $24.310 an ounce."
    )
    found = changes(market, market + "\n\n" + prices)
    assert [(c.change, c.subject) for c in found] == [("added", "Copper"), ("added", "Silver")]
    assert "$4.118 a pound" in (found[0].after or "")
    assert "$24.310 an ounce" in (found[1].after or "")


def test_same_count_now_placed_is_a_location_change() -> None:
    found = changes(
        "Rescuers said 40 bodies were found in a flooded valley.",
        "Rescuers said 40 bodies were found in the hill town of Marlow.",
        edited(),
    )
    assert [(c.change, c.slot, c.after) for c in found] == [("changed", "location", "Marlow")]


def test_last_sentence_cut_mid_word_is_not_added() -> None:
    assert changes(STORY, STORY + "\n\nThe national rail operator Tarvia announced the clos") == []


def test_vague_count_getting_a_figure_is_a_quantity_change() -> None:
    found = changes(
        "The blast was followed by a series of smaller explosions at the Kessel depot.",
        "The blast was followed by at least 12 smaller explosions at the Kessel depot.",
        edited(),
    )
    assert [(c.change, c.before, c.after) for c in found] == [
        ("quantity", "a series", "at least 12 smaller explosions")
    ]


def test_action_told_as_a_noun_by_another_agent_is_an_agent_change() -> None:
    found = changes(
        "Inspectors audited the harbour authority after the bridge closed in 2019.",
        "A state comptroller opened an audit of the harbour authority after the bridge closed.",
    )
    agent = [c for c in found if c.slot == "agent"]
    assert agent and agent[0].change == "changed"
    assert agent[0].before == "Inspectors"
    assert "comptroller" in (agent[0].after or "")


def test_all_of_a_group_becoming_part_of_it_is_a_scope_change() -> None:
    found = changes(
        "The mayor has pardoned all prisoners held in the old fort, officials said.",
        "The mayor has pardoned a group of prisoners held in the old fort, officials said.",
        edited(),
    )
    scope = [c for c in found if c.slot == "patient"]
    assert len(scope) == 1
    assert (scope[0].change, scope[0].before, scope[0].after) == (
        "changed",
        "all prisoners",
        "a group of prisoners",
    )


LONG_STORY = "\n\n".join(
    [
        STORY,
        "The council said a ferry service would run from Thursday while the bridge is shut.",
        "Shop owners on Quay Street said they expected to lose customers during the works.",
        "A public meeting on the closure is planned for the town hall next month.",
    ]
)
NEW_FACTS = [
    "Police in Dorval arrested a councillor on Tuesday over bribes from a Danish builder.",
    "Lisbon engineers Costa and Reis won the repair contract in a tender last week.",
    "Freight trucks from Aldmoor were diverted to the northern ring road by the Sorin police.",
    "Varga signed an emergency decree with Brenner Holdings to fund temporary pontoons.",
]


def test_revision_lists_more_added_sentences_than_a_rewrite() -> None:
    found = changes(LONG_STORY, LONG_STORY + "\n\n" + "\n\n".join(NEW_FACTS))
    assert sorted(c.after for c in found if c.change == "added") == sorted(NEW_FACTS)


def test_what_ought_to_happen_ranks_below_what_happened() -> None:
    opinion = "Regional leaders must now find new ways to pressure Brenner Holdings and Dorval."
    found = changes(LONG_STORY, LONG_STORY + "\n\n" + "\n\n".join([opinion, *NEW_FACTS]))
    assert opinion not in [c.after for c in found]


def test_clause_grafted_onto_a_kept_sentence_is_reported() -> None:
    old = "Mayor Ines Varga said repairs would cost more than the town can afford."
    new = (
        "Mayor Ines Varga rejected claims that the council hid inspection reports from "
        "residents, and said repairs would cost more than the town can afford."
    )
    found = changes(old, new, edited())
    assert len(found) == 1
    assert "rejected claims that the council hid inspection reports" in (found[0].after or "")


def test_measure_without_its_thing_takes_the_thing_measured_in_that_unit() -> None:
    a = sentences("A 12-foot flood wave hit the valley on Monday.")
    b = sentences("The storm unleashed a 9-foot (3-meter)")
    wave = Fact(kind="quantity", sentence=0, key="wave/length", number="12 foot", value=12.0)
    unnamed = Fact(kind="quantity", sentence=0, key="meter/length", number="9 foot", value=9.0)
    found = compare_facts(a, [replace(wave, unit="foot")], b, [replace(unnamed, unit="foot")], ())
    counts = [c for c in found if c.slot == "count"]
    assert [(c.subject, c.before, c.after) for c in counts] == [("Wave", "12 foot", "9 foot")]


def test_vague_count_glued_to_its_verb_is_the_old_value() -> None:
    found = changes(
        "The storm flooded the valley andkilled dozens of people on Monday.",
        "The storm flooded the valley on Monday and killed at least 45 people, police said.",
    )
    toll = [c for c in found if c.slot == "count"]
    assert toll and "dozens of people" in (toll[0].before or "")
    assert (toll[0].after or "").startswith("at least 45")


def test_place_of_a_count_broken_over_lines_is_read_on() -> None:
    found = changes(
        "Rescuers say 40 bodies have been\n\nfound in a remote mountain area after the landslide.",
        "Rescuers say 40 bodies have been found in Varnsdorf after the landslide.",
    )
    where = [c for c in found if c.slot == "location"]
    assert where and where[0].before == "in a remote mountain area"
    assert where[0].after == "Varnsdorf"


def test_distance_told_as_far_now_measured_is_a_value_change() -> None:
    found = changes(
        "The landslide hit a village that is far from Varnsdorf, police said.",
        "The landslide hit a village about 30 kilometers (19 miles) from Varnsdorf, police said.",
        edited(),
    )
    distance = [c for c in found if c.slot == "value"]
    assert distance and distance[0].before == "far from Varnsdorf"
    assert distance[0].after == "about 30 kilometers (19 miles) from Varnsdorf"


def test_hyphenated_name_told_elsewhere_is_not_a_new_name() -> None:
    story = "Troops entered Alsace-Lorraine on Monday, the army said.\n\n"
    found = changes(
        story + "The army said the region was calm after the troops arrived.",
        story + "The army said Alsace-Lorraine was calm after the troops arrived.",
        edited(1, 1),
    )
    assert found == []


def test_open_question_answered_by_a_source_is_resolved() -> None:
    found = changes(
        "A ferry sank off Dorval on Monday. It was not clear whether the storm caused the sinking.",
        "A ferry sank off Dorval on Monday.\n\n"
        "The coast guard said the storm was the main factor in the sinking.",
    )
    answered = [c for c in found if c.slot == "certainty"]
    assert answered and answered[0].change == "resolved"
    assert answered[0].before.startswith("not clear")
    assert "coast guard" in answered[0].after


def test_rewrite_told_in_many_figures_lists_one_whole_sentence() -> None:
    old = (
        "At least 12 people were killed and 30 injured when the storm hit Dorval, police said."
        "\n\nAbout 40 people were missing.\n\nThe storm was the worst in decades."
    )
    new = (
        "At least 20 people were killed and 55 injured when the storm hit Dorval, officials said."
        "\n\nAbout 70 people were missing and 900 were evacuated.\n\n"
        "Mayor Ines Varga toured the harbour district of Dorval with Governor Tomas Brandt.\n\n"
        "Freight trains from Aldmoor were halted by the Sorin railway company."
    )
    found = changes(old, new)
    facts = [c for c in found if c.slot not in ("event_added", "statement")]
    sentences_listed = [c for c in found if c.slot in ("event_added", "statement")]
    assert len(facts) >= 4
    assert len(sentences_listed) <= 2


def test_where_people_went_changing_is_a_location_change() -> None:
    found = changes(
        "Threats forced the family to flee to Ostrava, their lawyer said.",
        "Threats forced the family to leave Dorval and settle in Brno, their lawyer said.",
        edited(),
    )
    where = [c for c in found if c.slot == "location"]
    assert [(c.before, c.after) for c in where] == [("Ostrava", "Brno")]


def test_cause_not_yet_known_answered_by_a_source_is_resolved() -> None:
    found = changes(
        "A warehouse burned in Dorval on Tuesday.\n\n"
        "The cause of the fire was not immediately known.",
        "A warehouse burned in Dorval on Tuesday.\n\n"
        "The cause of the fire was not immediately clear.\n\n"
        "Fire chief Marta Olsen said faulty wiring in the loading bay sparked the blaze.",
    )
    answered = [c for c in found if c.change == "resolved"]
    assert len(answered) == 1
    assert "not immediately known" in answered[0].before
    assert "faulty wiring" in answered[0].after


def test_it_was_not_clear_what_caused_it_asks_for_a_cause() -> None:
    found = changes(
        "A freight train left the tracks near Aldmoor. It was not clear what caused the crash.",
        "A freight train left the tracks near Aldmoor.\n\n"
        "Investigators said a broken rail caused the derailment.",
    )
    answered = [c for c in found if c.change == "resolved"]
    assert answered and "broken rail" in answered[0].after


def test_an_unattributed_causal_sentence_does_not_answer_the_question() -> None:
    found = changes(
        "A warehouse burned in Dorval on Tuesday. The cause of the fire was not immediately known.",
        "A warehouse burned in Dorval on Tuesday. The cause of the fire was not immediately known."
        "\n\nThe smoke caused delays on the highway for hours.",
    )
    assert not [c for c in found if c.change == "resolved"]


def test_the_one_change_of_a_revision_is_listed_whatever_it_scores() -> None:
    old = STORY
    new = STORY.replace(
        "last spring.", "last spring.\n\nThe bridge's designer, Karl Weiss, died in 1969."
    )
    found = changes(old, new)
    assert [c.change for c in found] == ["added"]
    assert "died in 1969" in (found[0].after or "")


def test_a_changed_figure_is_compared_with_the_one_of_the_sentence_it_replaced() -> None:
    old = (
        "Storm Varga reached the coast on Monday as a Category 4 hurricane.\n\n"
        "It weakened within hours to a Category 3 storm, with winds of 120 mph."
    )
    new = (
        "Storm Varga reached the coast on Monday as a Category 4 hurricane.\n\n"
        "It weakened within hours to a Category 3 storm, with winds of 120 mph, "
        "and then became a Category 2."
    )
    found = [c for c in changes(old, new) if c.kind == "quantity"]
    assert [(c.before, c.after) for c in found] == [("a Category 3 storm", "a Category 2")]


def test_a_headline_standing_as_its_own_paragraph_is_not_a_new_sentence() -> None:
    new = "Mayor Varga speaks after the harbour bridge vote\n\n" + STORY.replace(
        "on Monday", "on Monday, 9 to 2,"
    )
    found = changes(STORY, new)
    assert not [c for c in found if "speaks after" in (c.after or "")]


def test_people_not_released_is_not_an_open_question() -> None:
    found = changes(
        "Gunmen seized a bus near Aldmoor on Monday. The hostages were not released.",
        "Gunmen seized a bus near Aldmoor on Monday. The hostages were not released."
        "\n\nPolice said the hostages had been taken to a farm outside the town.",
    )
    assert not [c for c in found if c.change == "resolved"]


def test_names_not_released_are_answered_by_a_source_naming_them() -> None:
    found = changes(
        "Two climbers died on Mount Varga on Sunday. Their names were not released.",
        "Two climbers died on Mount Varga on Sunday.\n\n"
        "The park service said the names of the climbers were Ana Ruiz and Tomas Brandt.",
    )
    answered = [c for c in found if c.change == "resolved"]
    assert answered and "Ana Ruiz" in (answered[0].after or "")
