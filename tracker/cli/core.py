"""Core commands: ingest, split, list, history, show, diff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker import queries
from tracker.cli import app
from tracker.cli.options import (
    At,
    Db,
    Json,
    NoColor,
    Version,
    Width,
    console,
    open_store,
    print_json,
)
from tracker.errors import InputError
from tracker.extract import read_article
from tracker.ingest import ingest_file
from tracker.printable import printable
from tracker.render import html as htmldoc
from tracker.render import json as jsondoc
from tracker.render import terminal
from tracker.sections import split_article
from tracker.selectors import parse_time, pick_version, version_or_at
from tracker.urls import looks_like_url


@app.command()
def ingest(
    url: Annotated[str, typer.Argument(help="The story's URL (what the version is a version of).")],
    file: Annotated[Path, typer.Argument(help="A local HTML page or plain-text article.")],
    at: Annotated[
        str | None, typer.Option(help="When this version was seen (2026-11-09 14:00, 2h ago).")
    ] = None,
    db: Db = None,
) -> None:
    """Record a version of a story from a local HTML or text file."""
    when = parse_time(at) if at else None
    with open_store(db) as store:
        result = ingest_file(store, url, file, at=when)
    url = result.url
    if not result.stored:
        typer.echo(f"{url}: unchanged (same text as v{result.number}); nothing stored")
    elif result.reverts_to:
        typer.echo(f"{url}: stored v{result.number} (reverts to v{result.reverts_to})")
    else:
        typer.echo(f"{url}: stored v{result.number}")


@app.command()
def split(
    file: Annotated[Path, typer.Argument(help="A local HTML page or plain-text article.")],
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """Show the breaking-update and earlier-story sections of a local file."""
    result = split_article(read_article(file))
    if json:
        print_json(jsondoc.dumps(jsondoc.split_document(result)))
    else:
        terminal.render_split(console(no_color, width), result)


@app.command()
def history(
    url: str,
    since: Annotated[
        str | None,
        typer.Option(
            help="Only versions at or after this time (yesterday, 2h ago, 2026-11-09 14:00)."
        ),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option(
            "--all", help="Also the flagged versions (texts the quality gate doubted), marked."
        ),
    ] = False,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """The versions of a story: time, words, sentences changed and the headline fact change."""
    with open_store(db) as store:
        url = store.resolve(url)
        queries.extract_missing_facts(store, url, suspect=show_all)  # never "not extracted yet"
        summaries = queries.history(store, url, since=since, suspect=show_all)
        hidden = 0 if show_all else queries.flagged_count(store, url)
    if json:
        print_json(jsondoc.dumps(jsondoc.history_summary_document(url, summaries)))
    else:
        terminal.render_history(console(no_color, width), url, summaries, hidden=hidden)


@app.command()
def show(
    url: str,
    version: Version = None,
    at: At = None,
    section: Annotated[str | None, typer.Option(help="update, earlier or body.")] = None,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """One version's text (default: the latest)."""
    if section not in (None, "update", "earlier", "body"):
        raise InputError(f"--section must be update, earlier or body, not {section!r}")
    spec = version_or_at(version, at)
    with open_store(db) as store:
        url = store.resolve(url)
        number = pick_version(spec, store.history(url, suspect=True), url) if spec else None
        stored = store.version(url, number)
    if section and section not in stored.split.kinds:
        raise InputError(f"v{stored.info.number} has no {section} section ({stored.split.kinds})")
    if json:
        print_json(jsondoc.dumps(jsondoc.show_document(stored)))
    else:
        terminal.render_version(console(no_color, width), stored, section)


# "-1" names the latest version, so an unknown "-N" reaches ``targets`` and is checked there.
@app.command(context_settings={"ignore_unknown_options": True})
def diff(
    targets: Annotated[
        list[str],
        typer.Argument(help="FILE_A FILE_B, FILE --sections, or URL [A] [B] of a stored story."),
    ],
    sections: Annotated[
        bool, typer.Option("--sections", help="Breaking update vs earlier story of one version.")
    ] = False,
    version: Annotated[
        str | None, typer.Option("--version", "-v", help="With --sections on a URL.")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="B is the version current at this time; A the one before."),
    ] = None,
    context: Annotated[int, typer.Option(help="Unchanged sentences shown around changes.")] = 0,
    side_by_side: Annotated[
        bool, typer.Option("--side-by-side", help="A on the left, B on the right.")
    ] = False,
    facts_only: Annotated[
        bool, typer.Option("--facts-only", help="Only the fact changes and events.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Write a self-contained HTML page here (instead of text)."),
    ] = None,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Also the minor and house-style changes, marked as such."),
    ] = False,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """The semantic diff: headline and metadata, how the facts changed, then the sentences."""
    if context < 0:
        raise InputError(f"--context must be 0 or more, not {context}")
    result = _diff(targets, sections=sections, version=version, at=at, db=db)
    if html is not None:
        htmldoc.write_diff(
            html, result, context=None if context == 0 else context, show_all=show_all
        )
        typer.echo(f"wrote {printable(str(html))}", err=json)
    if json:
        print_json(jsondoc.dumps(jsondoc.labelled_diff_document(result)))
    elif html is None:
        terminal.render_diff(
            console(no_color, width),
            result,
            context=context,
            facts_only=facts_only,
            side_by_side=side_by_side,
            show_all=show_all,
        )


def _names_a_story(targets: list[str]) -> bool:
    """A URL, or a label / id / URL part that is not a local file (FILE_A FILE_B, FILE)."""
    first = targets[0]
    if looks_like_url(first):
        return True
    return not any(Path(t).exists() or Path(t).suffix in FILE_SUFFIXES for t in targets)


FILE_SUFFIXES = {".txt", ".html", ".htm", ".xhtml", ".text", ".md"}


def _diff(
    targets: list[str], *, sections: bool, version: str | None, at: str | None, db: str | None
) -> queries.LabelledDiff:
    for target in targets:
        if target.startswith("-") and not target[1:].isdigit():
            raise InputError(f"no such option: {target}")
    first = targets[0]
    if _names_a_story(targets):
        with open_store(db) as store:
            first = store.resolve(first)
            if sections:
                if len(targets) > 1:
                    raise InputError("with --sections give one URL and --version N (or --at)")
                return queries.diff_version_sections(store, first, version, at=at)
            if len(targets) > 3:
                raise InputError("give a URL and at most two versions")
            specs = targets[1:]
            return queries.diff_versions(
                store,
                first,
                specs[0] if specs else None,
                specs[1] if len(specs) > 1 else None,
                at=at,
            )
    if at is not None or version is not None:
        raise InputError("--at and --version name versions of a stored story (give its URL)")
    if sections:
        if len(targets) != 1:
            raise InputError("with --sections give exactly one FILE")
        return queries.diff_file_sections(first)
    if len(targets) != 2:
        raise InputError("give two files (FILE_A FILE_B), or one with --sections")
    return queries.diff_files(targets[0], targets[1])
