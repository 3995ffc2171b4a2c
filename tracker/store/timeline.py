"""Read a story's whole history at once: every version's sentence ids, and each text once.

History, blame and the fact timeline walk all versions of a story. Reading them
one :meth:`Store.version` at a time costs a round trip per version; this reads
the story in three queries and keeps sentences as ids, so "unchanged" is an
integer comparison and each distinct sentence text is loaded once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tracker.model import Sentence
from tracker.store.repository import CHUNK, Store, VersionInfo, _version_info, sentence_texts
from tracker.store.schema import Version, VersionSentence


@dataclass(frozen=True)
class VersionRows:
    """One version as ids: its sentences' ids, paragraphs and sections by position."""

    info: VersionInfo
    sentence_ids: tuple[int, ...]
    paragraphs: tuple[int, ...]
    sections: tuple[str, ...]
    facts: list[dict[str, Any]] | None


@dataclass(frozen=True)
class StoryRows:
    """All versions of a story (oldest first) and the text of every sentence they use."""

    url: str
    versions: tuple[VersionRows, ...]
    texts: dict[int, str]

    def sentences(self, index: int) -> tuple[Sentence, ...]:
        """The sentences of ``versions[index]`` as pipeline values."""
        v = self.versions[index]
        return tuple(
            Sentence(self.texts[sid], i, para, section)  # type: ignore[arg-type]
            for i, (sid, para, section) in enumerate(
                zip(v.sentence_ids, v.paragraphs, v.sections, strict=True)
            )
        )


def load_story(
    store: Store,
    url: str,
    *,
    since: datetime | None = None,
    texts: bool = True,
    suspect: bool = False,
) -> StoryRows:
    """A story's versions (all, or those from the last one before ``since``) in three queries;
    flagged (suspect) versions only with ``suspect``."""
    with store.session() as session:
        story = store.story(session, url)
        query = select(Version).where(Version.story_id == story.id)
        if not suspect:
            query = query.where(Version.suspect.is_(None))
        versions = list(session.scalars(query.order_by(Version.number)))
        if since is not None:
            first = max((i for i, v in enumerate(versions) if v.fetched_at < since), default=0)
            versions = versions[first:]
        by_version: dict[int, list[tuple[int, int, str]]] = {v.id: [] for v in versions}
        ids = list(by_version)
        for start in range(0, len(ids), CHUNK):
            rows = session.execute(
                select(
                    VersionSentence.version_id,
                    VersionSentence.sentence_id,
                    VersionSentence.paragraph,
                    VersionSentence.section,
                )
                .where(VersionSentence.version_id.in_(ids[start : start + CHUNK]))
                .order_by(VersionSentence.version_id, VersionSentence.position)
            )
            for version_id, sentence_id, paragraph, section in rows:
                by_version[version_id].append((sentence_id, paragraph, section))
        used = {s for rows in by_version.values() for s, _, _ in rows}
        text_of = sentence_texts(session, used) if texts else {}
        return StoryRows(
            url=url,
            versions=tuple(_rows(v, by_version[v.id]) for v in versions),
            texts=text_of,
        )


def load_texts(store: Store, ids: set[int]) -> dict[int, str]:
    """The texts of the given sentence ids."""
    with store.session() as session:
        return sentence_texts(session, ids)


def _rows(version: Version, rows: list[tuple[int, int, str]]) -> VersionRows:
    return VersionRows(
        info=_version_info(version),
        sentence_ids=tuple(r[0] for r in rows),
        paragraphs=tuple(r[1] for r in rows),
        sections=tuple(r[2] for r in rows),
        facts=version.facts,
    )
