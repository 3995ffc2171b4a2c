"""The fetch stage against a real HTTP server on 127.0.0.1, on both engines (aiohttp, httpx)."""

from __future__ import annotations

import asyncio
import random
import socket
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from fractions import Fraction
from typing import Literal

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.httpserver import GzipBomb, Huge, Raw, TestHTTPServer, Trickle
from tracker.fetch import (
    Fetcher,
    FetchResult,
    FetchSettings,
    UnsafeURLError,
    backoff_delay,
    check_url_allowed,
    decode_body,
    fetch_once,
    parse_retry_after,
)
from tracker.fetch.safety import _AddressGuard

Engine = Literal["aiohttp", "httpx"]


@pytest.fixture(params=["aiohttp", "httpx"])
def engine(request: pytest.FixtureRequest) -> Engine:
    if request.param == "aiohttp":
        pytest.importorskip("httpx_aiohttp")  # an optional engine where it is not installed
    return request.param


def settings_for(server: TestHTTPServer, **overrides: object) -> FetchSettings:
    """Settings that allow exactly this server's 127.0.0.1 port, nothing else private."""
    values: dict[str, object] = {
        "allow_hosts": frozenset({f"127.0.0.1:{server.port}"}),
        "connect_timeout": 2.0,
        "read_timeout": 2.0,
        "total_timeout": 5.0,
    }
    values.update(overrides)
    return FetchSettings(**values)  # type: ignore[arg-type]


def fetch(
    server: TestHTTPServer,
    path: str,
    engine: Engine,
    *,
    url: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    **overrides: object,
) -> FetchResult:
    return fetch_once(
        url or server.url(path),
        settings=settings_for(server, engine=engine, **overrides),
        etag=etag,
        last_modified=last_modified,
    )


# --- pages and conditional GET ----------------------------------------------


def test_page_is_fetched_with_its_text_and_validators(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    page = http_server.page("/story", "<p>Two servicemen were killed.</p>")
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "ok"
    assert result.status == 200
    assert result.text == "<p>Two servicemen were killed.</p>"
    assert result.etag == page.etag
    assert result.last_modified == page.last_modified
    assert result.bytes == len(page.body)
    assert result.error is None


def test_matching_etag_gets_not_modified_without_body(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    page = http_server.page("/story", "<p>v1</p>")
    result = fetch(http_server, "/story", engine, etag=page.etag)
    assert result.outcome == "not_modified"
    assert result.status == 304
    assert result.body is None
    assert result.etag == page.etag
    assert http_server.requests("/story")[-1].headers["if-none-match"] == page.etag


def test_matching_last_modified_gets_not_modified(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    page = http_server.page("/story", "<p>v1</p>")
    result = fetch(http_server, "/story", engine, last_modified=page.last_modified)
    assert result.outcome == "not_modified"
    assert result.last_modified == page.last_modified


def test_etag_round_trip_sees_the_changed_page(http_server: TestHTTPServer, engine: Engine) -> None:
    http_server.page("/story", "<p>killed: 32</p>")
    first = fetch(http_server, "/story", engine)
    unchanged = fetch(http_server, "/story", engine, etag=first.etag)
    http_server.page("/story", "<p>killed: 60</p>")
    changed = fetch(http_server, "/story", engine, etag=first.etag)
    assert unchanged.outcome == "not_modified"
    assert changed.outcome == "ok"
    assert changed.text == "<p>killed: 60</p>"
    assert changed.etag != first.etag


def test_last_modified_round_trip_sees_a_change_within_the_same_second(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/story", "<p>killed: 32</p>")
    first = fetch(http_server, "/story", engine)
    http_server.page("/story", "<p>killed: 60</p>")
    changed = fetch(http_server, "/story", engine, last_modified=first.last_modified)
    assert changed.outcome == "ok"
    assert changed.text == "<p>killed: 60</p>"


def test_user_agent_names_the_tracker(http_server: TestHTTPServer, engine: Engine) -> None:
    http_server.page("/story", "x")
    fetch(http_server, "/story", engine)
    assert http_server.requests("/story")[-1].headers["user-agent"].startswith("tracker/")


def test_gzip_page_is_decoded(http_server: TestHTTPServer, engine: Engine) -> None:
    http_server.page("/story", "<p>" + "breaking " * 500 + "</p>", gzip=True)
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "ok"
    assert result.text == "<p>" + "breaking " * 500 + "</p>"
    assert result.bytes < 500  # counted on the wire, compressed


# --- redirects ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "permanent"), [(301, True), (308, True), (302, False), (307, False)]
)
def test_redirect_records_final_url_and_whether_it_was_permanent(
    http_server: TestHTTPServer, engine: Engine, code: int, permanent: bool
) -> None:
    http_server.page("/new", "<p>moved here</p>")
    http_server.redirect("/old", "/new", code)
    result = fetch(http_server, "/old", engine)
    assert result.outcome == "ok"
    assert result.final_url == http_server.url("/new")
    assert result.permanent_redirect == (http_server.url("/new") if permanent else None)


def test_redirect_chain_is_followed_to_the_end(http_server: TestHTTPServer, engine: Engine) -> None:
    http_server.page("/c", "<p>end</p>")
    http_server.redirect("/a", "/b", 302)
    http_server.redirect("/b", http_server.url("/c"), 301)
    result = fetch(http_server, "/a", engine)
    assert (result.outcome, result.final_url) == ("ok", http_server.url("/c"))
    assert result.permanent_redirect == http_server.url("/c")


def test_redirect_loop_is_detected(http_server: TestHTTPServer, engine: Engine) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    result = fetch(http_server, "/a", engine)
    assert result.outcome == "redirect_loop"
    assert http_server.count("/a") == 1
    assert result.error


def test_too_many_redirects_stop_at_the_limit(http_server: TestHTTPServer, engine: Engine) -> None:
    for hop in range(10):
        http_server.redirect(f"/{hop}", f"/{hop + 1}")
    result = fetch(http_server, "/0", engine, max_redirects=3)
    assert result.outcome == "redirect_loop"
    assert "more than 3 redirects" in (result.error or "")
    assert http_server.count("/4") == 0


def test_redirect_to_a_private_address_is_refused(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/secret", "<p>internal</p>")
    http_server.redirect("/story", http_server.url("/secret", host="localhost"))
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "refused"
    assert "loopback" in (result.error or "")
    assert http_server.count("/secret") == 0


# --- statuses -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "outcome"), [(404, "gone"), (410, "gone"), (500, "http_error"), (403, "http_error")]
)
def test_error_status_has_its_outcome(
    http_server: TestHTTPServer, engine: Engine, code: int, outcome: str
) -> None:
    http_server.status("/story", code)
    result = fetch(http_server, "/story", engine)
    assert (result.outcome, result.status) == (outcome, code)
    assert result.body is None
    assert str(code) in (result.error or "")


def test_too_many_requests_carries_retry_after_seconds(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.status("/story", 429, ("Retry-After", "120"))
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "rate_limited"
    assert result.retry_after == 120.0


def test_service_unavailable_carries_retry_after_date(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    later = datetime.now(UTC) + timedelta(seconds=600)
    http_server.status("/story", 503, ("Retry-After", format_datetime(later, usegmt=True)))
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "rate_limited"
    assert result.retry_after is not None
    assert 590 <= result.retry_after <= 601


def test_closed_port_is_a_network_error(engine: Engine) -> None:
    with socket.socket() as probe:  # find a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = FetchSettings(allow_private=True, connect_timeout=2, total_timeout=5, engine=engine)
    result = fetch_once(f"http://127.0.0.1:{port}/", settings=settings)
    assert result.outcome == "network_error"
    assert result.status is None
    assert result.error


@pytest.mark.parametrize(
    "data",
    [b"", b"NOT HTTP AT ALL\r\n\r\n", b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort"],
    ids=["hang-up", "garbage", "truncated"],
)
def test_broken_server_is_a_network_error(
    http_server: TestHTTPServer, engine: Engine, data: bytes
) -> None:
    http_server.route("/story", Raw(data))
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "network_error"
    assert result.error


def test_corrupt_gzip_body_is_a_network_error(http_server: TestHTTPServer, engine: Engine) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 12\r\n\r\n"
    http_server.route("/story", Raw(head + b"not gzip!!!!"))
    result = fetch(http_server, "/story", engine)
    assert result.outcome == "network_error"


def test_unresolvable_host_is_a_network_error(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_such_host(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # no DNS query leaves the machine
    result = fetch_once("http://story.invalid/", settings=FetchSettings(engine=engine))
    assert result.outcome == "network_error"
    assert result.error == "cannot resolve story.invalid: Name or service not known"


# --- limits: time, size, concurrency --------------------------------------------


def test_trickling_server_times_out_within_the_total_timeout(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.route("/story", Trickle(interval=0.1))
    started = time.monotonic()
    result = fetch(http_server, "/story", engine, read_timeout=5.0, total_timeout=1.0)
    assert result.outcome == "timeout"
    assert time.monotonic() - started < 1.0 + 1.0
    assert result.bytes > 0  # it did trickle: the read timeout alone would never fire


def test_declared_body_over_the_cap_is_refused_unread(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.route("/story", Huge(size=2_000_000))
    result = fetch(http_server, "/story", engine, max_bytes=100_000)
    assert result.outcome == "too_large"
    assert result.body is None
    assert result.bytes <= 100_000


def test_undeclared_body_over_the_cap_stops_streaming_at_the_cap(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.route("/story", Huge(size=50_000_000, declare_length=False))
    result = fetch(http_server, "/story", engine, max_bytes=100_000)
    assert result.outcome == "too_large"
    assert 100_000 < result.bytes <= 100_000 + 128 * 1024  # the cap plus about one chunk


def test_gzip_bomb_stops_at_the_cap_with_bounded_memory(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.route("/story", GzipBomb(decoded_size=1 << 30))
    cap = 2_000_000  # over the ~1 MB of compressed bytes: only inflation can pass it
    tracemalloc.start()
    try:
        result = fetch(http_server, "/story", engine, max_bytes=cap)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.outcome == "too_large"
    assert "after decoding" in (result.error or "")
    assert peak < 20 * cap  # a 1 GiB inflation would be a thousand times that


def test_per_host_limit_caps_requests_in_flight(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/story", "<p>slow</p>", delay=0.15)

    async def many() -> list[FetchResult]:
        settings = settings_for(http_server, per_host_limit=2, engine=engine)
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(http_server.url("/story")) for _ in range(8))
            )

    results = asyncio.run(many())
    assert all(result.outcome == "ok" for result in results)
    assert http_server.max_in_flight("/story") == 2


# --- charsets -------------------------------------------------------------------

CP1252_TEXT = "The \u201cceasefire\u201d held in Stepanakert, the café said \u2014 for now."


@pytest.mark.parametrize(
    "content_type",
    ["text/html; charset=utf-8", "text/html", "text/html; charset=iso-8859-1"],
    ids=["declared-utf8", "undeclared", "declared-latin1"],
)
def test_windows_1252_page_is_decoded_whatever_the_header_says(
    http_server: TestHTTPServer, engine: Engine, content_type: str
) -> None:
    body = ("<html><body><p>" + CP1252_TEXT + "</p></body></html>").encode("cp1252")
    http_server.page("/story", body, content_type=content_type)
    result = fetch(http_server, "/story", engine)
    assert result.text is not None
    assert CP1252_TEXT in result.text


def test_meta_charset_is_used_when_the_header_has_none(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    body = f'<html><head><meta charset="windows-1252"></head><p>{CP1252_TEXT}</p>'.encode("cp1252")
    http_server.page("/story", body, content_type="text/html")
    result = fetch(http_server, "/story", engine)
    assert result.encoding == "cp1252"
    assert CP1252_TEXT in (result.text or "")


def test_utf8_bytes_win_over_a_stale_latin1_header() -> None:
    text, encoding = decode_body("Nakhçivan café".encode(), "text/html; charset=ISO-8859-1")
    assert (text, encoding) == ("Nakhçivan café", "utf-8")


def test_http_equiv_charset_is_read() -> None:
    html = '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r"><p>Москва</p>'
    text, encoding = decode_body(html.encode("koi8-r"), None)
    assert encoding == "koi8-r"
    assert "Москва" in text


# --- safety -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[::1]/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://localhost/",
        "http://127.1/",
    ],
)
def test_private_address_is_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url_allowed(url, allow_private=False)


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://[::1]/", "http://localhost/"])
def test_private_address_is_allowed_with_allow_private(url: str) -> None:
    check_url_allowed(url, allow_private=True)


def test_host_name_with_any_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    def two_addresses(host: str, port: object, *args: object, **kwargs: object) -> list:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", two_addresses)
    with pytest.raises(UnsafeURLError, match=r"10\.0\.0\.7"):
        check_url_allowed("http://mixed.test/story", allow_private=False)


def test_allowed_host_list_lets_one_private_name_through(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/story", "<p>x</p>")
    http_server.redirect("/old", http_server.url("/story", host="localhost"))
    allowed = frozenset({f"127.0.0.1:{http_server.port}", f"localhost:{http_server.port}"})
    result = fetch(http_server, "/old", engine, allow_hosts=allowed)
    assert result.outcome == "ok"
    assert result.final_url == http_server.url("/story", host="localhost")


def test_public_address_is_allowed() -> None:
    check_url_allowed("http://93.184.215.14/news", allow_private=False)
    check_url_allowed("https://[2606:4700::1111]/", allow_private=False)


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/story", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/"]
)
def test_non_http_scheme_is_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="scheme"):
        check_url_allowed(url, allow_private=True)
    result = fetch_once(url, settings=FetchSettings(allow_private=True))
    assert result.outcome == "refused"


def test_fetch_refuses_loopback_without_touching_the_server(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/story", "<p>x</p>")
    result = fetch_once(http_server.url("/story"), settings=FetchSettings(engine=engine))
    assert result.outcome == "refused"
    assert http_server.count("/story") == 0


def test_fetch_by_host_name_works_with_allow_private(
    http_server: TestHTTPServer, engine: Engine
) -> None:
    http_server.page("/story", "<p>x</p>")
    url = http_server.url("/story", host="localhost")
    result = fetch_once(url, settings=FetchSettings(allow_private=True, engine=engine))
    assert result.outcome == "ok"


class CountingTransport(httpx.AsyncHTTPTransport):
    """httpx's real transport, counting what goes through it."""

    sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return await super().handle_async_request(request)


def test_injected_transport_is_used(http_server: TestHTTPServer) -> None:
    http_server.page("/story", "<p>x</p>")
    transport = CountingTransport(trust_env=False)
    result = fetch_once(
        http_server.url("/story"), settings=settings_for(http_server), transport=transport
    )
    assert result.outcome == "ok"
    assert transport.sent == 1


def test_allow_private_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_ALLOW_PRIVATE", "1")
    assert FetchSettings.from_env().allow_private
    monkeypatch.setenv("TRACKER_ALLOW_PRIVATE", "0")
    assert not FetchSettings.from_env().allow_private


@pytest.mark.parametrize(
    "bad", [{"per_host_limit": 0}, {"total_timeout": 0}, {"max_bytes": -1}, {"max_redirects": -1}]
)
def test_settings_that_would_hang_or_refuse_everything_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError):
        FetchSettings(**bad)


# --- retry timing -------------------------------------------------------------------


def test_retry_after_parses_seconds_and_dates() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    assert parse_retry_after("30", now=now) == 30.0
    assert parse_retry_after("Wed, 25 Nov 2026 12:01:00 GMT", now=now) == 60.0
    assert parse_retry_after("Wed, 25 Nov 2026 11:00:00 GMT", now=now) == 0.0
    assert parse_retry_after("soon", now=now) is None
    assert parse_retry_after(None) is None


@given(
    failures=st.integers(min_value=-5, max_value=5000),
    base=st.floats(min_value=0, max_value=1e4, allow_nan=False),
    cap=st.floats(min_value=0, max_value=1e6, allow_nan=False),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_backoff_delay_stays_within_its_exponential_ceiling(
    failures: int, base: float, cap: float, seed: int
) -> None:
    delay = backoff_delay(failures, base=base, cap=cap, rng=random.Random(seed))
    exact = Fraction(base) * 2 ** max(failures - 1, 0)  # exact, whatever the size
    ceiling = 0.0 if failures <= 0 else float(min(exact, Fraction(cap)))
    assert 0.0 <= delay <= ceiling


def test_backoff_delay_grows_with_failures_on_average() -> None:
    rng = random.Random(7)
    means = [
        sum(backoff_delay(n, base=1.0, cap=1e9, rng=rng) for _ in range(2000)) / 2000
        for n in (1, 4, 8)
    ]
    assert means[0] < means[1] < means[2]
    assert means[2] == pytest.approx(2.0**7 / 2, rel=0.1)


def test_dns_answer_that_turns_private_after_the_check_is_refused(
    http_server: TestHTTPServer, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the check sees a public address, the connection would get loopback."""
    http_server.page("/story", "<p>internal</p>")
    answers = iter(["93.184.215.14", "127.0.0.1", "127.0.0.1"])
    real_getaddrinfo = socket.getaddrinfo

    def rebinding_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host != "rebind.test":
            return real_getaddrinfo(host, port, *args, **kwargs)  # type: ignore[arg-type]
        address = next(answers)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_getaddrinfo)
    settings = FetchSettings(dns_cache_seconds=0.0, total_timeout=5.0, engine=engine)
    result = fetch_once(http_server.url("/story", host="rebind.test"), settings=settings)
    assert result.outcome == "refused"
    assert http_server.count("/story") == 0


def test_a_host_that_passed_is_judged_again_when_its_answer_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guard keeps a host's pass only as long as the answer it judged: a name that
    turns private once its answer expires is refused at the next check."""
    answers = iter(["93.184.215.14", "127.0.0.1"])
    asked: list[str] = []

    def changing_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", changing_getaddrinfo)
    guard = _AddressGuard(FetchSettings(dns_cache_seconds=0.2))

    async def checks() -> None:
        await guard.check("http://judged.test/one")
        await guard.check("http://judged.test/two")  # its pass holds: no second lookup
        assert asked == ["judged.test"]
        await asyncio.sleep(0.3)
        with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1"):
            await guard.check("http://judged.test/three")
        assert asked == ["judged.test", "judged.test"]

    asyncio.run(checks())
