"""Terminal rendering with rich: fact changes first, then the aligned sentences."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracker.model import Diff, SentenceOp, Split
from tracker.render.json import iso
from tracker.store import StoredVersion, StoryInfo, VersionInfo

OP_STYLE = {
    "added": ("+", "green"),
    "removed": ("-", "red"),
    "edited": ("~", "yellow"),
    "moved": ("↕", "cyan"),
    "split": ("⇉", "yellow"),
    "merged": ("⇇", "yellow"),
    "equal": (" ", "dim"),
}


def render_diff(console: Console, diff: Diff, *, context: int = 0) -> None:
    console.print(Text(f"{diff.a.label} → {diff.b.label}", style="bold"))
    for event in diff.events:
        console.print(Text(f"■ {event}", style="bold magenta"))
    if diff.facts:
        console.print(Text("Fact changes", style="bold underline"))
        for change in diff.facts:
            console.print(Text.assemble(("• ", "bold"), (change.summary, "bold")))
    else:
        console.print(Text("No fact changes.", style="dim"))
    console.print()
    for op in diff.sentences:
        if op.op == "equal" and context == 0:
            continue
        console.print(_sentence_line(op))


def _sentence_line(op: SentenceOp) -> Text:
    sign, style = OP_STYLE[op.op]
    line = Text(f"{sign} ", style=style)
    if op.words and op.op != "equal":
        for kind, words in op.words:
            line.append(words, style={"-": "red strike", "+": "green bold"}.get(kind, ""))
    else:
        line.append(op.b_text or op.a_text, style=style)
    return line


def render_split(console: Console, split: Split) -> None:
    if split.marker:
        console.print(Text(f"marker: {split.marker}", style="magenta"))
    for section in split.sections:
        console.print(Text(f"── {section.kind} ──", style="bold"))
        for paragraph in section.paragraphs:
            console.print(paragraph)
            console.print()


def render_history(console: Console, url: str, versions: list[VersionInfo]) -> None:
    table = Table(title=url, title_justify="left")
    for column in ("v", "fetched", "words", "sections", "note"):
        table.add_column(column)
    for v in versions:
        note = f"reverts to v{v.reverts_to}" if v.reverts_to else (v.title or "")
        table.add_row(
            str(v.number), iso(v.fetched_at) or "", str(v.words), "+".join(v.sections), note
        )
    console.print(table)


def render_list(console: Console, stories: list[StoryInfo]) -> None:
    if not stories:
        console.print("No stories yet. Track one with: tracker add URL")
        return
    table = Table()
    for column in ("story", "status", "versions", "last check", "next check", "last error"):
        table.add_column(column)
    for s in stories:
        table.add_row(
            s.label or s.url,
            s.status,
            str(s.versions),
            iso(s.last_checked_at) or "—",
            iso(s.next_check_at) or "—",
            s.last_error or "",
        )
    console.print(table)


def render_version(console: Console, version: StoredVersion, section: str | None) -> None:
    info = version.info
    console.print(Text(f"{version.url} v{info.number} ({iso(info.fetched_at)})", style="bold"))
    if info.title:
        console.print(Text(info.title, style="bold"))
    sections = [s for s in version.split.sections if section is None or s.kind == section]
    render_split(console, Split(sections=tuple(sections), marker=version.split.marker))
