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
    except UnicodeEncodeError as exc:
        if not _from_argument(exc, sys.argv[1:] if argv is None else argv):
            raise
        # The net under require_text: an argument's undecodable bytes reached an encoder.
        _fail(f"an argument is not valid UTF-8 text (undecodable bytes): {exc.reason}", 2)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    sys.exit(result if isinstance(result, int) else 0)


def _from_argument(exc: UnicodeEncodeError, argv: list[str]) -> bool:
    """True when the characters that failed to encode are lone surrogates from the command
    line (bytes that were not UTF-8), not a fault of tracker's own text."""
    bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
    return bool(bad) and any(bad in arg for arg in argv)


def _fail(message: str, code: int) -> None:
    print(f"tracker: error: {message}", file=sys.stderr)
    sys.exit(code)
