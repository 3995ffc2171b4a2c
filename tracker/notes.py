"""Notes: correction notes and editor's notes in a version's text, and the stealth-edit flag.

Outlets append or prepend a note when they change a story: "Correction: …",
"An earlier version of this story misstated …", "This story has been updated to
…", "Editor's note: …". The phrasings are data (``notes.toml``, plus a file named
by ``TRACKER_NOTES``), like the breaking-update markers. A note that is in B but
not in A has *arrived*; a version whose fact changes (significance ``fact``)
arrive with no such note is a **stealth edit**.

    >>> from tracker.notes import find_notes
    >>> find_notes(["Correction: An earlier version misstated the toll."])[0].kind
    'correction'
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from tracker.errors import InputError
from tracker.model import Diff, Note, Split
from tracker.sites import rules_for

_FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
KIND_LABELS = {
    "correction": "Correction",
    "clarification": "Clarification",
    "update": "Update note",
    "editors-note": "Editor's note",
    "retraction": "Retraction",
}


@dataclass(frozen=True)
class NotePattern:
    """One phrasing of a note, compiled from ``notes.toml``."""

    kind: str
    pattern: re.Pattern[str]


@cache
def load_patterns(extra: str | None = None) -> tuple[NotePattern, ...]:
    """The bundled note patterns, plus those of the TOML file ``extra`` (``TRACKER_NOTES``)."""
    tables = [tomllib.loads(resources.files("tracker").joinpath("notes.toml").read_text())]
    if extra:
        try:
            tables.append(tomllib.loads(Path(extra).read_text()))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"TRACKER_NOTES={extra}: cannot read note patterns ({exc})") from None
    try:
        return tuple(
            NotePattern(entry["kind"], re.compile(entry["pattern"], re.I))
            for table in tables
            for entry in table.get("note", [])
        )
    except (KeyError, re.error) as exc:
        raise InputError(f"note patterns: bad entry ({exc})") from None


def find_notes(
    paragraphs: Iterable[str], patterns: Sequence[NotePattern] | None = None
) -> tuple[Note, ...]:
    """The paragraphs that are (or end with) a correction or editor's note, in order."""
    patterns = patterns if patterns is not None else load_patterns(os.environ.get("TRACKER_NOTES"))
    found: list[Note] = []
    for paragraph in paragraphs:
        folded = " ".join(paragraph.translate(_FOLD).split())
        for entry in patterns:
            if entry.pattern.search(folded):
                found.append(Note(entry.kind, " ".join(paragraph.split())))
                break
    return tuple(found)


def split_notes(split: Split, *, url: str | None = None) -> tuple[Note, ...]:
    """The notes of a version: its headline furniture and every section's paragraphs.

    ``url``: the story's address, whose site may add correction-note patterns
    (``corrections`` in ``tracker.toml``, :mod:`tracker.sites`).
    """
    patterns = None
    site = rules_for(url, fresh=True) if url else None
    if site is not None and site.corrections:
        base = load_patterns(os.environ.get("TRACKER_NOTES"))
        patterns = (*site_patterns(site.corrections), *base)
    paragraphs = [*split.header, *(p for s in split.sections for p in s.paragraphs)]
    return find_notes(paragraphs, patterns)


@cache
def site_patterns(patterns: tuple[str, ...]) -> tuple[NotePattern, ...]:
    """A site's correction-note patterns (each note they find is of kind ``correction``)."""
    try:
        return tuple(NotePattern("correction", re.compile(p, re.I)) for p in patterns)
    except re.error as exc:
        raise InputError(f"site correction patterns: not a regular expression ({exc})") from None


def arrived(before: Sequence[Note], after: Sequence[Note]) -> tuple[Note, ...]:
    """The notes of B that A did not have (by their text)."""
    seen = {_key(n.text) for n in before}
    return tuple(n for n in after if _key(n.text) not in seen)


def _key(text: str) -> str:
    return " ".join(text.translate(_FOLD).lower().split())


def is_stealth_edit(diff: Diff, new_notes: Sequence[Note], *, announced: bool = False) -> bool:
    """Fact changes (significance ``fact``) that arrive with no correction or editor's note.

    ``announced``: B carries a breaking update that is new or revised under its marker
    ("THIS IS A BREAKING NEWS UPDATE"), which tells readers the story changed.
    """
    return any(c.significance == "fact" for c in diff.facts) and not new_notes and not announced


def announced_update(a: Split, b: Split) -> bool:
    """B shows readers a breaking update, under its marker, that A did not have as it is."""
    update = b.section("update")
    return b.marker is not None and update is not None and update != a.section("update")


def note_event(note: Note) -> str:
    return f"{KIND_LABELS.get(note.kind, note.kind)} note added: “{note.text}”"


_NOTE_EVENT = re.compile(r"^(?P<label>.+?) note added: “(?P<text>.*)”$", re.S)
_LABEL_KINDS = {label: kind for kind, label in KIND_LABELS.items()}


def event_note(event: str) -> Note | None:
    """The note that an event worded by :func:`note_event` announces (None for other events)."""
    found = _NOTE_EVENT.match(event)
    if found is None:
        return None
    label = found.group("label")
    return Note(_LABEL_KINDS.get(label, label), found.group("text"))


STEALTH_EVENT = "Stealth edit: the facts changed with no correction or editor's note."


def notes_json(notes: Iterable[Note]) -> list[dict[str, str]]:
    return [{"kind": n.kind, "text": n.text} for n in notes]


def notes_from_json(rows: Iterable[dict[str, str]] | None) -> tuple[Note, ...]:
    return tuple(Note(r["kind"], r["text"]) for r in rows or ())
