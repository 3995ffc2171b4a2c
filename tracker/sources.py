"""Sources: read followed feeds, sitemaps and section pages, and track their new articles.

:func:`read_source` fetches one source through the project's
:class:`~tracker.fetch.Fetcher` (conditional GET, per-host politeness, size and
time caps, the private-address guard), discovers its article links
(:mod:`tracker.discover`), applies the source's include / exclude patterns and
keyword filter, and adds the new ones as stories with the source's label and
interval. A sitemap index's child sitemaps are fetched the same way.
:func:`refresh_sources` does that for every source that is due; ``tracker run``
calls it on its own job. Stories that leave a feed stay tracked on the adaptive
schedule (and retire when they go quiet), like any other story.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tracker.discover import Discovery, Link, NotASource, discover, normalise
from tracker.errors import InputError
from tracker.fetch import Fetcher, FetchResult, backoff_delay
from tracker.store import Store, utcnow
from tracker.store.sources import (
    DueSource,
    SourceCheck,
    SourceSettings,
    add_items,
    claim_due_sources,
    new_items,
    record_source_check,
)

log = logging.getLogger("tracker.sources")

ERROR_AFTER = 3  # failures in a row before a source's status is "error" (it is still retried)
ERROR_CAP = 6 * 3600.0


@dataclass(frozen=True)
class SourceReport:
    """What one read of one source found."""

    url: str
    kind: str | None
    outcome: str  # ok | not_modified | error
    listed: int = 0  # article links the source holds (after child sitemaps)
    matched: int = 0  # of those, the ones its filters let through
    added: tuple[str, ...] = ()  # new stories
    error: str | None = None


@dataclass
class LinkFilter:
    """A source's include / exclude patterns and keywords, compiled once."""

    include: list[re.Pattern[str]] = field(default_factory=list)
    exclude: list[re.Pattern[str]] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, settings: SourceSettings) -> LinkFilter:
        return cls(
            include=[compile_pattern(p) for p in settings.include],
            exclude=[compile_pattern(p) for p in settings.exclude],
            keywords=[k.casefold() for k in settings.keywords if k.strip()],
        )

    def accepts(self, link: Link) -> bool:
        if self.include and not any(p.search(link.url) for p in self.include):
            return False
        if any(p.search(link.url) for p in self.exclude):
            return False
        if self.keywords:
            text = " ".join(filter(None, (link.title, link.summary, link.url))).casefold()
            return any(k in text for k in self.keywords)
        return True


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A URL pattern (a regular expression searched anywhere in the URL); InputError if bad."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise InputError(f"not a regular expression: {pattern!r} ({exc})") from None


def check_source_url(url: str) -> str:
    """The normalised source URL, or InputError."""
    found = normalise(url)
    if found is None:
        raise InputError(f"not a source URL (need http:// or https://): {url!r}")
    return found


async def read_source(
    store: Store,
    fetcher: Fetcher,
    due: DueSource,
    *,
    conditional: bool = True,
) -> tuple[SourceReport, SourceCheck]:
    """Fetch, discover, filter and add; the report and the row update (not yet written)."""
    settings = due.settings
    now = utcnow()
    # An index can stay the same while its child sitemaps change: always read it whole.
    conditional = conditional and due.kind != "sitemap-index"
    result = await fetcher.fetch(
        settings.url,
        etag=due.etag if conditional else None,
        last_modified=due.last_modified if conditional else None,
    )
    if result.outcome == "not_modified":
        report = SourceReport(settings.url, due.kind, "not_modified")
        return report, _check(due, now, result, kind=due.kind)
    if not result.ok or result.body is None:
        return _failed(due, now, result.error or result.outcome, result)
    try:
        found = discover(result.body, result.final_url, None)
        links = list(found.links)
        links.extend(await _children(fetcher, found))
    except NotASource as exc:
        return _failed(due, now, str(exc), result)
    link_filter = LinkFilter.of(settings)
    matched = [link for link in links if link.url != settings.url and link_filter.accepts(link)]
    titles = {link.url: link.title for link in matched}
    fresh = new_items(store, due.id, titles)
    added = add_items(
        store,
        due.id,
        [(url, titles[url]) for url in fresh],
        label=settings.label,
        every=settings.story_every_seconds,
    )
    kind = "sitemap-index" if found.children else found.kind
    report = SourceReport(settings.url, kind, "ok", len(links), len(matched), tuple(added), None)
    return report, _check(due, now, result, kind=kind, added=added)


async def _children(fetcher: Fetcher, found: Discovery) -> list[Link]:
    """The links of a sitemap index's child sitemaps (one level deep, fetched concurrently)."""
    if not found.children:
        return []
    results = await asyncio.gather(*(fetcher.fetch(url) for url in found.children))
    links: list[Link] = []
    for result in results:
        if not result.ok or result.body is None:
            log.info("child sitemap %s: %s", result.url, result.error or result.outcome)
            continue
        try:
            child = discover(result.body, result.final_url, None)
        except NotASource as exc:
            log.info("child sitemap %s: %s", result.url, exc)
            continue
        links.extend(child.links)
    return links


def _check(
    due: DueSource,
    now: datetime,
    result: FetchResult,
    *,
    kind: str | None,
    added: list[str] | None = None,
) -> SourceCheck:
    return SourceCheck(
        source_id=due.id,
        checked_at=now,
        next_check_at=now + timedelta(seconds=due.settings.every_seconds),
        failures=0,
        status="active",
        kind=kind,
        etag=result.etag,
        last_modified=result.last_modified,
        added=list(added or []),
    )


def _failed(
    due: DueSource, now: datetime, error: str, result: FetchResult | None
) -> tuple[SourceReport, SourceCheck]:
    failures = due.failures + 1
    wait = max(
        float(due.settings.every_seconds),
        backoff_delay(failures, base=float(due.settings.every_seconds), cap=ERROR_CAP),
        (result.retry_after or 0.0) if result else 0.0,
    )
    check = SourceCheck(
        source_id=due.id,
        checked_at=now,
        next_check_at=now + timedelta(seconds=wait),
        failures=failures,
        status="error" if failures >= ERROR_AFTER else "active",
        error=error,
    )
    return SourceReport(due.settings.url, due.kind, "error", error=error), check


async def refresh_sources(
    store: Store,
    fetcher: Fetcher,
    *,
    urls: Sequence[str] | None = None,
    on_report: Callable[[SourceReport], None] | None = None,
    limit: int = 50,
) -> list[SourceReport]:
    """Read every due source (or the named ones, due or not) once; returns their reports."""
    due = _named(store, urls) if urls is not None else claim_due_sources(store, limit=limit)
    reports: list[SourceReport] = []

    async def one(item: DueSource) -> None:
        try:
            report, check = await read_source(store, fetcher, item, conditional=urls is None)
        except Exception as exc:  # a bug of ours: logged, the source retried later
            log.exception("reading source %s failed", item.settings.url)
            report, check = _failed(item, utcnow(), f"{type(exc).__name__}: {exc}", None)
        record_source_check(store, check)
        reports.append(report)
        if on_report is not None:
            on_report(report)

    await asyncio.gather(*(one(item) for item in due))
    return reports


def _named(store: Store, urls: Sequence[str]) -> list[DueSource]:
    from tracker.store.sources import source_info

    found = []
    for url in urls:
        info = source_info(store, check_source_url(url))
        found.append(
            DueSource(
                id=info.id,
                settings=SourceSettings(
                    url=info.url,
                    label=info.label,
                    every_seconds=info.every_seconds,
                    story_every_seconds=info.story_every_seconds,
                    include=tuple(info.include),
                    exclude=tuple(info.exclude),
                    keywords=tuple(info.keywords),
                    archive=info.archive,
                ),
                kind=info.kind,
                etag=None,
                last_modified=None,
                failures=0,
            )
        )
    return found
