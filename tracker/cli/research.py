"""Research commands: export, import, backfill, facts-worker, derive."""

from __future__ import annotations

import contextlib
import json as jsonlib
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tracker.cli import app
from tracker.cli.options import Db, Json, open_store, print_json
from tracker.errors import InputError, ReadOnlyDatabaseError
from tracker.selectors import parse_time


@contextlib.contextmanager
def _progress(quiet: bool = False) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    progress = Progress(
        TextColumn("{task.description:<13}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        disable=quiet or not sys.stderr.isatty(),
    )
    with progress:
        yield progress


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files (created).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv or parquet (needs tracker[parquet]).")
    ] = "jsonl",
    story: Annotated[
        list[str] | None, typer.Option("--story", help="Only this story URL (repeatable).")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only stories of this site, e.g. apnews.com (repeatable)."),
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only versions seen at or after this time (ISO-8601).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only versions seen at or before this time (ISO-8601).")
    ] = None,
    derive: Annotated[
        bool,
        typer.Option(
            "--derive/--no-derive", help="First store the diffs of versions still without them."
        ),
    ] = True,
    db: Db = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Write stories, versions, sentences, sentence ops and fact changes as files."""
    from tracker.research import changes
    from tracker.research.export import FORMATS, ExportFilter, count_rows, export

    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (jsonl, csv or parquet)")
    where = ExportFilter(
        stories=tuple(story or ()),
        sources=tuple(source or ()),
        since=parse_time(since) if since else None,
        until=parse_time(until) if until else None,
    )
    if where.since and where.until and where.since > where.until:
        raise InputError("--since is after --until")
    with open_store(db) as store:
        if derive:
            try:
                changes.derive_pending(store)
            except ReadOnlyDatabaseError as exc:
                raise ReadOnlyDatabaseError(f"{exc} (export --no-derive only reads)") from None
        totals = count_rows(store, where)
        with _progress(quiet) as progress:
            tasks = {t: progress.add_task(t, total=n) for t, n in totals.items()}
            result = export(
                store,
                out,
                fmt,  # type: ignore[arg-type]
                where,
                progress=lambda table, n: progress.advance(tasks[table], n),
            )
        unparsed = changes.stale_count(store)
    for table, count in result.rows.items():
        typer.echo(f"{out / f'{table}.{fmt}'}: {count} rows")
    if unparsed:
        typer.echo(
            f"note: {unparsed} version(s) not parsed yet have no diff rows "
            "(tracker facts-worker --once parses them)"
        )


@app.command("derive")
def derive_command(
    again: Annotated[
        bool, typer.Option("--all", help="Derive every version again, not only stale ones.")
    ] = False,
    reparse: Annotated[
        bool, typer.Option("--reparse", help="Extract every version's facts again first.")
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Store the diffs (sentence ops, fact changes) of versions whose rows are missing or stale."""
    from tracker.research import changes
    from tracker.research.worker import work

    with open_store(db) as store:
        if reparse:
            changes.forget_facts(store)
        elif again:
            changes.forget(store)
        done = work(store)
        left = changes.stale_count(store)
    if json:
        print_json(
            jsonlib.dumps(
                {
                    "parsed": len(done.parsed),
                    "derived": done.derived.versions,
                    "fact_changes": done.derived.fact_changes,
                    "sentence_ops": done.derived.sentence_ops,
                    "left": left,
                }
            )
        )
        return
    typer.echo(
        f"parsed {len(done.parsed)} version(s); stored the diffs of {done.derived.versions} "
        f"({done.derived.fact_changes} fact changes, {done.derived.sentence_ops} sentence ops)"
    )


@app.command("facts-worker")
def facts_worker(
    batch: Annotated[int, typer.Option(min=1, help="Versions claimed per transaction.")] = 20,
    idle: Annotated[
        float, typer.Option(min=0.1, help="Seconds to wait when there is nothing to do.")
    ] = 5.0,
    once: Annotated[bool, typer.Option("--once", help="Stop when nothing is left.")] = False,
    db: Db = None,
    json: Json = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No log line per pass.")] = False,
) -> None:
    """Parse facts and store diffs until stopped; run one per core, on any machine (PostgreSQL)."""
    from tracker.research.worker import WorkDone, run_worker

    stop = {"now": False}

    def _stop(*_: object) -> None:
        stop["now"] = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop)

    def report(done: WorkDone) -> None:
        if not quiet and not json:
            typer.echo(
                f"parsed {len(done.parsed)} version(s), stored the diffs of "
                f"{done.derived.versions}",
                err=True,
            )

    with open_store(db) as store:
        total = run_worker(
            store, batch=batch, idle=idle, once=once, stopping=lambda: stop["now"], on_pass=report
        )
    if json:
        print_json(jsonlib.dumps({"parsed": total.parsed, "derived": total.derived.versions}))


@app.command("import")
def import_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="diffengine SQLite databases, WARC files or snapshot directories."),
    ],
    workers: Annotated[
        int, typer.Option(min=0, help="Extraction processes (0: in this process).")
    ] = 2,
    db: Db = None,
    json: Json = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Import existing archives; importing one twice adds nothing."""
    from tracker.research.importer import import_paths
    from tracker.scheduler import worker_processes

    pool = worker_processes(workers) if workers > 0 else None
    try:
        with open_store(db) as store, _progress(quiet) as progress:
            task = progress.add_task("stories", total=0)
            report = import_paths(
                store,
                paths,
                pool=pool,
                ahead=4 * max(1, workers),
                on_scan=lambda n: progress.update(task, total=(progress.tasks[0].total or 0) + n),
                on_story=lambda _done: progress.advance(task),
            )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if json:
        document = {
            "stories": report.stories,
            "versions": report.versions,
            "unchanged": report.unchanged,
            "already_stored": report.already,
            "bad": report.bad,
        }
        print_json(jsonlib.dumps(document, ensure_ascii=False))
        return
    typer.echo(
        f"imported {report.stories} stories: {report.versions} new versions, "
        f"{report.unchanged} unchanged, {report.already} already stored, "
        f"{len(report.bad)} bad records"
    )
    for reason in report.bad[:20]:
        typer.echo(f"  bad: {reason}", err=True)
    if len(report.bad) > 20:
        typer.echo(f"  … and {len(report.bad) - 20} more", err=True)


@app.command("backfill")
def backfill_command(
    url: Annotated[str, typer.Argument(help="The story's URL.")],
    since: Annotated[
        str | None, typer.Option("--from", help="Captures at or after this time (ISO-8601).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--to", help="Captures at or before this time (ISO-8601).")
    ] = None,
    cdx: Annotated[
        str, typer.Option(help="The CDX API endpoint.", envvar="TRACKER_CDX")
    ] = "https://web.archive.org/cdx/search/cdx",
    web: Annotated[
        str,
        typer.Option(help="Where snapshots are: <web>/<timestamp>id_/<url>.", envvar="TRACKER_WEB"),
    ] = "https://web.archive.org/web",
    delay: Annotated[float, typer.Option(min=0.0, help="Seconds between requests.")] = 1.0,
    tries: Annotated[int, typer.Option(min=1, help="Tries per request (429, 5xx, timeouts).")] = 4,
    allow_private: Annotated[
        bool,
        typer.Option(
            "--allow-private", envvar="TRACKER_ALLOW_PRIVATE", help="Allow loopback/private hosts."
        ),
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Store a story's past captures from the Wayback Machine (CDX API), oldest first."""
    from tracker.fetch import FetchSettings
    from tracker.research.backfill import Archive, backfill

    settings = FetchSettings.from_env(allow_private=allow_private)
    archive = Archive(cdx=cdx.rstrip("?"), web=web.rstrip("/"), delay=delay, tries=tries)
    with open_store(db) as store:
        report = backfill(
            store,
            url,
            since=parse_time(since) if since else None,
            until=parse_time(until) if until else None,
            archive=archive,
            settings=settings,
        )
    if json:
        document = {
            "story": url,
            "captures": report.captures,
            "versions": report.versions,
            "unchanged": report.unchanged,
            "already_stored": report.already,
            "bad": report.bad,
        }
        print_json(jsonlib.dumps(document, ensure_ascii=False))
        return
    typer.echo(
        f"{url}: {report.captures} captures, {report.versions} new versions, "
        f"{report.unchanged} unchanged, {report.already} already stored, "
        f"{len(report.bad)} bad"
    )
    for reason in report.bad[:20]:
        typer.echo(f"  bad: {reason}", err=True)
