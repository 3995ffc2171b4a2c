"""``tracker list``: one page of the tracked stories, filtered and sorted in SQL."""

from __future__ import annotations

from typing import Annotated

import typer

from tracker.cli import app
from tracker.cli.options import Db, Json, NoColor, Width, console, open_store, print_json

PAGE = 50


@app.command("list")
def list_stories(
    status: Annotated[
        list[str] | None,
        typer.Option(
            help="Only stories with this status (repeat, or a,b): active, gone, "
            "retired, error, removed."
        ),
    ] = None,
    source: Annotated[
        str | None, typer.Option(help="Only stories on this site (and its subdomains).")
    ] = None,
    label: Annotated[str | None, typer.Option(help="Only labels containing this text.")] = None,
    errors: Annotated[
        bool, typer.Option("--errors", help="Only stories whose last check failed.")
    ] = False,
    sort: Annotated[
        str, typer.Option(help="url, added, checked, next, changed, status or label.")
    ] = "url",
    desc: Annotated[bool, typer.Option("--desc", help="Sort in descending order.")] = False,
    limit: Annotated[int, typer.Option(help="Stories per page.", min=1)] = PAGE,
    page: Annotated[int, typer.Option(help="Which page (1 is the first).", min=1)] = 1,
    all_: Annotated[bool, typer.Option("--all", help="Every matching story, no paging.")] = False,
    json: Json = False,
    db: Db = None,
    no_color: NoColor = False,
    width: Width = None,
) -> None:
    """The tracked stories: status, versions, last and next check (a page at a time)."""
    from tracker.render import json as jsondoc
    from tracker.render import terminal
    from tracker.store.listing import ListQuery, list_page

    statuses = tuple(s.strip() for value in status or () for s in value.split(",") if s.strip())
    query = ListQuery(
        statuses=statuses,
        source=source,
        label=label,
        errors=errors,
        sort=sort,
        descending=desc,
        limit=None if all_ else limit,
        offset=0 if all_ else (page - 1) * limit,
    )
    with open_store(db) as store:
        result = list_page(store, query)
    if json:
        doc = jsondoc.list_document(result.stories)
        doc.update(total=result.total, offset=query.offset, limit=query.limit)
        print_json(jsondoc.dumps(doc))
        return
    out = console(no_color, width)
    filtered = bool(statuses or source or label or errors)
    if not result.stories and (filtered or result.total):
        out.print(
            f"no stories {'match' if filtered else 'on this page'} ({result.total:,} in all)",
            markup=False,
        )
        return
    terminal.render_list(out, result.stories)
    shown = len(result.stories)
    if shown < result.total:
        first = query.offset + 1
        more = f"; next: --page {page + 1}" if query.offset + shown < result.total else ""
        out.print(
            f"stories {first:,}–{query.offset + shown:,} of {result.total:,}{more}; "
            "every one: --all",
            markup=False,
        )
