"""The JSON documents other tools rely on (DESIGN.md "Interfaces"): add fields, never rename."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from tracker.model import Diff, Split
from tracker.store import StoredVersion, StoryInfo, VersionInfo


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def diff_document(diff: Diff) -> dict[str, Any]:
    return {
        "a": {"label": diff.a.label, "fetched_at": diff.a.fetched_at},
        "b": {"label": diff.b.label, "fetched_at": diff.b.fetched_at},
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
    }


def history_document(url: str, versions: list[VersionInfo]) -> dict[str, Any]:
    return {"story": url, "versions": [version_document(v) for v in versions]}


def list_document(stories: list[StoryInfo]) -> dict[str, Any]:
    return {
        "stories": [
            {
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
