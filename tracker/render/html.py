"""HTML rendering: one self-contained page (inline CSS, no scripts, no network) of a diff.

Facts on top, the aligned diff below as two columns (A | B) in the layout of
:mod:`tracker.render.layout`; a moved sentence's old and new places link to each
other. Every piece of article text goes through :func:`html.escape`, and the
page's Content-Security-Policy forbids scripts, so a ``<script>`` in an article
is shown as text and never runs.
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from tracker.errors import InputError
from tracker.model import FactChange, MetaChange, SentenceOp
from tracker.notes import STEALTH_EVENT
from tracker.queries import LabelledDiff
from tracker.render.layout import SECTION_TITLES, Row, counts, diff_rows

CSS = """
body{font:16px/1.5 Georgia,'Times New Roman',serif;margin:2rem auto;max-width:1150px;
 color:#1d1d1f;background:#fff;padding:0 1rem}
h1{font:600 1.15rem/1.3 system-ui,sans-serif;margin:0 0 .3rem;overflow-wrap:anywhere}
.sub{font:.85rem system-ui,sans-serif;color:#666;margin-bottom:1.2rem}
h2{font:600 .8rem system-ui,sans-serif;text-transform:uppercase;letter-spacing:.06em;color:#555;
 margin:1.6rem 0 .5rem}
ul.facts{list-style:none;padding:0;margin:0}
ul.facts li{padding:.45rem .7rem;margin:.3rem 0;border-left:4px solid #999;background:#f6f6f4}
ul.facts li.resolved{border-color:#1a7f37}
ul.facts li.changed,ul.facts li.quantity{border-color:#bf8700}
ul.facts li.contradicted{border-color:#cf222e}ul.facts li.added{border-color:#2da44e}
ul.facts li.removed{border-color:#d1242f}
ul.facts li.attribution,ul.facts li.certainty{border-color:#0969da}
.label{font-weight:700}.before{color:#a40e26;text-decoration:line-through}
.after{color:#116329;font-weight:700}
.tag{font:.72rem system-ui,sans-serif;color:#777;margin-left:.5rem;text-transform:uppercase}
details{font-size:.85rem;color:#555;margin-top:.2rem}
.event{font:600 .95rem system-ui,sans-serif;color:#8250df;margin:.4rem 0}
.event.stealth{color:#cf222e}ul.facts li.meta{border-color:#0550ae}
ul.facts.other li{border-color:#ccc;color:#555}.sub a{color:#0969da}
table.diff{border-collapse:collapse;width:100%;table-layout:fixed}
table.diff th{font:600 .85rem system-ui,sans-serif;text-align:left;padding:.3rem .5rem;
 border-bottom:2px solid #ddd;overflow-wrap:anywhere}
col.sign{width:3rem}
table.diff td{vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #eee}
td.sign{font:700 .9rem ui-monospace,monospace;text-align:center;color:#777}
tr.section td{font:700 .8rem system-ui,sans-serif;text-transform:uppercase;letter-spacing:.05em;
 color:#8250df;background:#faf7ff;padding-top:.8rem}
tr.skipped td{font:.8rem system-ui,sans-serif;color:#888;text-align:center;background:#fafafa}
tr.equal td{color:#777}
td.del{background:#ffebe9}td.ins{background:#dafbe1}
td.old{background:#fff8c5}td.new{background:#fff8c5}
del{background:#ffc1bd;text-decoration:line-through;color:#82071e}
ins{background:#a6f0b5;text-decoration:none;color:#044f1e}
td.moved{background:#ddf4ff}a.move{font:700 .8rem system-ui,sans-serif;color:#0969da;
 text-decoration:none;margin-right:.4rem}
.dim{color:#999;font-style:italic}
"""

WITHIN_VERSION_NOTE = (
    "Left: the earlier story below the breaking-update marker. Right: the breaking update. "
    "Sentences only on the left are not repeated in the update."
)


def write_diff(
    path: str | Path, view: LabelledDiff, *, context: int | None = None, show_all: bool = False
) -> None:
    """Write the page to ``path`` (UTF-8); a path that cannot be written is an InputError."""
    try:
        Path(path).write_text(diff_page(view, context=context, show_all=show_all), "utf-8")
    except OSError as exc:
        raise InputError(f"--html {path}: cannot write ({exc.strerror})") from None


def human_time(text: str | None) -> str:
    """ "9 Nov 2020, 14:00 UTC" from an ISO-8601 time (as given if it is not one)."""
    if not text:
        return "?"
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value.day} {value:%b %Y, %H:%M} UTC"


def _story_heading(view: LabelledDiff) -> tuple[str, str]:
    """The page's heading (the headline, else the versions) and the line naming the story."""
    diff = view.diff
    meta = (view.b_info.meta if view.b_info else {}) or {}
    headline = meta.get("headline")
    parts = []
    if view.story:
        outlet = meta.get("site") or (urlsplit(view.story).hostname or "")
        parts.append(f'<a href="{escape(view.story)}">{escape(view.story)}</a>')
        if outlet:
            parts.append(f"outlet: {escape(outlet)}")
    for name in ("published", "updated"):
        if meta.get(name):
            parts.append(f"{name} {escape(human_time(meta[name]))}")
    if diff.a.fetched_at or diff.b.fetched_at:
        parts.append(
            f"{escape(diff.a.label)} {escape(human_time(diff.a.fetched_at))} → "
            f"{escape(diff.b.label)} {escape(human_time(diff.b.fetched_at))}"
        )
    title = escape(headline) if headline else f"{escape(diff.a.label)} → {escape(diff.b.label)}"
    return title, " · ".join(parts)


def diff_page(view: LabelledDiff, *, context: int | None = None, show_all: bool = False) -> str:
    """The whole page as a string."""
    diff = view.diff
    c = counts(view)
    title, story = _story_heading(view)
    sub = (
        f"+{c.added} added · ~{c.edited} edited · −{c.removed} "
        f"{'only in earlier story' if view.within_version else 'removed'} · ↕{c.moved} moved"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>tracker diff: {title}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{title}</h1>",
        f'<div class="sub">{story}</div>' if story else "",
        f'<div class="sub">{sub}</div>',
        *(("<h2>Headline and metadata</h2>", _metadata(diff.metadata)) if diff.metadata else ()),
        "<h2>How the facts changed</h2>",
        _facts(diff.facts, unchanged_text=bool(diff.metadata)),
        *(
            ("<h2>Minor and house-style changes</h2>", _others(diff.other_changes))
            if show_all
            else ()
        ),
        *(
            f'<p class="event{" stealth" if e == STEALTH_EVENT else ""}">■ {escape(e)}</p>'
            for e in diff.events
        ),
        "<h2>Sentences</h2>",
        f'<p class="dim">{WITHIN_VERSION_NOTE}</p>' if view.within_version else "",
        _table(view, diff_rows(view, context)),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _metadata(changes: tuple[MetaChange, ...]) -> str:
    items = []
    for change in changes:
        before = escape(change.before) if change.before is not None else "<i>none</i>"
        after = escape(change.after) if change.after is not None else "<i>none</i>"
        items.append(
            f'<li class="meta"><span class="label">{escape(change.label)}:</span> '
            f'<span class="before">{before}</span> → <span class="after">{after}</span></li>'
        )
    return '<ul class="facts">' + "".join(items) + "</ul>"


def _facts(facts: tuple[FactChange, ...], *, unchanged_text: bool = False) -> str:
    if not facts:
        if unchanged_text:
            return '<p class="dim">The facts of the story text are unchanged.</p>'
        return '<p class="dim">No fact changes.</p>'
    return '<ul class="facts">' + "".join(_fact(f) for f in facts) + "</ul>"


def _others(changes: tuple[FactChange, ...]) -> str:
    if not changes:
        return '<p class="dim">None.</p>'
    return '<ul class="facts other">' + "".join(_fact(f, mark=True) for f in changes) + "</ul>"


def _fact(change: FactChange, *, mark: bool = False) -> str:
    label, sep, values = change.summary.partition(": ")
    before, arrow, after = values.partition(" → ")
    if sep and arrow:
        body = (
            f'<span class="label">{escape(label)}:</span> <span class="before">'
            f'{escape(before)}</span> → <span class="after">{escape(after)}</span>'
        )
    elif sep:
        body = f'<span class="label">{escape(label)}:</span> {escape(values)}'
    else:
        body = escape(change.summary)
    evidence = ""
    if change.evidence_a or change.evidence_b:
        rows = []
        if change.evidence_a and change.evidence_a != change.evidence_b:
            rows.append(f"<div>before: “{escape(change.evidence_a)}”</div>")
        if change.evidence_b:
            rows.append(f"<div>after: “{escape(change.evidence_b)}”</div>")
        evidence = f"<details><summary>evidence</summary>{''.join(rows)}</details>"
    tag = f'<span class="tag">{escape(change.change)}</span>'
    if mark:
        why = f": {change.reason}" if change.significance == "style" and change.reason else ""
        tag += f'<span class="tag significance">{escape(change.significance + why)}</span>'
    return f'<li class="{escape(change.change)}">{body}{tag}{evidence}</li>'


def _words(op: SentenceOp, show: str) -> str:
    """The sentence with word changes as <del>/<ins>; ``show`` is "-", "+" or "-+"."""
    if not op.words:
        return escape(op.b_text if "+" in show else op.a_text)
    out = []
    for kind, words in op.words:
        if kind == "=":
            out.append(escape(words))
        elif kind in show:
            tag = "del" if kind == "-" else "ins"
            out.append(f"<{tag}>{escape(words)}</{tag}>")
    return "".join(out)


def _move_link(row: Row, here: str, there: str) -> str:
    arrow = "↓" if row.direction == "down" else "↑"
    return (
        f'<a class="move" id="move-{row.move}-{here}" href="#move-{row.move}-{there}" '
        f'title="moved {escape(row.direction or "")}">⟨{row.move}⟩{arrow}</a>'
    )


def _row(view: LabelledDiff, row: Row) -> str:
    if row.kind == "section":
        title = escape(SECTION_TITLES.get(row.section or "", row.section or ""))
        return f'<tr class="section"><td></td><td colspan="2">{title}</td></tr>'
    if row.kind == "skipped":
        noun = "sentence" if row.skipped == 1 else "sentences"
        return f'<tr class="skipped"><td colspan="3">⋯ {row.skipped} unchanged {noun}</td></tr>'
    op = row.op
    assert op is not None
    if row.kind == "moved_from":
        link = _move_link(row, "from", "to")
        return (
            f'<tr class="moved"><td class="sign">{link}</td><td class="moved">'
            f'{escape(op.a_text)}</td><td class="dim">moved {escape(row.direction or "")}'
            "</td></tr>"
        )
    if op.op == "moved":
        link = _move_link(row, "to", "from")
        return (
            f'<tr class="moved"><td class="sign">{link}</td><td class="dim">moved '
            f'{escape(row.direction or "")}</td><td class="moved">{_words(op, "+")}</td></tr>'
        )
    if op.op == "equal":
        return (
            f'<tr class="equal"><td class="sign"></td><td>{escape(op.a_text)}</td>'
            f"<td>{escape(op.b_text)}</td></tr>"
        )
    if op.op == "added":
        return (
            f'<tr class="added"><td class="sign">+</td><td></td>'
            f'<td class="ins">{escape(op.b_text)}</td></tr>'
        )
    if op.op == "removed":
        sign, css = ("·", "dim") if view.within_version else ("−", "del")
        return (
            f'<tr class="removed"><td class="sign">{sign}</td>'
            f'<td class="{css}">{escape(op.a_text)}</td><td></td></tr>'
        )
    sign = {"edited": "~", "split": "⇉", "merged": "⇇"}.get(op.op, "~")
    return (
        f'<tr class="{escape(op.op)}"><td class="sign">{sign}</td>'
        f'<td class="old">{_words(op, "-")}</td><td class="new">{_words(op, "+")}</td></tr>'
    )


def _table(view: LabelledDiff, rows: list[Row]) -> str:
    a, b = view.diff.a.label, view.diff.b.label
    if view.within_version:
        a, b = "Earlier story", "Breaking update"
    head = f"<tr><th></th><th>{escape(a)}</th><th>{escape(b)}</th></tr>"
    cols = '<colgroup><col class="sign"><col><col></colgroup>'
    body = "\n".join(_row(view, row) for row in rows)
    return f'<table class="diff">{cols}<thead>{head}</thead><tbody>\n{body}\n</tbody></table>'
