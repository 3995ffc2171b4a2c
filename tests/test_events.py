"""Structural events are right, in diff and in history: every kind, from both sides."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker import queries
from tracker.events import Shape, event_kinds
from tracker.ingest import ingest_file
from tracker.store import Store

URL = "https://news.example/world/quake-events"
MARKER = "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below."
UPDATE = (
    "PORTVILLE, Examplia (AP) — The death toll from Monday's quake rose to 40 on Tuesday, "
    "the interior ministry said."
)
UPDATE2 = (
    "PORTVILLE, Examplia (AP) — The death toll from Monday's quake rose to 55 on Tuesday, "
    "the interior ministry said."
)
EARLIER = (
    "PORTVILLE, Examplia (AP) — A strong earthquake struck the coastal city of Portville on "
    "Monday, killing at least 12 people, officials said.\n\n"
    "Rescuers were searching collapsed buildings in the old town, the mayor said."
)
BULLETIN = "THIS IS A BREAKING NEWS UPDATE."

TEXTS = {
    "plain": EARLIER,
    "update": f"{UPDATE}\n\n{MARKER}\n\n{EARLIER}",
    "update2": f"{UPDATE2}\n\n{MARKER}\n\n{EARLIER}",
    "marker_only": f"{MARKER}\n\n{EARLIER}",
    "bulletin": f"{BULLETIN}\n\n{UPDATE}",
    "rewritten": UPDATE2 + "\n\n" + EARLIER.replace("at least 12", "at least 55"),
}


def stored(store: Store, tmp_path: Path, *names: str) -> None:
    for n, name in enumerate(names):
        path = tmp_path / f"{n}_{name}.txt"
        path.write_text(TEXTS[name], encoding="utf-8")
        assert ingest_file(store, URL, path, facts=False).stored


CASES = [
    # (before, after, the diff's event starts with, history's event)
    (
        "plain",
        "update",
        "A breaking update arrived above the earlier story",
        "breaking update arrived",
    ),
    ("update", "update2", "The breaking update was revised.", "breaking update revised"),
    (
        "update",
        "rewritten",
        "The breaking-update marker was dropped",
        "marker dropped: story rewritten",
    ),
    (
        "update",
        "marker_only",
        "The breaking-update marker stayed, but the update",
        "update gone, marker kept",
    ),
    ("marker_only", "update", "The breaking update was revised.", "breaking update revised"),
    ("plain", "bulletin", "A breaking bulletin arrived", "breaking bulletin arrived"),
]


@pytest.mark.parametrize(("before", "after", "in_diff", "in_history"), CASES)
def test_each_structural_event_in_diff_and_history(
    store: Store, tmp_path: Path, before: str, after: str, in_diff: str, in_history: str
) -> None:
    stored(store, tmp_path, before, after)
    diff = queries.diff_versions(store, URL).diff
    structural = [e for e in diff.events if not e.startswith(("Stealth", "Correction"))]
    assert len(structural) == 1 and structural[0].startswith(in_diff), diff.events
    assert queries.history(store, URL)[1].events == (in_history,)


def test_a_version_that_keeps_its_marker_and_update_has_no_structural_event(
    store: Store, tmp_path: Path
) -> None:
    stored(store, tmp_path, "update")
    path = tmp_path / "same_update.txt"
    path.write_text(TEXTS["update"] + "\n\nThe mayor thanked the rescuers.", encoding="utf-8")
    ingest_file(store, URL, path, facts=False)
    diff = queries.diff_versions(store, URL).diff
    assert not [e for e in diff.events if "marker" in e or "update" in e.lower()]
    assert queries.history(store, URL)[1].events == ()


def test_a_kept_marker_is_never_reported_as_dropped() -> None:
    """Whatever happens to the sections, a B that still has its marker did not drop it."""
    shapes = [
        Shape(MARKER, ("update", "earlier"), "u1"),
        Shape(MARKER, ("earlier",), None),
        Shape(MARKER, ("update",), "u2"),
        Shape(MARKER, ("body",), None),
    ]
    for a in [*shapes, Shape(None, ("body",), None)]:
        for b in shapes:
            assert "dropped" not in event_kinds(a, b)


def test_no_marker_on_either_side_is_no_event() -> None:
    assert event_kinds(Shape(None, ("body",), None), Shape(None, ("body",), None)) == ()
