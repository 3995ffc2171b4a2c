"""Errors a user can cause. The CLI prints their message as one line and exits non-zero."""

from __future__ import annotations


class TrackerError(Exception):
    """Base class: anything whose message is fit to show a user as-is."""

    exit_code = 1


class InputError(TrackerError):
    """A file, URL or argument that cannot be used."""

    exit_code = 2


class NotFoundError(TrackerError):
    """An unknown story or version."""

    exit_code = 3


class DatabaseError(TrackerError):
    """The database is locked, corrupt, unreachable or from a newer schema."""

    exit_code = 4


class ReadOnlyDatabaseError(DatabaseError):
    """A command that must write met a database this process can only read."""


def require_text(value: str, what: str, error: type[TrackerError] = InputError) -> str:
    """``value``, or ``error`` when it holds a lone surrogate: Python decodes argument bytes
    that are not UTF-8 to U+DC80–U+DCFF, and no database, URL or UTF-8 output can hold them."""
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise error(f"{what} {value!r} is not valid UTF-8 text (undecodable bytes)")
    return value
