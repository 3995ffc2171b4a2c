"""The facts job: extract each version's facts once, then derive its stored diffs.

One pass (:func:`work`) parses versions stored without facts, ``batch`` at a time,
then derives the diff rows of every version that needs them
(:mod:`tracker.research.changes`). On PostgreSQL a batch is claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` and held while it is parsed, so any number
of workers (``tracker run`` daemons, ``tracker facts-worker`` on other machines)
share one database and no version is parsed twice; a worker that dies releases
its claim with its connection. SQLite has one writer: the worker reads its
batch, parses it, and writes each version in a short transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from tracker.research.changes import Derived, derive_batch, stale_count
from tracker.store import Store
from tracker.store.schema import Story, Version

log = logging.getLogger("tracker.facts")
MAX_ERROR_CHARS = 500  # of a failed extraction's reason, kept in versions.facts_error


@dataclass
class WorkDone:
    """What one worker did: the ids of the versions it parsed, and the diffs it derived."""

    parsed: list[int] = field(default_factory=list)
    derived: Derived = field(default_factory=Derived)


def _unparsed(limit: int):  # type: ignore[no-untyped-def]
    return (
        select(Version.id, Story.url, Version.number)
        .join(Story, Story.id == Version.story_id)
        .where(Version.facts.is_(None))
        .order_by(Version.id)
        .limit(limit)
        .with_for_update(of=Version, skip_locked=True)
    )


def _facts_of(store: Store, url: str, number: int) -> dict[str, Any]:
    """The column values for one version's facts. A version whose extraction fails gets no
    facts and the reason in ``facts_error``, so it is not tried again at every pass and
    never holds up the versions after it."""
    from tracker.facts import extract_facts, facts_to_json

    sentences = store.version(url, number).sentences
    try:
        return {"facts": facts_to_json(extract_facts(sentences)), "facts_error": None}
    except Exception as exc:  # any failure of one version's parse; the others go on
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:MAX_ERROR_CHARS]
        log.warning("facts of %s v%d not extracted: %s", url, number, reason)
        return {"facts": [], "facts_error": reason}


def extract_batch(store: Store, limit: int = 20) -> list[int]:
    """Parse up to ``limit`` versions stored without facts; returns their ids."""
    done: list[int] = []
    if store.engine.dialect.name == "postgresql":
        with store.session() as session:
            for version_id, url, number in session.execute(_unparsed(limit)).all():
                values = _facts_of(store, url, number)
                session.execute(update(Version).where(Version.id == version_id).values(**values))
                done.append(version_id)
        return done
    with store.session() as session:
        claimed = session.execute(_unparsed(limit)).all()
    for version_id, url, number in claimed:
        values = _facts_of(store, url, number)
        with store.session() as session:
            session.execute(
                update(Version)
                .where(Version.id == version_id, Version.facts.is_(None))
                .values(**values)
            )
        done.append(version_id)
    return done


def work(
    store: Store,
    *,
    batch: int = 20,
    budget: float | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> WorkDone:
    """Parse and derive until nothing is left, ``budget`` seconds pass, or ``stopping()``."""
    deadline = None if budget is None else time.monotonic() + budget
    result = WorkDone()
    while not stopping():
        parsed = extract_batch(store, batch)
        result.parsed += parsed
        derived = derive_batch(store, limit=batch)
        result.derived += derived
        if parsed:
            log.info("facts extracted for %d version(s)", len(parsed))
        if len(parsed) < batch and derived.versions < batch:
            break
        if deadline is not None and time.monotonic() > deadline:
            break
    return result


def run_worker(
    store: Store,
    *,
    batch: int = 20,
    idle: float = 5.0,
    once: bool = False,
    stopping: Callable[[], bool] = lambda: False,
    on_pass: Callable[[WorkDone], None] | None = None,
) -> WorkDone:
    """``tracker facts-worker``: keep working, sleeping ``idle`` s when there is nothing to do.

    With ``once``, stop when no version anywhere is left without facts or diff rows (a
    version another worker holds is waited for, not skipped).
    """
    total = WorkDone()
    while not stopping():
        done = work(store, batch=batch, stopping=stopping)
        total.parsed += done.parsed
        total.derived += done.derived
        if on_pass is not None and (done.parsed or done.derived.versions):
            on_pass(done)
        if once and (done.parsed or done.derived.versions):
            continue  # there was work: look again at once
        if once and stale_count(store) == 0:
            break  # nothing left anywhere (not only nothing this worker could claim)
        slept = 0.0
        pause = min(idle, 0.5) if once else idle  # --once: others hold the rest; wait briefly
        while slept < pause and not stopping():
            time.sleep(min(0.2, pause - slept))
            slept += 0.2
    return total
