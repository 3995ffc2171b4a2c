"""Issue 13, servers, crashes and storage: each finding's regression test, from its own input.

Hostile servers are real HTTP servers on 127.0.0.1 (tests/httpserver.py); databases are
real SQLite files (and PostgreSQL when TRACKER_TEST_PG is set); crashes are real SIGKILLs.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from subprocess import CompletedProcess

import pytest
from sqlalchemy import create_engine, func, select, text, update

from tests.httpserver import Raw, TestHTTPServer
from tracker.errors import DatabaseError, InputError
from tracker.fetch import FetchSettings, check_url_allowed, fetch_once, parse_retry_after
from tracker.fetch.retry import MAX_RETRY_AFTER
from tracker.fetch.safety import UnsafeURLError, address_problem
from tracker.ingest import ingest_file
from tracker.poll import Gate, Poller, PollSettings, PollSummary
from tracker.printable import printable
from tracker.scheduler import SchedulePolicy, StoryClock, reschedule
from tracker.store import Store, utcnow
from tracker.store.polling import CheckRecord, add_story, record_checks
from tracker.store.schema import Check, Story, Version, VersionSentence

FAST = SchedulePolicy(
    start_interval=1.0, min_interval=0.05, max_interval=60.0, error_base=0.5, error_cap=2.0
)
ESC = "\x1b"


def article(n: int, topic: str = "flood", round_: int = 0) -> str:
    paras = "\n".join(
        f"<p>Rescue crews in the river town searched the {topic} zone for a {i + 1}th day on "
        f"Friday, officials said, as the number of people missing rose to {100 + i + round_} "
        f"and aid trucks reached farms cut off by the water.</p>"
        for i in range(n)
    )
    return (
        f"<html><head><title>{topic.title()} hits town</title></head><body><nav><a href='/'>"
        f"Home</a></nav><article><h1>{topic.title()} hits town</h1>{paras}</article>"
        "<footer>News Co</footer></body></html>"
    )


def fetch_settings(server: TestHTTPServer, **overrides: object) -> FetchSettings:
    values: dict[str, object] = {
        "allow_hosts": frozenset({f"127.0.0.1:{server.port}"}),
        "connect_timeout": 2.0,
        "read_timeout": 1.0,
        "total_timeout": 3.0,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def run_poll(store: Store, server: TestHTTPServer, *urls: str) -> PollSummary:
    async def go() -> PollSummary:
        async with Fetcher(fetch_settings(server)) as fetcher:
            poller = Poller(store, fetcher, policy=FAST, settings=PollSettings(gate=Gate()))
            try:
                return await poller.poll(list(urls) or None)
            finally:
                poller.close()

    from tracker.fetch import Fetcher

    return asyncio.run(go())


def story_row(store: Store, url: str) -> Story:
    with store.session() as session:
        row = session.scalar(select(Story).where(Story.url == url))
        assert row is not None
        session.expunge(row)
        return row


def tracker(*args: str, db: str, timeout: float = 60) -> CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_ALLOW_PRIVATE"}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args, "--db", db],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def raw_reply(status_line: str, body: bytes = b"", *headers: str) -> Raw:
    head = "\r\n".join([status_line, *headers, f"Content-Length: {len(body)}", "", ""])
    return Raw(head.encode("latin-1") + body)


# -- 1. over-long ETag / Last-Modified / final URL: one story, not the batch --------------------

LONG_ETAG = '"' + "e" * 600 + '"'
LONG_DATE = "Fri, 13 Nov 2026 10:00:00 GMT" + " x" * 80
LONG_QUERY = "q=" + "u" * 2100


def _long_header_site(server: TestHTTPServer) -> list[str]:
    server.page("/ok1", article(5, "flood"))
    server.page("/ok2", article(5, "storm"))
    server.page("/etag", article(5, "fire"), etag=LONG_ETAG, last_modified=LONG_DATE)
    server.redirect("/moved", f"/long?{LONG_QUERY}", status=301)
    server.page("/long", article(5, "quake"))
    return [server.url(p) for p in ("/ok1", "/etag", "/moved", "/ok2")]


def _assert_batch_recorded(store: Store, urls: list[str]) -> None:
    for url in urls:
        row = story_row(store, url)
        assert row.lease_owner is None and row.lease_until is None, url
        assert [c["outcome"] for c in store.checks(url)] == ["changed"], url
        assert len(store.history(url)) == 1
    etag_row = story_row(store, urls[1])
    assert etag_row.etag is None and etag_row.last_modified is None  # dropped, not cut
    moved = story_row(store, urls[2])
    assert moved.final_url is None and moved.moved_to is None


def test_over_long_server_values_are_dropped_per_story_sqlite(
    store: Store, http_server: TestHTTPServer
) -> None:
    urls = _long_header_site(http_server)
    for url in urls:
        add_story(store, url)
    summary = run_poll(store, http_server)
    assert summary.counts == {"changed": 4}
    _assert_batch_recorded(store, urls)


def test_over_long_server_values_never_fail_a_postgresql_batch(
    pg_database: str, http_server: TestHTTPServer
) -> None:
    urls = _long_header_site(http_server)
    with Store(pg_database) as store:
        for url in urls:
            add_story(store, url)
        summary = run_poll(store, http_server)
        assert summary.counts == {"changed": 4}
        _assert_batch_recorded(store, urls)


def test_a_batch_that_fails_is_written_check_by_check(pg_database: str) -> None:
    """Even a value no guard foresaw (here a status too long for its VARCHAR) costs only
    its own story: the others keep their check rows and lose their leases."""
    with Store(pg_database) as store:
        for name in ("a", "b", "c"):
            add_story(store, f"https://news.example/{name}")
        with store.session() as session:
            session.execute(update(Story).values(lease_owner="me", lease_until=utcnow()))
            ids = dict(session.execute(select(Story.url, Story.id)).all())
        now = utcnow()
        records = [
            CheckRecord(ids[f"https://news.example/{n}"], now, "unchanged", "active", now, 60, 0)
            for n in ("a", "b", "c")
        ]
        records[1] = CheckRecord(ids["https://news.example/b"], now, "x" * 40, "active", now, 60, 0)
        with pytest.raises(DatabaseError):
            record_checks(store, "me", records)  # the bad one itself still fails, alone
        with store.session() as session:
            leased = session.scalars(select(Story.url).where(Story.lease_owner.is_not(None)))
            assert list(leased) == ["https://news.example/b"]
            assert session.scalar(select(func.count()).select_from(Check)) == 2


def test_add_refuses_a_url_over_2048_characters_in_one_line(tmp_path: Path) -> None:
    url = "https://news.example/story?" + "q=" + "x" * 2048
    result = tracker("add", url, db=str(tmp_path / "t.db"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "2,048" in result.stderr


# -- 4. a kill during first-run schema creation -------------------------------------------------


def test_kills_during_first_run_schema_creation_leave_no_half_built_database(
    tmp_path: Path,
) -> None:
    rng = random.Random(4)
    for attempt in range(3):
        url = f"sqlite:///{tmp_path / f'k{attempt}.db'}"
        child = subprocess.Popen(
            [sys.executable, "-c", f"from tracker.store import Store; Store({url!r}).close()"]
        )
        time.sleep(rng.uniform(0.4, 1.2))  # alembic is loaded and migrating by then
        child.send_signal(signal.SIGKILL)
        child.wait()
        with Store(url) as store:  # never "table sentences already exists"
            assert store.list_stories() == []


def test_a_half_built_empty_schema_from_an_older_tracker_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "half.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # what a kill mid-way through 0001 left: tables, no revision
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        conn.execute(text("CREATE TABLE sentences (id INTEGER PRIMARY KEY, hash VARCHAR(64))"))
        conn.execute(text("CREATE TABLE stories (id INTEGER PRIMARY KEY, url VARCHAR(2048))"))
    engine.dispose()
    with Store(f"sqlite:///{path}") as store:
        assert store.list_stories() == []
        ingest_file(store, "https://news.example/a", _text_file(tmp_path, 1), facts=False)


def test_a_schema_with_rows_but_no_revision_is_refused_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "rows.db"
    with Store(f"sqlite:///{path}") as store:
        ingest_file(store, "https://news.example/a", _text_file(tmp_path, 1), facts=False)
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="no schema revision"):
        Store(f"sqlite:///{path}")
    with create_engine(f"sqlite:///{path}").connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM versions")).scalar() == 1


# -- 5. Retry-After without bounds ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["99999999999999999999", "315360000", "Fri, 31 Dec 9999 23:59:59 GMT", "9" * 400],
)
def test_retry_after_is_capped(value: str) -> None:
    assert parse_retry_after(value) == MAX_RETRY_AFTER


def test_retry_after_junk_and_past_dates() -> None:
    assert parse_retry_after("soon") is None
    assert parse_retry_after("٣٠") is None  # Arabic-Indic digits are no delta-seconds
    assert parse_retry_after("Mon, 01 Jan 2001 00:00:00 GMT") == 0.0
    assert parse_retry_after(" 120 ") == 120.0


def test_reschedule_bounds_a_huge_retry_after() -> None:
    now = utcnow()
    clock = StoryClock(60.0, None, 0, now, None, False)
    plan = reschedule(SchedulePolicy(), clock, "rate_limited", now, retry_after=1e300)
    assert plan.next_check_at is not None
    assert plan.next_check_at <= now + timedelta(seconds=MAX_RETRY_AFTER + 1)


@pytest.mark.parametrize("value", ["99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"])
def test_a_huge_retry_after_neither_crashes_nor_parks_the_story(
    store: Store, http_server: TestHTTPServer, value: str
) -> None:
    http_server.status("/s", 429, ("Retry-After", value))
    url = http_server.url("/s")
    add_story(store, url)
    before = utcnow()
    summary = run_poll(store, http_server)
    assert summary.counts == {"rate_limited": 1}
    row = story_row(store, url)
    assert row.lease_owner is None
    assert row.next_check_at is not None
    assert row.next_check_at <= before + timedelta(seconds=MAX_RETRY_AFTER + 5)


# -- 6. garbage is never stored, never a baseline ------------------------------------------------


def test_garbage_pages_are_not_stored_and_do_not_hold_back_the_article(
    store: Store, http_server: TestHTTPServer
) -> None:
    url = http_server.url("/s")
    add_story(store, url)
    http_server.page("/s", article(8))
    run_poll(store, http_server, url)
    assert len(store.history(url)) == 1
    noise = random.Random(6)
    binary = bytes(noise.getrandbits(8) for _ in range(30_000))
    api = json.dumps(
        {
            "items": [
                {"id": i, "headline": f"Story {i} about the flood", "body": "Water rose."}
                for i in range(60)
            ]
        }
    )
    links = (
        "<html><body><nav><ul>"
        + "".join(f"<li><a href='/s{i}'>Section {i} world news today</a></li>" for i in range(90))
        + "</ul></nav></body></html>"
    )
    served = [
        (binary, "text/html"),
        (api.encode(), "application/json"),
        (links.encode(), "text/html; charset=utf-8"),
        (links.encode(), "text/html; charset=utf-8"),
        (links.encode(), "text/html; charset=utf-8"),  # the third sighting too
        (links.encode(), "text/html; charset=utf-8"),
    ]
    for body, kind in served:
        http_server.page("/s", body, content_type=kind)
        summary = run_poll(store, http_server, url)
        assert summary.counts == {"suspect": 1}, (kind, store.checks(url, 1))
    assert len(store.history(url)) == 1
    errors = [c["error"] for c in store.checks(url, 6)]
    assert any("JSON" in e for e in errors) and any("letters" in e for e in errors)
    http_server.page("/s", article(6, round_=1))  # the real article, a little shorter
    summary = run_poll(store, http_server, url)
    assert summary.counts == {"changed": 1}
    assert len(store.history(url)) == 2


# -- 7. terminal escape injection ------------------------------------------------------------------


def test_printable_replaces_control_characters() -> None:
    assert printable(f"a{ESC}]0;pwned\x07b\rc\u202ed\x9be") == "a?]0;pwned?b?c?d?e"
    assert printable("tab\there\nnext") == "tab here next"
    assert printable(None) == ""


def test_a_servers_escape_sequences_never_reach_the_terminal(
    tmp_path: Path, http_server: TestHTTPServer
) -> None:
    db = str(tmp_path / "t.db")
    http_server.route("/s", raw_reply(f"HTTP/1.1 500 Oops{ESC}]0;pwned\x07{ESC}[2J"))
    url = http_server.url("/s")
    assert (
        tracker("add", url, "--allow-host", f"127.0.0.1:{http_server.port}", db=db).returncode == 0
    )
    polled = tracker("poll", url, "--allow-host", f"127.0.0.1:{http_server.port}", db=db)
    assert "Oops" in polled.stdout
    listed = tracker("list", db=db)
    assert "Oops" in listed.stdout
    for out in (polled.stdout, polled.stderr, listed.stdout, listed.stderr):
        assert ESC not in out and "\x07" not in out


def test_the_run_log_prints_no_escape_sequences(tmp_path: Path) -> None:
    from tracker.cli.polling import _line
    from tracker.poll import CheckReport

    now = utcnow()
    record = CheckRecord(1, now, "http_error", "active", now, 60, 1, 500, error=f"x{ESC}[2Jy")
    line = _line(CheckReport(f"https://news.example/{ESC}[31m", record))
    assert ESC not in line and "x?[2Jy" in line


# -- 8. one-line errors: --html and --db -----------------------------------------------------------


def _text_file(folder: Path, n: int) -> Path:
    path = folder / f"v{n}.txt"
    path.write_text(
        f"Flood hits town\n\nThe river rose by {n} metres overnight, officials said. "
        f"About {n * 100} people left their homes as the water reached the square.\n"
    )
    return path


@pytest.mark.parametrize("target", ["missing/dir/page.html", "/dev/full", "."])
def test_diff_html_to_a_bad_path_is_one_line(tmp_path: Path, target: str) -> None:
    a, b = _text_file(tmp_path, 1), _text_file(tmp_path, 2)
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "diff", str(a), str(b), "--html", target],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("tracker: error: --html") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("where", ["afile/sub/t.db", "/proc/1/nonexistent/t.db"])
def test_db_under_a_path_that_cannot_exist_is_one_line(tmp_path: Path, where: str) -> None:
    (tmp_path / "afile").write_text("not a folder")
    db = where if where.startswith("/") else str(tmp_path / where)
    result = tracker("list", db=db)
    assert result.returncode == 4
    assert result.stderr.startswith("tracker: error: cannot create the database's folder")
    assert result.stderr.count("\n") == 1


# -- 9. a future --at ------------------------------------------------------------------------------


def test_a_future_at_is_refused_and_blocks_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    url = "https://news.example/a"
    future = tracker("ingest", url, str(_text_file(tmp_path, 1)), "--at", "2062-01-01", db=db)
    assert future.returncode == 2 and "in the future" in future.stderr
    assert future.stderr.count("\n") == 1
    now = tracker("ingest", url, str(_text_file(tmp_path, 2)), db=db)
    assert now.returncode == 0 and "stored v1" in now.stdout


def _date_in_2062(store: Store, url: str) -> None:
    """What a database written before --at refused future times may hold."""
    with store.session() as session:
        story = session.scalar(select(Story).where(Story.url == url))
        assert story is not None
        far = utcnow().replace(year=2062)
        session.execute(update(Version).where(Version.story_id == story.id).values(fetched_at=far))
        story.last_changed_at = far


def test_a_version_stored_in_the_future_is_re_dated_at_the_next_ingest(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = str(tmp_path / "t.db")
    url = "https://news.example/a"
    with Store(f"sqlite:///{db}") as store:
        ingest_file(store, url, _text_file(tmp_path, 1), facts=False)
        _date_in_2062(store, url)
        with caplog.at_level("WARNING", logger="tracker.store"):
            result = ingest_file(store, url, _text_file(tmp_path, 2), facts=False)
        assert result.stored and result.number == 2
        [warning] = [r.getMessage() for r in caplog.records if r.name == "tracker.store"]
        assert "v1 was dated 2062-" in warning and "re-dated to now" in warning
        times = [v.fetched_at for v in store.history(url)]
        assert times[0] <= times[1] <= utcnow()
        assert story_row(store, url).last_changed_at <= utcnow()  # type: ignore[operator]
    later = tracker("ingest", url, str(_text_file(tmp_path, 3)), db=db)
    assert later.returncode == 0 and "stored v3" in later.stdout
    assert later.stderr == ""  # warned once: nothing in the future any more


def test_the_cli_warns_in_one_line_when_it_re_dates_a_future_version(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    url = "https://news.example/a"
    with Store(f"sqlite:///{db}") as store:
        ingest_file(store, url, _text_file(tmp_path, 1), facts=False)
        _date_in_2062(store, url)
    result = tracker("ingest", url, str(_text_file(tmp_path, 2)), db=db)
    assert result.returncode == 0 and "stored v2" in result.stdout
    assert result.stderr.count("\n") == 1 and "re-dated to now" in result.stderr


def test_a_future_version_does_not_block_the_poller(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/f", article(5))
    url = http_server.url("/f")
    add_story(store, url)
    run_poll(store, http_server)
    _date_in_2062(store, url)
    http_server.page("/f", article(5, round_=7))
    summary = run_poll(store, http_server, url)
    assert summary.counts == {"changed": 1}
    assert [v.number for v in store.history(url)] == [1, 2]


def test_a_versions_order_error_does_not_speak_of_at(store: Store, tmp_path: Path) -> None:
    from tracker.selectors import parse_time

    url = "https://news.example/a"
    ingest_file(store, url, _text_file(tmp_path, 1), at=parse_time("2026-01-02"), facts=False)
    with pytest.raises(InputError) as caught:
        ingest_file(store, url, _text_file(tmp_path, 2), at=parse_time("2026-01-01"), facts=False)
    assert "--at" not in str(caught.value)


# -- 10. SSRF corners and --allow-host -----------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "::127.0.0.1",
        "::ffff:127.0.0.1",
        "::ffff:0:127.0.0.1",
        "::10.0.0.1",
        "::169.254.169.254",
        "::8.8.8.8",
        "::ffff:7f00:1",
        "0:0:0:0:0:ffff:127.0.0.1",
    ],
)
def test_ipv6_forms_of_ipv4_addresses_are_not_public(address: str) -> None:
    assert address_problem(address) is not None
    with pytest.raises(UnsafeURLError):
        check_url_allowed(f"http://[{address}]/story", allow_private=False)


def test_allow_host_allows_that_host_only(http_server: TestHTTPServer) -> None:
    with TestHTTPServer() as other:
        other.page("/inner", article(5))
        http_server.redirect("/out", other.url("/inner"))
        http_server.page("/s", article(5))
        one = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{http_server.port}"}))
        assert fetch_once(http_server.url("/s"), settings=one).outcome == "ok"
        redirected = fetch_once(http_server.url("/out"), settings=one)
        assert redirected.outcome == "refused" and other.count("/inner") == 0
        every = FetchSettings(allow_private=True)  # --allow-private: every check off
        assert fetch_once(http_server.url("/out"), settings=every).outcome == "ok"


def test_allow_host_on_the_command_line(tmp_path: Path, http_server: TestHTTPServer) -> None:
    db = str(tmp_path / "t.db")
    http_server.page("/s", article(5))
    url = http_server.url("/s")
    refused = tracker("add", url, "--allow-host", "127.0.0.2", db=db)
    assert refused.returncode == 2 and "--allow-host" in refused.stderr
    host = f"127.0.0.1:{http_server.port}"
    assert tracker("add", url, "--allow-host", host, db=db).returncode == 0
    polled = tracker("poll", url, "--allow-host", host, db=db)
    assert polled.returncode == 0 and "stored v1" in polled.stdout


# -- 11. two ingests of one story at once ------------------------------------------------------

_INGESTER = """
import sys, time
from pathlib import Path
from tracker.ingest import ingest_file
from tracker.store import Store
db, me, rounds, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
folder = Path(db).parent
with Store("sqlite:///" + db) as store:
    while not go.exists():
        time.sleep(0.005)
    for n in range(rounds):
        path = folder / f"{me}-{n}.txt"
        path.write_text(f"Flood update {me} {n}\\n\\nThe river rose by {n} metres, said {me}. "
                        f"Crews from {me} counted {n * 7 + 3} homes under water.\\n")
        result = ingest_file(store, "https://news.example/race", path, facts=False)
        assert result.stored, (me, n)
print("ok")
"""


def test_two_ingests_of_one_story_at_once_store_every_version(tmp_path: Path) -> None:
    rounds = 10
    db = tmp_path / "race.db"
    Store(f"sqlite:///{db}").close()
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _INGESTER, str(db), me, str(rounds), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for me in ("p1", "p2")
    ]
    time.sleep(1.0)  # both imported and connected
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err[-2000:]
        assert out.strip() == "ok"
    with Store(f"sqlite:///{db}") as store:
        history = store.history("https://news.example/race")
        assert [v.number for v in history] == list(range(1, 2 * rounds + 1))


# -- 12. the smaller ones ---------------------------------------------------------------------


def test_a_location_with_control_characters_is_a_fetch_outcome(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.route("/s", raw_reply("HTTP/1.1 302 Found", b"", "Location: /next\x01\x1b[2J"))
    url = http_server.url("/s")
    add_story(store, url)
    summary = run_poll(store, http_server)
    assert summary.counts == {"http_error": 1}
    error = store.checks(url)[0]["error"]
    assert "invalid Location" in error and ESC not in error


def test_a_dead_polls_lease_is_reclaimed_on_sqlite(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", article(5))
    url = http_server.url("/s")
    add_story(store, url)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    owner = f"{socket.gethostname()}:{dead.pid}:deadbeef"
    with store.session() as session:
        session.execute(
            update(Story).values(lease_owner=owner, lease_until=utcnow() + timedelta(minutes=5))
        )
    summary = run_poll(store, http_server, url)
    assert summary.busy == [] and summary.counts == {"changed": 1}
    alive = f"{socket.gethostname()}:{os.getppid()}:cafe"  # a live process: not reclaimed
    with store.session() as session:
        session.execute(
            update(Story).values(lease_owner=alive, lease_until=utcnow() + timedelta(minutes=5))
        )
    assert run_poll(store, http_server, url).busy == [url]


def test_a_stored_version_has_exactly_one_check_row(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", article(5))
    url = http_server.url("/s")
    add_story(store, url)
    run_poll(store, http_server)
    http_server.page("/s", article(5, round_=3))
    run_poll(store, http_server, url)
    with store.session() as session:
        rows = session.execute(select(Check.outcome, Check.version_number)).all()
    assert sorted(rows) == [("changed", 1), ("changed", 2)]


def test_a_read_only_database_can_be_read(tmp_path: Path) -> None:
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as another user")
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(
        [*as_nobody, sys.executable, "-c", "import tracker"], capture_output=True, timeout=60
    )
    if probe.returncode != 0:  # e.g. a checkout inside a 0700 `mktemp -d` folder
        pytest.skip("another user cannot import tracker from this checkout")
    folder = Path(tempfile.mkdtemp(prefix="tracker-ro-"))  # not under pytest's 0700 folder
    folder.chmod(0o755)
    db = folder / "t.db"
    url = "https://news.example/a"
    with Store(f"sqlite:///{db}") as store:
        ingest_file(store, url, _text_file(tmp_path, 1))
        ingest_file(store, url, _text_file(tmp_path, 2))
    db.chmod(0o444)
    folder.chmod(0o555)
    text_file = folder.parent / f"{folder.name}-v3.txt"
    shutil.copy(_text_file(tmp_path, 3), text_file)
    text_file.chmod(0o644)
    env = {**os.environ, "HOME": str(folder), "PYTHONDONTWRITEBYTECODE": "1"}

    def run(*args: str) -> CompletedProcess[str]:
        return subprocess.run(
            [*as_nobody, sys.executable, "-m", "tracker", *args, "--db", str(db)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    try:
        listed = run("list")
        assert listed.returncode == 0, listed.stderr
        assert "news.example/a" in listed.stdout
        shown = run("diff", url, "--json")
        assert shown.returncode == 0, shown.stderr
        written = run("ingest", url, str(text_file))
        assert written.returncode == 4 and written.stderr.count("\n") == 1
        assert "readonly" in written.stderr
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)
        text_file.unlink()


def test_run_stops_when_its_database_is_deleted(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    Store(f"sqlite:///{db}").close()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker",
            "run",
            "--for",
            "60s",
            "--facts-every",
            "0",
            "--quiet",
            "--db",
            str(db),
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    assert "polling" in child.stderr.readline()
    db.unlink()
    try:
        child.wait(timeout=20)
    finally:
        child.kill()
    err = child.stderr.read()
    assert child.returncode == 4, err
    assert "was deleted" in err and "Traceback" not in err, err


def test_every_stored_version_has_its_sentences(store: Store, http_server: TestHTTPServer) -> None:
    http_server.page("/s", article(5))
    add_story(store, http_server.url("/s"))
    run_poll(store, http_server)
    with store.session() as session:
        bare = session.scalar(
            select(func.count())
            .select_from(Version)
            .where(
                ~select(VersionSentence.version_id)
                .where(VersionSentence.version_id == Version.id)
                .exists()
            )
        )
    assert bare == 0
