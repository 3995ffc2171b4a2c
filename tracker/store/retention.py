"""Retention of the check log: per-check rows for a window, daily counts beyond it.

A check row is ~110 bytes and a busy daemon writes thousands a minute, so
:func:`roll_up` folds rows older than the window (default 7 days) into
``check_days``: one row per story, UTC day and outcome with the number of
checks, bytes fetched and milliseconds spent. It never removes

- a check that stored a version (``version_number`` set): the history's own log;
- the checks of a story's current error: the first and the latest check of its
  run of checks with an error (fetch failures, suspect pages) since its last
  clean check, while the story's ``last_error`` is set.

Each batch of old rows is counted into ``check_days`` and deleted in one
transaction, by id range, so a crash leaves every check counted exactly once
and the poller's writes wait for a short transaction only.
:func:`daily_stats` reads the roll-up and the recent per-check rows alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, union_all
from sqlalchemy.orm import Session

from tracker.store.repository import Store, utcnow
from tracker.store.schema import Check, CheckDay, Story

KEEP_DAYS = 7.0
BATCH_IDS = 50_000  # check ids per transaction


@dataclass(frozen=True)
class RetentionReport:
    """What a retention run did."""

    cutoff: datetime
    rolled_up: int  # check rows counted into check_days and deleted
    kept_versions: int  # old rows kept: they stored a version
    kept_errors: int  # old rows kept: a story's current error


@dataclass(frozen=True)
class DayCount:
    """Checks of one UTC day with one outcome (all stories, or one)."""

    day: date
    outcome: str
    checks: int
    bytes: int
    elapsed_ms: int


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    """The UTC calendar day of a timestamp column, as the backend computes it."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)  # SQLite stores UTC text: 'YYYY-MM-DD HH:MM:SS'


def current_error_checks(session: Session) -> set[int]:
    """Ids of the first and the latest check of each failing story's current errors."""
    answered = (
        select(Check.story_id, func.max(Check.id).label("last_ok"))
        .where(Check.error.is_(None))
        .group_by(Check.story_id)
        .subquery()
    )
    failing = select(Story.id).where(Story.last_error.is_not(None), Story.status != "removed")
    streak = (
        select(func.min(Check.id), func.max(Check.id))
        .outerjoin(answered, answered.c.story_id == Check.story_id)
        .where(
            Check.story_id.in_(failing),
            Check.id > func.coalesce(answered.c.last_ok, 0),
            Check.error.is_not(None),
        )
        .group_by(Check.story_id)
    )
    return {check_id for pair in session.execute(streak) for check_id in pair}


def roll_up(
    store: Store, *, keep_days: float = KEEP_DAYS, now: datetime | None = None
) -> RetentionReport:
    """Fold check rows older than ``keep_days`` into daily counts; keep what must be kept."""
    cutoff = (now or utcnow()) - timedelta(days=keep_days)
    old = Check.checked_at < cutoff
    with store.session() as session:
        low, high = session.execute(select(func.min(Check.id), func.max(Check.id)).where(old)).one()
        kept_versions = (
            session.scalar(select(func.count()).where(old, Check.version_number.is_not(None))) or 0
        )
        protected = sorted(current_error_checks(session)) if low is not None else []
    rolled = 0
    kept_errors = 0
    start = low
    while start is not None and start <= high:
        end = start + BATCH_IDS
        keep = [i for i in protected if start <= i < end]
        movable = and_(Check.id >= start, Check.id < end, old, Check.version_number.is_(None))
        if keep:
            with store.session() as session:
                kept_errors += (
                    session.scalar(select(func.count()).where(movable, Check.id.in_(keep))) or 0
                )
            movable = and_(movable, Check.id.not_in(keep))
        with store.session() as session:
            rolled += _fold(session, movable)
        start = end
    return RetentionReport(cutoff, rolled, kept_versions, kept_errors)


def _fold(session: Session, movable: ColumnElement[bool]) -> int:
    """Add the ``movable`` checks to check_days and delete them; how many there were."""
    day = _day(session, Check.checked_at).label("day")
    counts = (
        select(
            Check.story_id,
            day,
            Check.outcome,
            func.count().label("checks"),
            func.coalesce(func.sum(Check.bytes), 0).label("bytes"),
            func.coalesce(func.sum(Check.elapsed_ms), 0).label("elapsed_ms"),
        )
        .where(movable)
        .group_by(Check.story_id, day, Check.outcome)
    )
    columns = ["story_id", "day", "outcome", "checks", "bytes", "elapsed_ms"]
    table = CheckDay.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":  # (imported here: the PostgreSQL dialect is slow to import)
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).from_select(columns, counts)
    statement = statement.on_conflict_do_update(
        index_elements=["story_id", "day", "outcome"],
        set_={
            "checks": table.c.checks + statement.excluded.checks,
            "bytes": table.c.bytes + statement.excluded.bytes,
            "elapsed_ms": table.c.elapsed_ms + statement.excluded.elapsed_ms,
        },
    )
    session.execute(statement)
    result = session.execute(Check.__table__.delete().where(movable))
    return int(result.rowcount or 0)


def daily_stats(
    store: Store,
    *,
    url: str | None = None,
    since: date | None = None,
) -> list[DayCount]:
    """Checks per UTC day and outcome: the roll-up and the per-check rows together."""
    with store.session() as session:
        story_id = store.story(session, url).id if url else None
        day = _day(session, Check.checked_at).label("day")
        recent = select(
            day,
            Check.outcome.label("outcome"),
            func.count().label("checks"),
            func.coalesce(func.sum(Check.bytes), 0).label("bytes"),
            func.coalesce(func.sum(Check.elapsed_ms), 0).label("elapsed_ms"),
        )
        rolled = select(
            CheckDay.day.label("day"),
            CheckDay.outcome.label("outcome"),
            CheckDay.checks.label("checks"),
            CheckDay.bytes.label("bytes"),
            CheckDay.elapsed_ms.label("elapsed_ms"),
        )
        if story_id is not None:
            recent = recent.where(Check.story_id == story_id)
            rolled = rolled.where(CheckDay.story_id == story_id)
        if since is not None:
            recent = recent.where(Check.checked_at >= datetime.combine(since, datetime.min.time()))
            rolled = rolled.where(CheckDay.day >= since)
        recent = recent.group_by(day, Check.outcome)
        both = union_all(recent, rolled).subquery()
        rows = session.execute(
            select(
                both.c.day,
                both.c.outcome,
                func.sum(both.c.checks),
                func.sum(both.c.bytes),
                func.sum(both.c.elapsed_ms),
            )
            .group_by(both.c.day, both.c.outcome)
            .order_by(both.c.day, both.c.outcome)
        ).all()
    return [
        DayCount(_as_date(d), outcome, int(n), int(b or 0), int(ms or 0))
        for d, outcome, n, b, ms in rows
    ]


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def log_size(store: Store) -> tuple[int, int]:
    """(per-check rows, roll-up rows) in the database."""
    with store.session() as session:
        checks = session.scalar(select(func.count()).select_from(Check)) or 0
        days = session.scalar(select(func.count()).select_from(CheckDay)) or 0
    return checks, days
