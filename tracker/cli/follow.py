"""Source commands: follow, unfollow, sources (feeds, sitemaps and section pages)."""

from __future__ import annotations

import asyncio
import json as jsonlib
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tracker.cli import app
from tracker.cli.options import Db, Json, console, open_store, print_json
from tracker.errors import InputError
from tracker.render.json import iso

if TYPE_CHECKING:
    from tracker.sources import SourceReport
    from tracker.store import Store
    from tracker.store.sources import SourceInfo

AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private",
        envvar="TRACKER_ALLOW_PRIVATE",
        help="Allow loopback and private-network URLs (also TRACKER_ALLOW_PRIVATE=1).",
    ),
]


@app.command()
def follow(
    url: Annotated[str, typer.Argument(help="An RSS/Atom feed, a news sitemap or index, a page.")],
    label: Annotated[str | None, typer.Option(help="A label for the source's stories.")] = None,
    every: Annotated[str, typer.Option(help="How often the source is re-read.")] = "5m",
    story_every: Annotated[
        str | None,
        typer.Option("--story-every", help="A fixed interval for its stories (default: adaptive)."),
    ] = None,
    include: Annotated[
        list[str] | None,
        typer.Option("--include", help="Only article URLs matching this regular expression."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Skip article URLs matching this regular expression."),
    ] = None,
    keyword: Annotated[
        list[str] | None,
        typer.Option("--keyword", "-k", help="Only articles whose title/summary/URL has it."),
    ] = None,
    archive: Annotated[
        bool, typer.Option("--archive", help="Ask the Wayback Machine to save each new version.")
    ] = False,
    no_read: Annotated[
        bool, typer.Option("--no-read", help="Do not read the source now (tracker run will).")
    ] = False,
    allow_private: AllowPrivate = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Follow a feed, sitemap or section page: its new articles are tracked as stories."""
    from tracker.scheduler import parse_duration
    from tracker.sources import check_source_url, compile_pattern
    from tracker.store.schema import check_label
    from tracker.store.sources import SourceSettings, follow_source, source_info, unfollow_source

    source_url = check_source_url(url)
    check_label(label)  # before the source is read
    _check_allowed(source_url, allow_private)
    for pattern in (*(include or ()), *(exclude or ())):
        compile_pattern(pattern)
    settings = SourceSettings(
        url=source_url,
        label=label,
        every_seconds=round(parse_duration(every)),
        story_every_seconds=round(parse_duration(story_every)) if story_every else None,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        keywords=tuple(keyword or ()),
        archive=archive,
    )
    with open_store(db) as store:
        created = follow_source(store, settings)
        report = None
        if not no_read:
            report = _read_now(store, [source_url], allow_private)[0]
            if report.outcome == "error":
                if created:
                    unfollow_source(store, source_url, purge=True)
                raise InputError(f"{source_url}: {report.error} (not followed)")
        info = source_info(store, source_url)
    if json:
        document = {"source": _source_document(info), "created": created}
        document["read"] = _report_document(report) if report else None
        print_json(jsonlib.dumps(document, ensure_ascii=False, indent=2))
        return
    verb = "following" if created else "following (settings updated)"
    what = f" ({info.kind})" if info.kind else ""
    line = f"{source_url}: {verb}{what}, re-read every {every}"
    if report is not None:
        line += f"; {report.listed} articles listed, {report.matched} matched, "
        line += f"{len(report.added)} new {'story' if len(report.added) == 1 else 'stories'}"
    typer.echo(line)


@app.command()
def unfollow(
    url: str,
    purge: Annotated[
        bool, typer.Option("--purge", help="Also forget which stories it listed.")
    ] = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Stop reading a source; the stories it found stay tracked."""
    from tracker.sources import check_source_url
    from tracker.store.sources import unfollow_source

    source_url = check_source_url(url)
    with open_store(db) as store:
        stories = unfollow_source(store, source_url, purge=purge)
    if json:
        document = {"source": source_url, "purged": purge, "stories_kept": stories}
        print_json(jsonlib.dumps(document, indent=2))
        return
    typer.echo(f"{source_url}: no longer followed; its {_stories(stories)} stay tracked")


@app.command()
def sources(
    read: Annotated[
        bool, typer.Option("--read", help="Read every due source now and add new articles.")
    ] = False,
    allow_private: AllowPrivate = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """The followed sources: kind, label, stories found, last and next read."""
    from tracker.store.sources import list_sources

    with open_store(db) as store:
        reports = _read_now(store, None, allow_private) if read else []
        found = list_sources(store)
    if json:
        document: dict[str, Any] = {"sources": [_source_document(s) for s in found]}
        if read:
            document["read"] = [_report_document(r) for r in reports]
        print_json(jsonlib.dumps(document, ensure_ascii=False, indent=2))
        return
    out = console()
    for report in reports:
        out.print(_report_line(report), markup=False, soft_wrap=True)
    if not found:
        out.print("no sources (follow one with: tracker follow URL)", markup=False)
    for info in found:
        out.print(_source_line(info), markup=False, soft_wrap=True)


def _stories(n: int) -> str:
    return f"{n} {'story' if n == 1 else 'stories'}"


def _check_allowed(url: str, allow_private: bool) -> None:
    from tracker.fetch import UnsafeURLError, check_url_allowed

    try:
        check_url_allowed(url, allow_private=allow_private)
    except UnsafeURLError as exc:
        hint = " (use --allow-private for a local server)" if "address" in str(exc) else ""
        raise InputError(f"{exc}{hint}") from None


def _read_now(store: Store, urls: list[str] | None, allow_private: bool) -> list[SourceReport]:
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.sources import refresh_sources

    settings = FetchSettings.from_env(
        allow_private=allow_private or FetchSettings.from_env().allow_private
    )

    async def run() -> list[SourceReport]:
        async with Fetcher(settings) as fetcher:
            return await refresh_sources(store, fetcher, urls=urls)

    return asyncio.run(run())


def _source_document(info: SourceInfo) -> dict[str, Any]:
    return {
        "url": info.url,
        "kind": info.kind,
        "label": info.label,
        "status": info.status,
        "every_seconds": info.every_seconds,
        "story_every_seconds": info.story_every_seconds,
        "include": info.include,
        "exclude": info.exclude,
        "keywords": info.keywords,
        "archive": info.archive,
        "stories": info.stories,
        "last_checked_at": iso(info.last_checked_at),
        "next_check_at": iso(info.next_check_at),
        "last_error": info.last_error,
    }


def _report_document(report: SourceReport) -> dict[str, Any]:
    return {
        "url": report.url,
        "kind": report.kind,
        "outcome": report.outcome,
        "listed": report.listed,
        "matched": report.matched,
        "added": list(report.added),
        "error": report.error,
    }


def _report_line(report: SourceReport) -> str:
    if report.outcome == "error":
        return f"{report.url}: error: {report.error}"
    if report.outcome == "not_modified":
        return f"{report.url}: not modified"
    return (
        f"{report.url}: {report.listed} listed, {report.matched} matched, {len(report.added)} new"
    )


def _source_line(info: SourceInfo) -> str:
    label = f" [{info.label}]" if info.label else ""
    kind = info.kind or "not read yet"
    error = f"; last error: {info.last_error}" if info.last_error else ""
    return (
        f"{info.url}{label}  {kind}, {info.status}, {_stories(info.stories)}, "
        f"next read {iso(info.next_check_at) or '-'}{error}"
    )
