"""The adaptive schedule policy, durations, and ``tracker run`` stopping cleanly on a signal."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.httpserver import Custom, Reply, TestHTTPServer, Trickle
from tracker.errors import InputError
from tracker.scheduler import SchedulePolicy, StoryClock, parse_duration, reschedule
from tracker.store import Store
from tracker.store.polling import add_story
from tracker.store.schema import Check, Story, Version, VersionSentence

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
POLICY = SchedulePolicy(
    start_interval=600, min_interval=60, max_interval=3600, faster=0.5, slower=1.5
)
ROOT = Path(__file__).resolve().parents[1]


def clock(**fields: object) -> StoryClock:
    values: dict[str, object] = {
        "interval": 600.0,
        "every": None,
        "failures": 0,
        "created_at": NOW - timedelta(days=1),
        "last_changed_at": NOW - timedelta(hours=1),
        "breaking": False,
    }
    values.update(fields)
    return StoryClock(**values)  # type: ignore[arg-type]


def seconds_until(when: datetime | None) -> float:
    assert when is not None
    return (when - NOW).total_seconds()


# -- the policy -------------------------------------------------------------------------


def test_a_change_shortens_the_interval() -> None:
    plan = reschedule(POLICY, clock(), "changed", NOW)
    assert plan.interval == 300
    assert seconds_until(plan.next_check_at) == 300


def test_a_quiet_check_lengthens_the_interval() -> None:
    assert reschedule(POLICY, clock(), "unchanged", NOW).interval == 900
    assert reschedule(POLICY, clock(), "not_modified", NOW).interval == 900


def test_the_interval_stays_within_its_bounds() -> None:
    assert reschedule(POLICY, clock(interval=70), "changed", NOW).interval == 60
    assert reschedule(POLICY, clock(interval=3000), "unchanged", NOW).interval == 3600


def test_a_story_that_keeps_changing_converges_to_the_minimum() -> None:
    state = clock()
    for _ in range(10):
        plan = reschedule(POLICY, state, "changed", NOW)
        state = clock(interval=plan.interval)
    assert state.interval == POLICY.min_interval


def test_a_breaking_marker_polls_at_the_minimum_interval() -> None:
    assert reschedule(POLICY, clock(breaking=True), "unchanged", NOW).interval == 60
    assert reschedule(POLICY, clock(), "changed", NOW, breaking=True).interval == 60


def test_dropping_the_marker_returns_to_adapting() -> None:
    plan = reschedule(POLICY, clock(interval=60, breaking=True), "changed", NOW, breaking=False)
    assert plan.interval == 60  # halved, then held at the minimum
    plan = reschedule(POLICY, clock(interval=60), "unchanged", NOW)
    assert plan.interval == 90


def test_a_pinned_interval_does_not_adapt() -> None:
    for outcome in ("changed", "unchanged"):
        assert reschedule(POLICY, clock(every=300), outcome, NOW).interval == 300


def test_errors_back_off_and_count_failures() -> None:
    plan = reschedule(POLICY, clock(failures=4), "http_error", NOW, jitter=lambda n, b, c: 999.0)
    assert plan.failures == 5
    assert plan.status == "error"
    assert seconds_until(plan.next_check_at) == 999


def test_the_first_error_keeps_the_story_active() -> None:
    plan = reschedule(POLICY, clock(), "timeout", NOW, jitter=lambda n, b, c: 0.0)
    assert plan.status == "active"
    assert seconds_until(plan.next_check_at) >= POLICY.error_base  # never straight back


def test_retry_after_is_a_floor() -> None:
    plan = reschedule(
        POLICY, clock(), "rate_limited", NOW, retry_after=7200, jitter=lambda n, b, c: 5.0
    )
    assert seconds_until(plan.next_check_at) == 7200


def test_a_success_resets_the_failure_count() -> None:
    plan = reschedule(POLICY, clock(failures=7), "not_modified", NOW)
    assert (plan.failures, plan.status) == (0, "active")


def test_a_gone_story_is_rechecked_rarely() -> None:
    plan = reschedule(POLICY, clock(), "gone", NOW)
    assert plan.status == "gone"
    assert seconds_until(plan.next_check_at) == POLICY.gone_interval


def test_a_story_quiet_for_the_retire_age_is_retired() -> None:
    old = clock(last_changed_at=NOW - timedelta(days=31))
    plan = reschedule(POLICY, old, "not_modified", NOW)
    assert plan.status == "retired"
    assert plan.next_check_at is None


def test_a_story_that_just_changed_is_never_retired() -> None:
    old = clock(last_changed_at=NOW - timedelta(days=90))
    assert reschedule(POLICY, old, "changed", NOW).status == "active"


def test_a_story_never_changed_ages_from_when_it_was_added() -> None:
    fresh = clock(last_changed_at=None, created_at=NOW - timedelta(days=2))
    assert reschedule(POLICY, fresh, "suspect", NOW).status == "active"


def test_a_policy_with_crossed_bounds_is_refused() -> None:
    with pytest.raises(InputError):
        SchedulePolicy(min_interval=600, max_interval=60)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90", 90), ("30s", 30), ("5m", 300), ("1h30m", 5400), ("2d", 172800), ("0.5s", 0.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5x", "0", "-5m", "5m later"])
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_duration(text)


# -- tracker run, stopped by a signal ----------------------------------------------------


def _changing_page(path: str, *, versions: int | None = None, delay: float = 0.2) -> Custom:
    counter = itertools.count()

    def respond(_request: object) -> Reply:
        time.sleep(delay)  # so that checks are in flight when the signal arrives
        n = next(counter) if versions is None else min(next(counter), versions - 1)
        paras = "".join(
            f"<p>Update {n}: officials in the port city said {n + i} ships had left the harbour "
            f"before the storm, and that the coast guard was searching for {i} missing boats.</p>"
            for i in range(6)
        )
        body = f"<html><head><title>Storm {path}</title></head><body><article>{paras}</article>"
        return Reply(200, (("Content-Type", "text/html"),), f"{body}</body></html>".encode())

    return Custom(respond)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_run_stops_cleanly_on_a_signal_without_partial_versions(
    db_url: str, http_server: TestHTTPServer, signum: int
) -> None:
    with Store(db_url) as store:
        for i in range(12):
            http_server.route(f"/s{i}", _changing_page(f"/s{i}"))
            add_story(store, http_server.url(f"/s{i}"))
    command = [
        sys.executable,
        "-m",
        "tracker",
        "run",
        "--db",
        db_url,
        "--allow-private",
        "--tick",
        "0.1s",
        "--min-interval",
        "0.1s",
        "--max-interval",
        "0.2s",
        "--facts-every",
        "0",
    ]
    process = subprocess.Popen(
        command, cwd=ROOT, stderr=subprocess.PIPE, text=True, env={**os.environ, "NO_COLOR": "1"}
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _versions(db_url) < 24:
            time.sleep(0.2)
        process.send_signal(signum)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert "stopped" in err
    assert "changed: stored v" in err  # one log line per check
    with Store(db_url) as store, store.session() as session:
        assert session.scalar(select(func.count()).where(Story.lease_owner.is_not(None))) == 0
        for version in session.scalars(select(Version)):
            sentences = session.scalar(
                select(func.count()).where(VersionSentence.version_id == version.id)
            )
            assert sentences and sentences >= 6
        logged = session.scalar(
            select(func.count()).where(
                Check.outcome == "changed", Check.version_number.is_not(None)
            )
        )
        stored = session.scalar(select(func.count()).select_from(Version))
        assert logged is not None and stored is not None
        assert stored - logged <= 12  # at most the checks abandoned in flight go unlogged


def _versions(db_url: str) -> int:
    try:
        with Store(db_url) as store, store.session() as session:
            return session.scalar(select(func.count()).select_from(Version)) or 0
    except Exception:
        return 0


def test_run_abandons_checks_that_outlast_the_grace_period(
    db_url: str, http_server: TestHTTPServer
) -> None:
    with Store(db_url) as store:
        for i in range(3):
            http_server.route(f"/t{i}", Trickle(interval=0.1))
            add_story(store, http_server.url(f"/t{i}"))
    command = [sys.executable, "-m", "tracker", "run", "--db", db_url, "--allow-private"]
    command += ["--tick", "0.1s", "--facts-every", "0", "--grace", "0.5s"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and http_server.count("/t2") == 0:
            time.sleep(0.1)
        time.sleep(0.3)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
        stopped_in = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, err
    assert stopped_in < 5
    with Store(db_url) as store, store.session() as session:
        assert session.scalar(select(func.count()).where(Story.lease_owner.is_not(None))) == 0
        assert session.scalar(select(func.count()).select_from(Version)) == 0


def test_the_daemon_extracts_facts_in_the_background(
    db_url: str, http_server: TestHTTPServer
) -> None:
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.poll import Poller
    from tracker.scheduler import Daemon, DaemonSettings

    http_server.route("/s", _changing_page("/s", versions=2, delay=0.0))
    with Store(db_url) as store:
        add_story(store, http_server.url("/s"), every=1)

        def facts_done() -> bool:
            history = store.history(http_server.url("/s"))
            return len(history) >= 2 and all(v.has_facts for v in history)

        async def run() -> None:
            settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{http_server.port}"}))
            async with Fetcher(settings) as fetcher:
                poller = Poller(store, fetcher)
                daemon = Daemon(poller, DaemonSettings(tick=0.2, facts_every=0.5))
                try:
                    await daemon.run(until=facts_done, limit=60)
                finally:
                    poller.close()

        asyncio.run(run())
        assert facts_done()
