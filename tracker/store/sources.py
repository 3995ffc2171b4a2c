"""The database side of sources: follow, unfollow, list, claim due ones, add their articles.

A source's new article URLs become stories in the same transaction that
records them as the source's items, so an article is added once however often
the source lists it, and a crash between the two cannot add it twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from tracker.errors import NotFoundError
from tracker.store.repository import Store, utcnow
from tracker.store.schema import Story, check_label, fitting
from tracker.store.sources_schema import Source, SourceItem

FOLLOWED_STATUSES = ("active", "error")


@dataclass(frozen=True)
class SourceSettings:
    """How one source is read and what its stories get."""

    url: str
    label: str | None = None
    every_seconds: int = 300  # how often the source itself is re-read
    story_every_seconds: int | None = None  # a fixed interval for its stories (None: adaptive)
    include: tuple[str, ...] = ()  # regular expressions; an article URL must match one
    exclude: tuple[str, ...] = ()  # regular expressions; an article URL matching one is skipped
    keywords: tuple[str, ...] = ()  # title, summary or URL must contain one (case-insensitive)
    archive: bool = False  # ask the Wayback Machine to save each new version


@dataclass(frozen=True)
class SourceInfo:
    """A followed source as ``tracker sources`` lists it."""

    id: int
    url: str
    kind: str | None
    label: str | None
    status: str
    every_seconds: int
    story_every_seconds: int | None
    include: list[str]
    exclude: list[str]
    keywords: list[str]
    archive: bool
    stories: int
    last_checked_at: datetime | None
    next_check_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class DueSource:
    """A claimed source: what reading it needs."""

    id: int
    settings: SourceSettings
    kind: str | None
    etag: str | None
    last_modified: str | None
    failures: int


@dataclass
class SourceCheck:
    """The outcome of reading one source, written back to its row."""

    source_id: int
    checked_at: datetime
    next_check_at: datetime
    failures: int
    status: str
    kind: str | None = None
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    added: list[str] = field(default_factory=list)


def follow_source(store: Store, settings: SourceSettings) -> bool:
    """Follow a source (due at once); following it again updates its settings. True if new."""
    check_label(settings.label)
    now = utcnow()
    with store.session() as session:
        source = session.scalar(select(Source).where(Source.url == settings.url))
        created = source is None
        if source is None:
            source = Source(url=settings.url, created_at=now, failures=0)
            session.add(source)
        source.label = settings.label
        source.status = "active"
        source.every_seconds = settings.every_seconds
        source.story_every_seconds = settings.story_every_seconds
        source.include = list(settings.include)
        source.exclude = list(settings.exclude)
        source.keywords = list(settings.keywords)
        source.archive = settings.archive
        source.next_check_at = now
        source.lease_until = None
        return created


def unfollow_source(store: Store, url: str, *, purge: bool = False) -> int:
    """Stop reading a source (its stories stay tracked); ``purge`` forgets it. Returns stories."""
    with store.session() as session:
        source = session.scalar(select(Source).where(Source.url == url))
        if source is None or (source.status == "removed" and not purge):
            raise NotFoundError(f"not a followed source: {url}")
        count = session.scalar(
            select(func.count()).select_from(SourceItem).where(SourceItem.source_id == source.id)
        )
        if purge:
            session.delete(source)
        else:
            source.status = "removed"
            source.next_check_at = None
        return int(count or 0)


def list_sources(store: Store, *, include_removed: bool = False) -> list[SourceInfo]:
    counts = (
        select(SourceItem.source_id, func.count().label("n"))
        .group_by(SourceItem.source_id)
        .subquery()
    )
    query = select(Source, counts.c.n).outerjoin(counts, counts.c.source_id == Source.id)
    if not include_removed:
        query = query.where(Source.status != "removed")
    with store.session() as session:
        rows = session.execute(query.order_by(Source.id)).all()
        return [_info(source, n or 0) for source, n in rows]


def source_info(store: Store, url: str) -> SourceInfo:
    for info in list_sources(store, include_removed=True):
        if info.url == url:
            return info
    raise NotFoundError(f"not a followed source: {url}")


def claim_due_sources(
    store: Store, *, limit: int = 50, lease_seconds: float = 120.0, now: datetime | None = None
) -> list[DueSource]:
    """Take up to ``limit`` due sources; their next check moves to the lease's end meanwhile."""
    now = now or utcnow()
    until = now + timedelta(seconds=lease_seconds)
    with store.session() as session:
        rows = session.scalars(
            select(Source)
            .where(
                Source.status.in_(FOLLOWED_STATUSES),
                Source.next_check_at <= now,
                or_(Source.lease_until.is_(None), Source.lease_until < now),
            )
            .order_by(Source.next_check_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        due = []
        for source in rows:
            source.lease_until = until
            source.next_check_at = until
            due.append(
                DueSource(
                    id=source.id,
                    settings=_settings(source),
                    kind=source.kind,
                    etag=source.etag,
                    last_modified=source.last_modified,
                    failures=source.failures or 0,
                )
            )
        return due


def next_source_due_at(store: Store) -> datetime | None:
    with store.session() as session:
        return session.scalar(
            select(func.min(Source.next_check_at)).where(Source.status.in_(FOLLOWED_STATUSES))
        )


def new_items(store: Store, source_id: int, urls: Iterable[str]) -> list[str]:
    """Of ``urls``, those the source has not listed before (in the order given)."""
    wanted = list(dict.fromkeys(urls))
    if not wanted:
        return []
    known: set[str] = set()
    with store.session() as session:
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            known.update(
                session.scalars(
                    select(SourceItem.url).where(
                        SourceItem.source_id == source_id, SourceItem.url.in_(chunk)
                    )
                )
            )
    return [url for url in wanted if url not in known]


def add_items(
    store: Store,
    source_id: int,
    items: Sequence[tuple[str, str | None]],
    *,
    label: str | None,
    every: int | None,
) -> list[str]:
    """Record ``(url, title)`` items of a source and track each as a story. Returns new stories.

    A URL already tracked (by hand or by another source) is linked, not re-added;
    a story the user removed stays removed.
    """
    now = utcnow()
    created: list[str] = []
    with store.session() as session:
        for url, title in items:
            exists = session.scalar(
                select(SourceItem.id).where(
                    SourceItem.source_id == source_id, SourceItem.url == url
                )
            )
            if exists is not None:
                continue
            story = session.scalar(select(Story).where(Story.url == url))
            if story is None:
                story = Story(
                    url=url,
                    label=label,
                    created_at=now,
                    status="active",
                    failures=0,
                    every_seconds=every,
                    interval_seconds=every,
                    next_check_at=now,
                )
                session.add(story)
                session.flush()
                created.append(url)
            session.add(
                SourceItem(
                    source_id=source_id,
                    story_id=story.id,
                    url=url,
                    title=(title or None) and title[:2000],
                    first_seen_at=now,
                )
            )
    return created


def record_source_check(store: Store, check: SourceCheck) -> None:
    with store.session() as session:
        source = session.get(Source, check.source_id)
        if source is None:  # purged while it was read
            return
        source.last_checked_at = check.checked_at
        source.lease_until = None
        source.failures = check.failures
        source.last_error = check.error
        if source.status != "removed":
            source.status = check.status
            source.next_check_at = check.next_check_at
        if check.kind:
            source.kind = check.kind
        if check.error is None:
            source.etag = fitting(check.etag, Source.etag)
            source.last_modified = fitting(check.last_modified, Source.last_modified)


def sources_of_story(store: Store, story_id: int) -> list[str]:
    """The URLs of the sources that listed a story."""
    with store.session() as session:
        return list(
            session.scalars(
                select(Source.url)
                .join(SourceItem, SourceItem.source_id == Source.id)
                .where(SourceItem.story_id == story_id)
            )
        )


def _settings(source: Source) -> SourceSettings:
    return SourceSettings(
        url=source.url,
        label=source.label,
        every_seconds=source.every_seconds,
        story_every_seconds=source.story_every_seconds,
        include=tuple(source.include or ()),
        exclude=tuple(source.exclude or ()),
        keywords=tuple(source.keywords or ()),
        archive=bool(source.archive),
    )


def _info(source: Source, stories: int) -> SourceInfo:
    return SourceInfo(
        id=source.id,
        url=source.url,
        kind=source.kind,
        label=source.label,
        status=source.status,
        every_seconds=source.every_seconds,
        story_every_seconds=source.story_every_seconds,
        include=list(source.include or []),
        exclude=list(source.exclude or []),
        keywords=list(source.keywords or []),
        archive=bool(source.archive),
        stories=stories,
        last_checked_at=source.last_checked_at,
        next_check_at=source.next_check_at,
        last_error=source.last_error,
    )
