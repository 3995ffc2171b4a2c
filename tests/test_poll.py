"""One poll pass against a real HTTP server on 127.0.0.1: outcomes, check log, schedule, gate."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from datetime import timedelta
from subprocess import CompletedProcess

import pytest
from sqlalchemy import func, select, text

from tests.httpserver import Custom, GzipBomb, Huge, Page, Reply, TestHTTPServer, Trickle
from tracker import poll as poll_module
from tracker.fetch import Fetcher, FetchSettings
from tracker.fingerprint import Region
from tracker.poll import Gate, Poller, PollSettings, PollSummary, fingerprint
from tracker.scheduler import SchedulePolicy
from tracker.store import Store, utcnow
from tracker.store.polling import add_story, claim_due, remove_story
from tracker.store.schema import Check, Story, Version, VersionSentence

FAST = SchedulePolicy(
    start_interval=1.0, min_interval=0.05, max_interval=60.0, error_base=0.5, error_cap=2.0
)
MARKER = "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below."


def paragraphs(n: int, topic: str = "quake") -> list[str]:
    return [
        f"Rescue teams in the coastal town searched the {topic} zone for a {i + 1}th day on "
        f"Tuesday, officials said, as the number of people missing rose to {100 + i} and "
        f"aid convoys reached villages cut off by landslides."
        for i in range(n)
    ]


def page(paras: Sequence[str], title: str = "Quake hits coast", extra: str = "") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paras)
    return (
        f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
        f"{extra}<article><h1>{title}</h1>{body}</article><footer>News Co</footer></body></html>"
    )


def settings_for(server: TestHTTPServer, **overrides: object) -> FetchSettings:
    values: dict[str, object] = {
        "allow_hosts": frozenset({f"127.0.0.1:{server.port}"}),
        "connect_timeout": 2.0,
        "read_timeout": 1.0,
        "total_timeout": 3.0,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def run_poll(
    store: Store,
    server: TestHTTPServer,
    *urls: str,
    policy: SchedulePolicy = FAST,
    gate: Gate | None = None,
    **fetch: object,
) -> PollSummary:
    settings = PollSettings(gate=gate or Gate())

    async def go() -> PollSummary:
        async with Fetcher(settings_for(server, **fetch)) as fetcher:
            poller = Poller(store, fetcher, policy=policy, settings=settings)
            try:
                return await poller.poll(list(urls) or None)
            finally:
                poller.close()

    return asyncio.run(go())


def track(store: Store, server: TestHTTPServer, path: str, **kwargs: object) -> str:
    url = server.url(path)
    add_story(store, url, **kwargs)  # type: ignore[arg-type]
    return url


def story(store: Store, url: str) -> Story:
    with store.session() as session:
        row = session.scalar(select(Story).where(Story.url == url))
        assert row is not None
        session.expunge(row)
        return row


def outcomes(store: Store, url: str) -> list[str]:
    return [c["outcome"] for c in reversed(store.checks(url))]


def versions(store: Store, url: str) -> int:
    return len(store.history(url))


# -- versions and conditional GET ---------------------------------------------------------


def test_first_check_stores_a_version(store: Store, http_server: TestHTTPServer) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    summary = run_poll(store, http_server)
    assert summary.counts == {"changed": 1}
    assert store.checks(url)[0]["version"] == 1
    row = story(store, url)
    region = Region.loads(row.article_region)
    assert region is not None  # located from the first extraction
    assert row.fingerprint == fingerprint(page(paragraphs(4)).encode(), region=region)


def test_unchanged_page_is_a_304_with_the_stored_etag(
    store: Store, http_server: TestHTTPServer
) -> None:
    served = http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert story(store, url).etag == served.etag
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "not_modified"]
    assert http_server.requests("/s")[-1].headers["if-none-match"] == served.etag
    assert store.checks(url)[0]["http_status"] == 304


def test_last_modified_round_trips_without_an_etag(
    store: Store, http_server: TestHTTPServer
) -> None:
    stamp = "Tue, 10 Nov 2020 08:00:00 GMT"
    http_server.route("/s", Page(page(paragraphs(4)).encode(), etag=None, last_modified=stamp))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert story(store, url).last_modified == stamp
    run_poll(store, http_server, url)
    assert http_server.requests("/s")[-1].headers["if-modified-since"] == stamp
    assert outcomes(store, url)[-1] == "not_modified"


def test_a_changed_article_is_stored_as_the_next_version(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    http_server.page("/s", page([*paragraphs(4), "Officials now say 12 people died."]))
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "changed"]
    assert versions(store, url) == 2
    assert story(store, url).last_changed_at is not None


def test_volatile_bytes_with_the_same_text_skip_extraction(
    store: Store, http_server: TestHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = iter(range(1_000_000))

    def volatile(_request: object) -> Reply:
        ad = f"<div class='ad'>Ad slot {next(counter)} at {time.time()}</div>"
        return Reply(200, (("Content-Type", "text/html"),), page(paragraphs(4), extra=ad).encode())

    http_server.route("/s", Custom(volatile))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    calls: list[str] = []
    monkeypatch.setattr(poll_module, "article_of", lambda *a: calls.append("x"))
    run_poll(store, http_server, url)
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "unchanged", "unchanged"]
    assert calls == []
    assert versions(store, url) == 1


def test_fingerprint_ignores_furniture_but_not_article_text() -> None:
    base = page(paragraphs(3)).encode()
    with_ad = page(paragraphs(3), extra="<div><span>Updated 12:01</span></div>").encode()
    edited = page([*paragraphs(2), "A new paragraph."]).encode()
    assert fingerprint(base) == fingerprint(with_ad)
    assert fingerprint(base) != fingerprint(edited)


# -- redirects and lifecycle --------------------------------------------------------------


def test_a_temporary_redirect_records_the_final_url(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/new", page(paragraphs(4)))
    http_server.redirect("/s", "/new", 302)
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    row = story(store, url)
    assert row.final_url == http_server.url("/new")
    assert row.moved_to is None


def test_a_permanent_redirect_records_moved_to(store: Store, http_server: TestHTTPServer) -> None:
    http_server.page("/new", page(paragraphs(4)))
    http_server.redirect("/s", "/new", 301)
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert story(store, url).moved_to == http_server.url("/new")
    assert outcomes(store, url) == ["changed"]


@pytest.mark.parametrize("code", [404, 410])
def test_404_and_410_mark_a_story_gone_and_it_comes_back(
    store: Store, http_server: TestHTTPServer, code: int
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    http_server.status("/s", code)
    run_poll(store, http_server, url)
    assert story(store, url).status == "gone"
    http_server.page("/s", page(paragraphs(4)))
    run_poll(store, http_server, url)
    assert story(store, url).status == "active"
    assert outcomes(store, url) == ["changed", "gone", "not_modified"]


def test_server_errors_back_off_and_mark_the_story_error(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.status("/s", 500)
    url = track(store, http_server, "/s")
    for _ in range(3):
        before = utcnow()
        run_poll(store, http_server, url)
        row = story(store, url)
        assert row.next_check_at is not None
        assert row.next_check_at >= before + timedelta(seconds=FAST.error_base)
    assert row.failures == 3
    assert row.status == "error"
    assert row.last_error == "HTTP 500 Internal Server Error"
    assert outcomes(store, url) == ["http_error"] * 3


def test_retry_after_on_429_is_honoured(store: Store, http_server: TestHTTPServer) -> None:
    http_server.status("/s", 429, ("Retry-After", "120"))
    url = track(store, http_server, "/s")
    before = utcnow()
    run_poll(store, http_server)
    row = story(store, url)
    assert row.next_check_at is not None
    assert row.next_check_at >= before + timedelta(seconds=120)
    assert outcomes(store, url) == ["rate_limited"]


def test_a_trickling_server_times_out_in_bounded_time(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.route("/s", Trickle(interval=0.2))
    url = track(store, http_server, "/s")
    started = time.monotonic()
    run_poll(store, http_server, total_timeout=1.0)
    assert time.monotonic() - started < 5
    assert outcomes(store, url) == ["timeout"]


def test_a_body_over_the_cap_is_refused(store: Store, http_server: TestHTTPServer) -> None:
    http_server.route("/s", Huge(size=3_000_000, declare_length=False))
    url = track(store, http_server, "/s")
    run_poll(store, http_server, max_bytes=100_000)
    assert outcomes(store, url) == ["too_large"]
    assert versions(store, url) == 0


def test_a_gzip_bomb_stops_at_the_cap_in_bounded_memory(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.route("/s", GzipBomb(decoded_size=256 << 20))
    url = track(store, http_server, "/s")
    tracemalloc.start()
    run_poll(store, http_server, max_bytes=1 << 20)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert outcomes(store, url) == ["too_large"]
    assert peak < 40 << 20


def test_a_redirect_loop_is_logged(store: Store, http_server: TestHTTPServer) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    url = track(store, http_server, "/a")
    run_poll(store, http_server)
    assert outcomes(store, url) == ["redirect_loop"]


def test_a_wrong_charset_header_still_stores_the_right_text(
    store: Store, http_server: TestHTTPServer
) -> None:
    paras = [*paragraphs(3), "The café owner in Zürich said the naïve plan had failed."]
    http_server.page(
        "/s", page(paras).encode("utf-8"), content_type="text/html; charset=iso-8859-1"
    )
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert "café owner in Zürich" in store.version(url).split.sections[0].text


def test_a_private_address_is_refused_without_permission(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server, allow_hosts=frozenset())
    assert outcomes(store, url) == ["refused"]
    assert http_server.count("/s") == 0
    assert "loopback" in (story(store, url).last_error or "")


# -- the quality gate -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        page(["Breaking: more soon."]),
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
        page(
            [
                "We use cookies to give you the best experience on our site and to show you "
                "relevant adverts. By clicking accept all cookies you agree to the storing of "
                "cookies on your device. You can change your cookie settings at any time by "
                "visiting our privacy page and choosing which partners may process your data."
            ],
            title="Your privacy",
        ),
        page(
            [
                "Subscribe now to continue reading. Already a subscriber? Sign in to read this "
                "story and every other article on our site, with unlimited access on any of "
                "your devices for just one dollar a week for the first three months of your "
                "subscription, then the regular price."
            ],
            title="Quake hits coast",
        ),
    ],
    ids=["stub", "no-article", "consent", "paywall"],
)
def test_pages_that_are_not_the_article_are_suspect(
    store: Store, http_server: TestHTTPServer, body: str
) -> None:
    http_server.page("/s", body)
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert outcomes(store, url) == ["suspect"]
    assert versions(store, url) == 0
    assert store.checks(url)[0]["error"]


def test_a_drastic_shrink_without_a_marker_change_is_suspect(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(8)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    http_server.page("/s", page(paragraphs(2)))
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "suspect"]
    assert "shrank" in (store.checks(url)[0]["error"] or "")
    assert versions(store, url) == 1


def test_a_shrunk_text_that_stays_is_stored_on_the_third_sighting(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(8)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    http_server.page("/s", page(paragraphs(2)))
    for _ in range(3):
        run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "suspect", "suspect", "changed"]
    assert versions(store, url) == 2


def test_a_shrink_when_the_marker_is_dropped_is_a_version(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page([*paragraphs(2, "flood"), MARKER, *paragraphs(8)]))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert store.version(url).split.marker is not None
    http_server.page("/s", page(paragraphs(3, "flood")))
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "changed"]


def test_the_same_suspect_page_is_not_extracted_again(
    store: Store, http_server: TestHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    http_server.page("/s", page(["Breaking: more soon."]), conditional=False)
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    monkeypatch.setattr(poll_module, "article_of", lambda *a: pytest.fail("extracted again"))
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["suspect", "suspect"]


# -- claiming, leases, removal ------------------------------------------------------------


def test_a_named_story_leased_by_another_worker_is_skipped(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    assert claim_due(store, "other-worker", limit=10, lease_seconds=60)
    summary = run_poll(store, http_server, url)
    assert summary.busy == [url]
    assert http_server.count("/s") == 0


def test_a_dead_workers_lease_expires_and_the_story_is_due_again(store: Store) -> None:
    add_story(store, "https://news.example.com/a")
    claimed = claim_due(store, "dead", limit=10, lease_seconds=0.05)
    assert len(claimed) == 1
    assert claim_due(store, "live", limit=10, lease_seconds=60) == []
    time.sleep(0.1)
    assert [d.url for d in claim_due(store, "live", limit=10, lease_seconds=60)] == [
        "https://news.example.com/a"
    ]


def test_finding_due_work_uses_the_next_check_index(store: Store) -> None:
    with store.engine.connect() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM stories WHERE next_check_at <= :now "
                "ORDER BY next_check_at LIMIT 10"
            ),
            {"now": utcnow().isoformat()},
        ).all()
    assert any("ix_stories_next_check_at" in str(row) for row in plan)


def test_only_due_stories_are_claimed(store: Store) -> None:
    later = utcnow() + timedelta(hours=1)
    for i in range(50):
        add_story(store, f"https://news.example.com/{i}", first_check=later)
    add_story(store, "https://news.example.com/due")
    assert [d.url for d in claim_due(store, "w", limit=100, lease_seconds=60)] == [
        "https://news.example.com/due"
    ]


def test_remove_keeps_history_and_purge_deletes_it(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    remove_story(store, url)
    assert story(store, url).status == "removed"
    assert story(store, url).next_check_at is None
    assert versions(store, url) == 1
    remove_story(store, url, purge=True)
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 0
        assert session.scalar(select(func.count()).select_from(Check)) == 0


def test_every_stored_version_has_its_sentences(store: Store, http_server: TestHTTPServer) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    with store.session() as session:
        version = session.scalar(select(Version))
        assert version is not None
        count = session.scalar(select(func.count()).where(VersionSentence.version_id == version.id))
    assert count and count >= 4
    assert url


# -- the commands -------------------------------------------------------------------------


def tracker(*args: str, db: str, env: dict[str, str] | None = None) -> CompletedProcess[str]:
    command = [sys.executable, "-m", "tracker", *args, "--db", db]
    environment = {k: v for k, v in os.environ.items() if k != "TRACKER_ALLOW_PRIVATE"}
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, env={**environment, **(env or {})}
    )


def test_add_refuses_a_loopback_url_in_one_line(db_url: str, http_server: TestHTTPServer) -> None:
    result = tracker("add", http_server.url("/s"), db=db_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "loopback" in result.stderr
    assert "--allow-private" in result.stderr


def test_add_poll_list_remove_from_the_command_line(
    db_url: str, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = http_server.url("/s")
    added = tracker("add", url, "--every", "5m", "--label", "Quake", "--allow-private", db=db_url)
    assert added.returncode == 0, added.stderr
    polled = tracker("poll", db=db_url, env={"TRACKER_ALLOW_PRIVATE": "1"})
    assert polled.returncode == 0, polled.stderr
    assert "checked 1 story: 1 changed" in polled.stdout
    (row,) = json.loads(tracker("list", "--json", db=db_url).stdout)["stories"]
    assert (row["label"], row["every_seconds"], row["versions"]) == ("Quake", 300, 1)
    assert row["status"] == "active"
    assert row["last_checked_at"] and row["next_check_at"]
    assert tracker("remove", url, db=db_url).returncode == 0
    (row,) = json.loads(tracker("list", "--json", db=db_url).stdout)["stories"]
    assert (row["status"], row["versions"], row["next_check_at"]) == ("removed", 1, None)
    assert tracker("remove", url, "--purge", db=db_url).returncode == 0
    assert json.loads(tracker("list", "--json", db=db_url).stdout)["stories"] == []


def test_poll_names_what_happened_to_a_named_story(
    db_url: str, http_server: TestHTTPServer
) -> None:
    http_server.status("/s", 410)
    url = http_server.url("/s")
    tracker("add", url, "--allow-private", db=db_url)
    polled = tracker("poll", url, "--allow-private", db=db_url)
    assert polled.returncode == 0, polled.stderr
    assert f"{url}: HTTP 410 gone" in polled.stdout


def test_command_errors_are_one_line(db_url: str) -> None:
    bad_every = tracker("add", "https://news.example.com/a", "--every", "soon", db=db_url)
    assert bad_every.returncode == 2
    assert "not a duration" in bad_every.stderr
    unknown = tracker("poll", "https://news.example.com/nope", db=db_url)
    assert unknown.returncode == 3
    assert unknown.stderr.strip().startswith("tracker: error: unknown story")


def test_a_removed_story_checked_by_name_stays_removed(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = track(store, http_server, "/s")
    remove_story(store, url)
    run_poll(store, http_server, url)
    row = story(store, url)
    assert (row.status, row.next_check_at) == ("removed", None)
    assert versions(store, url) == 1


def test_a_slow_story_does_not_hold_up_one_that_falls_due_meanwhile(
    store: Store, http_server: TestHTTPServer
) -> None:
    http_server.route("/slow", Trickle(interval=0.2))
    http_server.page("/s", page(paragraphs(4)))
    track(store, http_server, "/slow")
    url = track(store, http_server, "/s", first_check=utcnow() + timedelta(seconds=0.3))

    async def go() -> float:
        async with Fetcher(settings_for(http_server, total_timeout=1.5)) as fetcher:
            poller = Poller(store, fetcher, policy=FAST)
            started = time.monotonic()
            try:
                task = asyncio.create_task(poller.drain())
                while not store.checks(url):
                    await asyncio.sleep(0.05)
                return time.monotonic() - started
            finally:
                poller.stopping = True
                await task
                poller.close()

    assert asyncio.run(go()) < 1.2


def test_a_dead_extraction_process_is_replaced(store: Store, http_server: TestHTTPServer) -> None:
    http_server.page("/a", page(paragraphs(4)))
    http_server.page("/b", page(paragraphs(5)))
    first, second = track(store, http_server, "/a"), track(store, http_server, "/b")

    async def go() -> None:
        async with Fetcher(settings_for(http_server)) as fetcher:
            poller = Poller(
                store, fetcher, policy=FAST, settings=PollSettings(extract_in="process")
            )
            try:
                await poller.poll([first])
                for process in list(poller._extractor._processes.values()):  # type: ignore[attr-defined]
                    process.kill()
                    process.join()
                await poller.poll([second])
                await poller.poll([second])
            finally:
                poller.close()

    asyncio.run(go())
    assert outcomes(store, first) == ["changed"]
    assert outcomes(store, second)[-1] == "changed"


def test_a_headline_edit_changes_the_fingerprint() -> None:
    before = page(paragraphs(3), title="Quake hits coast").encode()
    after = before.replace(b"<title>Quake hits coast</title>", b"<title>Quake kills 12</title>")
    assert fingerprint(before) != fingerprint(after)


def test_an_article_set_in_divs_is_still_watched(store: Store, http_server: TestHTTPServer) -> None:
    def div_page(paras: Sequence[str]) -> str:
        body = "<br><br>".join(paras)
        return f"<html><head><title>Quake</title></head><body><div class='story'>{body}</div>"

    http_server.page("/s", div_page(paragraphs(6)) + "<li>Menu</li></body></html>")
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    run_poll(store, http_server, url)
    http_server.page("/s", div_page(paragraphs(7)) + "<li>Menu</li></body></html>")
    run_poll(store, http_server, url)
    assert outcomes(store, url)[-1] == "changed"
    assert versions(store, url) == 2


def test_a_fingerprint_short_of_the_article_covers_the_whole_page() -> None:
    html = b"<html><body><div>" + b"word " * 300 + b"</div><p>Menu</p></body></html>"
    assert fingerprint(html) == fingerprint(html.replace(b"word word", b"word ward"))
    assert fingerprint(html, min_words=100) != fingerprint(
        html.replace(b"word word", b"word ward"), min_words=100
    )
