"""Alerts on facts, not on bytes: targets, their filters, the outbox and the messages.

A stored version whose change entry (:mod:`tracker.changes`) carries fact
changes of significance ``fact`` (or, for a target that asks, ``minor``/``style``)
owes one message to each target whose filters it passes. :func:`enqueue` writes
those debts to the outbox table (``alert_outbox``) in one transaction; the
delivery job (:mod:`tracker.deliver`) sends them, retrying with backoff, on its
own schedule — polling never waits for a notification service.

Targets are Apprise URLs (e-mail, Slack, Matrix, Telegram, ntfy, Mastodon, …)
or a plain JSON webhook whose body is signed with HMAC-SHA256
(``X-Tracker-Signature: sha256=<hex>``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy.exc
from sqlalchemy import select

from tracker.changes import SIGNIFICANCE_RANK, Change
from tracker.errors import InputError
from tracker.notes import KIND_LABELS, notes_json
from tracker.render.json import iso
from tracker.store import Store, utcnow
from tracker.store.sources_schema import AlertDelivery

TargetKind = Literal["apprise", "webhook"]
SIGNATURE_HEADER = "X-Tracker-Signature"
TOP_LINES = 5  # fact lines in one message; the rest are counted
# What an alert is about (Change.alert_kind): a target may ask for some of them only.
ALERT_KINDS = ("fact_change", "stealth_edit", "correction", "retraction", "story_gone")


@dataclass(frozen=True)
class Target:
    """Where alerts go, and which ones: a name (the outbox key), a URL, filters, a digest."""

    name: str
    kind: TargetKind
    url: str
    secret: str | None = None  # webhook: the HMAC key
    sources: tuple[str, ...] = ()  # only stories listed by these source URLs (or labels)
    labels: tuple[str, ...] = ()  # only stories with these labels
    min_significance: str = "fact"
    digest_seconds: float | None = None  # one message per this many seconds
    backoff_seconds: float | None = None  # first retry of a failed delivery (then doubling)
    kinds: tuple[str, ...] = ()  # only these alert kinds (ALERT_KINDS); empty: all

    def __post_init__(self) -> None:
        if self.kind not in ("apprise", "webhook"):
            raise InputError(f"alert target {self.name!r}: kind must be apprise or webhook")
        if self.min_significance not in ("fact", "minor", "style"):
            raise InputError(
                f"alert target {self.name!r}: min_significance must be fact, minor or style"
            )
        unknown = [k for k in self.kinds if k not in ALERT_KINDS]
        if unknown:
            raise InputError(
                f"alert target {self.name!r}: kinds must be among {', '.join(ALERT_KINDS)}"
            )
        if self.kind == "webhook" and not self.url.startswith(("http://", "https://")):
            raise InputError(f"alert target {self.name!r}: a webhook URL must be http(s)")

    def wants(self, change: Change) -> bool:
        """Whether this change passes the target's filters."""
        if change.first:
            return False
        if self.kinds and change.alert_kind not in self.kinds:
            return False
        rank = SIGNIFICANCE_RANK.get(change.significance, 0)
        # A note that arrived (a correction, a retraction…) and a story gone are news at any
        # significance; other changes must reach the target's minimum.
        if not (change.gone or change.notes) and rank < SIGNIFICANCE_RANK[self.min_significance]:
            return False
        if self.labels and change.label not in self.labels:
            return False
        listed = (*change.sources, *change.source_labels, change.label)
        return not self.sources or any(s in self.sources for s in listed)


def default_name(kind: str, url: str) -> str:
    """A stable target name from its URL (the outbox remembers targets by name)."""
    return f"{kind}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"


def apprise_target(url: str, **options: Any) -> Target:
    return Target(
        name=options.pop("name", None) or default_name("apprise", url),
        kind="apprise",
        url=url,
        **options,
    )


def webhook_target(url: str, secret: str | None = None, **options: Any) -> Target:
    return Target(
        name=options.pop("name", None) or default_name("webhook", url),
        kind="webhook",
        url=url,
        secret=secret,
        **options,
    )


# -- the outbox ----------------------------------------------------------------------


def enqueue(store: Store, targets: Sequence[Target], changes: Sequence[Change]) -> int:
    """Owe each target a message for each change it wants; returns how many were queued."""
    now = utcnow()
    rows = [
        AlertDelivery(
            target=target.name,
            entry_id=change.id,
            status="pending",
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        for change in changes
        for target in targets
        if target.wants(change)
    ]
    queued = 0
    for row in rows:  # one by one: a row queued before (a restart) is skipped, not fatal
        try:
            with store.session() as session:
                session.add(row)
            queued += 1
        except sqlalchemy.exc.IntegrityError:
            continue
    return queued


@dataclass(frozen=True)
class OutboxRow:
    id: int
    target: str
    entry_id: int | None
    attempts: int
    created_at: datetime


def due_deliveries(store: Store, now: datetime | None = None) -> list[OutboxRow]:
    now = now or utcnow()
    with store.session() as session:
        rows = session.scalars(
            select(AlertDelivery)
            .where(AlertDelivery.status == "pending", AlertDelivery.next_attempt_at <= now)
            .order_by(AlertDelivery.id)
            .limit(500)
        ).all()
        return [OutboxRow(r.id, r.target, r.entry_id, r.attempts, r.created_at) for r in rows]


def mark_sent(store: Store, ids: Sequence[int]) -> None:
    now = utcnow()
    with store.session() as session:
        for row in session.scalars(select(AlertDelivery).where(AlertDelivery.id.in_(list(ids)))):
            row.status = "sent"
            row.sent_at = now
            row.attempts += 1
            row.last_error = None


def mark_failed(store: Store, ids: Sequence[int], error: str, *, retry_in: float | None) -> None:
    """Record a failed attempt: retried in ``retry_in`` seconds, or given up when None."""
    now = utcnow()
    with store.session() as session:
        for row in session.scalars(select(AlertDelivery).where(AlertDelivery.id.in_(list(ids)))):
            row.attempts += 1
            row.last_error = error
            if retry_in is None:
                row.status = "failed"
            else:
                row.next_attempt_at = now + timedelta(seconds=retry_in)


def outbox_counts(store: Store) -> dict[str, dict[str, int]]:
    """Target → status → count, for ``tracker alerts status``."""
    from sqlalchemy import func

    with store.session() as session:
        rows = session.execute(
            select(AlertDelivery.target, AlertDelivery.status, func.count()).group_by(
                AlertDelivery.target, AlertDelivery.status
            )
        ).all()
    found: dict[str, dict[str, int]] = {}
    for target, status, n in rows:
        found.setdefault(target, {})[status] = n
    return found


# -- messages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    """One alert as text (for Apprise) and as a JSON document (for webhooks)."""

    title: str
    body: str
    document: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> bytes:
        return json.dumps(self.document, ensure_ascii=False, sort_keys=True).encode("utf-8")


def diff_link(change: Change, base_url: str | None) -> str | None:
    """Where the HTML diff of this change is published (``--feed-dir`` under ``base_url``)."""
    if not base_url or change.first or change.gone:
        return None
    return f"{base_url.rstrip('/')}/{diff_file_name(change)}"


def diff_file_name(change: Change) -> str:
    return f"diffs/story-{change.story_id}-v{change.number}.html"


def change_document(change: Change, base_url: str | None) -> dict[str, Any]:
    return {
        "alert": change.alert_kind,
        "kind": change.kind,
        "story": {"url": change.url, "label": change.label, "sources": list(change.sources)},
        "version": change.number,
        "previous_version": change.number if change.gone else (change.number - 1 or None),
        "fetched_at": iso(change.fetched_at),
        "previous_fetched_at": iso(change.previous_fetched_at),
        "significance": change.significance,
        "facts": list(change.fact_lines),
        "other_changes": list(change.other_lines),
        "events": list(change.events),
        "notes": notes_json(change.notes),
        "stealth_edit": change.stealth_edit,
        "diff_url": diff_link(change, base_url),
    }


def message_for(change: Change, base_url: str | None = None) -> Message:
    """The message about one version: label, URL, top fact lines, times, the diff link."""
    name = change.label or change.url
    lines = list(change.fact_lines) or [line.split(": ", 1)[-1] for line in change.other_lines]
    title = f"{name}: {_headline(change, lines)}"
    body = [_story_line(change), _times_line(change)]
    body += [f"• {line}" for line in lines[:TOP_LINES]]
    if len(lines) > TOP_LINES:
        body.append(f"… and {len(lines) - TOP_LINES} more")
    body += [f"■ {event}" for event in change.events]
    link = diff_link(change, base_url)
    if link:
        body.append(f"Diff: {link}")
    event = "story_gone" if change.gone else "fact_change"  # `alert` says which kind
    document = {"event": event, **change_document(change, base_url)}
    return Message(title=_clip(title, 200), body="\n".join(body), document=document)


def digest_for(changes: Sequence[Change], base_url: str | None = None) -> Message:
    """One message for many versions (a digest target)."""
    if len(changes) == 1:
        return message_for(changes[0], base_url)
    stories = len({c.story_id for c in changes})
    title = f"{len(changes)} updates with fact changes in {stories} stories"
    parts = [message_for(c, base_url).body for c in changes]
    document = {
        "event": "digest",
        "changes": [change_document(c, base_url) for c in changes],
    }
    return Message(title=title, body="\n\n".join(parts), document=document)


def sample_message(base_url: str | None = None) -> Message:
    """What ``tracker alerts test`` sends: a made-up change, marked as a test."""
    now = utcnow()
    change = Change(
        id=0,
        story_id=0,
        url="https://news.example/ferry",
        label="Test alert from tracker",
        number=2,
        fetched_at=now,
        previous_fetched_at=now - timedelta(hours=1),
        significance="fact",
        fact_lines=("Killed: 32 → 60",),
        other_lines=(),
        events=(),
    )
    message = message_for(change, base_url)
    return Message(
        title=f"[test] {message.title}",
        body=message.body,
        document={**message.document, "event": "test"},
    )


def _headline(change: Change, lines: Sequence[str]) -> str:
    """The subject: what kind of alert it is (a note, a stealth edit), then the top line."""
    top = lines[0] if lines else f"v{change.number} stored"
    notes = change.notes
    if notes:
        label = KIND_LABELS.get(notes[0].kind, notes[0].kind)
        return f"{label} note · {top}" if lines else f"{label} note: {notes[0].text}"
    if change.stealth_edit:
        return f"stealth edit · {top}"
    return top


def _story_line(change: Change) -> str:
    return f"{change.label} — {change.url}" if change.label else change.url


def _times_line(change: Change) -> str:
    def short(t: datetime | None) -> str:
        return t.strftime("%Y-%m-%d %H:%M UTC") if t else "?"

    if change.first:
        return f"v1 {short(change.fetched_at)} (first version)"
    if change.gone:
        return (
            f"v{change.number} {short(change.previous_fetched_at)} → "
            f"gone {short(change.fetched_at)}"
        )
    return (
        f"v{change.number - 1} {short(change.previous_fetched_at)} → "
        f"v{change.number} {short(change.fetched_at)}"
    )


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
