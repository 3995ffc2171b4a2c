"""Polling commands: add, remove, poll, run, demo."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
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
    log_source,
    side_settings,
)
from tracker.cli.options import Db, NoColor, console, open_store
from tracker.errors import InputError
from tracker.ingest import check_story_url
from tracker.printable import printable
from tracker.render.json import iso

# The fetcher (httpx, aiohttp), the poller and the scheduler are imported by the
# commands that use them: every other command starts without them.
if TYPE_CHECKING:
    from tracker.fetch import FetchSettings
    from tracker.jobs import SideSettings
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
        typer.Option(help="Check at this fixed interval (30s, 5m, 1h); default: adaptive."),
    ] = None,
    label: Annotated[str | None, typer.Option(help="A name for the story in lists.")] = None,
    allow_private: AllowPrivate = False,
    allow_host: AllowHost = None,
    db: Db = None,
) -> None:
    """Track a story: it is checked at the next poll."""
    from tracker.fetch import UnsafeURLError, check_url_allowed
    from tracker.scheduler import parse_duration
    from tracker.store.polling import add_story

    url = check_story_url(url)
    seconds = round(parse_duration(every)) if every else None
    try:
        check_url_allowed(url, allow_private=allow_private, allow_hosts=_allowed_hosts(allow_host))
    except UnsafeURLError as exc:
        hint = (
            " (use --allow-host HOST or --allow-private for a local server)"
            if "address" in str(exc)
            else ""
        )
        raise InputError(f"{exc}{hint}") from None
    with open_store(db) as store:
        created = add_story(store, url, every=seconds, label=label)
    how = f"every {every}" if every else "adaptive interval"
    typer.echo(f"{url}: {'tracking' if created else 'tracking again'} ({how})")


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
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    """Check the due stories (or the named ones) once, now. Exits 5 when every check failed."""
    from tracker.poll import PollSettings
    from tracker.store.polling import count_due

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
    from tracker.fetch import Fetcher
    from tracker.poll import Poller

    async with Fetcher(fetch_settings) as fetcher:
        poller = Poller(store, fetcher, settings=settings, on_check=on_check)
        try:
            return await poller.poll(urls)
        finally:
            poller.close()


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
    next_at = iso(r.next_check_at) or "never (retired)"
    return f"{printable(report.url)}: {status}{what}; next check {next_at}"


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
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logging.getLogger("tracker").addHandler(handler)
    logging.getLogger("tracker").setLevel(logging.INFO)
    with open_store(db) as store:
        side = side_settings(store, config, feed_dir, base_url, alert, webhook, webhook_secret)
        print(f"tracker run: polling {store.engine.url!r}; Ctrl-C to stop", file=sys.stderr)
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
                None if quiet else _log_check,
                limit,
                side,
            )
        )
    print("tracker run: stopped", file=sys.stderr)


def _default_extract_workers() -> int:
    """One extraction process per core, leaving one core to the poller's event loop."""
    import os

    return max(1, (os.cpu_count() or 1) - 1)


def _log_check(report: CheckReport) -> None:
    print(f"{iso(report.record.checked_at)} {_line(report)}", file=sys.stderr, flush=False)


async def _run(
    store: Store,
    policy: SchedulePolicy,
    daemon_settings: DaemonSettings,
    fetch_settings: FetchSettings,
    settings: PollSettings,
    on_check: Callable[[CheckReport], None] | None,
    limit: float | None,
    side: SideSettings | None = None,
) -> None:
    from tracker.fetch import Fetcher
    from tracker.jobs import side_jobs
    from tracker.poll import Poller
    from tracker.scheduler import Daemon

    async with Fetcher(fetch_settings) as fetcher:
        poller = Poller(store, fetcher, policy=policy, settings=settings, on_check=on_check)
        jobs = side_jobs(store, fetcher, side, log_source) if side else []
        try:
            await Daemon(poller, daemon_settings, jobs).run(limit=limit)
        finally:
            poller.close()
            sys.stderr.flush()


@app.command()
def demo(db: Db = None, no_color: NoColor = False) -> None:
    """The whole loop on the bundled seed story, served by a local server."""
    from tracker.demo import run_demo

    run_demo(db, console(no_color))
