"""Polling commands: add, remove, poll, run, demo."""

from __future__ import annotations

import asyncio
import logging
import math
import re
import sys
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tracker.cli import app
from tracker.cli.daemon import (
    AlertUrls,
    BaseUrl,
    ConfigPath,
    FeedDir,
    WebhookSecret,
    WebhookUrls,
    live_settings,
    log_source,
)
from tracker.cli.options import Db, NoColor, console, open_store
from tracker.errors import InputError
from tracker.ingest import check_story_url
from tracker.printable import printable
from tracker.render.json import iso

# The fetcher (httpx, aiohttp), the poller and the scheduler are imported by the
# commands that use them: every other command starts without them.
if TYPE_CHECKING:
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.jobs import LiveSettings
    from tracker.poll import CheckReport, PollSettings, PollSummary
    from tracker.scheduler import DaemonSettings, SchedulePolicy
    from tracker.store import Store

AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        envvar="TRACKER_ALLOW_PRIVATE",
        help="Allow loopback and private-network URLs (also TRACKER_ALLOW_PRIVATE=1).",
    ),
]
AllowHost = Annotated[
    list[str] | None,
    typer.Option(
        "--allow-host",
        help="Allow this one local host (HOST or HOST:PORT) only; redirects to any other "
        "private address are still refused. Repeatable.",
        show_default=False,
    ),
]
# `tracker poll` exits with this code when it made checks and every one of them failed
# (a 404/410 "gone" is an answer, not a failure).
ALL_CHECKS_FAILED = 5
FAILED_OUTCOMES = frozenset(
    {
        "http_error",
        "timeout",
        "network_error",
        "refused",
        "too_large",
        "redirect_loop",
        "rate_limited",
    }
)
Concurrency = Annotated[int, typer.Option(help="Checks in flight at once.", min=1)]
PerHost = Annotated[int, typer.Option("--per-host", help="Requests at once per host.", min=1)]


def _fetch_settings(
    allow_private: bool, per_host: int, allow_hosts: list[str] | None = None
) -> FetchSettings:
    from tracker.fetch import FetchSettings

    return FetchSettings.from_env(
        allow_private=allow_private or FetchSettings.from_env().allow_private,
        allow_hosts=_allowed_hosts(allow_hosts),
        per_host_limit=per_host,
    )


def _allowed_hosts(names: list[str] | None) -> frozenset[str]:
    """``--allow-host`` values as the fetcher compares them: lower case, no scheme or path."""
    hosts = set()
    for name in names or []:
        host = name.strip().lower().split("://", 1)[-1].split("/", 1)[0]
        if not host:
            raise InputError(f"--allow-host needs a host name or HOST:PORT, not {name!r}")
        hosts.add(host)
    return frozenset(hosts)


@app.command()
def add(
    url: str,
    every: Annotated[
        str | None,
        typer.Option(
            help="Check at this fixed interval, with a unit (90s, 5m, 1h; at least 1m); "
            "default: adaptive."
        ),
    ] = None,
    label: Annotated[str | None, typer.Option(help="A name for the story in lists.")] = None,
    allow_private: AllowPrivate = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check/--no-check", help="Fetch the page once now to say whether it answers."
        ),
    ] = True,
    allow_host: AllowHost = None,
    db: Db = None,
) -> None:
    """Track a story: it is checked at the next poll (and once now, to see that it answers)."""
    from tracker.fetch import UnsafeURLError, check_url_allowed
    from tracker.store.polling import add_story

    url = check_story_url(url)
    seconds = parse_every(every) if every else None
    unresolved = None
    try:
        check_url_allowed(url, allow_private=allow_private, allow_hosts=_allowed_hosts(allow_host))
    except UnsafeURLError as exc:
        if str(exc).startswith("cannot resolve"):
            unresolved = str(exc)  # unreachable now, not unsafe: kept, and said so below
        else:
            hint = (
                " (use --allow-host HOST or --allow-private for a local server)"
                if "address" in str(exc)
                else ""
            )
            raise InputError(f"{exc}{hint}") from None
    with open_store(db) as store:
        created = add_story(
            store, url, every=seconds, label=label, allow_private=allow_private or None
        )
    how = f"every {every}" if every else "adaptive interval"
    typer.echo(f"{url}: {'tracking' if created else 'tracking again'} ({how})")
    problem = unresolved or (_first_look(url, allow_private) if check else None)
    if problem:
        typer.echo(
            f"tracker: warning: {url} is not reachable now ({problem}); "
            "kept: it is checked again at every poll",
            err=True,
        )


EVERY_FLOOR = 60  # seconds: `add --every` checks one story no more often than this
_EVERY = re.compile(r"(?:\d+(?:\.\d+)?\s*[smhdw]\s*)+", re.I)


def parse_every(text: str) -> int:
    """Seconds of a fixed interval: a unit is required, and 1 minute is the least."""
    from tracker.scheduler import parse_duration

    spec = text.strip()
    if not _EVERY.fullmatch(spec):
        if spec.replace(".", "", 1).isdigit():
            raise InputError(f"--every {text}: give a unit ({spec}s, {spec}m, {spec}h)")
        raise InputError(f"--every {text!r} is not a duration (e.g. 90s, 5m, 1h30m, 2d)")
    seconds = round(parse_duration(spec))
    if seconds < EVERY_FLOOR:
        raise InputError(
            f"--every {text} is too often: at least 1m between checks of one story "
            "(be polite to the site)"
        )
    return seconds


def _first_look(url: str, allow_private: bool) -> str | None:
    """One fetch of the page: None when it answers, else why it did not (a 404 is an answer,
    but one worth saying)."""
    from tracker.fetch import fetch_once

    settings = _fetch_settings(allow_private, 4)
    result = fetch_once(url, settings=replace(settings, total_timeout=10.0))
    if result.outcome in FAILED_OUTCOMES or result.outcome == "gone":
        status = f"HTTP {result.status}: " if result.status else ""
        return f"{status}{result.error or result.outcome.replace('_', ' ')}"
    return None


@app.command()
def remove(
    url: str,
    purge: Annotated[
        bool, typer.Option("--purge", help="Also delete its versions and check log.")
    ] = False,
    db: Db = None,
) -> None:
    """Stop tracking a story; its history is kept unless --purge."""
    from tracker.store.polling import remove_story

    with open_store(db) as store:
        url = store.resolve(url)
        remove_story(store, url, purge=purge)
    typer.echo(f"{url}: {'deleted with its history' if purge else 'no longer tracked'}")


@app.command()
def poll(
    urls: Annotated[
        list[str] | None, typer.Argument(help="Stories to check now (default: all due).")
    ] = None,
    allow_private: AllowPrivate = False,
    allow_host: AllowHost = None,
    concurrency: Concurrency = 64,
    per_host: PerHost = 4,
    config: ConfigPath = None,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    """Check the due stories (or the named ones) once, now. Exits 5 when every check failed."""
    from tracker.config import load_config
    from tracker.poll import PollSettings
    from tracker.sites import publish
    from tracker.store.polling import count_due

    book = load_config(config).book
    if book.sites:  # the sites' rules: selector, markers, notes, intervals
        publish(book)
    out = console(no_color)
    err = Console(stderr=True, no_color=out.no_color, highlight=False)
    with open_store(db) as store:
        urls = [store.resolve(u) for u in urls] if urls else urls
        total = len(urls) if urls else count_due(store)
        lines: list[str] = []
        with _progress(err, total) as advance:

            def on_check(report: CheckReport) -> None:
                advance()
                if urls:
                    lines.append(_line(report))

            summary = asyncio.run(
                _poll_once(
                    store,
                    urls,
                    _fetch_settings(allow_private, per_host, allow_host),
                    on_check,
                    PollSettings(concurrency=concurrency),
                )
            )
    for line in lines:
        out.print(line, markup=False)
    for url in summary.busy:
        out.print(f"{url}: being checked by another worker; skipped", markup=False)
    out.print(_summary_line(summary), markup=False)
    if summary.checks and all(outcome in FAILED_OUTCOMES for outcome in summary.counts):
        raise typer.Exit(ALL_CHECKS_FAILED)


async def _poll_once(
    store: Store,
    urls: list[str] | None,
    fetch_settings: FetchSettings,
    on_check: Callable[[CheckReport], None],
    settings: PollSettings,
) -> PollSummary:
    from tracker.poll import Poller

    async with AsyncExitStack() as stack:
        fetcher, private = await _fetchers(stack, fetch_settings)
        poller = Poller(
            store, fetcher, settings=settings, on_check=on_check, private_fetcher=private
        )
        try:
            return await poller.poll(urls)
        finally:
            poller.close()


async def _fetchers(
    stack: AsyncExitStack, settings: FetchSettings
) -> tuple[Fetcher, Fetcher | None]:
    """The fetcher, and one that may reach private addresses for the stories added with
    --allow-private (None when every fetch may already)."""
    from tracker.fetch import Fetcher

    fetcher = await stack.enter_async_context(Fetcher(settings))
    if settings.allow_private:
        return fetcher, None
    private = await stack.enter_async_context(Fetcher(replace(settings, allow_private=True)))
    return fetcher, private


class _progress:
    """A progress bar on a terminal's stderr; nothing otherwise."""

    def __init__(self, err: Console, total: int) -> None:
        self._bar: Progress | None = None
        if err.is_terminal and total:
            self._bar = Progress(
                TextColumn("checking"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            )
            self._task = self._bar.add_task("checking", total=total)

    def __enter__(self) -> Callable[[], None]:
        if self._bar is not None:
            self._bar.start()
        return self._advance

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def _advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)


def _line(report: CheckReport) -> str:
    r = report.record
    what = r.outcome.replace("_", " ")
    if r.outcome == "changed" and r.version_number:
        what = f"changed: stored v{r.version_number}"
    if r.error:
        what += f" ({printable(r.error)})"
    status = f"HTTP {r.http_status} " if r.http_status else ""
    when = r.next_check_at
    next_at = _next_check(when) if when else "never (retired)"
    return f"{printable(report.url)}: {status}{what}; next check {next_at}"


def _next_check(when: datetime) -> str:
    """``when`` to the second, as ``iso`` writes it; the daemon's checks of one batch are
    mostly due again within the same few seconds (cached: UTC only, where equal times are
    equal texts)."""
    if when.tzinfo is UTC:
        return _utc_second(math.floor(when.timestamp()))  # the text iso() writes for UTC
    return iso(when.replace(microsecond=0)) or ""


def _summary_line(summary: PollSummary) -> str:
    if not summary.checks:
        return "nothing was due"
    parts = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in summary.counts.items())
    return f"checked {summary.checks} {'story' if summary.checks == 1 else 'stories'}: {parts}"


@app.command()
def run(
    allow_private: AllowPrivate = False,
    allow_host: AllowHost = None,
    tick: Annotated[str, typer.Option(help="How often to look for due stories.")] = "1s",
    concurrency: Concurrency = 64,
    per_host: PerHost = 4,
    min_interval: Annotated[str, typer.Option(help="Fastest adaptive interval.")] = "1m",
    max_interval: Annotated[str, typer.Option(help="Slowest adaptive interval.")] = "6h",
    retire_after: Annotated[
        str, typer.Option(help="Stop polling a story with no change for this long.")
    ] = "30d",
    facts_every: Annotated[
        str, typer.Option(help="How often the facts job runs ('0' turns it off).")
    ] = "30s",
    grace: Annotated[
        str, typer.Option(help="On Ctrl-C/SIGTERM, how long checks in flight may finish.")
    ] = "10s",
    stop_after: Annotated[
        str | None, typer.Option("--for", help="Stop after this long (default: until signalled).")
    ] = None,
    extract_workers: Annotated[
        int | None,
        typer.Option(
            "--extract-workers",
            help="Processes extracting changed pages [default: one per core but one, at least 1].",
            min=1,
            show_default=False,
        ),
    ] = None,
    keep_checks: Annotated[
        str, typer.Option(help="Keep per-check log rows this long; older ones become daily counts.")
    ] = "7d",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No line per check.")] = False,
    config: ConfigPath = None,
    feed_dir: FeedDir = None,
    base_url: BaseUrl = None,
    alert: AlertUrls = None,
    webhook: WebhookUrls = None,
    webhook_secret: WebhookSecret = None,
    db: Db = None,
) -> None:
    """The scheduler daemon: polls due stories (and reads sources) until Ctrl-C or SIGTERM."""
    from tracker.poll import PollSettings
    from tracker.scheduler import DaemonSettings, SchedulePolicy, parse_duration

    fastest, slowest = parse_duration(min_interval), parse_duration(max_interval)
    policy = SchedulePolicy(
        min_interval=fastest,
        max_interval=slowest,
        start_interval=min(slowest, max(fastest, SchedulePolicy.start_interval)),
        retire_after=parse_duration(retire_after),
    )
    daemon_settings = DaemonSettings(
        tick=parse_duration(tick),
        facts_every=0.0 if facts_every.strip() in ("0", "off") else parse_duration(facts_every),
        grace=parse_duration(grace),
        keep_checks=parse_duration(keep_checks),
    )
    limit = parse_duration(stop_after) if stop_after else None
    log_to_stderr()
    with open_store(db) as store:
        side = live_settings(store, config, feed_dir, base_url, alert, webhook, webhook_secret)
        run_log.info("tracker run: polling %r; Ctrl-C to stop", store.engine.url)
        asyncio.run(
            _run(
                store,
                policy,
                daemon_settings,
                _fetch_settings(allow_private, per_host, allow_host),
                PollSettings(
                    concurrency=concurrency,
                    extract_in="process",
                    extract_workers=extract_workers or _default_extract_workers(),
                ),
                None if quiet else _CheckLog(),
                limit,
                side,
            )
        )
    run_log.info("tracker run: stopped")


def _default_extract_workers() -> int:
    """One extraction process per core, leaving one core to the poller's event loop."""
    import os

    return max(1, (os.cpu_count() or 1) - 1)


run_log = logging.getLogger("tracker.run")


class _UTCFormatter(logging.Formatter):
    """Every daemon line alike: ``2026-12-02T21:05:09Z message``."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        from datetime import UTC, datetime

        return datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def log_to_stderr() -> None:
    """The daemon's one log format on stderr: the checks, the versions with their top fact
    changes, the sources, the jobs, start and stop."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_UTCFormatter("%(asctime)s %(message)s"))
    logger = logging.getLogger("tracker")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


class _CheckLog:
    """One line per check on stderr, one write per batch of checks.

    The poller reports a batch of checks in one go; the lines are written
    together as soon as it is done (``call_soon``). The daemon logs thousands
    of checks a second, and a write for each line cost as much as the rest of
    a 304 check's bookkeeping. The lines have the daemon's one format (``log_to_stderr``).
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, report: CheckReport) -> None:
        if not self.lines:
            try:
                asyncio.get_running_loop().call_soon(self.flush)
            except RuntimeError:  # no event loop: write at once
                self.lines.append(f"{_second(report.record.checked_at)} {_line(report)}\n")
                self.flush()
                return
        self.lines.append(f"{_second(report.record.checked_at)} {_line(report)}\n")

    def flush(self) -> None:
        if self.lines:
            sys.stderr.write("".join(self.lines))
            sys.stderr.flush()
            self.lines.clear()


def _second(at: datetime) -> str:
    if at.tzinfo is UTC:  # a check's time: thousands a second share one text, worked out once
        return _utc_second(math.floor(at.timestamp()))
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=64)
def _utc_second(timestamp: int) -> str:
    """A UTC time's whole second as text, keyed by its POSIX second (an int hashes and
    compares faster than an aware datetime, which a cut to the second also made anew)."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def _run(
    store: Store,
    policy: SchedulePolicy,
    daemon_settings: DaemonSettings,
    fetch_settings: FetchSettings,
    settings: PollSettings,
    on_check: Callable[[CheckReport], None] | None,
    limit: float | None,
    side: LiveSettings | None = None,
) -> None:
    from tracker.jobs import side_jobs
    from tracker.poll import Poller
    from tracker.scheduler import Daemon

    async with AsyncExitStack() as stack:
        fetcher, private = await _fetchers(stack, fetch_settings)
        poller = Poller(
            store,
            fetcher,
            policy=policy,
            settings=settings,
            on_check=on_check,
            private_fetcher=private,
        )
        jobs = side_jobs(store, fetcher, side, log_source) if side else []
        try:
            hangup = side.ask if side is not None and side.reloadable else None
            await Daemon(poller, daemon_settings, jobs, on_hangup=hangup).run(limit=limit)
        finally:
            poller.close()
            if isinstance(on_check, _CheckLog):
                on_check.flush()
            sys.stderr.flush()


@app.command()
def demo(db: Db = None, no_color: NoColor = False) -> None:
    """The whole loop on the bundled seed story, served by a local server."""
    from tracker.demo import run_demo

    run_demo(db, console(no_color))
