"""Options shared by every command, and the console they print to."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console

from tracker.store import Store

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TRACKER_DB",
        help="Database: a SQLAlchemy URL or a SQLite file path "
        "[default: ~/.local/share/tracker/tracker.db].",
        show_default=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print one JSON document on stdout.")]
NoColor = Annotated[
    bool, typer.Option("--no-color", help="No colours (also NO_COLOR or a non-terminal output).")
]
# One version of a story (show, blame): by name or number, or the one current at a time.
Version = Annotated[
    str | None,
    typer.Option("--version", "-v", help="A number, -1 for the latest, or a time (ISO-8601)."),
]
At = Annotated[
    str | None, typer.Option("--at", help="The version current at this time (ISO-8601).")
]


def open_store(db: str | None) -> Store:
    return Store(db)


def console(no_color: bool = False) -> Console:
    plain = no_color or bool(os.environ.get("NO_COLOR")) or not sys.stdout.isatty()
    return Console(no_color=plain, highlight=False, soft_wrap=not sys.stdout.isatty())


def print_json(text: str) -> None:
    sys.stdout.write(text + "\n")
