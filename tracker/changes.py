"""Changes: what each stored version changed, as fact lines — the source of alerts and the feed.

:func:`record_changes` takes versions whose facts have been extracted (the
daemon's facts job) and that have no change entry yet, diffs each against the
version before it with :func:`tracker.semdiff.diff`, and stores one
:class:`~tracker.store.sources_schema.ChangeEntry`: the summaries of its
``fact`` changes, of its minor and style changes, and its structural events.
The entry's significance is the highest of its changes (``fact`` > ``minor`` >
``style``; ``none`` for a first version).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import Session, aliased

from tracker.model import Note
from tracker.notes import STEALTH_EVENT, event_note
from tracker.store import Store, utcnow
from tracker.store.schema import Story, Version
from tracker.store.sources_schema import ChangeEntry, SourceItem

SIGNIFICANCE_RANK = {"none": 0, "style": 1, "minor": 2, "fact": 3}


@dataclass(frozen=True)
class Change:
    """One stored version's change entry, with its story (what alerts and the feed show)."""

    id: int
    story_id: int
    url: str
    label: str | None
    number: int
    fetched_at: datetime
    previous_fetched_at: datetime | None
    significance: str
    fact_lines: tuple[str, ...]
    other_lines: tuple[str, ...]
    events: tuple[str, ...]
    sources: tuple[str, ...] = ()  # the URLs of the sources that list the story
    source_labels: tuple[str, ...] = ()  # and their labels
    kind: str = "version"  # version | gone

    @property
    def first(self) -> bool:
        return self.kind == "version" and self.number == 1

    @property
    def gone(self) -> bool:
        return self.kind == "gone"

    @property
    def notes(self) -> tuple[Note, ...]:
        """The correction, editor's or retraction notes that arrived with this version."""
        return tuple(n for e in self.events if (n := event_note(e)) is not None)

    @property
    def stealth_edit(self) -> bool:
        """Fact changes with no note and no breaking-update marker (:mod:`tracker.notes`)."""
        return STEALTH_EVENT in self.events

    @property
    def alert_kind(self) -> str:
        """What an alert calls it: story_gone, retraction, correction, stealth_edit, fact_change."""
        if self.gone:
            return "story_gone"
        kinds = {n.kind for n in self.notes}
        if "retraction" in kinds:
            return "retraction"
        if kinds:
            return "correction"
        return "stealth_edit" if self.stealth_edit else "fact_change"


def record_changes(store: Store, *, limit: int = 50) -> list[int]:
    """Store the change entries of up to ``limit`` versions that have facts and no entry yet."""
    from tracker import queries

    pending = _pending(store, limit)
    entries: list[dict[str, Any]] = []
    for version_id, number, fetched_at, story_id, url, _ready in pending:
        previous_at = None
        # the version before that is not flagged (a first version has none: no history read,
        # which was half the cost of recording the first versions of 10,000 new stories)
        earlier = [v.number for v in store.history(url) if v.number < number] if number > 1 else []
        if not earlier:
            significance, facts, others, events = "none", [], [], ["first version"]
        else:
            view = queries.diff_versions(store, url, str(earlier[-1]), str(number))
            d = view.diff
            facts = [c.summary for c in d.facts]
            others = [f"{c.significance}: {c.summary}" for c in d.other_changes]
            events = list(d.events)
            levels = [c.significance for c in (*d.facts, *d.other_changes)]
            significance = max(levels, key=SIGNIFICANCE_RANK.__getitem__, default="none")
            previous_at = _fetched_at(store, story_id, earlier[-1])
        entries.append(
            {
                "kind": "version",
                "version_id": version_id,
                "story_id": story_id,
                "number": number,
                "fetched_at": fetched_at,
                "previous_fetched_at": previous_at,
                "significance": significance,
                "fact_lines": facts,
                "other_lines": others,
                "events": events,
                "created_at": utcnow(),
            }
        )
    return _insert_entries(store, entries)


def _insert_entries(store: Store, entries: list[dict[str, Any]]) -> list[int]:
    """The new entries' ids, written in one transaction (one per entry cost 0.5 ms each).
    An entry another worker recorded first is skipped: :meth:`Store.write` runs the work
    again after a unique-key collision, and the second run sees that worker's entry."""
    if not entries:
        return []

    def write(session: Session) -> list[int]:
        wanted = [fields["version_id"] for fields in entries]
        have = set(
            session.scalars(
                select(ChangeEntry.version_id).where(ChangeEntry.version_id.in_(wanted))
            )
        )
        rows = [ChangeEntry(**fields) for fields in entries if fields["version_id"] not in have]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]

    return store.write(write)


# A daemon looks for new change entries every second. A pass looked at every version (4 ms at
# 10,000 stories, growing with the database); a pass now looks only at the versions added since
# the last one and at those it saw waiting (no facts yet, flagged, their previous version
# without facts), and at every version again only every FULL_PASS_EVERY seconds, which finds a
# version committed under a lower id after a newer one (PostgreSQL's concurrent writers).
FULL_PASS_EVERY = 60.0
MAX_WAITING = 500  # more versions waiting than this: full passes until they are fewer


@dataclass
class _Scan:
    """What one process's last pass learnt: every version up to ``seen`` was looked at, and
    ``waiting`` are those of them that could not have their entry yet."""

    seen: int
    waiting: set[int]
    full_at: float


_SCANS: WeakKeyDictionary[Store, _Scan] = WeakKeyDictionary()


def _pending(store: Store, limit: int) -> list[Any]:
    """The first ``limit`` versions, by id, that have no entry and can have one now."""
    scan = _SCANS.get(store)
    now = time.monotonic()
    with store.session() as session:
        top = session.scalar(select(func.max(Version.id))) or 0
        if scan is not None and now - scan.full_at < FULL_PASS_EVERY:
            # two range/IN queries: SQLite scans the whole table for their OR
            rows = session.execute(_unrecorded("after"), {"seen": scan.seen}).all()
            if scan.waiting:
                ids = {"ids": sorted(scan.waiting)}
                rows += session.execute(_unrecorded("ids"), ids).all()
            ready = sorted((row for row in rows if row.ready), key=lambda row: row.id)
            waiting = {row.id for row in rows}
            if len(waiting) <= MAX_WAITING:
                _SCANS[store] = _Scan(top, waiting, scan.full_at)
            else:
                _SCANS.pop(store, None)
            return ready[:limit]
        ready = session.execute(_unrecorded("all", True), {"limit": limit}).all()
        waiting = session.execute(_unrecorded("all", False), {"limit": MAX_WAITING + 1}).all()
    if len(ready) < limit and len(waiting) <= MAX_WAITING:  # no backlog: passes can be short
        _SCANS[store] = _Scan(top, {row.id for row in waiting}, now)
    else:
        _SCANS.pop(store, None)
    return ready


@cache
def _unrecorded(looked: str, ready: bool | None = None) -> Any:
    """Versions without a change entry, by id, with whether they can have one now
    (``ready``): both sides' facts extracted already (by the facts job; no parsing here), and
    not flagged (a flagged text, kept and hidden, is not a change). ``looked``: "after" (ids
    above ``:seen``), "ids" (``:ids``) or "all" (with ``ready``, the ones that are or are
    not, up to ``:limit``). Built once: the statement cost more than running it."""
    previous = aliased(Version)
    can = and_(
        Version.facts.is_not(None),
        Version.suspect.is_(None),
        or_(Version.number == 1, previous.facts.is_not(None)),
    )
    where = [ChangeEntry.id.is_(None)]
    if looked == "after":
        where.append(Version.id > bindparam("seen"))
    elif looked == "ids":
        where.append(Version.id.in_(bindparam("ids", expanding=True)))
    if ready is not None:
        where.append(can if ready else ~can)
    query = (
        select(
            Version.id,
            Version.number,
            Version.fetched_at,
            Story.id.label("story_id"),
            Story.url,
            can.label("ready"),
        )
        .join(Story, Story.id == Version.story_id)
        .outerjoin(ChangeEntry, ChangeEntry.version_id == Version.id)
        .outerjoin(
            previous,
            and_(previous.story_id == Version.story_id, previous.number == Version.number - 1),
        )
        .where(*where)
        .order_by(Version.id)
    )
    return query.limit(bindparam("limit")) if looked == "all" else query


def record_gone(store: Store) -> list[int]:
    """An entry for each story that went (404/410) since its latest version: it was removed or
    retracted. One per latest version: a story that returns and goes again unchanged is not
    news twice."""
    # The latest number of the gone stories only (one index lookup each), not a GROUP BY over
    # every version: this runs every second, and that was 4 ms at 10,000 stories.
    newest = (
        select(func.max(Version.number))
        .where(Version.story_id == Story.id)
        .correlate(Story)
        .scalar_subquery()
    )
    told = select(ChangeEntry.id).where(
        ChangeEntry.kind == "gone",
        ChangeEntry.story_id == Story.id,
        ChangeEntry.number == newest,
    )
    with store.session() as session:
        rows = session.execute(
            select(Story.id, Story.last_error, Story.last_checked_at, newest).where(
                Story.status == "gone", newest.is_not(None), ~told.exists()
            )
        ).all()
    made = []
    for story_id, error, checked_at, number in rows:
        reason = error or "HTTP 404/410"
        entry = ChangeEntry(
            kind="gone",
            version_id=None,
            story_id=story_id,
            number=number,
            fetched_at=checked_at or utcnow(),
            previous_fetched_at=_fetched_at(store, story_id, number),
            significance="fact",
            fact_lines=[f"Story gone: {reason} (removed or retracted after v{number})"],
            other_lines=[],
            events=["story gone"],
            created_at=utcnow(),
        )
        with store.session() as session:
            session.add(entry)
            session.flush()
            made.append(entry.id)
    return made


def _fetched_at(store: Store, story_id: int, number: int) -> datetime | None:
    with store.session() as session:
        return session.scalar(
            select(Version.fetched_at).where(Version.story_id == story_id, Version.number == number)
        )


def load_changes(
    store: Store,
    *,
    ids: Sequence[int] | None = None,
    source_id: int | None = None,
    limit: int = 100,
) -> list[Change]:
    """Change entries, newest first: the named ones, or the latest (of one source's stories)."""
    query = select(ChangeEntry, Story.url, Story.label).join(
        Story, Story.id == ChangeEntry.story_id
    )
    if ids is not None:
        query = query.where(ChangeEntry.id.in_(list(ids)))
    if source_id is not None:
        listed = select(SourceItem.story_id).where(SourceItem.source_id == source_id)
        query = query.where(ChangeEntry.story_id.in_(listed))
    query = query.order_by(ChangeEntry.fetched_at.desc(), ChangeEntry.id.desc()).limit(limit)
    with store.session() as session:
        rows = session.execute(query).all()
        story_ids = {entry.story_id for entry, _, _ in rows}
        sources = _sources_by_story(session, story_ids)
        return [
            _change(entry, url, label, *sources.get(entry.story_id, ((), ())))
            for entry, url, label in rows
        ]


def record_all(store: Store) -> int:
    """Record every change entry that is due (stories gone, versions with facts); returns how
    many."""
    made = len(record_gone(store))
    while True:
        batch = record_changes(store)
        made += len(batch)
        if len(batch) < 50:
            return made


def story_change(store: Store, url: str, number: int | None = None) -> Change | None:
    """The change entry of version ``number`` of a story (default: its latest entry, which may
    be the story going)."""
    query = select(ChangeEntry.id).join(Story, Story.id == ChangeEntry.story_id)
    query = query.where(Story.url == url)
    if number is not None:
        query = query.where(ChangeEntry.number == number, ChangeEntry.kind == "version")
    with store.session() as session:
        found = session.scalar(query.order_by(ChangeEntry.id.desc()).limit(1))
    if found is None:
        return None
    return load_changes(store, ids=[found], limit=1)[0]


def _sources_by_story(
    session: Any, story_ids: set[int]
) -> dict[int, tuple[tuple[str, ...], tuple[str, ...]]]:
    """Story id → (the URLs of the sources listing it, their labels)."""
    from tracker.store.sources_schema import Source

    if not story_ids:
        return {}
    urls: dict[int, list[str]] = {}
    labels: dict[int, list[str]] = {}
    rows = session.execute(
        select(SourceItem.story_id, Source.url, Source.label)
        .join(Source, Source.id == SourceItem.source_id)
        .where(SourceItem.story_id.in_(list(story_ids)))
    )
    for story_id, url, label in rows:
        urls.setdefault(story_id, []).append(url)
        if label:
            labels.setdefault(story_id, []).append(label)
    return {k: (tuple(v), tuple(labels.get(k, ()))) for k, v in urls.items()}


def _change(
    entry: ChangeEntry,
    url: str,
    label: str | None,
    sources: tuple[str, ...],
    source_labels: tuple[str, ...],
) -> Change:
    return Change(
        id=entry.id,
        story_id=entry.story_id,
        url=url,
        label=label,
        number=entry.number,
        fetched_at=entry.fetched_at,
        previous_fetched_at=entry.previous_fetched_at,
        significance=entry.significance,
        fact_lines=tuple(entry.fact_lines or ()),
        other_lines=tuple(entry.other_lines or ()),
        events=tuple(entry.events or ()),
        sources=sources,
        source_labels=source_labels,
        kind=entry.kind,
    )
