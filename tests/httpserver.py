"""A real HTTP/1.1 server on 127.0.0.1 whose routes a test configures.

Dependency-free (stdlib only) so that the tests, the poll benchmark and the demo
can all use it. Each path maps to a route: a page with ETag/Last-Modified that
answers 304 when they match, a redirect, a bare status, a trickle that never
ends, a huge body, a gzip bomb, or any callable. The server counts requests per
path and records how many were in flight at once (the multi-worker tests need
that).

    with TestHTTPServer() as server:
        server.page("/story", "<p>v1</p>")
        url = server.url("/story")
"""

from __future__ import annotations

import hashlib
import struct
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = [
    "Custom",
    "GzipBomb",
    "Huge",
    "Page",
    "Raw",
    "RecordedRequest",
    "Redirect",
    "Reply",
    "Route",
    "Status",
    "TestHTTPServer",
    "Trickle",
    "gzip_bomb_bytes",
]

_CHUNK = 64 * 1024


@dataclass(frozen=True)
class RecordedRequest:
    """What a client sent, as the server saw it."""

    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass(frozen=True)
class Reply:
    """A complete answer: status, headers and either bytes or an iterator of chunks.

    A chunk iterator is sent with ``Transfer-Encoding: chunked`` unless the
    headers carry a Content-Length.
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | Iterable[bytes] = b""


@dataclass(frozen=True)
class Page:
    """A document served with validators; a matching conditional GET gets 304.

    ``etag`` and ``last_modified`` default to a hash of the body and the time
    the page was set, so replacing a page's body changes both.
    """

    body: bytes
    content_type: str = "text/html; charset=utf-8"
    etag: str | None = None
    last_modified: str | None = None
    conditional: bool = True
    delay: float = 0.0
    gzip: bool = False


@dataclass(frozen=True)
class Redirect:
    location: str
    status: int = 302


@dataclass(frozen=True)
class Status:
    """A bare status such as 404, 410, 500, or 429/503 with ``Retry-After``."""

    code: int
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""


@dataclass(frozen=True)
class Trickle:
    """Headers, then one byte every ``interval`` seconds until the client hangs up."""

    interval: float = 1.0
    content_type: str = "text/html"


@dataclass(frozen=True)
class Huge:
    """A body of ``size`` bytes, with or without an honest Content-Length."""

    size: int
    declare_length: bool = True


@dataclass(frozen=True)
class GzipBomb:
    """``Content-Encoding: gzip`` of ``decoded_size`` zero bytes (about 1 KB per MiB)."""

    decoded_size: int = 1 << 30


@dataclass(frozen=True)
class Raw:
    """These bytes instead of an HTTP response (maybe none), then the connection closes."""

    data: bytes = b""


@dataclass(frozen=True)
class Custom:
    """Any behaviour: the function gets the request and returns a :class:`Reply`."""

    respond: Callable[[RecordedRequest], Reply]


Route = Page | Redirect | Status | Trickle | Huge | GzipBomb | Raw | Custom


@cache
def gzip_bomb_bytes(decoded_size: int = 1 << 30) -> bytes:
    """A valid gzip member of ``decoded_size`` zeros, built without compressing it all.

    After a full flush a deflate compressor starts afresh, so every MiB of zeros
    compresses to the same bytes: compress one MiB, repeat it, add the trailer.
    """
    block = bytes(1 << 20)
    blocks, rest = divmod(decoded_size, len(block))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    one_block = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(bytes(rest)) + compressor.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(blocks):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(bytes(rest), crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, decoded_size & 0xFFFFFFFF)
    return header + one_block * blocks + tail + trailer


def _etag_of(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


@dataclass
class _Stats:
    """Per-path counters, guarded by one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter[str] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: Counter[str] = field(default_factory=Counter)
    recent: deque[RecordedRequest] = field(default_factory=lambda: deque(maxlen=1000))

    def enter(self, request: RecordedRequest) -> None:
        with self.lock:
            path = request.path
            self.counts[path] += 1
            self.in_flight[path] += 1
            self.max_in_flight[path] = max(self.max_in_flight[path], self.in_flight[path])
            self.recent.append(request)

    def leave(self, path: str) -> None:
        with self.lock:
            self.in_flight[path] -= 1


class TestHTTPServer:
    """A threaded HTTP/1.1 server on an ephemeral 127.0.0.1 port, with settable routes."""

    __test__ = False  # not a pytest test class, despite the name

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, Route] = {}
        self._route_lock = threading.Lock()
        self._stats = _Stats()
        self._stopping = threading.Event()
        self._httpd = _QuietServer((host, 0), _make_handler(self))
        self._thread: threading.Thread | None = None
        self.host = host
        self.port: int = self._httpd.server_address[1]

    # lifecycle ---------------------------------------------------------------

    def start(self) -> TestHTTPServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> TestHTTPServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # addresses ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str, *, host: str | None = None) -> str:
        """The URL of ``path``; ``host`` names this server another way (e.g. ``localhost``)."""
        return f"http://{host or self.host}:{self.port}{path}"

    # routes ------------------------------------------------------------------

    def route(self, path: str, route: Route) -> None:
        with self._route_lock:
            self._routes[path] = route

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
        conditional: bool = True,
        delay: float = 0.0,
        gzip: bool = False,
    ) -> Page:
        """Serve (or replace) a page; returns it with its validators filled in."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        page = Page(
            data,
            content_type=content_type,
            etag=etag or _etag_of(data),
            last_modified=last_modified or self._next_last_modified(path, data),
            conditional=conditional,
            delay=delay,
            gzip=gzip,
        )
        self.route(path, page)
        return page

    def _next_last_modified(self, path: str, body: bytes) -> str:
        """Now, but a changed body always gets a later second than the one it replaces.

        Last-Modified has one-second resolution: a test that changes a page twice
        within a second must still see If-Modified-Since fail.
        """
        with self._route_lock:
            previous = self._routes.get(path)
        stamp = time.time()
        if isinstance(previous, Page) and previous.last_modified and previous.body != body:
            stamp = max(stamp, parsedate_to_datetime(previous.last_modified).timestamp() + 1)
        elif isinstance(previous, Page) and previous.last_modified:
            return previous.last_modified  # same body: same validator
        return formatdate(stamp, usegmt=True)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, Redirect(location, status))

    def status(self, path: str, code: int, *headers: tuple[str, str], body: bytes = b"") -> None:
        self.route(path, Status(code, tuple(headers), body))

    # observations ------------------------------------------------------------

    def count(self, path: str) -> int:
        with self._stats.lock:
            return self._stats.counts[path]

    def max_in_flight(self, path: str) -> int:
        with self._stats.lock:
            return self._stats.max_in_flight[path]

    def requests(self, path: str | None = None) -> list[RecordedRequest]:
        """The last 1,000 requests (all, or to one path), oldest first."""
        with self._stats.lock:
            return [r for r in self._stats.recent if path is None or r.path == path]

    def reset_counts(self) -> None:
        with self._stats.lock:
            self._stats.counts.clear()
            self._stats.max_in_flight.clear()
            self._stats.recent.clear()

    # used by the handler -----------------------------------------------------

    def _route_for(self, path: str) -> Route | None:
        with self._route_lock:
            return self._routes.get(path)


class _QuietServer(ThreadingHTTPServer):
    """Daemon handler threads, and no traceback when a client hangs up (tests do, on purpose)."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def _reply_for(route: Route | None, request: RecordedRequest, stopping: threading.Event) -> Reply:
    match route:
        case None:
            return Reply(404, (("Content-Type", "text/plain"),), b"no such route\n")
        case Page():
            return _page_reply(route, request)
        case Redirect(location, status):
            return Reply(status, (("Location", location),))
        case Status(code, headers, body):
            return Reply(code, headers, body)
        case Trickle(interval, content_type):
            return Reply(200, (("Content-Type", content_type),), _trickle(interval, stopping))
        case Huge(size, declare_length):
            headers = [("Content-Type", "text/html")]
            if declare_length:
                headers.append(("Content-Length", str(size)))
            return Reply(200, tuple(headers), _zeros(size, stopping))
        case GzipBomb(decoded_size):
            headers = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"))
            return Reply(200, headers, gzip_bomb_bytes(decoded_size))
        case Custom(respond):
            return respond(request)
        case Raw():
            raise TypeError("a Raw route is written by the handler, not as a Reply")
    raise TypeError(f"unknown route {route!r}")


def _page_reply(page: Page, request: RecordedRequest) -> Reply:
    if page.delay:
        time.sleep(page.delay)
    validators = tuple(
        (name, value)
        for name, value in (("ETag", page.etag), ("Last-Modified", page.last_modified))
        if value
    )
    if page.conditional and _not_modified(page, request.headers):
        return Reply(304, validators)
    headers = (("Content-Type", page.content_type), *validators)
    body = page.body
    if page.gzip:
        body = zlib.compress(body, wbits=31)
        headers = (*headers, ("Content-Encoding", "gzip"))
    return Reply(200, headers, body)


def _not_modified(page: Page, headers: dict[str, str]) -> bool:
    # RFC 9110 13.2.2: If-None-Match wins over If-Modified-Since when both are sent.
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return page.etag in tags or "*" in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None or page.last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # RFC 9110: an invalid date is ignored
    return parsedate_to_datetime(page.last_modified) <= since


def _trickle(interval: float, stopping: threading.Event) -> Iterator[bytes]:
    while not stopping.wait(interval):
        yield b"."


def _zeros(size: int, stopping: threading.Event) -> Iterator[bytes]:
    chunk = b"a" * _CHUNK
    remaining = size
    while remaining > 0 and not stopping.is_set():
        part = chunk[: min(remaining, _CHUNK)]
        remaining -= len(part)
        yield part


def _make_handler(server: TestHTTPServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, like real news sites
        # Headers and body go out in two writes: with Nagle on, the body waits for
        # the client's delayed ACK (40 ms), capping a keep-alive connection at 25 req/s.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: tests read counters, not logs

        def _answer(self, *, send_body: bool) -> None:
            path = self.path.split("?", 1)[0]
            request = RecordedRequest(
                self.command,
                path,
                {k.lower(): v for k, v in self.headers.items()},
                time.time(),
            )
            server._stats.enter(request)
            try:
                route = server._route_for(path)
                if isinstance(route, Raw):
                    self.wfile.write(route.data)
                    self.close_connection = True
                    return
                self._send(_reply_for(route, request, server._stopping), send_body=send_body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client hung up: expected for caps
            finally:
                server._stats.leave(path)

        def _send(self, reply: Reply, *, send_body: bool) -> None:
            self.send_response(reply.status)
            names = {name.lower() for name, _ in reply.headers}
            for name, value in reply.headers:
                self.send_header(name, value)
            body = reply.body
            if isinstance(body, bytes):
                if "content-length" not in names:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if send_body and reply.status not in (204, 304):
                    self.wfile.write(body)
                return
            chunked = "content-length" not in names
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not send_body:
                return
            for part in body:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
                self.wfile.flush()
            if chunked:
                self.wfile.write(b"0\r\n\r\n")

    return Handler


if __name__ == "__main__":
    # A standalone server for benchmarks: one page at /story until Ctrl-C.
    demo = TestHTTPServer().start()
    demo.page("/story", "<html><body><p>" + "word " * 200 + "</p></body></html>")
    print(demo.url("/story"), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        demo.stop()
        sys.exit(0)
