"""The daemon's side jobs: read sources, record changes (queue alerts, write the feed), deliver.

``tracker run`` adds these to its scheduler next to the poll and facts jobs
(:class:`tracker.scheduler.SideJob`). Each runs its blocking work (diffs,
Apprise, HTTP posts, feed files) in a thread, so the poll job's event loop
never waits for it, and a failing pass is logged and tried again next time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.alerts import Target, enqueue
from tracker.archive import ArchiveSettings, archive_new_versions
from tracker.changes import load_changes, record_changes, record_gone
from tracker.deliver import DeliverySettings, deliver_due
from tracker.fetch import Fetcher
from tracker.scheduler import SideJob
from tracker.sources import SourceReport, refresh_sources
from tracker.store import Store

log = logging.getLogger("tracker.jobs")
BATCH = 50  # change entries recorded per transaction batch


@dataclass(frozen=True)
class SideSettings:
    """What ``tracker run`` does besides polling stories."""

    sources_every: float = 1.0  # how often to look for due sources
    changes_every: float = 1.0  # how often to record changes, queue alerts, refresh the feed
    deliver_every: float = 1.0
    targets: tuple[Target, ...] = ()
    base_url: str | None = None
    feed_dir: Path | None = None
    archive: ArchiveSettings | None = None  # None: no archiving job
    delivery: DeliverySettings = field(default_factory=DeliverySettings)


def side_jobs(
    store: Store,
    fetcher: Fetcher,
    settings: SideSettings,
    on_source: Callable[[SourceReport], None] | None = None,
) -> list[SideJob]:
    async def sources() -> None:
        await refresh_sources(store, fetcher, on_report=on_source)

    async def changes() -> None:
        await asyncio.to_thread(record_and_publish, store, settings)

    async def deliver() -> None:
        await asyncio.to_thread(
            deliver_due,
            store,
            settings.targets,
            base_url=settings.base_url,
            settings=settings.delivery,
        )

    jobs = [SideJob("sources", settings.sources_every, sources)]
    if settings.targets or settings.feed_dir is not None:  # change entries feed only these
        jobs.append(SideJob("changes", settings.changes_every, changes))
    if settings.targets:
        jobs.append(SideJob("alerts", settings.deliver_every, deliver))
    if settings.archive is not None:
        archive = settings.archive

        async def save() -> None:
            await asyncio.to_thread(archive_new_versions, store, archive)

        jobs.append(SideJob("archive", 5.0, save))
    return jobs


def record_and_publish(store: Store, settings: SideSettings) -> int:
    """Record new change entries, queue their alerts, and rewrite the feed when any is new."""
    from tracker.feed import write_diffs, write_feeds

    total = 0
    gone = record_gone(store)
    while True:
        ids = gone + record_changes(store, limit=BATCH)
        gone = []
        found = load_changes(store, ids=ids, limit=len(ids)) if ids else []
        queued = enqueue(store, settings.targets, found) if settings.targets and found else 0
        feed_dir = settings.feed_dir
        if feed_dir is not None and (ids or not (feed_dir / "all.atom").exists()):
            write_diffs(store, feed_dir, found)
            write_feeds(store, feed_dir, base_url=settings.base_url)
        if ids:
            log.info("recorded %d change(s); %d alert(s) queued", len(ids), queued)
        total += len(ids)
        if len(ids) - len(gone) < BATCH:
            return total
