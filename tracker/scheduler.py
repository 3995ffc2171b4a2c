"""Scheduler: when each story is next due, and the ``tracker run`` daemon that keeps polling.

The schedule policy is data (:class:`SchedulePolicy`); :func:`reschedule` applies
it to one check's outcome. Defaults, all configurable on ``tracker run``:

- a new story without ``--every`` starts at ``start_interval`` (10 min);
- every check that stores a new version multiplies the interval by ``faster``
  (0.5), every unchanged check by ``slower`` (1.25), within ``min_interval``
  (1 min) and ``max_interval`` (6 h) — a story that keeps changing is polled
  more often, a quiet one less (NewsSniffer's 1.2× per unchanged check);
- while the latest version carries a breaking-update marker the story is
  polled every ``min_interval``;
- ``--every`` on ``tracker add`` pins a story's interval (no adaptation);
- errors back off exponentially with full jitter from ``error_base`` (1 min)
  up to ``error_cap`` (6 h); ``Retry-After`` on 429/503 is honoured as a floor
  up to ``retry_after_cap`` (6 h: a server cannot park a story for years);
  after ``error_after`` (3) failures in a row the story's status is ``error``
  (it is still retried);
- a story that answers 404/410 is ``gone`` and re-checked every ``gone_interval``
  (6 h); it is ``active`` again when it returns;
- a story with no change for ``retire_after`` (30 days) is ``retired``: no
  longer polled, history kept (``tracker poll URL`` still checks it).

The daemon (:class:`Daemon`) runs an APScheduler 3.x ``AsyncIOScheduler`` with
two jobs: the poll job every ``tick`` seconds (drains whatever is due through one
shared :class:`~tracker.poll.Poller`) and the facts job, which runs
:func:`tracker.research.worker.work` in a separate process so spaCy never
holds up polling. SIGHUP calls ``on_hangup`` (``tracker run``
reloads its configuration). SIGINT/SIGTERM stop it: no new checks start, checks in flight
get ``grace`` seconds to finish and are then abandoned (a version is written in
one transaction, so an abandoned check leaves nothing partial), and the leases
of unfinished checks are released.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import re
import signal
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal, NamedTuple

from tracker.errors import DatabaseError, InputError, TrackerError
from tracker.fetch import backoff_delay
from tracker.fetch.retry import MAX_RETRY_AFTER

if TYPE_CHECKING:
    from tracker.poll import Poller

log = logging.getLogger("tracker.scheduler")
versions_log = logging.getLogger("tracker.versions")
WATCH_EVERY = 1.0  # seconds between looks at the database file (deleted under the daemon?)
UNTIL_EVERY = 0.1  # seconds between asks of Daemon.run's ``until``

StoryStatus = Literal["active", "gone", "retired", "error", "removed"]

# Which way each kind of check outcome moves the schedule.
OUTCOME_KIND: dict[str, str] = {
    "changed": "changed",
    "unchanged": "quiet",
    "not_modified": "quiet",
    "suspect": "quiet",
    "gone": "gone",
    "rate_limited": "error",
    "http_error": "error",
    "timeout": "error",
    "too_large": "error",
    "refused": "error",
    "redirect_loop": "error",
    "network_error": "error",
    "error": "error",
}


@dataclass(frozen=True)
class SchedulePolicy:
    """The adaptive schedule, as numbers (seconds and factors)."""

    start_interval: float = 600.0
    min_interval: float = 60.0
    max_interval: float = 6 * 3600.0
    faster: float = 0.5
    slower: float = 1.25
    error_base: float = 60.0
    error_cap: float = 6 * 3600.0
    retry_after_cap: float = MAX_RETRY_AFTER  # the longest Retry-After honoured (6 h)
    error_after: int = 3
    gone_interval: float = 6 * 3600.0
    retire_after: float = 30 * 86400.0

    def __post_init__(self) -> None:
        if not 0 < self.min_interval <= self.max_interval:
            raise InputError("the minimum interval must be positive and at most the maximum")
        if not (0 < self.faster <= 1 <= self.slower):
            raise InputError("faster must be in (0, 1] and slower at least 1")


class StoryClock(NamedTuple):
    """What the schedule needs to know about a story before its check (named tuples, this
    and :class:`Plan`: every check makes one of each, and a frozen dataclass costs twice
    as much to make)."""

    interval: float | None  # the current adaptive interval
    every: float | None  # a pinned interval (``--every``)
    failures: int
    created_at: datetime
    last_changed_at: datetime | None
    breaking: bool  # the latest version carries a breaking-update marker


class Plan(NamedTuple):
    """When to check next, the interval to remember, the status and failure count."""

    next_check_at: datetime | None
    interval: float
    status: StoryStatus
    failures: int


def first_interval(policy: SchedulePolicy, every: float | None) -> float:
    return every if every else policy.start_interval


def reschedule(
    policy: SchedulePolicy,
    clock: StoryClock,
    outcome: str,
    now: datetime,
    *,
    retry_after: float | None = None,
    breaking: bool | None = None,
    jitter: Callable[[int, float, float], float] | None = None,
) -> Plan:
    """Apply the policy to one check's ``outcome``; ``breaking`` is the marker state after it."""
    kind = OUTCOME_KIND.get(outcome, "error")
    breaking = clock.breaking if breaking is None else breaking
    interval = clock.interval or first_interval(policy, clock.every)
    if kind == "error":
        failures = clock.failures + 1
        wait = (jitter or _backoff)(failures, policy.error_base, policy.error_cap)
        floor = min(retry_after or 0.0, policy.retry_after_cap)  # a server's wish, within bounds
        wait = max(wait, floor, min(policy.error_base, interval))
        status: StoryStatus = "error" if failures >= policy.error_after else "active"
        return Plan(now + timedelta(seconds=wait), interval, status, failures)
    if kind == "gone":
        return Plan(now + timedelta(seconds=policy.gone_interval), interval, "gone", 0)
    changed_at = now if kind == "changed" else (clock.last_changed_at or clock.created_at)
    if (now - changed_at).total_seconds() > policy.retire_after:
        return Plan(None, interval, "retired", 0)
    interval = _adapt(policy, clock, interval, kind == "changed", breaking)
    return Plan(now + timedelta(seconds=interval), interval, "active", 0)


def _adapt(
    policy: SchedulePolicy, clock: StoryClock, interval: float, changed: bool, breaking: bool
) -> float:
    if clock.every:
        return clock.every
    if breaking:
        return policy.min_interval
    factor = policy.faster if changed else policy.slower
    return min(policy.max_interval, max(policy.min_interval, interval * factor))


def _backoff(failures: int, base: float, cap: float) -> float:
    return backoff_delay(failures, base=base, cap=cap)


# -- durations ------------------------------------------------------------------

_UNITS: dict[str, float] = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw]?)", re.I)


def parse_duration(text: str) -> float:
    """Seconds in ``"90"``, ``"30s"``, ``"5m"``, ``"1h30m"``, ``"2d"``; InputError otherwise."""
    spec = text.strip().lower().replace(" ", "")
    pos, total = 0, 0.0
    while pos < len(spec):
        match = _DURATION.match(spec, pos)
        if match is None:
            break
        total += float(match.group(1)) * _UNITS[match.group(2) or "s"]
        pos = match.end()
    if not spec or pos != len(spec) or total <= 0:
        raise InputError(f"not a duration: {text!r} (e.g. 30s, 5m, 1h30m, 2d)")
    return total


# -- the daemon -------------------------------------------------------------------


@dataclass(frozen=True)
class DaemonSettings:
    tick: float = 1.0  # how often the poll job looks for due stories
    facts_every: float = 30.0  # the facts job; 0 turns it off
    facts_batch: int = 20
    grace: float = 10.0  # seconds in-flight checks get after a stop signal
    keep_checks: float = 7 * 86_400.0  # check-log retention window (tracker.store.retention)
    retention_every: float = 3_600.0  # how often old checks are rolled up; 0 turns it off


def _facts_job(db_url: str, limit: int, budget: float) -> list[str]:
    """Runs in the facts process: extract facts for versions the poller stored without them.

    Batches of ``limit`` (:func:`tracker.research.worker.work`, which also stores each
    version's diffs as rows) until none is left or ``budget`` seconds have passed.
    Returns one log line per version parsed, with its top fact changes.
    """
    from tracker.research.changes import version_lines
    from tracker.research.worker import work
    from tracker.store import Store

    # Claims its versions (FOR UPDATE SKIP LOCKED on PostgreSQL) and stores their diffs.
    with Store(db_url) as store:
        return version_lines(store, work(store, batch=limit, budget=budget).parsed)


@dataclass(frozen=True)
class SideJob:
    """Another daemon job (sources, alerts, the feed): ``run()`` every ``every`` seconds."""

    name: str
    every: float
    run: Callable[[], Awaitable[object]]


class Daemon:
    """``tracker run``: the poll job, the facts job and any side jobs on an APScheduler."""

    def __init__(
        self,
        poller: Poller,
        settings: DaemonSettings | None = None,
        jobs: Sequence[SideJob] = (),
        on_hangup: Callable[[], None] | None = None,
    ):
        self.poller = poller
        self.settings = settings or DaemonSettings()
        self.jobs = tuple(jobs)
        self.on_hangup = on_hangup  # SIGHUP: e.g. reload the configuration
        self.stopped = asyncio.Event()
        self._poll_task: asyncio.Task[object] | None = None
        self._facts_pool: ProcessPoolExecutor | None = None
        self._facts_future: asyncio.Future[list[str]] | None = None

    def stop(self) -> None:
        """Ask the daemon to stop: no new checks; in-flight ones get the grace period."""
        self.poller.stopping = True
        self.stopped.set()

    async def run(self, *, until: Callable[[], bool] | None = None, limit: float | None = None):
        """Poll until stopped (a signal, :meth:`stop`, ``until()`` true, or ``limit`` seconds)."""
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        loop = asyncio.get_running_loop()
        handled = []
        signals: list[tuple[int, Callable[[], None]]] = [
            (signal.SIGINT, self.stop),
            (signal.SIGTERM, self.stop),
        ]
        if self.on_hangup is not None and hasattr(signal, "SIGHUP"):
            signals.append((signal.SIGHUP, self.on_hangup))
        for signum, handler in signals:
            try:
                loop.add_signal_handler(signum, handler)
                handled.append(signum)
            except (NotImplementedError, RuntimeError, ValueError):
                pass  # not the main thread: the caller stops us
        # Its "skipped: maximum number of running instances" is the point of max_instances=1.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)
        scheduler = AsyncIOScheduler(event_loop=loop)
        scheduler.add_job(
            self._poll_job,
            "interval",
            seconds=self.settings.tick,
            next_run_time=datetime.now().astimezone(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            id="poll",
        )
        if self.settings.facts_every > 0:
            self._facts_pool = worker_processes(1)
            scheduler.add_job(
                self._facts_tick,
                "interval",
                seconds=self.settings.facts_every,
                max_instances=1,
                coalesce=True,
                id="facts",
            )
        for job in self.jobs:
            scheduler.add_job(
                self._side_job,
                "interval",
                args=(job,),
                seconds=job.every,
                next_run_time=datetime.now().astimezone(),
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
                id=job.name,
            )
        if self.settings.retention_every > 0:
            scheduler.add_job(
                self._retention_tick,
                "interval",
                seconds=self.settings.retention_every,
                next_run_time=datetime.now().astimezone(),
                max_instances=1,
                coalesce=True,
                id="retention",
            )
        scheduler.start()
        started = last_look = loop.time()
        watch = self.poller.store.watch
        gone: str | None = None
        try:
            while not self.stopped.is_set():
                if until is not None and until():
                    break
                if limit is not None and loop.time() - started > limit:
                    break
                if loop.time() - last_look >= WATCH_EVERY:
                    last_look = loop.time()
                    gone = watch.problem()
                    if gone is not None:
                        log.error("%s; stopping", gone)
                        break
                # Woken by stop() at once; otherwise at the next look at the file or the end
                # of ``limit``. Only an ``until()`` to ask wants 10 looks a second: a wait_for
                # task 10 times a second was a fifth of an idle daemon's CPU.
                pause = UNTIL_EVERY if until is not None else WATCH_EVERY
                if limit is not None:
                    pause = min(pause, max(started + limit - loop.time(), 0.0) + 0.001)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(pause):
                        await self.stopped.wait()
        finally:
            self.poller.stopping = True
            scheduler.pause()  # no new jobs; shutting down now would cancel the running one
            await self._finish_poll()
            scheduler.shutdown(wait=False)
            self._close_facts()
            for signum in handled:
                loop.remove_signal_handler(signum)
        if gone is not None:
            raise DatabaseError(f"{gone} while tracker run was polling; stopped")

    async def _poll_job(self) -> None:
        if self.poller.stopping:
            return
        self._poll_task = asyncio.current_task()
        try:
            await self.poller.drain()
        except TrackerError as exc:  # the database (locked, gone): one line, not a traceback
            log.error("poll pass failed: %s", exc)
        except Exception:  # one bad pass must not end the daemon
            log.exception("poll pass failed")

    async def _side_job(self, job: SideJob) -> None:
        if self.poller.stopping:
            return
        try:
            await job.run()
        except asyncio.CancelledError:
            return  # the daemon is stopping: the job ends with it, nothing to report
        except TrackerError as exc:  # the database (locked, gone): one line, not a traceback
            log.error("%s job failed: %s", job.name, exc)
        except Exception:  # one bad pass must not end the daemon, nor hold up polling
            log.exception("%s job failed", job.name)

    async def _finish_poll(self) -> None:
        task = self._poll_task
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.settings.grace)
        except TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        except asyncio.CancelledError:
            pass
        self.poller.release_leases()

    async def _facts_tick(self) -> None:
        if self._facts_pool is None or self.poller.stopping:
            return
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(
            self._facts_pool,
            _facts_job,
            self.poller.db_url,
            self.settings.facts_batch,
            self.settings.facts_every * 0.8,
        )
        self._facts_future = future
        try:
            done = await future
        except asyncio.CancelledError:
            return
        except Exception as exc:
            log.warning("facts job failed: %s", exc)
            return
        for line in done:  # one line per stored version, with its top fact changes
            versions_log.info("%s", line)

    async def _retention_tick(self) -> None:
        from tracker.store.retention import roll_up

        if self.poller.stopping:
            return
        try:
            report = await asyncio.to_thread(
                roll_up, self.poller.store, keep_days=self.settings.keep_checks / 86_400
            )
        except Exception as exc:
            log.warning("check-log retention failed: %s", exc)
            return
        if report.rolled_up:
            log.info("check log: %d old checks rolled up into daily counts", report.rolled_up)

    def _close_facts(self) -> None:
        """Stop the facts process now: a job in progress loses only its open transaction."""
        pool, self._facts_pool = self._facts_pool, None
        if pool is None:
            return
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)


def worker_processes(workers: int) -> ProcessPoolExecutor:
    """A pool for the poller's extraction and the facts job.

    Spawned, not forked: the parent has threads and an event loop running. The
    workers ignore Ctrl-C, which reaches the whole process group: the daemon
    and the poller decide when they stop.
    """
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_ignore_interrupts,
    )


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
