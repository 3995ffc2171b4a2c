"""Core commands: ingest, split, list, history, show, diff."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tracker import semdiff
from tracker.cli import app
from tracker.cli.options import Db, Json, NoColor, console, open_store, print_json
from tracker.errors import InputError
from tracker.extract import read_article
from tracker.ingest import check_story_url, ingest_file
from tracker.render import json as jsondoc
from tracker.render import terminal
from tracker.sections import split_article
from tracker.selectors import parse_time, pick_version


@app.command()
def ingest(
    url: Annotated[str, typer.Argument(help="The story's URL (what the version is a version of).")],
    file: Annotated[Path, typer.Argument(help="A local HTML page or plain-text article.")],
    at: Annotated[str | None, typer.Option(help="When this version was seen (ISO-8601).")] = None,
    db: Db = None,
) -> None:
    """Record a version of a story from a local HTML or text file."""
    when = parse_time(at) if at else None
    with open_store(db) as store:
        result = ingest_file(store, url, file, at=when)
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
) -> None:
    """Show the breaking-update and earlier-story sections of a local file."""
    result = split_article(read_article(file))
    if json:
        print_json(jsondoc.dumps(jsondoc.split_document(result)))
    else:
        terminal.render_split(console(no_color), result)


@app.command("list")
def list_stories(db: Db = None, json: Json = False, no_color: NoColor = False) -> None:
    """The tracked stories: status, versions, last and next check."""
    with open_store(db) as store:
        stories = store.list_stories()
    if json:
        print_json(jsondoc.dumps(jsondoc.list_document(stories)))
    else:
        terminal.render_list(console(no_color), stories)


@app.command()
def history(
    url: str,
    since: Annotated[
        str | None, typer.Option(help="Only versions at or after this time (ISO-8601).")
    ] = None,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
) -> None:
    """The versions of a story: number, time, words, sections."""
    with open_store(db) as store:
        versions = store.history(url)
    if since:
        moment = parse_time(since)
        versions = [v for v in versions if v.fetched_at >= moment]
    if json:
        print_json(jsondoc.dumps(jsondoc.history_document(url, versions)))
    else:
        terminal.render_history(console(no_color), url, versions)


@app.command()
def show(
    url: str,
    version: Annotated[
        str | None, typer.Option("--version", "-v", help="Number, -1 for latest, or a time.")
    ] = None,
    section: Annotated[str | None, typer.Option(help="update, earlier or body.")] = None,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
) -> None:
    """One version's text (default: the latest)."""
    if section not in (None, "update", "earlier", "body"):
        raise InputError(f"--section must be update, earlier or body, not {section!r}")
    with open_store(db) as store:
        number = pick_version(version, store.history(url), url) if version else None
        stored = store.version(url, number)
    if section and section not in stored.split.kinds:
        raise InputError(f"v{stored.info.number} has no {section} section ({stored.split.kinds})")
    if json:
        print_json(jsondoc.dumps(jsondoc.show_document(stored)))
    else:
        terminal.render_version(console(no_color), stored, section)


@app.command()
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
    context: Annotated[int, typer.Option(help="Unchanged sentences shown around changes.")] = 0,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
) -> None:
    """The semantic diff: how the facts changed, then the aligned sentences."""
    result = _diff(targets, sections=sections, version=version, db=db)
    if json:
        print_json(jsondoc.dumps(jsondoc.diff_document(result)))
    else:
        terminal.render_diff(console(no_color), result, context=context)


def _diff(targets: list[str], *, sections: bool, version: str | None, db: str | None):
    first = targets[0]
    if first.startswith(("http://", "https://")):
        check_story_url(first)
        with open_store(db) as store:
            versions = store.history(first)
            if sections:
                if len(targets) > 1:
                    raise InputError("with --sections give one URL and --version N")
                number = pick_version(version or "-1", versions, first)
                return semdiff.diff_sections(semdiff.stored_side(store, first, number))
            if len(targets) > 3:
                raise InputError("give a URL and at most two versions")
            if len(versions) < 2 and len(targets) < 3:
                raise InputError(f"{first} has {len(versions)} version(s); a diff needs two")
            specs = targets[1:] or ["-2", "-1"]
            if len(specs) == 1:
                specs = [specs[0], "-1"]
            a, b = (pick_version(s, versions, first) for s in specs)
            if a > b:
                raise InputError(f"reversed range: v{a} is newer than v{b} (give the older first)")
            return semdiff.diff(
                semdiff.stored_side(store, first, a), semdiff.stored_side(store, first, b)
            )
    if sections:
        if len(targets) != 1:
            raise InputError("with --sections give exactly one FILE")
        return semdiff.diff_file_sections(first)
    if len(targets) != 2:
        raise InputError("give two files (FILE_A FILE_B), or one with --sections")
    return semdiff.diff_files(targets[0], targets[1])
