"""Pick versions the way people name them: ``3``, ``v3``, ``-1`` (latest), ``-2``, ``first``,
``latest``, or a time (the version current at that moment)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tracker.errors import InputError, NotFoundError
from tracker.store import VersionInfo

# Versions people name by word: the first one and the latest one.
NAMED = {"first": 0, "latest": -1, "last": -1}


def parse_time(text: str) -> datetime:
    """An ISO-8601 time; a time without a zone is taken as UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"not an ISO-8601 time: {text!r} (e.g. 2020-11-09T14:30:00Z)") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def version_or_at(version: str | None, at: str | None) -> str | None:
    """The one version a command names with ``--version`` or ``--at`` (None: neither)."""
    if version is not None and at is not None:
        raise InputError("give --version or --at, not both")
    return version or at


def pick_version(spec: str, versions: Sequence[VersionInfo], url: str = "story") -> int:
    """The version number that ``spec`` names among ``versions`` (oldest first)."""
    if not versions:
        raise NotFoundError(f"{url} has no versions yet")
    text = spec.strip().lower().removeprefix("v")
    numbers = [v.number for v in versions]
    if text in NAMED:
        return numbers[NAMED[text]]
    if text.lstrip("-").isdigit():
        value = int(text)
        if value < 0:
            if -value > len(numbers):
                raise NotFoundError(f"{url} has only {len(numbers)} versions, not {-value} back")
            return numbers[value]
        if value not in numbers:
            raise NotFoundError(f"{url} has no version {value} (versions 1–{numbers[-1]})")
        return value
    moment = parse_time(spec)
    current = [v.number for v in versions if v.fetched_at <= moment]
    if not current:
        raise NotFoundError(f"{url} had no version yet at {spec}")
    return current[-1]
