"""Pick versions the way people name them: ``3``, ``v3``, ``-1`` (latest), ``-2``, ``first``,
``latest``, or a time (the version current at that moment)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from tracker.errors import InputError, NotFoundError, require_text
from tracker.store import VersionInfo

# Versions people name by word: the first one and the latest one.
NAMED = {"first": 0, "latest": -1, "last": -1}


def parse_time(text: str, *, now: datetime | None = None) -> datetime:
    """A time as people write it: ISO-8601 ("2026-11-09T14:00Z"), "2026-11-09 14:00",
    "yesterday", "2h ago", "9 Nov 14:00" (dateparser). A time without a zone is UTC."""
    stripped = require_text(text, "time").strip()  # dateparser skipped undecodable bytes
    try:
        value = datetime.fromisoformat(stripped.replace("Z", "+00:00"))
    except ValueError:
        value = _human_time(stripped, now)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _human_time(text: str, now: datetime | None) -> datetime:
    import dateparser  # imported here: it is slow to import and ISO times do not need it

    settings = {
        "TIMEZONE": "UTC",
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
    }
    if now is not None:
        settings["RELATIVE_BASE"] = now.astimezone(UTC).replace(tzinfo=None)
    value = dateparser.parse(text, languages=["en"], settings=settings) if text else None
    if value is None:
        raise InputError(
            f"not a time: {text!r} (e.g. 2026-11-09 14:00, 2026-11-09T14:00Z, yesterday, 2h ago)"
        )
    return value


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
    try:
        moment = parse_time(spec)
    except InputError:
        raise InputError(
            f"not a version: {spec!r} (give a number like 3 or v3, -1 for the latest, "
            "first, latest, or a time such as 2026-11-09 14:00)"
        ) from None
    current = [v.number for v in versions if v.fetched_at <= moment]
    if not current:
        raise NotFoundError(f"{url} had no version yet at {spec}")
    return current[-1]
