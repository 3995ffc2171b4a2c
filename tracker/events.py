"""Structural events: what happened to a story's breaking-update marker and sections.

A reader sees "a breaking update arrived" or "the marker was dropped" as one event, not as
a wall of sentence edits. The events are decided from what each version has (its marker,
its section kinds, its update text) and nothing else, so a version that keeps its marker
is never reported as having dropped it. ``diff`` words them in full, ``history`` briefly.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from tracker.model import Split

# kind -> (the sentence diff shows, the words history shows)
WORDING = {
    "arrived": (
        "A breaking update arrived above the earlier story ({marker}).",
        "breaking update arrived",
    ),
    "bulletin": ("A breaking bulletin arrived ({marker}).", "breaking bulletin arrived"),
    "revised": ("The breaking update was revised.", "breaking update revised"),
    "update_gone": (
        "The breaking-update marker stayed, but the update above it is gone: only the "
        "earlier story is left below the marker.",
        "update gone, marker kept",
    ),
    "earlier_added": (
        "The earlier story was added below the breaking update.",
        "earlier story added below the update",
    ),
    "dropped": (
        "The breaking-update marker was dropped: the story was rewritten as one text.",
        "marker dropped: story rewritten",
    ),
}


@dataclass(frozen=True)
class Shape:
    """What the events look at in one version."""

    marker: str | None
    kinds: tuple[str, ...]
    update: Hashable  # the update section's text (or sentence ids): equal means unchanged


def split_shape(split: Split) -> Shape:
    update = split.section("update")
    return Shape(split.marker, tuple(split.kinds), update.text if update else None)


def event_kinds(a: Shape, b: Shape) -> tuple[str, ...]:
    """The structural events from A to B, as :data:`WORDING` keys."""
    had, has = "update" in a.kinds, "update" in b.kinds
    if b.marker is None:
        return ("dropped",) if a.marker is not None or had else ()
    if has and not had:
        if a.marker is not None and "earlier" in a.kinds:
            return ("revised",)  # the marker stood over an empty update; now it has text
        return ("arrived",) if "earlier" in b.kinds else ("bulletin",)
    if had and not has:
        return ("update_gone",)
    out: list[str] = []
    if had and has and a.update != b.update:
        out.append("revised")
    if "earlier" in b.kinds and "earlier" not in a.kinds and had:
        out.append("earlier_added")
    return tuple(out)


def describe(kinds: Sequence[str], marker: str | None, *, short: bool = False) -> tuple[str, ...]:
    return tuple(WORDING[k][1 if short else 0].format(marker=marker or "") for k in kinds)


def split_events(a: Split, b: Split) -> tuple[str, ...]:
    """The events of a diff from version A to version B, worded in full."""
    return describe(event_kinds(split_shape(a), split_shape(b)), b.marker)
