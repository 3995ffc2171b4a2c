"""Stable under noise (issue 8): text that is not about the story changes no other fact.

Hypothesis inserts an unrelated sentence, a photo caption, a script's text or an ad
line between two sentences of version B of invented stories, and the set of
``(kind, before, after)`` of the listed facts must stay what it was, apart from
items about the inserted text itself. The seed story's helicopter change must stay
first when a script's text is inserted after its second sentence.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.model import Diff
from tracker.semdiff import diff_file_sections, diff_texts

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_5365f7407493eced.txt"

# Invented stories (no corpus text), each as (A, B) with several fact changes.
FLOOD_A = """RIVERTON, Iowa (AP) — Floodwaters from the Cedar River covered parts of downtown \
Riverton on Tuesday, and dozens of families left their homes, the mayor said.

Mayor Carla Jimenez said the river was expected to crest at 24 feet on Wednesday. About 300 \
homes were without power, according to the utility.

Two shelters opened at local schools. A man was reported missing after his truck was swept off \
a county road, the sheriff's office said.

The National Weather Service said more rain was possible later in the week."""

FLOOD_B = """RIVERTON, Iowa (AP) — Floodwaters from the Cedar River covered parts of downtown \
Riverton on Tuesday, and at least 140 families left their homes, the mayor said.

Mayor Carla Jimenez said the river crested at 26 feet on Wednesday. About 1,200 homes were \
without power, according to the utility.

Three shelters opened at local schools. A man whose truck was swept off a county road was found \
dead on Thursday, the sheriff's office said.

Gov. Paul Whitaker declared a disaster in four counties. The National Weather Service said more \
rain was likely later in the week."""

VOTE_A = """SPRINGVALE, Maine (AP) — The town council voted 5-2 on Thursday to close the Elm \
Street library branch, council chair Rita Okafor said.

The branch, which opened in 1962, lends about 40,000 books a year. Residents may appeal the \
decision, a town lawyer said.

Library director Sam Whitfield said the staff of six would move to the main library."""

VOTE_B = """SPRINGVALE, Maine (AP) — The town council voted 4-3 on Thursday to close the Elm \
Street library branch, council chair Rita Okafor said.

The branch, which opened in 1958, lends about 40,000 books a year. Residents cannot appeal the \
decision, a town lawyer said.

Library director Sam Whitfield, who retires in June, said the staff of six would move to the \
main library. A petition to keep the branch open has 900 signatures."""

STORIES: list[tuple[str, str]] = [(FLOOD_A, FLOOD_B), (VOTE_A, VOTE_B)]

NOISE: dict[str, list[str]] = {
    "unrelated sentence": [
        "Separately, a bakery in Portland won a national award for its sourdough bread.",
        "In other news, the city's marathon will be held on a new route next spring.",
    ],
    "photo caption": [
        "In this photo taken Tuesday, a woman carries a dog through a flooded street. "
        "(AP Photo/Jane Doe)",
        "In this photo provided by the county, volunteers stack sandbags outside a church. "
        "(AP Photo/Mark Ellis)",
    ],
    "script": ["<script>alert(1)</script>", "window.dataLayer = window.dataLayer || [];"],
    "ad line": [
        "Advertisement",
        "SUBSCRIBE NOW: Get unlimited digital access for just $1 a week.",
    ],
}
# A sentence ends, then the next one starts (same paragraph or a new one).
BOUNDARY = re.compile(r"(?<=[.!?\"”])(\s+)(?=[A-Z“\"])")

# "Gov." or "St." before a name does not end a sentence.
ABBREVIATION_END = re.compile(r"\b[A-Z][a-z]{0,3}\.$")


def sentence_gaps(text: str) -> list[re.Match[str]]:
    return [m for m in BOUNDARY.finditer(text) if not ABBREVIATION_END.search(text[: m.start()])]


FactKey = tuple[str, str | None, str | None]


@cache
def diff_of(a: str, b: str) -> Diff:
    return diff_texts(a, b)


def fact_keys(diff: Diff, noise: str | None = None) -> set[FactKey]:
    """(kind, before, after) of the listed facts, leaving out items about ``noise``."""

    def about_noise(*texts: str | None) -> bool:
        # An item quotes the noise (a new sentence) or a piece of it (a figure in an ad).
        if noise is None:
            return False
        inserted = noise.lower()
        pieces = [t.lower().strip(" .") for t in texts if t]
        return any(inserted[:25] in p or (len(p) >= 4 and p in inserted) for p in pieces)

    return {
        (f.kind, f.before, f.after)
        for f in diff.facts
        if not about_noise(f.before, f.after, f.summary)
    }


def insert_between_sentences(text: str, gap: int, noise: str, own_paragraph: bool) -> str:
    gaps = sentence_gaps(text)
    spot = gaps[gap % len(gaps)]
    glue = "\n\n" if own_paragraph else " "
    return text[: spot.start()] + glue + noise + glue.rstrip(" ") + text[spot.start() :]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=True,  # the same examples every run, so an xfail stays an xfail
)
@given(
    story=st.sampled_from(range(len(STORIES))),
    choice=st.integers(min_value=0, max_value=1),
    gap=st.integers(min_value=0, max_value=20),
    own_paragraph=st.booleans(),
)
def check_noise_changes_no_other_fact(
    noise_kind: str, story: int, choice: int, gap: int, own_paragraph: bool
) -> None:
    a, b = STORIES[story]
    noise = NOISE[noise_kind][choice]
    noisy_b = insert_between_sentences(b, gap, noise, own_paragraph)
    clean = fact_keys(diff_of(a, b))
    assert clean, "fixture pair must produce facts"
    noisy = fact_keys(diff_of(a, noisy_b), noise)
    assert noisy == clean, (
        f"{noise_kind} {noise!r} inserted changed the facts:\n"
        f"lost: {sorted(clean - noisy, key=str)}\ngained: {sorted(noisy - clean, key=str)}"
    )


@pytest.mark.parametrize(
    "noise_kind",
    [
        "ad line",
        "photo caption",
        "script",
        "unrelated sentence",
    ],
)
def test_inserted_noise_changes_no_other_fact(noise_kind: str) -> None:
    check_noise_changes_no_other_fact(noise_kind)


def test_fixture_pairs_report_their_changes() -> None:
    """The noise test means something only if the clean pairs list real changes."""
    flood = fact_keys(diff_of(FLOOD_A, FLOOD_B))
    vote = fact_keys(diff_of(VOTE_A, VOTE_B))
    assert len(flood) >= 3 and len(vote) >= 2, (flood, vote)


def seed_first_fact(path: Path) -> str:
    return diff_file_sections(path).facts[0].summary


def test_seed_helicopter_change_stays_first_with_a_script_inserted(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert seed_first_fact(SEED).startswith("Who shot down the helicopter")
    gaps = sentence_gaps(text)
    second_end = gaps[1].start()  # after the seed's second sentence
    mutated = tmp_path / SEED.name
    mutated.write_text(
        text[:second_end] + " <script>alert(1)</script>" + text[second_end:], encoding="utf-8"
    )
    assert "<script>alert(1)</script>" in mutated.read_text(encoding="utf-8")
    assert seed_first_fact(mutated).startswith("Who shot down the helicopter")


CAPTIONS = [
    *NOISE["photo caption"],
    "Volunteers stack sandbags outside a church on Tuesday. (AP Photo/Mark Ellis)",
    "Photo: A woman carries a dog through a flooded street on Tuesday.",
]


@pytest.mark.parametrize("caption", CAPTIONS)
@pytest.mark.parametrize("gap", [0, 2, 4])
def test_a_caption_is_never_listed(caption: str, gap: int) -> None:
    a, b = STORIES[0]
    noisy_b = insert_between_sentences(b, gap, caption, own_paragraph=True)
    listed = [f.summary for f in diff_of(a, noisy_b).facts]
    words = caption.split()[1:5]
    assert not any(" ".join(words) in line for line in listed), listed
