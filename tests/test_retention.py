"""Retention of the check log: old rows roll up into daily counts; what must stay, stays."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text, update

from tracker.cli import main
from tracker.store import Store
from tracker.store.polling import add_story
from tracker.store.retention import daily_stats, log_size, roll_up
from tracker.store.schema import Check, CheckDay, Story

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def ago(days: float, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def add_checks(store: Store, url: str, rows: list[dict[str, object]]) -> None:
    with store.session() as session:
        sid = session.scalar(select(Story.id).where(Story.url == url))
        session.execute(
            insert(Check),
            [{"story_id": sid, "bytes": 80_000, "elapsed_ms": 12, **row} for row in rows],
        )


def seed(store: Store) -> dict[str, str]:
    """Three stories: a quiet one, one failing now, one that failed and recovered."""
    urls = {k: f"https://news.example/{k}" for k in ("quiet", "failing", "recovered")}
    for url in urls.values():
        add_story(store, url)
    quiet = [{"checked_at": ago(d, h), "outcome": "unchanged"} for d in (10, 9) for h in range(6)]
    quiet += [
        {"checked_at": ago(10, 7), "outcome": "changed", "version_number": 1},
        {"checked_at": ago(9, 7), "outcome": "not_modified", "http_status": 304},
        {"checked_at": ago(1), "outcome": "unchanged"},
        {"checked_at": ago(0, 1), "outcome": "changed", "version_number": 2},
    ]
    add_checks(store, urls["quiet"], quiet)
    failing = [{"checked_at": ago(12), "outcome": "unchanged"}]
    failing += [
        {"checked_at": ago(d), "outcome": "http_error", "http_status": 503, "error": "HTTP 503"}
        for d in (11, 10.5, 10, 9)
    ]
    add_checks(store, urls["failing"], failing)
    recovered = [
        {"checked_at": ago(d), "outcome": "timeout", "error": "timed out"} for d in (20, 19)
    ] + [{"checked_at": ago(18), "outcome": "unchanged"}]
    add_checks(store, urls["recovered"], recovered)
    with store.session() as session:
        session.execute(
            update(Story).where(Story.url == urls["failing"]).values(last_error="HTTP 503")
        )
    return urls


def totals(store: Store, url: str | None = None) -> dict[tuple[date, str], int]:
    return {(d.day, d.outcome): d.checks for d in daily_stats(store, url=url)}


def remaining(store: Store, url: str) -> list[tuple[datetime, str]]:
    with store.session() as session:
        sid = session.scalar(select(Story.id).where(Story.url == url))
        rows = session.execute(
            select(Check.checked_at, Check.outcome)
            .where(Check.story_id == sid)
            .order_by(Check.checked_at)
        )
        return [(at, outcome) for at, outcome in rows]


def check_retention_run(store: Store) -> None:
    urls = seed(store)
    before = {url: totals(store, url) for url in urls.values()}
    everything = totals(store)
    report = roll_up(store, keep_days=7, now=NOW)

    # The quiet story keeps its version-storing checks and its recent rows.
    assert remaining(store, urls["quiet"]) == [
        (ago(10, 7), "changed"),
        (ago(1), "unchanged"),
        (ago(0, 1), "changed"),
    ]
    # The failing story keeps the first and the latest check of its current errors.
    assert remaining(store, urls["failing"]) == [(ago(11), "http_error"), (ago(9), "http_error")]
    # Errors the recovered story got over are only counts now.
    assert remaining(store, urls["recovered"]) == []
    assert report.rolled_up == (12 + 1) + (1 + 2) + 3
    assert report.kept_versions == 1 and report.kept_errors == 2

    # Nothing counted is lost: per story, per day and outcome, the same numbers.
    assert {url: totals(store, url) for url in urls.values()} == before
    assert totals(store) == everything
    assert totals(store, urls["quiet"])[(ago(10).date(), "unchanged")] == 6
    with store.session() as session:
        row = session.execute(
            select(CheckDay.checks, CheckDay.bytes, CheckDay.elapsed_ms).where(
                CheckDay.day == ago(9).date(), CheckDay.outcome == "unchanged"
            )
        ).one()
    assert tuple(row) == (6, 6 * 80_000, 6 * 12)

    # A second run has nothing left to do; a later one adds to the existing days.
    assert roll_up(store, keep_days=7, now=NOW).rolled_up == 0
    add_checks(store, urls["quiet"], [{"checked_at": ago(9, 8), "outcome": "unchanged"}])
    assert roll_up(store, keep_days=7, now=NOW).rolled_up == 1
    assert totals(store, urls["quiet"])[(ago(9).date(), "unchanged")] == 7
    assert log_size(store)[0] == 5


def test_a_retention_run_keeps_what_must_be_kept(store: Store) -> None:
    check_retention_run(store)


@pytest.fixture
def pg_store() -> Iterator[Store]:
    url = os.environ.get("TRACKER_TEST_PG")
    if not url:
        pytest.skip("TRACKER_TEST_PG not set")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:  # this engineer's own database, emptied
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    with Store(url) as store:
        yield store


def test_a_retention_run_keeps_what_must_be_kept_on_postgresql(pg_store: Store) -> None:
    check_retention_run(pg_store)


def test_stats_and_prune_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    with Store(db) as store:
        recent = (datetime.now(UTC) - timedelta(days=10)).replace(hour=12, minute=0)
        add_story(store, "https://news.example/a")
        add_checks(
            store,
            "https://news.example/a",
            [
                {"checked_at": recent + timedelta(minutes=i), "outcome": "unchanged"}
                for i in range(30)
            ],
        )
    with pytest.raises(SystemExit) as done:
        main(["prune", "--db", db])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "30 checks older than 7d rolled up" in out
    with pytest.raises(SystemExit) as done:
        main(["stats", "--db", db, "--json"])
    import json

    doc = json.loads(capsys.readouterr().out)
    assert doc["days"] == [
        {
            "day": recent.date().isoformat(),
            "outcome": "unchanged",
            "checks": 30,
            "bytes": 30 * 80_000,
            "elapsed_ms": 30 * 12,
        }
    ]
    assert doc["check_rows"] == 0 and doc["rolled_up_rows"] == 1
    with pytest.raises(SystemExit) as done:
        main(["stats", "--db", db, "--story", "https://news.example/nope"])
    assert done.value.code != 0
    with pytest.raises(SystemExit) as done:
        main(["prune", "--db", db, "--keep", "soon"])
    assert done.value.code != 0


def test_the_daemon_rolls_old_checks_up(db_url: str) -> None:
    import asyncio

    from tracker.fetch import Fetcher, FetchSettings
    from tracker.poll import Poller
    from tracker.scheduler import Daemon, DaemonSettings

    with Store(db_url) as store:
        old = (datetime.now(UTC) - timedelta(days=3)).replace(hour=12, minute=0)
        later = datetime.now(UTC) + timedelta(days=1)
        add_story(store, "https://news.example/a", first_check=later)
        add_checks(
            store,
            "https://news.example/a",
            [{"checked_at": old + timedelta(minutes=i), "outcome": "unchanged"} for i in range(5)],
        )

        async def run() -> None:
            async with Fetcher(FetchSettings()) as fetcher:
                poller = Poller(store, fetcher)
                settings = DaemonSettings(tick=0.2, facts_every=0, keep_checks=86_400.0)
                try:
                    daemon = Daemon(poller, settings)
                    await daemon.run(until=lambda: log_size(store)[1] > 0, limit=20)
                finally:
                    poller.close()

        asyncio.run(run())
        assert log_size(store) == (0, 1)
        assert totals(store)[(old.date(), "unchanged")] == 5
