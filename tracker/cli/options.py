"""Options shared by every command, and the console they print to."""

from __future__ import annotations

import io
import os
import sys
from typing import Annotated, TextIO

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
    typer.Option(
        "--version", "-v", help="A number, -1 for the latest, or a time (2026-11-09 14:00, 2h ago)."
    ),
]
At = Annotated[
    str | None,
    typer.Option("--at", help="The version current at this time (2026-11-09 14:00, 2h ago)."),
]
Width = Annotated[
    int | None,
    typer.Option(
        "--width",
        min=20,
        help="Wrap output at N columns [default: the terminal's; no wrapping into a file or pipe].",
        show_default=False,
    ),
]
# Into a file or a pipe nothing is cut or folded unless --width asks: lines are this long at most.
WHOLE_WIDTH = 10_000


def open_store(db: str | None) -> Store:
    return Store(db)


def console(no_color: bool = False, width: int | None = None) -> Console:
    """The console commands print to: rich on a terminal; into a file or pipe, whole lines
    (nothing cut with "…", no wrapping unless ``--width``) with no trailing spaces."""
    if sys.stdout.isatty():
        plain = no_color or bool(os.environ.get("NO_COLOR"))
        return Console(no_color=plain, highlight=False, width=width)
    return Console(
        file=TrimmedWriter(sys.stdout),
        no_color=True,
        highlight=False,
        width=width or WHOLE_WIDTH,
        force_terminal=False,
    )


class TrimmedWriter(io.TextIOBase):
    """A text stream that drops the spaces rich pads lines with before each newline."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._pending = ""

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        for line in lines:
            self.out.write(line.rstrip() + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.out.write(self._pending.rstrip())
            self._pending = ""
        self.out.flush()

    def isatty(self) -> bool:
        return False


def print_json(text: str) -> None:
    sys.stdout.write(text + "\n")
