"""The database schema: SQLAlchemy 2.x typed ORM models. Alembic (``db/``) owns its history.

Sentences are stored once by content hash and versions point at them by
position, so a story's storage grows with what changed, not with how often.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import InstrumentedAttribute

from tracker.errors import InputError


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Story(Base):
    """A tracked story URL and its polling state."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    label: Mapped[str | None] = mapped_column(String(200))
    # Indexed for the daemon's once-a-second look for gone stories (changes.record_gone),
    # which otherwise reads every row of this table: 16 ms a pass at 100,000 stories.
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    every_seconds: Mapped[int | None] = mapped_column(Integer)
    interval_seconds: Mapped[int | None] = mapped_column(Integer)  # current adaptive interval
    created_at: Mapped[datetime]
    last_checked_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    last_changed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    final_url: Mapped[str | None] = mapped_column(String(2048))
    moved_to: Mapped[str | None] = mapped_column(String(2048))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    # Where the article sits in the page (tracker.fingerprint.Region as JSON).
    article_region: Mapped[str | None] = mapped_column(Text)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    # `tracker add --allow-private`, remembered: this story may be fetched from a private address.
    allow_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    versions: Mapped[list[Version]] = relationship(
        back_populates="story", cascade="all, delete-orphan", order_by="Version.number"
    )


class Version(Base):
    """One stored text of a story. Written in one transaction with its sentences."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("story_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    fetched_at: Mapped[datetime]
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    words: Mapped[int] = mapped_column(Integer)
    sections: Mapped[list[Any]]
    marker: Mapped[str | None] = mapped_column(Text)
    # none_as_null: a Python None is SQL NULL, not the JSON text 'null', so IS NULL finds it.
    header: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    title: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(64))
    final_url: Mapped[str | None] = mapped_column(String(2048))
    reverts_to: Mapped[int | None] = mapped_column(Integer)
    # The zlib-compressed page: loaded only when asked for (Store.raw_html), never with a row.
    raw_html: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Extracted once; SQL NULL until the facts job ran.
    facts: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    # Why extraction failed, when it did (facts then []): revision 0007, issue 13.
    facts_error: Mapped[str | None] = mapped_column(Text)
    # Headline and metadata fields (tracker.metadata) and correction / editor's notes
    # (tracker.notes); NULL on versions stored before revision 0003.
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    notes: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    # Why the quality gate doubted this text (a stub, a shrunk text): a flagged version,
    # hidden unless asked for (--all). NULL for an ordinary version.
    suspect: Mapped[str | None] = mapped_column(Text)

    story: Mapped[Story] = relationship(back_populates="versions")
    sentences: Mapped[list[VersionSentence]] = relationship(
        cascade="all, delete-orphan", order_by="VersionSentence.position"
    )


class SentenceText(Base):
    """A sentence's text, stored once however many versions contain it."""

    __tablename__ = "sentences"

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    text: Mapped[str] = mapped_column(Text)


class VersionSentence(Base):
    """The sentence at one position of a version."""

    __tablename__ = "version_sentences"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    sentence_id: Mapped[int] = mapped_column(ForeignKey("sentences.id"), index=True)
    paragraph: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(8))

    sentence: Mapped[SentenceText] = relationship(lazy="joined")


class Check(Base):
    """The check log: one row per fetch or ingest attempt, whatever its outcome."""

    __tablename__ = "checks"
    __table_args__ = (
        Index("ix_checks_story_time", "story_id", "checked_at"),
        Index("ix_checks_checked_at", "checked_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"))
    checked_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(24))
    http_status: Mapped[int | None] = mapped_column(Integer)
    bytes: Mapped[int | None] = mapped_column(Integer)
    elapsed_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    version_number: Mapped[int | None] = mapped_column(Integer)


# -- research data (issue 11): each diff of a version stored as rows ------------------------
# Filled by tracker.research.changes; read through the SQL views of migration 0005.


class VersionDiff(Base):
    """One stored diff: version B against the version before it, or B's update vs earlier."""

    __tablename__ = "version_diffs"
    __table_args__ = (UniqueConstraint("version_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    a_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # versions | sections
    a_number: Mapped[int | None] = mapped_column(Integer)
    b_number: Mapped[int] = mapped_column(Integer)
    engine: Mapped[str] = mapped_column(String(64), index=True)
    derived_at: Mapped[datetime]


class DiffSentenceOp(Base):
    """One sentence operation of a stored diff; positions are the versions' sentence positions."""

    __tablename__ = "diff_sentence_ops"

    diff_id: Mapped[int] = mapped_column(
        ForeignKey("version_diffs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    op: Mapped[str] = mapped_column(String(8))
    a_positions: Mapped[list[Any]]
    b_positions: Mapped[list[Any]]
    a_first: Mapped[int | None] = mapped_column(Integer)
    b_first: Mapped[int | None] = mapped_column(Integer)
    # NULL for an equal pair of identical text: the views read it from the version.
    a_text: Mapped[str | None] = mapped_column(Text)
    b_text: Mapped[str | None] = mapped_column(Text)
    words: Mapped[list[Any] | None] = mapped_column(JSON(none_as_null=True))
    similarity: Mapped[float] = mapped_column(Float)


class DiffFactChange(Base):
    """One fact change of a stored diff, every field in its own column."""

    __tablename__ = "diff_fact_changes"

    diff_id: Mapped[int] = mapped_column(
        ForeignKey("version_diffs.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    change: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(Text)
    slot: Mapped[str] = mapped_column(String(64), index=True)
    significance: Mapped[str] = mapped_column(String(8))
    salience: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(Text)
    before_value: Mapped[str | None] = mapped_column(Text)
    after_value: Mapped[str | None] = mapped_column(Text)
    before_number: Mapped[float | None] = mapped_column(Float)
    after_number: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(Text)
    certainty: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    evidence_a: Mapped[str | None] = mapped_column(Text)
    evidence_b: Mapped[str | None] = mapped_column(Text)
    # Evidence: the versions' sentence positions and the ids of those sentences' texts.
    a_sentences: Mapped[list[Any]]
    b_sentences: Mapped[list[Any]]
    a_sentence_ids: Mapped[list[Any]]
    b_sentence_ids: Mapped[list[Any]]


class CheckDay(Base):
    """The check log rolled up: one story's checks of one UTC day with one outcome."""

    __tablename__ = "check_days"

    story_id: Mapped[int] = mapped_column(
        ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True, index=True)
    outcome: Mapped[str] = mapped_column(String(24), primary_key=True)
    checks: Mapped[int] = mapped_column(Integer)
    bytes: Mapped[int] = mapped_column(BigInteger)
    elapsed_ms: Mapped[int] = mapped_column(BigInteger)


def fitting(value: str | None, column: InstrumentedAttribute[Any]) -> str | None:
    """``value``, or None when it is longer than its VARCHAR ``column`` (``Source.etag``):
    what a page or server sends is dropped, not cut (a cut ETag or date is a wrong one),
    and PostgreSQL, which enforces the length, then stores the rest of the row."""
    length = getattr(column.type, "length", None)
    return value if value is None or length is None or len(value) <= length else None


def check_label(label: str | None) -> None:
    """InputError for a label longer than the label columns (VARCHAR(200) on PostgreSQL,
    which refused it with a database error; SQLite stored it)."""
    length = Story.label.type.length
    if label is not None and length is not None and len(label) > length:
        raise InputError(f"--label is {len(label):,} characters; the limit is {length:,}")
