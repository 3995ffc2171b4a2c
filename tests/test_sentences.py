"""Sentence segmentation of news paragraphs (tracker.sentences)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.model import Section, Split
from tracker.sentences import segment, split_sentences, strip_dateline

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_5365f7407493eced.txt"


def test_plain_paragraph_splits_at_full_stops() -> None:
    assert split_sentences("Rain fell all night. Rivers rose by morning.") == [
        "Rain fell all night.",
        "Rivers rose by morning.",
    ]


def test_empty_and_whitespace_paragraphs_yield_nothing() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\t ") == []


@pytest.mark.parametrize(
    "paragraph",
    [
        "TBILISI, GEORGIA -- The ministry said Tuesday that a drone crossed the border.",
        "BOULDER, Colo. (AP) — A gunman opened fire inside a grocery store on Monday.",
        "LYON (AP) - Firefighters contained a blaze at a chemical depot.",
        "OSLO (Reuters) - The central bank left rates unchanged.",
        "KYIV, Ukraine (AP) — Air raid sirens sounded across the capital.",
    ],
)
def test_dateline_stays_attached_to_first_sentence(paragraph: str) -> None:
    assert split_sentences(paragraph + " Officials gave no details.") == [
        paragraph,
        "Officials gave no details.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The U.S. envoy met Gen. Ortiz and Sen. Blake in Washington.",
        "Gov. Laura Finch met Rep. Dan Ruiz and Lt. Col. Ann Price on Jan. 5.",
        "The talks began at 9 a.m. and ended at 4 p.m. on Friday.",
        "Mr. Hale and Dr. Osei said the No. 2 official had resigned.",
        "The photo was taken by Marcus D. Whitfield near the harbour.",
        "More than 1,200 homes lost power, about 3.5 percent of the total.",
        "The fire burned 6 miles (10 kilometres) from the town.",
    ],
)
def test_abbreviations_initials_and_numbers_do_not_split(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]


def test_sentence_ending_inside_a_quote_stays_whole() -> None:
    paragraph = '"The search is continuing," the mayor said. Divers returned at dawn.'
    assert split_sentences(paragraph) == [
        '"The search is continuing," the mayor said.',
        "Divers returned at dawn.",
    ]


def test_quote_closed_by_two_apostrophes_ends_a_sentence() -> None:
    paragraph = "The mayor called it ''a long night.'' Divers returned at dawn."
    assert split_sentences(paragraph) == [
        "The mayor called it ''a long night.''",
        "Divers returned at dawn.",
    ]
    assert split_sentences("It was ''fine,'' he said.") == ["It was ''fine,'' he said."]


def test_ellipsis_followed_by_lower_case_is_one_sentence() -> None:
    sentence = "The blast shattered windows... officials said dozens were hurt."
    assert split_sentences(sentence) == [sentence]


def test_full_stop_after_a_price_ends_a_sentence() -> None:
    assert split_sentences("Shares closed at $4.25. Traders were surprised.") == [
        "Shares closed at $4.25.",
        "Traders were surprised.",
    ]


def test_line_breaks_inside_a_paragraph_become_spaces() -> None:
    assert split_sentences("Crews worked\nthrough the night. Roads reopened.") == [
        "Crews worked through the night.",
        "Roads reopened.",
    ]


@pytest.mark.parametrize(
    ("sentence", "dateline", "rest"),
    [
        ("TBILISI, GEORGIA -- The ministry said so.", "TBILISI, GEORGIA", "The ministry said so."),
        ("BOULDER, Colo. (AP) — A gunman fired.", "BOULDER, Colo.", "A gunman fired."),
        ("LYON (AP) - Firefighters arrived.", "LYON", "Firefighters arrived."),
        ("(CNN) — A storm hit the coast.", "CNN", "A storm hit the coast."),
        ("WASHINGTON — The Senate voted.", "WASHINGTON", "The Senate voted."),
    ],
)
def test_strip_dateline_returns_place_and_rest(sentence: str, dateline: str, rest: str) -> None:
    assert strip_dateline(sentence) == (dateline, rest)


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry said the strike - its third - hit a depot.",
        "U.S. - Chinese talks resumed on Monday.",
        "Officials met on Monday.",
    ],
)
def test_strip_dateline_leaves_sentences_without_one(sentence: str) -> None:
    assert strip_dateline(sentence) == (None, sentence)


def test_segment_numbers_sentences_and_paragraphs_across_sections() -> None:
    split = Split(
        sections=(
            Section("update", ("NEW: A second quake struck. It was smaller.",)),
            Section("earlier", ("The first quake hit at dawn.", "Schools were closed.")),
        ),
        marker="This is a breaking news update.",
    )
    sentences = segment(split)
    assert [(s.index, s.paragraph, s.section) for s in sentences] == [
        (0, 0, "update"),
        (1, 0, "update"),
        (2, 1, "earlier"),
        (3, 2, "earlier"),
    ]
    assert sentences[2].text == "The first quake hit at dawn."


def test_segment_of_the_seed_keeps_the_dateline_in_the_first_sentence() -> None:
    paragraphs = tuple(p for p in SEED.read_text(encoding="utf-8").split("\n\n") if p.strip())
    sentences = segment(Split(sections=(Section("body", paragraphs),)))
    assert sentences[0].text.startswith("YEREVAN, ARMENIA -- Azerbaijan said Monday")
    assert sentences[1].text == "Two Russian servicemen were killed."
    assert strip_dateline(sentences[0].text)[0] == "YEREVAN, ARMENIA"


_news_pieces = st.lists(
    st.sampled_from(
        [*"ab C.D!?\"'“”—-,()0123456789\n ", "U.S.", "Gen.", "BOULDER, Colo. (AP) — ", "...", "he"]
    )
).map("".join)


def _without_whitespace(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, deadline=None)
@given(_news_pieces)
def test_sentences_keep_every_character_of_news_like_text(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert _without_whitespace("".join(sentences)) == _without_whitespace(paragraph)
    assert all(s and s == s.strip() for s in sentences)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_sentences_keep_every_character_of_any_text(paragraph: str) -> None:
    assert _without_whitespace("".join(split_sentences(paragraph))) == _without_whitespace(
        paragraph
    )


def test_list_number_stays_with_its_item() -> None:
    assert split_sentences("1. Police said the river rose. Then it fell.") == [
        "1. Police said the river rose.",
        "Then it fell.",
    ]


@pytest.mark.parametrize("paragraph", ["00;A", "He said;Then left.", "x!Y", "12)B"])
def test_a_word_without_whitespace_is_never_split(paragraph: str) -> None:
    assert split_sentences(paragraph) == [paragraph]
