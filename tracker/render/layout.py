"""The reading layout of a sentence diff, shared by the terminal and HTML renderers.

Turns a :class:`~tracker.queries.LabelledDiff` into rows in reading order:
section labels where the story's sections change, each moved sentence once at
its new place with a paired marker at its old place (as Wikipedia's diff does),
and runs of unchanged sentences beyond ``context`` folded into one "skipped"
row. Plain data; each renderer decides how a row looks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tracker.model import SentenceOp
from tracker.queries import ChangeCounts, LabelledDiff, count_changes

RowKind = Literal["op", "moved_from", "skipped", "section"]

SECTION_TITLES = {
    "update": "Breaking update",
    "earlier": "Earlier story",
    "body": "Story",
    "earlier-only": "Only in the earlier story (not repeated in the update)",
}


@dataclass(frozen=True)
class Row:
    """One line of the diff: an op, the old place of a move, a folded run, or a section label.

    ``move`` numbers a moved sentence's two rows alike; ``direction`` says where
    the other row is ("up" or "down"). ``skipped`` counts a folded run.
    """

    kind: RowKind
    op: SentenceOp | None = None
    section: str | None = None
    move: int | None = None
    direction: str | None = None
    skipped: int = 0


def is_change(op: SentenceOp) -> bool:
    return op.op != "equal"


def counts(view: LabelledDiff) -> ChangeCounts:
    return count_changes(view.diff.sentences)


def _section_of(view: LabelledDiff, row: Row) -> str | None:
    """The B section a row reads in; removed sentences and old places of moves have none
    of their own (they sit in B's flow), so they never start a new section label."""
    op = row.op
    if op is None or row.kind != "op" or not op.b:
        return None
    return _at(view.b_sections, op.b[0])


def _at(sections: tuple[str, ...], index: int) -> str | None:
    return sections[index] if 0 <= index < len(sections) else None


def _has_sections(view: LabelledDiff) -> bool:
    return any(s != "body" for s in (*view.a_sections, *view.b_sections))


def _with_move_markers(view: LabelledDiff) -> list[Row]:
    """Ops in reading order plus, for each moved sentence, a marker where it used to be."""
    ops = list(view.diff.sentences)
    numbers: dict[int, int] = {}
    for position, op in enumerate(ops):
        if op.op == "moved":
            numbers[position] = len(numbers) + 1
    # The old place of a move: after the last op (not itself moved) holding an earlier A sentence.
    after: dict[int, list[int]] = {}
    for position in numbers:
        old = ops[position].a[0]
        anchor = -1
        for k, op in enumerate(ops):
            if op.op != "moved" and op.a and max(op.a) < old:
                anchor = k
        after.setdefault(anchor, []).append(position)
    rows: list[Row] = []

    def markers(anchor: int) -> None:
        for position in after.get(anchor, []):
            direction = "down" if position > anchor else "up"
            rows.append(
                Row("moved_from", ops[position], move=numbers[position], direction=direction)
            )

    markers(-1)
    for position, op in enumerate(ops):
        if op.op == "moved":
            old_anchor = next(k for k, moved in after.items() if position in moved)
            direction = "up" if old_anchor >= position else "down"
            rows.append(Row("op", op, move=numbers[position], direction=direction))
        else:
            rows.append(Row("op", op))
        markers(position)
    return rows


def _fold(rows: list[Row], context: int) -> list[Row]:
    """Keep changes and ``context`` unchanged rows either side; fold the rest into counts.

    A folded run does not cross a section boundary, so it takes its section's label.
    """
    changed = [
        k for k, row in enumerate(rows) if row.kind != "op" or (row.op and is_change(row.op))
    ]
    keep = set()
    for k in changed:
        keep.update(range(k - context, k + context + 1))
    out: list[Row] = []
    run: list[Row] = []

    def flush() -> None:
        if run:
            out.append(Row("skipped", section=run[0].section, skipped=len(run)))
            run.clear()

    for k, row in enumerate(rows):
        if k in keep:
            flush()
            out.append(row)
        else:
            if run and run[0].section != row.section:
                flush()
            run.append(row)
    flush()
    return out


def diff_rows(view: LabelledDiff, context: int | None = 0) -> list[Row]:
    """The rows to show: ``context`` unchanged sentences around changes (None: all), and
    a section label wherever the story's section changes.

    Inside one version (update vs earlier story) the update is read in its order and
    the earlier story's sentences it does not repeat come last, under their own label.
    """
    rows = _with_move_markers(view)
    if view.within_version:
        return _update_then_rest(rows, context)
    sectioned = [Row(r.kind, r.op, _section_of(view, r), r.move, r.direction) for r in rows]
    if context is not None:
        sectioned = _fold(sectioned, context)
    if not _has_sections(view):
        return sectioned
    out: list[Row] = []
    current: str | None = None
    for row in sectioned:
        if row.section is not None and row.section != current:
            out.append(Row("section", section=row.section))
            current = row.section
        out.append(row)
    return out


def _update_then_rest(rows: list[Row], context: int | None) -> list[Row]:
    in_update = [r for r in rows if r.kind != "op" or (r.op and r.op.b)]
    rest = [r for r in rows if r.kind == "op" and r.op and not r.op.b]
    if context is not None:
        in_update = _fold(in_update, context)
    if not rest:
        return in_update
    return [*in_update, Row("section", section="earlier-only"), *rest]
