"""The fuzz suite (issue 13): generated and mutated inputs never end in a traceback.

A modest number of examples per ``make test``; benchmarks/fuzz.py is the long run over
the same generators (tests/fuzzing.py). Inputs over 300 KB are left to the long run.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from tests.fuzzing import article_text, generate, problems, run_cli
from tracker.align import align
from tracker.errors import InputError
from tracker.extract import parse_bytes
from tracker.markup import drop_elements
from tracker.sections import split_article
from tracker.sentences import segment, split_sentences
from tracker.worddiff import word_diff

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
INPUTS = st.builds(generate, st.integers(0, 2**16), st.integers(0, 10**6))
SMALL_INPUTS = INPUTS.filter(lambda item: len(item.data) <= 300_000)


def _sides(data: bytes) -> list[str] | None:
    try:
        return [s.text for s in segment(split_article(parse_bytes(data, name="fuzz")))]
    except InputError:
        return None  # a one-line refusal is a fine answer


@FAST
@given(SMALL_INPUTS)
def test_generated_inputs_go_through_every_stage_but_facts(item) -> None:  # type: ignore[no-untyped-def]
    sentences = _sides(item.data)
    if sentences is None:
        return
    base = [
        s.text for s in segment(split_article(parse_bytes(article_text(random.Random(0)).encode())))
    ]
    for one, other in ((base, sentences), (sentences, base)):
        ops = align(one, other)
        assert sorted(i for op in ops for i in op.a) == list(range(len(one)))
        assert sorted(j for op in ops for j in op.b) == list(range(len(other)))


@settings(FAST, max_examples=15)
@given(SMALL_INPUTS)
def test_split_json_in_process(tmp_path_factory, item) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("fuzz") / item.name
    path.write_bytes(item.data)
    argv = ["split", str(path), "--json"]
    assert problems(argv, run_cli(argv)) == []


@settings(FAST, max_examples=4)
@given(SMALL_INPUTS)
def test_diff_and_ingest_in_process(tmp_path_factory, item) -> None:  # type: ignore[no-untyped-def]
    folder: Path = tmp_path_factory.mktemp("fuzz")
    path, base = folder / item.name, folder / "base.txt"
    path.write_bytes(item.data)
    base.write_text(article_text(random.Random(1)))
    db = f"sqlite:///{folder / 't.db'}"
    for argv in (
        ["diff", str(base), str(path), "--json"],
        ["ingest", "https://news.example.com/a", str(path), "--db", db],
    ):
        assert problems(argv, run_cli(argv)) == []


_TEXT = st.text(st.characters(codec="utf-8"), max_size=400) | st.text(
    "aA. ,;“”—\n\x00\u202e", max_size=400
)


@FAST
@given(_TEXT, _TEXT)
def test_word_diff_rejoins_both_sides(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert "".join(t for op, t in ops if op != "+") == a
    assert "".join(t for op, t in ops if op != "-") == b


@FAST
@given(_TEXT)
@example("00;A")  # syntok cut it after the semicolon, splitting the one word in two
def test_sentences_keep_every_word(paragraph: str) -> None:
    assume("\x00" not in paragraph)
    assert " ".join(split_sentences(paragraph)).split() == paragraph.split()


_MARKUP_PARTS = st.sampled_from(
    [
        "<script>",
        "</script>",
        "<script type='application/ld+json'>",
        "</SCRIPT >",
        "<style>",
        "</style>",
        "<svg x>",
        "</svg>",
        "x",
        ">",
        "<",
        "<script",
        "</scripts>",
    ]
)
_OLD_NOT_TEXT = re.compile(
    r"<(script|style|svg)\b(?![^>]*application/ld\+json)[^>]*>.*?</\1\s*>", re.I | re.S
)


@settings(FAST, max_examples=200)
@given(st.lists(_MARKUP_PARTS, max_size=16).map("".join))
def test_drop_elements_is_the_old_expression_in_linear_time(text: str) -> None:
    kept = drop_elements(text, ("script", "style", "svg"), keep="application/ld+json")
    assert kept == _OLD_NOT_TEXT.sub("", text)
