"""The ``tracker`` command: a thin layer that parses, calls one pipeline function, renders.

Commands live in small modules by area and register themselves on :data:`app`.
Errors a user can cause print one line on stderr and exit non-zero.
"""

from __future__ import annotations

import importlib
import sys

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
import tracker.cli.research  # noqa: E402, F401  (issue 11)
from tracker.cli import core, follow, listing, notify, polling, queries, stats  # noqa: E402, F401


def _click_classes(name: str) -> tuple[type[BaseException], ...]:
    """``name`` from typer's bundled click (typer ≥ 0.26) and from click itself, where present."""
    found = []
    for module in ("typer._click.exceptions", "typer.exceptions", "click.exceptions"):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
    return tuple(found)


_USAGE_ERRORS = _click_classes("ClickException")
_ABORTS = _click_classes("Abort")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script and ``python -m tracker``."""
    try:
        result = app(args=argv, standalone_mode=False)
    except TrackerError as exc:
        _fail(str(exc), exc.exit_code)
    except _ABORTS:
        _fail("aborted", 130)
    except _USAGE_ERRORS as exc:
        command = getattr(getattr(exc, "ctx", None), "command_path", "tracker")
        _fail(f"{exc.format_message()} (see: {command} --help)", exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    sys.exit(result if isinstance(result, int) else 0)


def _fail(message: str, code: int) -> None:
    print(f"tracker: error: {message}", file=sys.stderr)
    sys.exit(code)
