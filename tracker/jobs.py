"""The daemon's side jobs: read sources, record changes (queue alerts, write the feed), deliver,
archive, and reload the configuration (:class:`LiveSettings`).

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
from tracker.errors import TrackerError
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
    reload_every: float = 1.0  # how often the configuration file's mtime is looked at


Stamp = tuple[int, int, int] | None


class LiveSettings:
    """A running daemon's side settings, replaced whole when its configuration is reloaded.

    ``load`` makes them anew (it reads the configuration file); :meth:`check` calls it when
    :meth:`ask` was called (SIGHUP) or when the file ``watch`` changed (its mtime, size or
    inode). A file that no longer loads is logged on one line and the last good settings
    stay in force.
    """

    def __init__(
        self,
        settings: SideSettings,
        load: Callable[[], SideSettings] | None = None,
        watch: Path | None = None,
    ) -> None:
        self.settings = settings
        self.reloads = 0
        self._load = load
        self._watch = watch
        self._seen = _stamp(watch)
        self._asked = False

    @property
    def reloadable(self) -> bool:
        return self._load is not None

    def ask(self) -> None:
        """Reload at the next check (what SIGHUP does)."""
        self._asked = True

    def check(self) -> bool:
        """Reload if asked to or if the file changed; True when new settings are in force."""
        if self._load is None:
            return False
        stamp = _stamp(self._watch)
        if not self._asked and stamp == self._seen:
            return False
        why = "SIGHUP" if self._asked else "the file changed"
        self._asked, self._seen = False, stamp
        try:
            settings = self._load()
        except TrackerError as exc:
            log.warning("configuration not reloaded (%s; the last good one stays): %s", why, exc)
            return False
        self.settings = settings
        self.reloads += 1
        names = ", ".join(t.name for t in settings.targets) or "none"
        log.info("configuration reloaded (%s): alert targets %s", why, names)
        return True


def _stamp(path: Path | None) -> Stamp:
    if path is None:
        return None
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_size)


def side_jobs(
    store: Store,
    fetcher: Fetcher,
    settings: SideSettings | LiveSettings,
    on_source: Callable[[SourceReport], None] | None = None,
) -> list[SideJob]:
    """The daemon's side jobs; each pass reads the settings in force (a reload replaces them)."""
    live = settings if isinstance(settings, LiveSettings) else LiveSettings(settings)
    first = live.settings

    async def sources() -> None:
        await refresh_sources(store, fetcher, on_report=on_source)

    async def changes() -> None:
        # Recorded even with no target and no feed: a target added later (a reload) is owed
        # the changes from then on, not every version ever stored.
        await asyncio.to_thread(record_and_publish, store, live.settings)

    async def deliver() -> None:
        current = live.settings
        if current.targets:
            await asyncio.to_thread(
                deliver_due,
                store,
                current.targets,
                base_url=current.base_url,
                settings=current.delivery,
            )

    async def archive() -> None:
        current = live.settings.archive
        if current is not None:
            await asyncio.to_thread(archive_new_versions, store, current)

    async def reload() -> None:
        await asyncio.to_thread(live.check)

    jobs = [
        SideJob("sources", first.sources_every, sources),
        SideJob("changes", first.changes_every, changes),
        SideJob("alerts", first.deliver_every, deliver),
    ]
    if first.archive is not None or live.reloadable:
        jobs.append(SideJob("archive", 5.0, archive))
    if live.reloadable:
        jobs.append(SideJob("config", first.reload_every, reload))
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
