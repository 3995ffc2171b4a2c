"""The ``tracker`` command: a thin layer that parses, calls one pipeline function, renders.

Commands live in small modules by area and register themselves on :data:`app`.
Errors a user can cause print one line on stderr and exit non-zero.
"""

from __future__ import annotations

import sys

import click
import typer

from tracker.errors import TrackerError

app = typer.Typer(
    name="tracker",
    help="Track news stories: keep every version and see how the facts changed.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

# Importing the command modules registers their commands on ``app``.
from tracker.cli import core, polling, queries  # noqa: E402, F401


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and ``python -m tracker``."""
    try:
        result = app(args=argv, standalone_mode=False)
    except TrackerError as exc:
        _fail(str(exc), exc.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    print(f"tracker: error: {message}", file=sys.stderr)
    sys.exit(code)
