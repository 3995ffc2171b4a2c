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
