"""Archive on store: ask the Wayback Machine's Save Page Now (SPN2) for each new version.

Off by default; on for the stories of a source followed with ``--archive`` (or
``archive = true`` in ``tracker.toml``). The protocol, as the Internet Archive
documents it: ``POST {endpoint}/save`` with the form field ``url`` (and
``Authorization: LOW key:secret`` when keys are configured) answers a JSON
``job_id``; ``GET {endpoint}/save/status/{job_id}`` answers ``status``
(``pending``, ``success``, ``error``) and, on success, the capture's
``timestamp`` and ``original_url``. The capture URL
``{endpoint}/web/{timestamp}/{original_url}`` is kept with the version
(``archive_captures``); a failure is kept too, with its reason, and not retried.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import httpx
from sqlalchemy import select

from tracker.store import Store, utcnow
from tracker.store.schema import Story, Version, fitting
from tracker.store.sources_schema import ArchiveCapture, Source, SourceItem

log = logging.getLogger("tracker.archive")

WAYBACK = "https://web.archive.org"


@dataclass(frozen=True)
class ArchiveSettings:
    endpoint: str = WAYBACK
    access_key: str | None = None
    secret_key: str | None = None
    poll_every: float = 3.0  # seconds between status requests
    give_up_after: float = 120.0  # seconds a capture may take
    timeout: float = 30.0


@dataclass(frozen=True)
class Capture:
    url: str  # the story URL asked for
    ok: bool
    capture_url: str | None = None
    error: str | None = None


class ArchiveError(Exception):
    """Save Page Now refused or failed; the message is one line."""


def save_page(url: str, settings: ArchiveSettings | None = None) -> Capture:
    """Ask Save Page Now to capture ``url`` and wait for the capture; never raises."""
    settings = settings or ArchiveSettings()
    base = settings.endpoint.rstrip("/")
    headers = {"Accept": "application/json", "User-Agent": "tracker (archive on store)"}
    if settings.access_key and settings.secret_key:
        headers["Authorization"] = f"LOW {settings.access_key}:{settings.secret_key}"
    try:
        with httpx.Client(timeout=settings.timeout, headers=headers) as client:
            job = _json(client.post(f"{base}/save", data={"url": url}))
            job_id = job.get("job_id")
            if not job_id:
                raise ArchiveError(str(job.get("message") or "no job_id in the answer"))
            deadline = time.monotonic() + settings.give_up_after
            while True:
                status = _json(client.get(f"{base}/save/status/{job_id}"))
                state = status.get("status")
                if state == "success":
                    stamp = status.get("timestamp")
                    original = status.get("original_url") or url
                    if not stamp:
                        raise ArchiveError("success without a timestamp")
                    return Capture(url, True, f"{base}/web/{stamp}/{original}")
                if state != "pending":
                    reason = status.get("message") or status.get("status_ext") or state
                    raise ArchiveError(f"capture failed: {reason}")
                if time.monotonic() > deadline:
                    raise ArchiveError(f"no capture after {settings.give_up_after:g} s")
                time.sleep(settings.poll_every)
    except ArchiveError as exc:
        return Capture(url, False, error=str(exc))
    except httpx.HTTPError as exc:
        return Capture(url, False, error=f"{type(exc).__name__}: {exc}")


def _json(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    if response.status_code >= 400:
        raise ArchiveError(f"HTTP {response.status_code} from Save Page Now")
    try:
        found = response.json()
    except ValueError:
        raise ArchiveError("Save Page Now did not answer JSON") from None
    if not isinstance(found, dict):
        raise ArchiveError("Save Page Now did not answer a JSON object")
    return found


def archive_new_versions(
    store: Store, settings: ArchiveSettings | None = None, *, limit: int = 10
) -> list[Capture]:
    """Capture the versions (stored since archiving was on) of stories of archiving sources."""
    settings = settings or ArchiveSettings()
    archiving = (
        select(SourceItem.story_id)
        .join(Source, Source.id == SourceItem.source_id)
        .where(Source.archive.is_(True), Source.status != "removed")
    )
    with store.session() as session:
        rows = session.execute(
            select(Version.id, Story.url)
            .join(Story, Story.id == Version.story_id)
            .outerjoin(ArchiveCapture, ArchiveCapture.version_id == Version.id)
            .where(ArchiveCapture.version_id.is_(None), Version.story_id.in_(archiving))
            .order_by(Version.id)
            .limit(limit)
        ).all()
    done = []
    for version_id, url in rows:
        capture = save_page(url, settings)
        # The archive's URL is longer than the story's: for a story URL near the 2,048 limit
        # it overflowed the column, and PostgreSQL refused the row at every pass, the same
        # version first each time, so no later version was archived.
        kept = fitting(capture.capture_url, ArchiveCapture.capture_url)
        error = capture.error
        if capture.capture_url is not None and kept is None:
            error = f"capture URL of {len(capture.capture_url):,} characters not kept: too long"
        with store.session() as session:
            session.merge(
                ArchiveCapture(
                    version_id=version_id,
                    status="saved" if capture.ok else "failed",
                    capture_url=kept,
                    requested_at=utcnow(),
                    error=error,
                )
            )
        if capture.ok:
            log.info("archived %s: %s", url, capture.capture_url)
        else:
            log.warning("archiving %s failed: %s", url, capture.error)
        done.append(capture)
    return done


def captures(store: Store, url: str) -> dict[int, str | None]:
    """Version number → capture URL (None when the capture failed) of one story."""
    with store.session() as session:
        rows = session.execute(
            select(Version.number, ArchiveCapture.capture_url)
            .join(ArchiveCapture, ArchiveCapture.version_id == Version.id)
            .join(Story, Story.id == Version.story_id)
            .where(Story.url == url)
        ).all()
    return {number: capture for number, capture in rows}
