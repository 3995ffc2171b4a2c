"""The poller's and extractor's fast paths give what the plain ones gave."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.extract import normalise
from tracker.sentences import split_sentences

ODD = "abc déf“”—\n\t \u00a0\u200b\u2028\u2029\u202f\u3000\x00\x07\x1b\ufeff\u00ad\ue000\U0001f600"


def reference_normalise(text: str) -> str:
    """normalise() as it was: every character's category looked at."""
    spaces = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return spaces.sub(" ", text).strip()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ODD), max_size=40) | st.text(max_size=40))
def test_normalise_drops_control_characters_as_before(text: str) -> None:
    assert normalise(text) == reference_normalise(text)


def test_split_sentences_is_the_same_on_a_repeated_paragraph() -> None:
    paragraph = "Officials said 12 homes flooded. The river rose 2.5 m overnight. Crews stayed."
    first = split_sentences(paragraph)
    first.append("changed by the caller")
    again = split_sentences(paragraph)
    assert again == [
        "Officials said 12 homes flooded.",
        "The river rose 2.5 m overnight.",
        "Crews stayed.",
    ]
