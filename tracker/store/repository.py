"""Store: read and write stories, versions, sentences and the check log.

Plain dataclasses go in and out; the ORM models never leave this package.
A version is written in one transaction with all its sentences, or not at all.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy.exc
from sqlalchemy import Engine, delete, event, func, insert, select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.attributes import set_committed_value

from tracker.errors import InputError, NotFoundError, ReadOnlyDatabaseError, require_text
from tracker.metadata import article_meta, meta_text
from tracker.model import Article, Note, Section, Sentence, Split
from tracker.notes import notes_from_json, notes_json, split_notes
from tracker.store.database import FileWatch, open_database, translate_errors
from tracker.store.schema import (
    Check,
    SentenceText,
    Story,
    Version,
    VersionDiff,
    VersionSentence,
    fitting,
)
from tracker.urls import URL_CHARS, looks_like_url, normalise_story_url, url_part

# Values per IN (…) list or multi-row INSERT: far below every backend's parameter limit.
CHUNK = 500
# Tries of a write that lost a unique-key race to a concurrent writer (see Store.write).
WRITE_ATTEMPTS = 20
WRITE_BACKOFF = 0.02  # seconds; the pause before retry k is up to k times this
T = TypeVar("T")
# How far in the future a capture time may be (clock skew between machines). A version dated
# later would hold back every version after it, polled ones included, until that time.
FUTURE_SKEW = timedelta(minutes=5)
log = logging.getLogger("tracker.store")


def utcnow() -> datetime:
    return datetime.now(UTC)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StoryInfo:
    """A tracked story as ``tracker list`` shows it."""

    url: str
    label: str | None
    status: str
    versions: int
    created_at: datetime
    last_checked_at: datetime | None
    next_check_at: datetime | None
    last_error: str | None
    every_seconds: int | None
    id: int = 0  # what `tracker list` shows, and what commands take instead of the URL


@dataclass(frozen=True)
class VersionInfo:
    """One version's metadata, without its text."""

    number: int
    fetched_at: datetime
    words: int
    sections: tuple[str, ...]
    marker: str | None
    reverts_to: int | None
    title: str | None
    has_facts: bool
    # Headline and metadata fields (tracker.metadata.FIELDS keys; only those it has).
    meta: dict[str, str] = field(default_factory=dict)
    # Correction / editor's notes found at ingest; None on versions stored before 0003.
    notes: tuple[Note, ...] | None = None
    # Why the quality gate doubted this text (a flagged version, hidden unless asked for).
    suspect: str | None = None


@dataclass(frozen=True)
class StoredVersion:
    """One version with its text: sections, sentences and (when extracted) facts."""

    url: str
    info: VersionInfo
    split: Split
    sentences: tuple[Sentence, ...]
    facts: list[dict[str, Any]] | None


@dataclass(frozen=True)
class SaveResult:
    """What ingest did: stored a new version, or found the text unchanged."""

    url: str
    stored: bool
    number: int
    reverts_to: int | None = None


def canonical_text(article: Article, split: Split) -> str:
    """The text whose hash decides whether a version is new: headline, marker, sections, and
    the headline furniture (subheadline, byline, dateline, the page's other headlines).

    Times are not in it: a page that stamps every fetch with a new time has not changed.
    """
    extra = meta_text({k: v for k, v in article_meta(article).items() if k != "headline"})
    return legacy_canonical_text(article, split) + (f"\n\n[meta]\n{extra}" if extra else "")


def legacy_canonical_text(article: Article, split: Split) -> str:
    """The canonical text of versions stored before revision 0003 (no metadata in it)."""
    parts = [article.title or "", split.marker or ""]
    parts += [f"[{s.kind}]\n{s.text}" for s in split.sections]
    return "\n\n".join(parts)


@dataclass(frozen=True)
class _Stored:
    """What a caller gives with a version besides its text."""

    fetched_at: datetime | None
    facts: list[dict[str, Any]] | None
    raw_html: bytes | None
    final_url: str | None
    suspect: str | None


class Store:
    """The tracker database. ``Store(url)`` connects and migrates; use as a context manager."""

    def __init__(self, url: str | None = None, *, engine: Engine | None = None) -> None:
        self.engine = engine or open_database(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.watch = FileWatch(self.engine)  # is the SQLite file still there? (tracker run)
        # Facts extracted while the database is read-only, by version id: they serve this
        # process (history, diff) and are never written (see set_facts).
        self._unsaved_facts: dict[int, list[dict[str, Any]]] = {}

    def close(self) -> None:
        self.watch.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with translate_errors(self.engine), self._sessions.begin() as session:
            if self._unsaved_facts:
                event.listen(session, "loaded_as_persistent", self._with_unsaved_facts)
            yield session

    def _with_unsaved_facts(self, _session: Session, instance: object) -> None:
        if isinstance(instance, Version) and instance.facts is None:
            facts = self._unsaved_facts.get(instance.id)
            if facts is not None:
                set_committed_value(instance, "facts", facts)  # not a change to write

    def write(self, work: Callable[[Session], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
        """``work(session)`` in one transaction, run again from the start when a concurrent
        writer took the same unique key first (two ingests of one story at once both
        numbering their version N+1): the second run sees the first one's version."""
        with translate_errors(self.engine):
            for attempt in range(1, attempts + 1):
                try:
                    with self._sessions.begin() as session:
                        return work(session)
                except sqlalchemy.exc.IntegrityError:
                    if attempt == attempts:
                        raise
                    # a random pause, longer each time: two writers that keep colliding
                    # stop doing so, and the one that lost does not lose every round
                    time.sleep(random.uniform(0, WRITE_BACKOFF * attempt))
            raise AssertionError("unreachable")  # pragma: no cover

    # -- stories ---------------------------------------------------------------

    def story(self, session: Session, url: str) -> Story:
        """The story ``url`` names: its URL (normalised or not), label, id or unique URL part."""
        require_text(url, "story")
        story = session.scalar(select(Story).where(Story.url == url))
        return story if story is not None else _find_story(session, url)

    def resolve(self, ref: str, *, new: bool = False) -> str:
        """The stored URL of the story ``ref`` names (see :meth:`story`). With ``new``, a URL
        that names no story yet is returned normalised (for ``add`` and ``ingest``)."""
        with self.session() as session:
            try:
                return self.story(session, ref).url
            except NotFoundError:
                if new:
                    return normalise_story_url(ref)  # or InputError: not a story URL
                raise

    def ensure_story(self, session: Session, url: str, **fields: Any) -> Story:
        story = session.scalar(select(Story).where(Story.url == url))
        if story is None:
            story = Story(url=url, created_at=utcnow(), status="active", failures=0, **fields)
            session.add(story)
            session.flush()
        return story

    def list_stories(self) -> list[StoryInfo]:
        counts = (
            select(Version.story_id, func.count().label("n")).group_by(Version.story_id).subquery()
        )
        query = (
            select(Story, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.story_id == Story.id)
            .order_by(Story.url)
        )
        with self.session() as session:
            return [_story_info(story, n) for story, n in session.execute(query)]

    # -- versions --------------------------------------------------------------

    def save_version(
        self,
        url: str,
        article: Article,
        split: Split,
        sentences: Sequence[Sentence],
        *,
        fetched_at: datetime | None = None,
        facts: list[dict[str, Any]] | None = None,
        raw_html: bytes | None = None,
        final_url: str | None = None,
        session: Session | None = None,
        suspect: str | None = None,
    ) -> SaveResult:
        """Store a new version unless its text equals the latest one. One transaction
        (or a part of the caller's ``session``: an import writes a whole story in one).

        ``suspect`` (why the quality gate doubts the text) stores it as a flagged version,
        hidden unless asked for. The same text stored again without it clears the flag;
        a text equal to the last unflagged version after a flagged one is not new.
        """
        digest = text_hash(canonical_text(article, split))

        def save(session: Session) -> SaveResult:
            return self._save_version(
                session,
                url,
                article,
                split,
                sentences,
                digest,
                _Stored(fetched_at, facts, raw_html, final_url, suspect),
            )

        return self.write(save) if session is None else save(session)

    def _save_version(
        self,
        session: Session,
        url: str,
        article: Article,
        split: Split,
        sentences: Sequence[Sentence],
        digest: str,
        given: _Stored,
    ) -> SaveResult:
        story = self.ensure_story(session, url)
        suspect = given.suspect
        latest = session.scalar(
            select(Version).where(Version.story_id == story.id).order_by(Version.number.desc())
        )
        if latest is not None and _same_text(latest, digest, article, split):
            if latest.suspect is not None and suspect is None:
                latest.suspect = None  # confirmed: a version like any other from now on
                # its stored diff (against nothing, as a flagged text) is derived again
                session.execute(delete(VersionDiff).where(VersionDiff.version_id == latest.id))
                story.last_changed_at = latest.fetched_at
                return SaveResult(url=url, stored=True, number=latest.number)
            return SaveResult(url=url, stored=False, number=latest.number)
        if latest is not None and latest.suspect is not None and suspect is None:
            shown = session.scalar(
                select(Version)
                .where(Version.story_id == story.id, Version.suspect.is_(None))
                .order_by(Version.number.desc())
                .limit(1)
            )
            if shown is not None and _same_text(shown, digest, article, split):
                return SaveResult(url=url, stored=False, number=shown.number)
        now = utcnow()
        fetched_at = given.fetched_at or now
        if latest is not None and latest.fetched_at > now + FUTURE_SKEW:
            # to the new version's time (the poller's check started a moment ago)
            _redate_future_versions(session, story, now, min(fetched_at, now))
        if latest is not None and fetched_at < latest.fetched_at:
            raise InputError(
                f"a version seen at {fetched_at.isoformat()} is before the latest version "
                f"(v{latest.number}, seen {latest.fetched_at.isoformat()})"
            )
        reverts_to = session.scalar(
            select(func.max(Version.number)).where(
                Version.story_id == story.id, Version.text_hash == digest
            )
        )
        final_url = given.final_url
        version = Version(
            story_id=story.id,
            number=(latest.number + 1) if latest else 1,
            fetched_at=fetched_at,
            text_hash=digest,
            words=article.words,
            sections=split.kinds,
            marker=split.marker,
            header=list(split.header) or None,
            title=article.title,
            byline=article.byline,
            # a page's own text in a VARCHAR(64): a longer one is no date, and PostgreSQL
            # refused the whole version for it (it stays in ``meta``, a JSON column)
            published=fitting(article.published, Version.published),
            final_url=final_url if final_url and len(final_url) <= URL_CHARS else None,
            reverts_to=reverts_to,
            # zlib level 1: 3x faster than 6
            raw_html=zlib.compress(given.raw_html, 1) if given.raw_html else None,
            facts=given.facts,
            meta=article_meta(article),
            notes=notes_json(split_notes(split, url=url)),
            suspect=suspect,
        )
        session.add(version)
        session.flush()
        ids = _sentence_ids(session, [s.text for s in sentences])
        if sentences:  # one executemany of a cached statement, not an ORM object per row
            session.execute(
                insert(VersionSentence),
                [
                    {
                        "version_id": version.id,
                        "position": s.index,
                        "sentence_id": ids[s.text],
                        "paragraph": s.paragraph,
                        "section": s.section,
                    }
                    for s in sentences
                ],
            )
        if suspect is None:
            story.last_changed_at = fetched_at
        return SaveResult(url=url, stored=True, number=version.number, reverts_to=reverts_to)

    def latest_hash(self, url: str) -> str | None:
        """The text hash of the story's latest version (None for a new story)."""
        with self.session() as session:
            return session.scalar(
                select(Version.text_hash)
                .join(Story, Story.id == Version.story_id)
                .where(Story.url == url)
                .order_by(Version.number.desc())
                .limit(1)
            )

    def history(self, url: str, *, suspect: bool = False) -> list[VersionInfo]:
        """The story's versions, oldest first; flagged (suspect) ones only with ``suspect``."""
        with self.session() as session:
            story = self.story(session, url)
            query = select(Version).where(Version.story_id == story.id)
            if not suspect:
                query = query.where(Version.suspect.is_(None))
            return [_version_info(v) for v in session.scalars(query.order_by(Version.number))]

    def version(self, url: str, number: int | None = None) -> StoredVersion:
        """One version (default: the latest not flagged) with its sentences rebuilt into
        sections. A flagged version is returned when its number is given."""
        with self.session() as session:
            story = self.story(session, url)
            query = select(Version).where(Version.story_id == story.id)
            if number is None:
                query = query.where(Version.suspect.is_(None))
                query = query.order_by(Version.number.desc()).limit(1)
            else:
                query = query.where(Version.number == number)
            version = session.scalar(query.options(selectinload(Version.sentences)))
            if version is None:
                last = session.scalar(
                    select(func.max(Version.number)).where(Version.story_id == story.id)
                )
                if last is None:
                    raise NotFoundError(f"{url} has no versions yet")
                raise NotFoundError(f"{url} has no version {number} (versions 1–{last})")
            return _stored_version(url, version)

    def set_facts(self, url: str, number: int, facts: list[dict[str, Any]]) -> None:
        """Keep a version's facts; on a read-only database, keep them in this process only,
        so that reading commands still show fact changes (computed, not stored)."""
        version_id: int | None = None
        try:
            with self.session() as session:
                story = self.story(session, url)
                version = session.scalar(
                    select(Version).where(Version.story_id == story.id, Version.number == number)
                )
                if version is None:
                    raise NotFoundError(f"{url} has no version {number}")
                version_id = version.id
                version.facts = facts
        except ReadOnlyDatabaseError:
            if version_id is None:
                raise
            self._unsaved_facts[version_id] = facts

    def versions_without_facts(self, limit: int = 100) -> list[tuple[str, int]]:
        with self.session() as session:
            rows = session.execute(
                select(Story.url, Version.number)
                .join(Version, Version.story_id == Story.id)
                .where(Version.facts.is_(None))
                .order_by(Version.id)
                .limit(limit)
            )
            return [(url, number) for url, number in rows]

    def raw_html(self, url: str, number: int) -> bytes | None:
        with self.session() as session:
            story = self.story(session, url)
            data = session.scalar(
                select(Version.raw_html).where(
                    Version.story_id == story.id, Version.number == number
                )
            )
            return zlib.decompress(data) if data else None

    # -- check log -------------------------------------------------------------

    def log_check(
        self,
        session: Session,
        story: Story,
        outcome: str,
        *,
        http_status: int | None = None,
        size: int | None = None,
        elapsed_ms: int | None = None,
        error: str | None = None,
        version_number: int | None = None,
        at: datetime | None = None,
    ) -> None:
        at = at or utcnow()
        session.add(
            Check(
                story_id=story.id,
                checked_at=at,
                outcome=outcome,
                http_status=http_status,
                bytes=size,
                elapsed_ms=elapsed_ms,
                error=error,
                version_number=version_number,
            )
        )
        story.last_checked_at = at
        story.last_error = error

    def record_check(self, url: str, outcome: str, **fields: Any) -> None:
        """Log one check of ``url`` in its own transaction (see :meth:`log_check`)."""
        with self.session() as session:
            self.log_check(session, self.story(session, url), outcome, **fields)

    def checks(self, url: str, limit: int = 50) -> list[dict[str, Any]]:
        with self.session() as session:
            story = self.story(session, url)
            rows = session.scalars(
                select(Check)
                .where(Check.story_id == story.id)
                .order_by(Check.checked_at.desc(), Check.id.desc())
                .limit(limit)
            )
            return [
                {
                    "checked_at": c.checked_at.isoformat(),
                    "outcome": c.outcome,
                    "http_status": c.http_status,
                    "bytes": c.bytes,
                    "elapsed_ms": c.elapsed_ms,
                    "error": c.error,
                    "version": c.version_number,
                }
                for c in rows
            ]

    def delete_story(self, url: str) -> None:
        with self.session() as session:
            story = self.story(session, url)
            session.execute(delete(Check).where(Check.story_id == story.id))
            session.delete(story)


def _find_story(session: Session, ref: str) -> Story:
    """A story by normalised URL, numeric id, label, or a part of its URL only it has."""
    text = ref.strip()
    if looks_like_url(text):
        normal = normalise_story_url(text)
        found = session.scalar(select(Story).where(Story.url == normal))
        if found is not None:
            return found
        # stories stored before URLs were normalised
        for story in session.scalars(
            select(Story).where(Story.url.ilike(f"%{urlsplit(normal).path}%"))
        ):
            if normalise_story_url(story.url) == normal:
                return story
        raise NotFoundError(f"unknown story: {ref}")
    if text.isdigit():
        found = session.get(Story, int(text))
        if found is not None:
            return found
    by_label = list(session.scalars(select(Story).where(func.lower(Story.label) == text.lower())))
    if len(by_label) == 1:
        return by_label[0]
    part = url_part(text)
    matches = (
        []
        if not part
        else [
            s
            for s in session.scalars(
                select(Story).where(Story.url.ilike(f"%{part.split('?')[0]}%"))
            )
            if part in s.url.lower() or part in normalise_story_url(s.url).lower()
        ]
    )
    if len(by_label) > 1 or len(matches) > 1:
        names = ", ".join(sorted(s.url for s in (by_label if len(by_label) > 1 else matches))[:5])
        raise InputError(
            f"{ref!r} names more than one story ({names}); give more of the URL, or its id "
            "(tracker list)"
        )
    if matches:
        return matches[0]
    raise NotFoundError(f"unknown story: {ref} (give its URL, label, id or a part of its URL)")


def _sentence_ids(session: Session, texts: Sequence[str]) -> dict[str, int]:
    """Insert the sentences not yet stored (race-safe across workers) and map text → id."""
    by_hash = {text_hash(t): t for t in texts}
    if not by_hash:
        return {}
    rows = [{"hash": h, "text": t} for h, t in by_hash.items()]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # (imported here: the PostgreSQL dialect costs 40 ms to import)
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    # executemany of one cached statement: a multi-row VALUES of a new length each time was
    # compiled anew (1.5 ms per version)
    session.execute(upsert(SentenceText).on_conflict_do_nothing(), rows)
    ids: dict[str, int] = {}
    hashes = list(by_hash)
    for start in range(0, len(hashes), CHUNK):
        found = session.execute(
            select(SentenceText.hash, SentenceText.id).where(
                SentenceText.hash.in_(hashes[start : start + CHUNK])
            )
        )
        ids.update({by_hash[h]: i for h, i in found})
    return ids


def sentence_texts(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """Sentence id → text for ``ids``, read :data:`CHUNK` ids at a time."""
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), CHUNK):
        found = session.execute(
            select(SentenceText.id, SentenceText.text).where(
                SentenceText.id.in_(wanted[start : start + CHUNK])
            )
        )
        out.update({sid: text for sid, text in found})
    return out


def _story_info(story: Story, versions: int) -> StoryInfo:
    return StoryInfo(
        url=story.url,
        label=story.label,
        status=story.status,
        versions=versions,
        created_at=story.created_at,
        last_checked_at=story.last_checked_at,
        next_check_at=story.next_check_at,
        last_error=story.last_error,
        every_seconds=story.every_seconds,
        id=story.id,
    )


def _redate_future_versions(session: Session, story: Story, now: datetime, to: datetime) -> None:
    """Date the story's versions stored with a capture time in the future (a database
    written before ``--at`` refused one) to ``to`` (about now): else no later version could
    be stored until that time, the poller's included. Never before the versions dated in
    the past, so the order by number is kept."""
    before = session.scalar(
        select(func.max(Version.fetched_at)).where(
            Version.story_id == story.id, Version.fetched_at <= now
        )
    )
    to = max(to, before) if before is not None else to
    future = list(
        session.scalars(
            select(Version)
            .where(Version.story_id == story.id, Version.fetched_at > now)
            .order_by(Version.number)
        )
    )
    for version in future:
        log.warning(
            "tracker: warning: %s: v%d was dated %s, in the future; re-dated to now (%s)",
            story.url,
            version.number,
            version.fetched_at.isoformat(timespec="seconds"),
            to.isoformat(timespec="seconds"),
        )
        version.fetched_at = to
    if story.last_changed_at is not None and story.last_changed_at > now:
        story.last_changed_at = to
    session.flush()


def _version_info(v: Version) -> VersionInfo:
    return VersionInfo(
        number=v.number,
        fetched_at=v.fetched_at,
        words=v.words,
        sections=tuple(v.sections),
        marker=v.marker,
        reverts_to=v.reverts_to,
        title=v.title,
        has_facts=v.facts is not None,
        meta=_meta(v),
        notes=notes_from_json(v.notes) if v.notes is not None else None,
        suspect=v.suspect,
    )


def _same_text(version: Version, digest: str, article: Article, split: Split) -> bool:
    """The stored version has this text (for one stored before 0003: whatever its metadata)."""
    return version.text_hash == digest or (
        version.meta is None
        and version.text_hash == text_hash(legacy_canonical_text(article, split))
    )


def _meta(v: Version) -> dict[str, str]:
    """The stored metadata, or what a version stored before 0003 kept in its columns."""
    if v.meta is not None:
        return dict(v.meta)
    legacy = {"headline": v.title, "byline": v.byline, "published": v.published}
    return {k: value for k, value in legacy.items() if value}


def _stored_version(url: str, v: Version) -> StoredVersion:
    sentences = tuple(
        Sentence(
            text=row.sentence.text, index=row.position, paragraph=row.paragraph, section=row.section
        )  # type: ignore[arg-type]
        for row in v.sentences
    )
    sections: list[Section] = []
    for kind in v.sections:
        paragraphs: dict[int, list[str]] = {}
        for s in sentences:
            if s.section == kind:
                paragraphs.setdefault(s.paragraph, []).append(s.text)
        sections.append(Section(kind, tuple(" ".join(p) for p in paragraphs.values())))
    split = Split(sections=tuple(sections), marker=v.marker, header=tuple(v.header or ()))
    return StoredVersion(
        url=url, info=_version_info(v), split=split, sentences=sentences, facts=v.facts
    )
