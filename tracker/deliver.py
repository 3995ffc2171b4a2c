"""Deliver: send what the alert outbox owes, with retries and backoff; never raises.

Each attempt at a target is a few quick tries (tenacity: exponential wait, a few
seconds in all); when they all fail the outbox rows are rescheduled with an
exponential backoff (30 s, 1 min, 2 min, … up to 1 h) and given up after
``max_attempts``, each failure logged. A digest target gets one message for
everything it is owed once the oldest debt is ``digest_seconds`` old.

:func:`deliver_due` is synchronous (Apprise is); the daemon runs it in a thread.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import httpx
from tenacity import RetryError, Retrying, stop_after_attempt, wait_exponential

from tracker.alerts import (
    SIGNATURE_HEADER,
    Message,
    OutboxRow,
    Target,
    digest_for,
    due_deliveries,
    mark_failed,
    mark_sent,
)
from tracker.changes import load_changes
from tracker.store import Store, utcnow

log = logging.getLogger("tracker.alerts")


@dataclass(frozen=True)
class DeliverySettings:
    tries: int = 3  # quick tries per attempt
    try_wait: float = 0.5  # first wait between quick tries (doubles)
    timeout: float = 10.0  # per request
    backoff_base: float = 30.0  # seconds before the first retry of a failed attempt
    backoff_cap: float = 3600.0
    max_attempts: int = 10


@dataclass(frozen=True)
class Delivery:
    """One message sent (or not) to one target."""

    target: str
    ok: bool
    entries: int
    error: str | None = None


class DeliveryError(Exception):
    """A target refused or could not be reached; the message is one line."""


def sign(secret: str | None, body: bytes) -> str:
    """The signature header value: ``sha256=`` and the HMAC-SHA256 of the body."""
    key = (secret or "").encode("utf-8")
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify(secret: str | None, body: bytes, header: str | None) -> bool:
    """What a receiver does: compare the header with the body's signature in constant time."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def send_once(target: Target, message: Message, timeout: float = 10.0) -> None:
    """One try at one target; DeliveryError says why it failed."""
    if target.kind == "webhook":
        body = message.payload()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(target.secret, body),
            "User-Agent": "tracker alerts",
        }
        try:
            response = httpx.post(target.url, content=body, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code >= 300:
            raise DeliveryError(f"HTTP {response.status_code} from the webhook")
        return
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(target.url):
        raise DeliveryError("not an Apprise URL Apprise can use")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = notifier.notify(body=message.body, title=message.title)
        if not ok:
            lines = [line for line in captured.getvalue().splitlines() if line.strip()]
            raise DeliveryError(lines[-1].strip() if lines else "the notification failed")


def send(target: Target, message: Message, settings: DeliverySettings | None = None) -> None:
    """A few quick tries with exponential waits; DeliveryError after the last."""
    settings = settings or DeliverySettings()
    retrying = Retrying(
        stop=stop_after_attempt(settings.tries),
        wait=wait_exponential(multiplier=settings.try_wait, max=settings.try_wait * 8),
        reraise=False,
    )
    try:
        for attempt in retrying:
            with attempt:
                send_once(target, message, settings.timeout)
    except RetryError as exc:
        error = exc.last_attempt.exception()
        raise DeliveryError(str(error) or type(error).__name__) from None


def deliver_due(
    store: Store,
    targets: Sequence[Target],
    *,
    base_url: str | None = None,
    settings: DeliverySettings | None = None,
) -> list[Delivery]:
    """Send everything due in the outbox; failures are rescheduled or given up, never raised."""
    settings = settings or DeliverySettings()
    by_name = {t.name: t for t in targets}
    pending: dict[str, list[OutboxRow]] = {}
    for row in due_deliveries(store):
        pending.setdefault(row.target, []).append(row)
    done: list[Delivery] = []
    now = utcnow()
    for name, rows in pending.items():
        target = by_name.get(name)
        if target is None:
            mark_failed(store, [r.id for r in rows], "target no longer configured", retry_in=None)
            continue
        if target.digest_seconds:
            oldest = min(r.created_at for r in rows)
            if now - oldest < timedelta(seconds=target.digest_seconds):
                continue
            batches = [rows]
        else:
            batches = [[r] for r in rows]
        for batch in batches:
            done.append(_deliver(store, target, batch, base_url, settings))
    return done


def _deliver(
    store: Store,
    target: Target,
    batch: list[OutboxRow],
    base_url: str | None,
    settings: DeliverySettings,
) -> Delivery:
    ids = [r.id for r in batch]
    changes = load_changes(store, ids=[r.entry_id for r in batch if r.entry_id is not None])
    changes.sort(key=lambda c: (c.fetched_at, c.id))
    if not changes:
        mark_sent(store, ids)  # the story was purged: nothing left to tell
        return Delivery(target.name, True, 0)
    try:
        send(target, digest_for(changes, base_url), settings)
    except DeliveryError as exc:
        attempts = max(r.attempts for r in batch) + 1
        retry_in = None
        if attempts < settings.max_attempts:
            base = target.backoff_seconds or settings.backoff_base
            retry_in = min(settings.backoff_cap, base * 2 ** (attempts - 1))
        mark_failed(store, ids, str(exc), retry_in=retry_in)
        when = f"retry in {retry_in:g} s" if retry_in is not None else "given up"
        log.warning("alert to %s failed (attempt %d, %s): %s", target.name, attempts, when, exc)
        return Delivery(target.name, False, len(changes), str(exc))
    mark_sent(store, ids)
    log.info("alert sent to %s (%d version(s))", target.name, len(changes))
    return Delivery(target.name, True, len(changes))
