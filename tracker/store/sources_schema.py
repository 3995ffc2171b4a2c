"""Tables of sources, change entries, the alert outbox and archive captures (migration 0004).

They share :class:`tracker.store.schema.Base` with the core tables; the core
tables never point at them, so a store without sources works as before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.store.schema import Base


class Source(Base):
    """A feed, sitemap or section page whose new article links become stories."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str | None] = mapped_column(String(16))  # feed | sitemap | sitemap-index | page
    label: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | error | removed
    every_seconds: Mapped[int] = mapped_column(Integer)  # how often the source is re-read
    story_every_seconds: Mapped[int | None] = mapped_column(Integer)  # its stories' --every
    include: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exclude: Mapped[list[Any]] = mapped_column(JSON, default=list)
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    archive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    last_checked_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]


class SourceItem(Base):
    """An article URL a source listed, and the story it became."""

    __tablename__ = "source_items"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]


class ChangeEntry(Base):
    """What one stored version changed, as fact lines: the feed's entries, the alerts' source.

    ``kind`` is ``version`` (a stored version; ``version_id`` set) or ``gone`` (the story
    answered 404/410 after version ``number``; ``version_id`` NULL).
    """

    __tablename__ = "change_entries"
    __table_args__ = (Index("ix_change_entries_story_time", "story_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), default="version")
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), unique=True
    )
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime]
    previous_fetched_at: Mapped[datetime | None]
    significance: Mapped[str] = mapped_column(String(8))  # fact | minor | style | none
    fact_lines: Mapped[list[Any]] = mapped_column(JSON, default=list)
    other_lines: Mapped[list[Any]] = mapped_column(JSON, default=list)
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(index=True)


class AlertDelivery(Base):
    """The outbox: one message owed to one target; sent, retried with backoff, or given up."""

    __tablename__ = "alert_outbox"
    __table_args__ = (
        UniqueConstraint("target", "entry_id"),
        Index("ix_alert_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(200))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("change_entries.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class ArchiveCapture(Base):
    """A Wayback Machine capture asked for one stored version (Save Page Now)."""

    __tablename__ = "archive_captures"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(8))  # saved | failed
    capture_url: Mapped[str | None] = mapped_column(String(2048))
    requested_at: Mapped[datetime]
    error: Mapped[str | None] = mapped_column(Text)
