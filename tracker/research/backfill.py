"""``tracker backfill``: a story's past captures from a CDX server (the Wayback Machine).

The CDX API lists the captures of a URL; each one with status 200 is fetched
in its original form (``/web/<timestamp>id_/<url>``, without the archive's
banner), oldest first, and stored as a version at its capture time, the same
way ``tracker ingest`` stores a file. A capture whose text equals the version
before it is no new version; captures not after the story's latest stored
version are skipped, so a second backfill adds only what is new.

Polite: one request at a time, at least ``delay`` seconds apart, through the
tracker's one fetcher (timeouts, size cap, address checks); a 429/503 waits
for its Retry-After, and failures are retried with exponential backoff.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode

from tracker.errors import InputError, NotFoundError, TrackerError
from tracker.extract import parse_bytes
from tracker.fetch import Fetcher, FetchResult, FetchSettings, backoff_delay
from tracker.ingest import check_story_url, ingest_article
from tracker.store import Store

WAYBACK_CDX = "https://web.archive.org/cdx/search/cdx"
WAYBACK_WEB = "https://web.archive.org/web"
RETRIED = ("rate_limited", "timeout", "network_error")


@dataclass(frozen=True)
class CdxCapture:
    """One row of a CDX answer."""

    timestamp: str  # YYYYMMDDhhmmss
    original: str
    digest: str | None = None

    @property
    def at(self) -> datetime:
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(
            tzinfo=UTC
        )


@dataclass
class BackfillReport:
    captures: int = 0
    versions: int = 0
    unchanged: int = 0
    already: int = 0
    bad: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Archive:
    """Where the CDX API and the snapshots are, and how politely to ask."""

    cdx: str = WAYBACK_CDX
    web: str = WAYBACK_WEB
    delay: float = 1.0  # seconds between requests
    tries: int = 4
    backoff: float = 1.0  # the first retry waits up to this; doubles, with full jitter


def cdx_timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%d%H%M%S")


def cdx_query(url: str, since: datetime | None, until: datetime | None) -> dict[str, str]:
    query = {
        "url": url,
        "output": "json",
        "fl": "timestamp,original,statuscode,mimetype,digest",
        "filter": "statuscode:200",
        "collapse": "digest",
    }
    if since is not None:
        query["from"] = cdx_timestamp(since)
    if until is not None:
        query["to"] = cdx_timestamp(until)
    return query


def parse_cdx(body: bytes) -> list[CdxCapture]:
    """Rows of a CDX ``output=json`` answer (a header row, then one list per capture)."""
    text = body.decode("utf-8", "replace").strip()
    if not text:
        return []
    try:
        rows = json.loads(text)
    except json.JSONDecodeError:
        raise InputError("the CDX server's answer is not JSON (output=json)") from None
    if not isinstance(rows, list) or not rows:
        return []
    header = [str(h) for h in rows[0]]
    out = []
    for row in rows[1:]:
        fields = dict(zip(header, row, strict=False))
        if fields.get("statuscode", "200") not in ("200", "-"):
            continue
        if fields.get("timestamp") and fields.get("original"):
            out.append(CdxCapture(fields["timestamp"], fields["original"], fields.get("digest")))
    return sorted(out, key=lambda c: c.timestamp)


class _Polite:
    """One request at a time, ``delay`` apart, retried on rate limits and network errors."""

    def __init__(self, fetcher: Fetcher, archive: Archive) -> None:
        self.fetcher = fetcher
        self.archive = archive
        self.last = 0.0

    async def get(self, url: str) -> FetchResult:
        result: FetchResult | None = None
        for attempt in range(1, self.archive.tries + 1):
            wait = self.last + self.archive.delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            result = await self.fetcher.fetch(url)
            self.last = time.monotonic()
            retry = result.outcome in RETRIED or (result.status or 0) >= 500
            if not retry or attempt == self.archive.tries:
                return result
            pause = backoff_delay(attempt, base=self.archive.backoff, cap=60.0)
            await asyncio.sleep(max(pause, result.retry_after or 0.0))
        assert result is not None
        return result


def backfill(
    store: Store,
    url: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    archive: Archive | None = None,
    settings: FetchSettings | None = None,
    on_capture: Callable[[int, int], None] | None = None,
) -> BackfillReport:
    """Store the archived captures of ``url`` between ``since`` and ``until`` as versions."""
    check_story_url(url)
    if since and until and since > until:
        raise InputError("--from is after --to")
    archive = archive or Archive()
    return asyncio.run(_backfill(store, url, since, until, archive, settings, on_capture))


async def _backfill(
    store: Store,
    url: str,
    since: datetime | None,
    until: datetime | None,
    archive: Archive,
    settings: FetchSettings | None,
    on_capture: Callable[[int, int], None] | None,
) -> BackfillReport:
    report = BackfillReport()
    async with Fetcher(settings) as fetcher:
        polite = _Polite(fetcher, archive)
        listing = await polite.get(f"{archive.cdx}?{urlencode(cdx_query(url, since, until))}")
        if not listing.ok or listing.body is None:
            reason = listing.error or f"HTTP {listing.status}"
            raise TrackerError(f"the CDX server did not answer: {reason}")
        captures = parse_cdx(listing.body)
        report.captures = len(captures)
        try:
            history = store.history(url)
        except NotFoundError:
            history = []
        latest = history[-1].fetched_at if history else None
        for i, capture in enumerate(captures, start=1):
            if on_capture is not None:
                on_capture(i, len(captures))
            if latest is not None and capture.at <= latest:
                report.already += 1
                continue
            snapshot = f"{archive.web}/{capture.timestamp}id_/{capture.original}"
            result = await polite.get(snapshot)
            if not result.ok or result.body is None:
                report.bad.append(f"{capture.timestamp}: {result.error or result.status}")
                continue
            try:
                article = parse_bytes(result.body, url=url, name=f"capture {capture.timestamp}")
            except InputError as exc:
                report.bad.append(str(exc))
                continue
            saved = ingest_article(
                store, url, article, fetched_at=capture.at, raw_html=result.body, facts=False
            )
            if saved.stored:
                report.versions += 1
                latest = capture.at
            else:
                report.unchanged += 1
    return report
