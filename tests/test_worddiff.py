"""Word-level diffs of sentence pairs (tracker.worddiff)."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from tracker.worddiff import tokenize, word_diff


def _side(ops: tuple[tuple[str, str], ...], keep: str) -> str:
    return "".join(text for op, text in ops if op in ("=", keep))


def test_changed_word_is_replaced_whole() -> None:
    assert word_diff("Three firefighters were injured.", "Three firefighters were killed.") == (
        ("=", "Three firefighters were "),
        ("-", "injured"),
        ("+", "killed"),
        ("=", "."),
    )


def test_changed_number_is_replaced_whole() -> None:
    ops = word_diff("At least 1,200 homes flooded.", "At least 1,350 homes flooded.")
    assert ("-", "1,200") in ops
    assert ("+", "1,350") in ops


def test_decimal_and_time_stay_whole() -> None:
    assert tokenize("It fell 3.5% by 2:46 p.m.") == [
        "It",
        " ",
        "fell",
        " ",
        "3.5",
        "%",
        " ",
        "by",
        " ",
        "2:46",
        " ",
        "p",
        ".",
        "m",
        ".",
    ]


def test_identical_sentences_are_one_equal_segment() -> None:
    assert word_diff("Rivers rose.", "Rivers rose.") == (("=", "Rivers rose."),)


def test_empty_sides() -> None:
    assert word_diff("", "") == ()
    assert word_diff("", "Added.") == (("+", "Added."),)
    assert word_diff("Removed.", "") == (("-", "Removed."),)


def test_adjacent_segments_never_share_an_op() -> None:
    ops = word_diff(
        "It was not clear who fired the missile.",
        "The army later said its own unit fired the missile.",
    )
    assert all(x[0] != y[0] for x, y in itertools.pairwise(ops))


def test_tokens_join_back_to_the_text() -> None:
    text = "BOULDER, Colo. (AP) — Police said 10 people, including an officer, died."
    assert "".join(tokenize(text)) == text


_news_text = st.lists(
    st.sampled_from(
        ["the", "army", "said", "1,200", "3.5", " ", ", ", ".", "“", "killed", "—", "Azerbaijan's"]
    )
).map("".join)


@given(_news_text, _news_text)
def test_word_diff_round_trips_news_like_text(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert _side(ops, "-") == a
    assert _side(ops, "+") == b


@given(st.text(), st.text())
def test_word_diff_round_trips_any_text(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert _side(ops, "-") == a
    assert _side(ops, "+") == b
    assert all(text for _op, text in ops)
