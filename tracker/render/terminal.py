"""Terminal rendering with rich: fact changes first, then the aligned sentences.

Every function takes a console and a value and builds rich Text / Tables from
it. Without colour (``--no-color``, ``NO_COLOR``, output not a terminal) word
changes inside a sentence are marked ``[-old-]{+new+}`` so they still show.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.model import Diff, FactChange, MetaChange, SentenceOp, Split
from tracker.notes import KIND_LABELS, STEALTH_EVENT
from tracker.printable import printable
from tracker.queries import (
    Blame,
    ChangeCounts,
    FactPoint,
    FactTimelines,
    LabelledDiff,
    SearchHit,
    VersionSummary,
)
from tracker.render.layout import SECTION_TITLES, Row, counts, diff_rows
from tracker.store import StoredVersion, StoryInfo

# sign and colour of each sentence op
OP_STYLE = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "edited": ("~", "yellow"),
    "moved": ("↕", "cyan"),
    "split": ("⇉", "yellow"),
    "merged": ("⇇", "yellow"),
    "equal": (" ", "dim"),
}
# Inside a sentence diff the earlier-story-only sentences of an update are not "removed".
WITHIN_VERSION_STYLE = {"removed": ("·", "dim"), "added": ("+", "green")}
# tag and colour of each fact change
CHANGE_STYLE = {
    "resolved": "bold green",
    "changed": "bold yellow",
    "contradicted": "bold red",
    "quantity": "bold yellow",
    "attribution": "bold cyan",
    "certainty": "bold cyan",
    "added": "green",
    "removed": "red",
}
WORD_STYLE = {"-": "red strike", "+": "bold green"}
PLAIN_WORD_MARKS = {"-": ("[-", "-]"), "+": ("{+", "+}")}


def plain(console: Console) -> bool:
    return console.no_color or console.color_system is None


def whole(console: Console) -> bool:
    """Output read later (a file, a pipe): nothing is shortened with "…"."""
    return not console.is_terminal


def short_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def opening(text: str, words: int = 8, *, cut: bool = True) -> str:
    """The first words of a sentence, to recognise it by (all of it with ``cut=False``)."""
    parts = text.split()
    if not cut:
        return " ".join(parts)
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def short_iso(text: str | None) -> str:
    return text.replace("T", " ")[:16] if text else ""


# ---------------------------------------------------------------- diff


def render_diff(
    console: Console,
    view: LabelledDiff | Diff,
    *,
    context: int | None = 0,
    facts_only: bool = False,
    side_by_side: bool = False,
    show_all: bool = False,
) -> None:
    """Headline and metadata changes (the first lines), the fact changes, events (notes,
    stealth edit), then the sentence diff. ``show_all`` adds the minor and style changes."""
    if isinstance(view, Diff):
        view = LabelledDiff(view, (), ())
    diff = view.diff
    cut = None if whole(console) else console.width
    for change in diff.metadata:
        console.print(meta_line(change))
    for line in fact_lines(diff.facts, cut):
        console.print(line)
    if show_all:
        for change in diff.other_changes:
            console.print(fact_line(change, cut, mark=True))
    if not diff.facts:
        if diff.metadata:
            console.print(Text("The facts of the story text are unchanged.", style="dim"))
        else:
            console.print(Text("No fact changes.", style="dim"))
    for event in diff.events:
        style = "bold red" if event == STEALTH_EVENT else "bold magenta"
        console.print(Text(f"■ {event}", style=style))
    if facts_only:
        return
    console.print(header_rule(view))
    rows = diff_rows(view, context)
    if side_by_side:
        console.print(side_by_side_table(view, rows, plain(console)))
    else:
        console.print(unified_table(view, rows, plain(console), cut=cut is not None))


def meta_line(change: MetaChange) -> Text:
    """ "Headline: before → after", or what was added or dropped."""
    line = Text("• ", style="bold blue")
    line.append(f"{change.label}: ", style="bold")
    if change.before is None:
        line.append("added ", style="dim")
        line.append(change.after or "", style="bold green")
    elif change.after is None:
        line.append("dropped ", style="dim")
        line.append(change.before, style="red")
    else:
        line.append(change.before, style="red")
        line.append(" → ", style="bold")
        line.append(change.after, style="bold green")
    return line


def fact_lines(
    facts: tuple[FactChange, ...] | list[FactChange], width: int | None = 100
) -> list[Text]:
    """One line per fact change: "Label: before → after", coloured by what happened."""
    return [fact_line(change, width) for change in facts]


def fact_line(change: FactChange, width: int | None = 100, *, mark: bool = False) -> Text:
    """A value change in full; a new or dropped sentence cut to one line (``width=None``: whole).

    ``mark`` tags a change below the reporting threshold with its significance (and, for
    house style, its reason).
    """
    style = CHANGE_STYLE.get(change.change, "bold")
    if mark and change.significance != "fact":
        style = "dim"
    label, sep, values = change.summary.partition(": ")
    before, arrow, after = values.partition(" → ")
    line = Text("• ", style=style)
    if mark and change.significance != "fact":
        tag = change.significance
        if change.significance == "style" and change.reason:
            tag += f": {change.reason}"
        line.append(f"[{tag}] ", style="dim italic")
    if not sep:
        line.append(change.summary, style="bold")
    elif not arrow:
        room = max(width - len(label) - 5, 20) if width is not None else len(values)
        shown = values if len(values) <= room else values[: room - 1].rstrip() + "…"
        line.append(f"{label}: ", style=style)
        line.append(shown)
    else:
        line.append(f"{label}: ", style="bold")
        line.append(before, style="red")
        line.append(" → ", style="bold")
        line.append(after, style="bold green")
    return line


def header_rule(view: LabelledDiff) -> Text:
    diff, c = view.diff, counts(view)
    a = f"{diff.a.label} {short_iso(diff.a.fetched_at)}".strip()
    b = f"{diff.b.label} {short_iso(diff.b.fetched_at)}".strip()
    line = Text("── ", style="dim")
    line.append(f"{a} → {b}", style="bold")
    line.append("  ")
    line.append_text(change_counts(c, view.within_version))
    line.append(" ──", style="dim")
    return line


def change_counts(c: ChangeCounts, within_version: bool = False) -> Text:
    """``+added ~edited -removed ↕moved`` in their colours."""
    text = Text()
    removed = ("·", "dim") if within_version else ("-", "red")
    for sign, value, style in (
        ("+", c.added, "green"),
        ("~", c.edited, "yellow"),
        (removed[0], c.removed, removed[1]),
        ("↕", c.moved, "cyan"),
    ):
        if sign == "↕" and not value:
            continue
        if len(text):
            text.append(" ")
        text.append(f"{sign}{value}", style=style if value else "dim")
    return text


def _op_style(view: LabelledDiff, op: SentenceOp) -> tuple[str, str]:
    if view.within_version and op.op in WITHIN_VERSION_STYLE:
        return WITHIN_VERSION_STYLE[op.op]
    return OP_STYLE[op.op]


def words_text(op: SentenceOp, show: str, is_plain: bool, base: str = "") -> Text:
    """The sentence with word changes marked; ``show`` is "-+" (both), "-" (A) or "+" (B)."""
    text = Text(style=base)
    if not op.words:
        text.append(op.b_text if "+" in show else op.a_text)
        return text
    for kind, words in op.words:
        if kind != "=" and kind not in show:
            continue
        if kind == "=":
            text.append(words)
        elif is_plain:
            start, end = PLAIN_WORD_MARKS[kind]
            text.append(f"{start}{words}{end}")
        else:
            text.append(words, style=WORD_STYLE[kind])
    return text


def _sentence(view: LabelledDiff, row: Row, is_plain: bool, cut: bool) -> tuple[Text, Text]:
    """The sign cell and the text cell of one unified-diff row."""
    op = row.op
    assert op is not None
    if row.kind == "moved_from":
        arrow = "↓" if row.direction == "down" else "↑"
        # Read later (cut=False) the sentence is not shortened with "…": its new place shows it.
        where = f": “{opening(op.a_text)}”" if cut else " from here"
        return Text(f"⟨{row.move}⟩", style="cyan"), Text(
            f"{arrow} moved {row.direction}{where}", style="dim cyan"
        )
    sign, style = _op_style(view, op)
    if op.op == "moved":
        arrow = "↑" if row.direction == "up" else "↓"
        sign_text = Text(f"⟨{row.move}⟩{arrow}", style="cyan")
        return sign_text, words_text(op, "-+", is_plain, "cyan" if not op.words else "")
    if op.op in ("edited", "split", "merged"):
        return Text(sign, style=style), words_text(op, "-+", is_plain)
    if op.op == "equal":
        return Text(" "), Text(op.b_text, style="dim")
    return Text(sign, style=f"bold {style}"), Text(op.b_text or op.a_text, style=style)


def _label_row(row: Row) -> Text:
    if row.kind == "section":
        title = SECTION_TITLES.get(row.section or "", row.section or "")
        return Text(f"── {title} ──", style="bold magenta")
    noun = "sentence" if row.skipped == 1 else "sentences"
    return Text(f"⋯ {row.skipped} unchanged {noun}", style="dim")


def unified_table(
    view: LabelledDiff, rows: list[Row], is_plain: bool, *, cut: bool = True
) -> Table:
    """One column of sentences in reading order with a sign column, like a unified diff."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, min_width=1)
    table.add_column(ratio=1)
    for row in rows:
        if row.kind in ("section", "skipped"):
            table.add_row(Text(""), _label_row(row))
        else:
            table.add_row(*_sentence(view, row, is_plain, cut))
    return table


def side_by_side_table(view: LabelledDiff, rows: list[Row], is_plain: bool) -> Table:
    """A on the left, B on the right; edited sentences show deletions left, insertions right."""
    table = Table(show_header=True, header_style="bold", expand=True, show_lines=False)
    table.add_column("", no_wrap=True, width=4)
    table.add_column(view.diff.a.label, ratio=1)
    table.add_column(view.diff.b.label, ratio=1)
    for row in rows:
        if row.kind in ("section", "skipped"):
            label = _label_row(row)
            table.add_row(Text(""), label, label.copy())
            continue
        op = row.op
        assert op is not None
        sign, style = _op_style(view, op)
        if row.kind == "moved_from":
            table.add_row(
                Text(f"⟨{row.move}⟩", style="cyan"),
                Text(op.a_text, style="cyan"),
                Text(f"⟨{row.move}⟩ moved {row.direction}", style="dim cyan"),
            )
        elif op.op == "moved":
            table.add_row(
                Text(f"⟨{row.move}⟩", style="cyan"),
                Text(f"⟨{row.move}⟩ moved {row.direction}", style="dim cyan"),
                words_text(op, "+", is_plain, "cyan"),
            )
        elif op.op == "equal":
            table.add_row(Text(""), Text(op.a_text, style="dim"), Text(op.b_text, style="dim"))
        elif op.op == "added":
            table.add_row(Text(sign, style=style), Text(""), Text(op.b_text, style=style))
        elif op.op == "removed":
            table.add_row(Text(sign, style=style), Text(op.a_text, style=style), Text(""))
        else:
            table.add_row(
                Text(sign, style=style),
                words_text(op, "-", is_plain),
                words_text(op, "+", is_plain),
            )
    return table


# ---------------------------------------------------------------- history, facts, blame, search


def render_history(
    console: Console, url: str, versions: list[VersionSummary], *, hidden: int = 0
) -> None:
    """One line per version: number, time, words, sentence changes, and what changed: headline
    and metadata first, notes and the stealth-edit flag, then the headline fact change.
    ``hidden``: how many flagged versions are left out (said below the table)."""
    table = Table(title=url, title_justify="left", box=None, header_style="bold", pad_edge=False)
    for column, justify, width in (
        ("v", "right", 4),
        ("fetched (UTC)", "left", 16),
        ("words", "right", 5),
        ("sentences", "left", 11),
    ):
        table.add_column(column, justify=justify, no_wrap=True, min_width=width)  # type: ignore[arg-type]
    table.add_column("what changed", ratio=1, overflow="fold")
    cut = not whole(console)
    for summary in versions:
        info = summary.info
        changes = change_counts(summary.changes) if summary.changes else Text("new", style="dim")
        table.add_row(
            f"v{info.number}",
            short_time(info.fetched_at),
            str(info.words),
            changes,
            _what_changed(summary, cut),
        )
    console.print(table)
    if hidden:
        some = "1 flagged version" if hidden == 1 else f"{hidden} flagged versions"
        them = "it" if hidden == 1 else "them"
        note = f"{some} (texts the quality gate doubted) hidden; --all shows {them}"
        console.print(Text(note, style="dim"))


def _what_changed(summary: VersionSummary, cut: bool = True) -> Text:
    """Metadata changes and notes, structural events, then the headline fact change, else the
    first changed sentence."""
    parts: list[Text] = []
    if summary.info.suspect:
        parts.append(Text(f"[flagged: {summary.info.suspect}]", style="bold yellow"))
    if summary.info.reverts_to:
        parts.append(Text(f"reverts to v{summary.info.reverts_to}", style="bold magenta"))
    for change in summary.metadata:
        parts.append(meta_line(change)[2:])  # without the bullet
    for note in summary.notes:
        label = KIND_LABELS.get(note.kind, note.kind)
        parts.append(Text(f"{label}: “{opening(note.text, 12, cut=cut)}”", style="bold magenta"))
    if summary.stealth_edit:
        parts.append(Text("stealth edit: facts changed with no note", style="bold red"))
    parts += [Text(f"■ {event}", style="magenta") for event in summary.events]
    if summary.headline:
        parts.append(Text(summary.headline, style="bold"))
    elif summary.first_change:
        parts.append(Text(f"“{opening(summary.first_change, 12, cut=cut)}”", style="italic"))
    elif summary.changes is None:
        parts.append(Text(summary.info.title or "first version", style="dim"))
    if summary.facts_pending and summary.changes is not None:
        parts.append(Text("facts not extracted yet (tracker history extracts them)", style="dim"))
    return Text(" · ", style="dim").join(parts)


def render_facts(console: Console, timelines: FactTimelines) -> None:
    """Each fact's values across versions: "Killed: v1 32 · v3 60 · v5 236"."""
    if not timelines.facts:
        console.print(Text("No facts changed across the versions.", style="dim"))
    table = Table(title=timelines.story, title_justify="left", box=None, header_style="bold")
    table.add_column("fact", style="bold", max_width=40)
    table.add_column("values by version", ratio=1)
    for fact in timelines.facts:
        line = Text()
        runs = value_runs(fact.points)
        for k, (first, last, value) in enumerate(runs):
            if k:
                line.append(" · ", style="dim")
            line.append(f"v{first}{f'–v{last}' if last != first else ''} ", style="dim")
            line.append(value, style="bold green" if k and k == len(runs) - 1 else "")
        table.add_row(fact.label, line)
    if timelines.facts:
        console.print(table)
    if timelines.pending:
        pending = ", ".join(f"v{n}" for n in timelines.pending)
        note = f"Facts not extracted yet for {pending} (tracker derive extracts them)."
        console.print(Text(note, style="dim"))


def value_runs(points: Sequence[FactPoint]) -> list[tuple[int, int, str]]:
    """(first version, last version, value): consecutive versions stating one value."""
    runs: list[tuple[int, int, str]] = []
    for point in points:
        if runs:
            first, last, value = runs[-1]
            if point.version == last + 1 and point.value.casefold() == value.casefold():
                runs[-1] = (first, point.version, value)
                continue
        runs.append((point.version, point.version, point.value))
    return runs


def render_blame(console: Console, blame: Blame) -> None:
    """Each sentence with the version that introduced it and the last that edited it."""
    info = blame.version
    console.print(
        Text(f"{blame.story} v{info.number} ({short_time(info.fetched_at)} UTC)", style="bold")
    )
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("since", justify="right", no_wrap=True, min_width=5)
    table.add_column("edited", justify="right", no_wrap=True, min_width=6)
    table.add_column("sentence", ratio=1)
    section = None
    for line in blame.lines:
        if line.section != section and any(s != "body" for s in info.sections):
            title = SECTION_TITLES.get(line.section, line.section)
            table.add_row("", "", Text(f"── {title} ──", style="bold magenta"))
            section = line.section
        fresh = line.introduced == info.number
        table.add_row(
            Text(f"v{line.introduced}", style="green" if fresh else ""),
            Text(
                f"v{line.edited}" if line.edited != line.introduced else "",
                style="yellow",
            ),
            line.text,
        )
    console.print(table)


def render_search(console: Console, phrase: str, hits: list[SearchHit]) -> None:
    """For each story: the version where the phrase appeared, and where it disappeared."""
    if not hits:
        console.print(f"No version of any story says {phrase!r}.")
        return
    for hit in hits:
        title = Text(hit.story, style="bold")
        if hit.where != "text":
            title.append(f" ({hit.where})", style="dim")
        console.print(title)
        for span in hit.spans:
            line = Text("  appeared ", style="dim")
            line.append(f"v{span.first} {short_time(span.first_at)}", style="green")
            if span.gone is not None:
                line.append(" · disappeared ", style="dim")
                line.append(f"v{span.gone} {short_time(span.gone_at)}", style="red")
            else:
                line.append(" · still there", style="dim")
            console.print(line)
        quote = Text(f"  “{hit.sentence}”")
        pattern = r"(?i)" + r"\W+".join(re.escape(word) for word in phrase.split())
        quote.highlight_regex(pattern, style="bold reverse")
        console.print(quote)


# ---------------------------------------------------------------- split, list, show


def render_split(console: Console, split: Split) -> None:
    if split.marker:
        console.print(Text(f"marker: {split.marker}", style="magenta"))
    for section in split.sections:
        console.print(Text(f"── {section.kind} ──", style="bold"))
        for paragraph in section.paragraphs:
            console.print(paragraph)
            console.print()


def render_list(console: Console, stories: list[StoryInfo]) -> None:
    """One row per story: its id (commands take it instead of the URL), its label and URL
    (folded, never cut), versions, status and checks in minutes, not ISO microseconds."""
    if not stories:
        console.print("No stories yet. Track one with: tracker add URL")
        return
    table = Table(box=None, header_style="bold", pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("story", ratio=3, overflow="fold")
    table.add_column("versions", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("checked (UTC)", no_wrap=True)
    table.add_column("next", no_wrap=True)
    errors = any(s.last_error for s in stories)
    if errors:
        table.add_column("last error", ratio=2, overflow="fold")
    for s in stories:
        name = Text(printable(s.label) + "\n", style="bold") if s.label else Text()
        name.append(printable(_short_url(s.url)), style="" if not s.label else "dim")
        row = [
            str(s.id),
            name,
            str(s.versions),
            s.status,
            _list_time(s.last_checked_at),
            _list_time(s.next_check_at),
        ]
        table.add_row(*row, *([printable(s.last_error)] if errors else []))
    console.print(table)


def _list_time(value: datetime | None) -> str:
    """ "11-09 14:00" this year, "2025-11-09 14:00" before: the list stays narrow."""
    if value is None:
        return "—"
    if value.year == datetime.now(value.tzinfo).year:
        return value.strftime("%m-%d %H:%M")
    return short_time(value)


def _short_url(url: str) -> str:
    """The URL without its scheme (the part that tells stories apart)."""
    return url.split("://", 1)[-1]


def render_version(console: Console, version: StoredVersion, section: str | None) -> None:
    info = version.info
    console.print(
        Text(f"{version.url} v{info.number} ({short_time(info.fetched_at)} UTC)", style="bold")
    )
    if info.title:
        console.print(Text(info.title, style="bold"))
    sections = [s for s in version.split.sections if section is None or s.kind == section]
    render_split(console, Split(sections=tuple(sections), marker=version.split.marker))
