"""Annotate a semantic diff with what lies beyond the body text.

:func:`tracker.semdiff.diff` compares the story text. A standards editor also
watches the headline and its furniture, and the notes an outlet adds when it
changes a story. This stage adds to a :class:`~tracker.model.Diff`:

- ``metadata``: the headline and metadata fields that changed (headline first);
- ``notes``: correction and editor's notes that arrived in B, each also an event;
- ``stealth_edit``: B changed facts (significance ``fact``) with no such note and no
  new breaking update under its marker.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from tracker.metadata import meta_changes
from tracker.model import Diff, Note
from tracker.notes import STEALTH_EVENT, arrived, is_stealth_edit, note_event


def annotate(
    diff: Diff,
    a_meta: Mapping[str, str] | None,
    b_meta: Mapping[str, str] | None,
    a_notes: Sequence[Note],
    b_notes: Sequence[Note],
    *,
    announced: bool = False,
    structure: tuple[str, ...] | None = None,
) -> Diff:
    """``diff`` with its metadata changes, arrived notes and stealth-edit flag filled in.

    ``announced``: B's changes come under a new or revised breaking-update marker, so they
    are no stealth edit (:func:`tracker.notes.announced_update`). ``structure``: the
    structural events (:func:`tracker.events.split_events`) in place of the diff's own.
    """
    new_notes = arrived(a_notes, b_notes)
    stealth = is_stealth_edit(diff, new_notes, announced=announced)
    events = (
        *(diff.events if structure is None else structure),
        *(note_event(n) for n in new_notes),
        *((STEALTH_EVENT,) if stealth else ()),
    )
    return replace(
        diff,
        metadata=meta_changes(a_meta, b_meta),
        notes=new_notes,
        stealth_edit=stealth,
        events=events,
    )
