"""Position-aware sentence alignment (tracker.align)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.align import align, similarity
from tracker.model import SentenceOp

STORY = [
    "TBILISI, GEORGIA -- The ministry said Tuesday that a drone crashed near the border.",
    "Three soldiers were injured, officials said.",
    "The crash site is close to the disputed valley.",
    "Rescue teams reached the area before dawn.",
    "The ministry did not say who was flying the drone.",
    "Talks between the two governments are due next week.",
]


def _ops(a: list[str], b: list[str]) -> list[tuple[str, tuple[int, ...], tuple[int, ...]]]:
    return [(op.op, op.a, op.b) for op in align(a, b)]


def _only(ops: list[SentenceOp], kind: str) -> SentenceOp:
    found = [op for op in ops if op.op == kind]
    assert len(found) == 1, ops
    return found[0]


def test_identical_texts_are_all_equal() -> None:
    assert _ops(STORY, STORY) == [("equal", (i,), (i,)) for i in range(len(STORY))]


def test_empty_sides() -> None:
    assert align([], []) == []
    assert _ops([], ["New."]) == [("added", (), (0,))]
    assert _ops(["Old."], []) == [("removed", (0,), ())]


def test_changed_number_is_an_edit_with_a_word_diff() -> None:
    b = list(STORY)
    b[1] = "Three soldiers were killed, officials said."
    op = _only(align(STORY, b), "edited")
    assert (op.a, op.b) == ((1,), (1,))
    assert ("-", "injured") in op.words
    assert ("+", "killed") in op.words


def test_rewritten_lede_that_keeps_its_facts_is_an_edit() -> None:
    a = ["A police helicopter crashed on Sunday.", "It was not clear who shot it down.", "End."]
    b = [
        "A police helicopter crashed on Sunday.",
        "Rebels later said their fighters shot it down.",
        "End.",
    ]
    assert _ops(a, b) == [
        ("equal", (0,), (0,)),
        ("edited", (1,), (1,)),
        ("equal", (2,), (2,)),
    ]


def test_lone_rewrite_between_unchanged_sentences_is_an_edit() -> None:
    a = ["A gas main exploded downtown.", "Officials did not say what caused the blast.", "End."]
    b = [
        "A gas main exploded downtown.",
        "Police later blamed a faulty valve for the blast.",
        "End.",
    ]
    assert _ops(a, b)[1] == ("edited", (1,), (1,))


def test_unrelated_replacement_is_removed_and_added() -> None:
    b = list(STORY)
    b[3] = "Shares in the national airline rose sharply on Wednesday."
    kinds = [op for op, _a, _b in _ops(STORY, b)]
    assert "edited" not in kinds
    assert ("removed", (3,), ()) in _ops(STORY, b)
    assert ("added", (), (3,)) in _ops(STORY, b)


def test_added_sentence_keeps_the_rest_equal() -> None:
    b = [*STORY[:2], "A fourth soldier is missing.", *STORY[2:]]
    ops = _ops(STORY, b)
    assert ("added", (), (2,)) in ops
    assert sum(1 for op in ops if op[0] == "equal") == len(STORY)


def test_moved_paragraph_is_moved_not_removed_and_added() -> None:
    b = [STORY[0], STORY[4], STORY[5], STORY[1], STORY[2], STORY[3]]
    ops = align(STORY, b)
    kinds = {op.op for op in ops}
    assert kinds <= {"equal", "moved"}
    moved = [op for op in ops if op.op == "moved"]
    assert moved and all(op.a_text == op.b_text for op in moved)


def test_identical_sentence_out_of_order_is_moved_even_if_edited_slightly() -> None:
    a = [
        "First line here.",
        "The army said the bridge was destroyed overnight.",
        "Middle.",
        "Last.",
    ]
    b = [
        "The army said the bridge was destroyed late overnight.",
        "First line here.",
        "Middle.",
        "Last.",
    ]
    ops = align(a, b)
    moved = _only(ops, "moved")
    assert (moved.a, moved.b) == ((1,), (0,))
    assert ("+", "late ") in moved.words


def test_reworded_sentence_in_another_place_is_moved() -> None:
    a = [
        "Rebel forces took control of the river port on Monday, a regional spokesman said.",
        *STORY[1:],
    ]
    b = [
        *STORY[1:4],
        "A regional spokesman said rebel forces took control of the river port on Monday.",
        *STORY[4:],
    ]
    moved = _only(align(a, b), "moved")
    assert (moved.a, moved.b) == ((0,), (3,))


def test_split_sentence() -> None:
    a = [
        "Officials met on Monday.",
        "The storm killed 14 people and destroyed 300 homes, the governor said.",
        "Roads were closed.",
    ]
    b = [
        "Officials met on Monday.",
        "The storm killed 14 people, the governor said.",
        "It also destroyed 300 homes.",
        "Roads were closed.",
    ]
    split = _only(align(a, b), "split")
    assert (split.a, split.b) == ((1,), (1, 2))
    assert (
        split.b_text
        == "The storm killed 14 people, the governor said. It also destroyed 300 homes."
    )


def test_merged_sentences() -> None:
    a = [
        "Officials met on Monday.",
        "The mayor spoke first.",
        "She was angry.",
        "Roads were closed.",
    ]
    b = [
        "Officials met on Monday.",
        "The mayor spoke first and she was angry.",
        "Roads were closed.",
    ]
    merged = _only(align(a, b), "merged")
    assert (merged.a, merged.b) == ((1, 2), (1,))
    assert merged.a_text == "The mayor spoke first. She was angry."


def test_house_style_variants_are_equal() -> None:
    a = ["The city -- a key prize -- fell.", 'He said "no."']
    b = ["The city — a key prize — fell.", "He said “no.”"]
    assert [op.op for op in align(a, b)] == ["equal", "equal"]


def test_sentence_repeated_in_a_breaking_update_is_added_not_stolen() -> None:
    # Wire layout: the update repeats an old fact on top; the old story below is unchanged.
    b = [STORY[1], *STORY]
    ops = _ops(STORY, b)
    assert ops[0] == ("added", (), (0,))
    assert all(op == ("equal", (i,), (i + 1,)) for i, op in enumerate(ops[1:]))


def test_removed_sentence_is_listed_where_it_stood() -> None:
    b = [STORY[0], STORY[1], STORY[3], STORY[4], STORY[5]]
    assert _ops(STORY, b)[2] == ("removed", (2,), ())


def test_similarity_is_one_for_house_style_and_low_for_unrelated() -> None:
    assert similarity("It fell -- fast.", "It fell — fast.") == 1.0
    assert similarity("Rescue teams reached the area.", "Shares in the airline rose.") < 0.42


def test_similarity_ignores_a_shared_dateline() -> None:
    with_dateline = similarity(
        "OSLO (AP) — The bank raised rates.", "OSLO (AP) — Ferry services were halted."
    )
    without = similarity("The bank raised rates.", "Ferry services were halted.")
    assert abs(with_dateline - without) < 1e-9


def test_long_texts_align_quickly_enough_to_finish() -> None:
    a = [f"Sentence number {i} says that {i * 7} units were counted." for i in range(1000)]
    b = list(a)
    b[10] = "A completely new sentence about the weather."
    del b[500:520]
    b.insert(900, a[5])
    ops = align(a, b)
    assert sum(len(op.a) for op in ops) == len(a)
    assert sum(len(op.b) for op in ops) == len(b)


_sentences = st.lists(
    st.sampled_from(
        [
            "The army said the bridge fell.",
            "Two people were hurt.",
            "Two people were killed.",
            "Rebels denied it.",
            "The mayor spoke.",
            "Roads reopened on Friday.",
            "It was not clear who fired.",
            "Police said 1,200 people fled.",
        ]
    ),
    max_size=10,
)


@settings(max_examples=200, deadline=None)
@given(_sentences, _sentences)
def test_every_sentence_is_in_exactly_one_op(a: list[str], b: list[str]) -> None:
    ops = align(a, b)
    assert sorted(i for op in ops for i in op.a) == list(range(len(a)))
    assert sorted(j for op in ops for j in op.b) == list(range(len(b)))


@settings(max_examples=100, deadline=None)
@given(_sentences, _sentences)
def test_ops_follow_b_in_order(a: list[str], b: list[str]) -> None:
    firsts = [op.b[0] for op in align(a, b) if op.b]
    assert firsts == sorted(firsts)


@settings(max_examples=100, deadline=None)
@given(_sentences)
def test_a_text_aligned_with_itself_is_all_equal(a: list[str]) -> None:
    assert all(op.op == "equal" and op.a == op.b for op in align(a, a))


@settings(max_examples=100, deadline=None)
@given(_sentences, _sentences)
def test_alignment_is_deterministic(a: list[str], b: list[str]) -> None:
    assert align(a, b) == align(a, b)


def test_split_off_tail_of_a_nearly_unchanged_sentence() -> None:
    a = [
        "Officials met on Monday.",
        "The ministry said the convoy was travelling at night along the northern highway,"
        " and the crew opened fire after a warning.",
        "Roads were closed.",
    ]
    b = [
        "Officials met on Monday.",
        "The ministry said the convoy was travelling at night along the northern highway.",
        "The crew opened fire after a warning.",
        "Roads were closed.",
    ]
    split = _only(align(a, b), "split")
    assert (split.a, split.b) == ((1,), (1, 2))
