"""Query commands: facts (a timeline), blame (where each sentence came from), search."""

from __future__ import annotations

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
from tracker.render import json as jsondoc
from tracker.render import terminal


@app.command()
def facts(
    url: str, db: Db = None, json: Json = False, no_color: NoColor = False, width: Width = None
) -> None:
    """Each fact's value across the versions: "Killed: v1 32 · v3 60 · v5 236"."""
    with open_store(db) as store:
        url = store.resolve(url)
        queries.extract_missing_facts(store, url)
        timelines = queries.fact_timeline(store, url)
    if json:
        print_json(jsondoc.dumps(jsondoc.facts_document(timelines)))
    else:
        terminal.render_facts(console(no_color, width), timelines)


@app.command()
def blame(
    url: str,
    version: Version = None,
    at: At = None,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """Each sentence of a version with the version that introduced it and last edited it."""
    with open_store(db) as store:
        result = queries.blame(store, store.resolve(url), version, at=at)
    if json:
        print_json(jsondoc.dumps(jsondoc.blame_document(result)))
    else:
        terminal.render_blame(console(no_color, width), result)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A word or phrase (words in this order).")],
    story: Annotated[str | None, typer.Option(help="Only this story (its URL).")] = None,
    db: Db = None,
    json: Json = False,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """Where and when a phrase appeared in the stories, and when it disappeared."""
    with open_store(db) as store:
        hits = queries.search(store, text, story=store.resolve(story) if story else None)
    if json:
        print_json(jsondoc.dumps(jsondoc.search_document(text, hits)))
    else:
        terminal.render_search(console(no_color, width), text, hits)
