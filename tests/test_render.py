"""Rendering a diff: the terminal (rich) and the self-contained HTML page, from the same value."""

from __future__ import annotations

import io
import re

from rich.console import Console

from tracker.model import Diff, DiffSide, FactChange, SentenceOp
from tracker.queries import LabelledDiff
from tracker.render import html, terminal
from tracker.render.layout import diff_rows

AGENT = FactChange(
    change="resolved",
    kind="event",
    subject="strike / ferry",
    slot="agent",
    before="unclear",
    after="a cargo ship (the coast guard said)",
    summary="Who struck the ferry: unclear → a cargo ship (the coast guard said)",
    evidence_a="It was not clear what caused the ferry to capsize.",
    evidence_b="The coast guard said a cargo ship struck the ferry.",
)
TOLL = FactChange("quantity", "quantity", "Killed", "count", "32", "60", "Killed: 32 → 60")


def op(
    kind: str, a: tuple[int, ...], b: tuple[int, ...], a_text: str = "", b_text: str = "", words=()
):
    return SentenceOp(kind, a, b, a_text, b_text, tuple(words))  # type: ignore[arg-type]


EDITED = op(
    "edited",
    (2,),
    (2,),
    "Rescue boats searched the dark water.",
    "Rescue boats searched the cold water.",
    [("=", "Rescue boats searched the "), ("-", "dark"), ("+", "cold"), ("=", " water.")],
)
SENTENCES = (
    op(
        "moved",
        (4,),
        (0,),
        "The ferry carried 200 people and 40 cars when it left port.",
        "The ferry carried 200 people and 40 cars when it left port.",
    ),
    op("equal", (0,), (1,), "A ferry capsized.", "A ferry capsized."),
    op("removed", (1,), (), "It was not clear what caused it."),
    EDITED,
    op("equal", (3,), (3,), "Boats came.", "Boats came."),
    op("added", (), (4,), b_text="The captain was detained."),
)


def view(**kwargs) -> LabelledDiff:
    diff = Diff(
        a=DiffSide("v1", "2020-03-03T08:00:00Z"),
        b=DiffSide("v2", "2020-03-04T09:00:00Z"),
        sentences=kwargs.pop("sentences", SENTENCES),
        facts=kwargs.pop("facts", (AGENT, TOLL)),
        events=kwargs.pop("events", ()),
    )
    return LabelledDiff(
        diff, kwargs.pop("a", ("body",) * 5), kwargs.pop("b", ("body",) * 5), **kwargs
    )


def render(value: LabelledDiff, color: bool = False, **options) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=100,
        no_color=not color,
        color_system="truecolor" if color else None,
        force_terminal=color,
    )
    terminal.render_diff(console, value, **options)
    return out.getvalue()


def lines(text: str) -> list[str]:
    """Output lines with runs of spaces collapsed (column widths are rich's business)."""
    return [" ".join(line.split()) for line in text.splitlines()]


def test_the_first_line_is_the_most_important_fact_change() -> None:
    assert (
        lines(render(view()))[0]
        == "• Who struck the ferry: unclear → a cargo ship (the coast guard said)"
    )


def test_fact_changes_come_before_any_sentence() -> None:
    text = render(view())
    assert text.index("Killed: 32 → 60") < text.index("The captain was detained.")


def test_words_changed_inside_an_edited_sentence_are_marked_without_colour() -> None:
    assert "~ Rescue boats searched the [-dark-]{+cold+} water." in lines(render(view()))


def test_words_changed_inside_an_edited_sentence_are_coloured_on_a_terminal() -> None:
    text = render(view(), color=True)
    assert "[-dark-]" not in text
    assert re.search(r"\x1b\[[0-9;]*m\s*dark", text)


def test_added_and_removed_sentences_carry_their_signs() -> None:
    text = lines(render(view()))
    assert "+ The captain was detained." in text
    assert "- It was not clear what caused it." in text


def test_a_moved_sentence_is_shown_once_with_paired_markers() -> None:
    text = render(view())
    assert text.count("The ferry carried 200 people and 40 cars when it left port.") == 1
    assert text.count("⟨1⟩") == 2  # a sign at the new place and one at the old place


def test_a_moved_sentence_marks_where_it_used_to_be() -> None:
    rows = diff_rows(view(), None)
    kinds = [(r.kind, r.op.op if r.op else None) for r in rows]
    assert kinds.index(("moved_from", "moved")) > kinds.index(("op", "edited"))


def test_unchanged_sentences_are_folded_into_a_count() -> None:
    assert "⋯ 1 unchanged sentence" in render(view())


def test_context_shows_unchanged_sentences_around_changes() -> None:
    assert "A ferry capsized." in render(view(), context=1)


def test_facts_only_leaves_out_the_sentences() -> None:
    text = render(view(), facts_only=True)
    assert "Killed: 32 → 60" in text
    assert "The captain was detained." not in text


def test_no_fact_changes_is_said_plainly() -> None:
    assert "No fact changes." in render(view(facts=()))


def test_a_structural_event_is_one_line() -> None:
    event = "A breaking update arrived above the earlier story (THIS IS A BREAKING NEWS UPDATE.)."
    assert f"■ {event}" in render(view(events=(event,)))


def test_sections_are_labelled() -> None:
    labelled = view(b=("update", "update", "earlier", "earlier", "earlier"), a=("body",) * 5)
    text = render(labelled)
    assert "── Breaking update ──" in text
    assert "── Earlier story ──" in text


def test_inside_one_version_the_update_comes_first_and_the_rest_last() -> None:
    within = view(within_version=True)
    text = render(within)
    assert text.index("The captain was detained.") < text.index("Only in the earlier story")
    assert "· It was not clear what caused it." in lines(text)


def test_side_by_side_shows_both_versions_as_columns() -> None:
    text = render(view(), side_by_side=True)
    assert re.search(r"v1\s+\S\s+v2", text)
    assert "[-dark-]" in text and "{+cold+}" in text


def test_the_header_counts_the_sentence_changes() -> None:
    assert "+1 ~1 -1 ↕1" in render(view())


# ---------------------------------------------------------------- HTML

SCRIPT = '<script>alert("x")</script>'


def test_html_is_one_self_contained_page() -> None:
    page = html.diff_page(view())
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_html_puts_the_facts_above_the_sentences() -> None:
    page = html.diff_page(view())
    assert page.index("Who struck the ferry") < page.index('<table class="diff"')


def test_html_escapes_a_script_in_an_article() -> None:
    hostile = view(sentences=(op("added", (), (0,), b_text=f"He wrote {SCRIPT} online."),))
    page = html.diff_page(hostile)
    assert "<script" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_html_escapes_a_script_in_a_fact_summary() -> None:
    fact = FactChange("added", "event", "", "event_added", None, SCRIPT, f"New: {SCRIPT}")
    assert "<script" not in html.diff_page(view(facts=(fact,)))


def test_html_forbids_scripts_by_policy() -> None:
    assert "default-src 'none'" in html.diff_page(view())


def test_html_moved_sentence_anchors_link_to_each_other() -> None:
    page = html.diff_page(view())
    assert 'id="move-1-from" href="#move-1-to"' in page
    assert 'id="move-1-to" href="#move-1-from"' in page


def test_html_marks_changed_words() -> None:
    page = html.diff_page(view())
    assert "<del>dark</del>" in page and "<ins>cold</ins>" in page


def test_html_is_written_to_a_file(tmp_path) -> None:
    path = tmp_path / "diff.html"
    html.write_diff(path, view())
    assert "Killed" in path.read_text(encoding="utf-8")
