"""The JSON documents other tools rely on (DESIGN.md "Interfaces"): add fields, never rename."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracker.metadata import meta_json
from tracker.model import Diff, Split
from tracker.notes import notes_json
from tracker.store import StoredVersion, StoryInfo, VersionInfo

if TYPE_CHECKING:
    from tracker.queries import (
        Blame,
        ChangeCounts,
        FactTimelines,
        LabelledDiff,
        SearchHit,
        VersionSummary,
    )


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def diff_document(diff: Diff) -> dict[str, Any]:
    return {
        "a": {"label": diff.a.label, "fetched_at": diff.a.fetched_at},
        "b": {"label": diff.b.label, "fetched_at": diff.b.fetched_at},
        "metadata": [meta_json(change) for change in diff.metadata],
        "notes": notes_json(diff.notes),
        "stealth_edit": diff.stealth_edit,
        "events": list(diff.events),
        "sentences": [
            {
                "op": op.op,
                "a": list(op.a),
                "b": list(op.b),
                "a_text": op.a_text,
                "b_text": op.b_text,
                "words": [list(w) for w in op.words],
                "similarity": round(op.similarity, 3),
            }
            for op in diff.sentences
        ],
        "facts": [asdict(change) for change in diff.facts],
        "other_changes": [asdict(change) for change in diff.other_changes],
    }


def split_document(split: Split) -> dict[str, Any]:
    return {
        "marker": split.marker,
        "header": list(split.header),
        "sections": [{"kind": s.kind, "text": s.text} for s in split.sections],
    }


def version_document(v: VersionInfo) -> dict[str, Any]:
    return {
        "number": v.number,
        "fetched_at": iso(v.fetched_at),
        "words": v.words,
        "sections": list(v.sections),
        "marker": v.marker,
        "reverts_to": v.reverts_to,
        "title": v.title,
        "meta": dict(v.meta),
        "notes": notes_json(v.notes) if v.notes is not None else None,
        "suspect": v.suspect,
    }


def list_document(stories: list[StoryInfo]) -> dict[str, Any]:
    return {
        "stories": [
            {
                "id": s.id,
                "url": s.url,
                "label": s.label,
                "versions": s.versions,
                "status": s.status,
                "every_seconds": s.every_seconds,
                "last_checked_at": iso(s.last_checked_at),
                "next_check_at": iso(s.next_check_at),
                "last_error": s.last_error,
            }
            for s in stories
        ]
    }


def show_document(version: StoredVersion) -> dict[str, Any]:
    return {
        "story": version.url,
        "version": version_document(version.info),
        **split_document(version.split),
    }


# -- query documents (history summaries, fact timeline, blame, search, labelled diff) --------


def labelled_diff_document(view: LabelledDiff) -> dict[str, Any]:
    """The diff document, each sentence with the section it sits in (B's, or A's if removed)."""
    document = diff_document(view.diff)
    for entry, op in zip(document["sentences"], view.diff.sentences, strict=True):
        side, index = (view.b_sections, op.b[0]) if op.b else (view.a_sections, op.a[0])
        entry["section"] = side[index] if index < len(side) else None
    document["within_version"] = view.within_version
    # Stored versions: the story and each side's version number and time (null for files).
    document["story"] = view.story
    for key, info in (("a", view.a_info), ("b", view.b_info)):
        document[key]["version"] = info.number if info else None
        document[key]["title"] = info.title if info else None
    return document


def counts_document(counts: ChangeCounts | None) -> dict[str, int] | None:
    return asdict(counts) if counts else None


def history_summary_document(url: str, summaries: list[VersionSummary]) -> dict[str, Any]:
    """``history --json``: the documented version fields plus what each version changed."""
    return {
        "story": url,
        "versions": [
            {
                **version_document(s.info),
                "changes": counts_document(s.changes),
                "headline": s.headline,
                "events": list(s.events),
                "facts_pending": s.facts_pending,
                "first_change": s.first_change,
                "metadata": [meta_json(change) for change in s.metadata],
                "notes_added": notes_json(s.notes),
                "stealth_edit": s.stealth_edit,
            }
            for s in summaries
        ],
    }


def facts_document(timelines: FactTimelines) -> dict[str, Any]:
    """``facts --json``: each fact's values across versions."""
    return {
        "story": timelines.story,
        "facts": [
            {
                "label": f.label,
                "kind": f.kind,
                "subject": f.subject,
                "slot": f.slot,
                "values": [asdict(p) for p in f.points],
            }
            for f in timelines.facts
        ],
        "pending": list(timelines.pending),
    }


def blame_document(blame: Blame) -> dict[str, Any]:
    """``blame --json``: each sentence of one version with where it came from."""
    return {
        "story": blame.story,
        "version": version_document(blame.version),
        "sentences": [asdict(line) for line in blame.lines],
    }


def search_document(phrase: str, hits: list[SearchHit]) -> dict[str, Any]:
    """``search --json``: per story, when the phrase appeared and when it disappeared."""
    return {
        "query": phrase,
        "stories": [
            {
                "story": h.story,
                "appeared": {"version": h.appeared.first, "fetched_at": iso(h.appeared.first_at)},
                "disappeared": (
                    {"version": h.spans[-1].gone, "fetched_at": iso(h.spans[-1].gone_at)}
                    if h.disappeared
                    else None
                ),
                "spans": [{"first": s.first, "last": s.last, "gone": s.gone} for s in h.spans],
                "sentence": h.sentence,
                "where": h.where,
            }
            for h in hits
        ],
    }
