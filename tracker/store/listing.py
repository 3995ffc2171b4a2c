"""One page of tracked stories, filtered and sorted by the database.

``tracker list`` at 100,000 stories must print its first screen at once: the
filters (status, source site, label, failing) and the sort are one SQL query
with a LIMIT, the version counts are counted for that page's stories only,
and the total is one ``count(*)``. Nothing loads every story.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, or_, select

from tracker.errors import InputError
from tracker.store.repository import Store, StoryInfo
from tracker.store.schema import Story, Version

# Sort keys: the column, and whether NULLs (never checked, not scheduled) go last.
SORTS: dict[str, Any] = {
    "url": Story.url,
    "added": Story.created_at,
    "checked": Story.last_checked_at,
    "next": Story.next_check_at,
    "changed": Story.last_changed_at,
    "status": Story.status,
    "label": Story.label,
}
STATUSES = ("active", "gone", "retired", "error", "removed")
_LISTED = (
    Story.id,
    Story.url,
    Story.label,
    Story.status,
    Story.created_at,
    Story.last_checked_at,
    Story.next_check_at,
    Story.last_error,
    Story.every_seconds,
)


@dataclass(frozen=True)
class ListQuery:
    """Which stories, in which order, which page of them."""

    statuses: tuple[str, ...] = ()
    source: str | None = None  # a site: example.com matches it and its subdomains
    label: str | None = None  # a substring of the label, any case
    errors: bool = False  # only stories whose last check failed
    sort: str = "url"
    descending: bool = False
    limit: int | None = 50  # None: all
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise InputError(f"unknown sort {self.sort!r} (one of: {', '.join(SORTS)})")
        for status in self.statuses:
            if status not in STATUSES:
                raise InputError(f"unknown status {status!r} (one of: {', '.join(STATUSES)})")
        if (self.limit is not None and self.limit < 0) or self.offset < 0:
            raise InputError("--limit and --offset take numbers ≥ 0")


@dataclass(frozen=True)
class StoryPage:
    """One page of stories and how many match in all."""

    stories: list[StoryInfo]
    total: int
    query: ListQuery = field(default_factory=ListQuery)


def _filtered(query: ListQuery, statement: Select[Any]) -> Select[Any]:
    if query.statuses:
        statement = statement.where(Story.status.in_(query.statuses))
    if query.errors:
        statement = statement.where(Story.last_error.is_not(None))
    if query.label:
        needle = query.label.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        statement = statement.where(func.lower(Story.label).like(f"%{needle}%", escape="\\"))
    if query.source:
        statement = statement.where(_site(query.source))
    return statement


def _site(source: str) -> Any:
    """URLs on the site ``source`` (a host name, with or without scheme), or its subdomains."""
    host = source.strip().lower()
    for prefix in ("https://", "http://"):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    host = host.split("/")[0].removeprefix("www.")
    if not host or any(ch in host for ch in "%_\\ "):
        raise InputError(f"not a site: {source!r} (e.g. apnews.com)")
    clauses = []
    for scheme in ("https://", "http://"):
        for pattern in (f"{host}/", f"{host}:", f"%.{host}/", f"%.{host}:"):
            clauses.append(Story.url.like(scheme + pattern + "%"))
        clauses.append(Story.url == f"{scheme}{host}")
    return or_(*clauses)


def list_page(store: Store, query: ListQuery | None = None) -> StoryPage:
    """The page of stories ``query`` asks for, and the number of all that match."""
    query = query or ListQuery()
    column = SORTS[query.sort]
    order = [column.is_(None), column.desc() if query.descending else column.asc()]
    if query.sort != "url":
        order.append(Story.url)
    rows = _filtered(query, select(*_LISTED)).order_by(*order).offset(query.offset)
    if query.limit is not None:
        rows = rows.limit(query.limit)
    with store.session() as session:
        found = session.execute(rows).all()
        total = session.scalar(_filtered(query, select(func.count()).select_from(Story))) or 0
        counts = _version_counts(session, [row.id for row in found])
    infos = [
        StoryInfo(
            url=row.url,
            label=row.label,
            status=row.status,
            versions=counts.get(row.id, 0),
            created_at=row.created_at,
            last_checked_at=row.last_checked_at,
            next_check_at=row.next_check_at,
            last_error=row.last_error,
            every_seconds=row.every_seconds,
        )
        for row in found
    ]
    return StoryPage(infos, total, query)


def _version_counts(session: Any, ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        counts.update(
            session.execute(
                select(Version.story_id, func.count())
                .where(Version.story_id.in_(chunk), Version.suspect.is_(None))
                .group_by(Version.story_id)
            ).all()
        )
    return counts
