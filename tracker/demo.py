"""Demo: the whole loop on the bundled seed story, against a news server on 127.0.0.1.

``tracker demo`` serves ``seeds/demo/v1.txt`` (installed as ``tracker/_demo``) as an
HTML page, switches to ``seeds/demo/v2.txt`` (the breaking update) a few seconds
later, tracks the URL in a fresh SQLite file (or ``--db``), runs the scheduler daemon until both
versions are stored, and prints the history and the semantic diff. The server
is a small stdlib one (with ETag, so unchanged checks are 304s); it allows only
its own loopback address, nothing else private.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from rich.console import Console

from tracker import queries, semdiff
from tracker.errors import TrackerError
from tracker.extract import parse_text
from tracker.fetch import Fetcher, FetchSettings
from tracker.poll import CheckReport, Poller
from tracker.render import terminal
from tracker.render.json import iso
from tracker.scheduler import Daemon, DaemonSettings
from tracker.store import Store
from tracker.store.polling import add_story


def demo_story() -> Path:
    """The demo story: ``tracker/_demo`` in an installed wheel, else the checkout's seeds/demo."""
    here = Path(__file__).resolve().parent
    for folder in (here / "_demo", here.parent / "seeds" / "demo"):
        if (folder / "v1.txt").is_file():
            return folder
    raise TrackerError("demo: the bundled demo story is missing; reinstall tracker")


TITLE = "Russian helicopter shot down near Armenia's border"
PATH = "/world/helicopter-shot-down"
SWITCH_AFTER = 4.0  # seconds of version 1 before the breaking update appears
TIME_LIMIT = 45.0


def page_html(text: str, title: str = TITLE) -> bytes:
    """A plain news page around a plain-text article: headline, paragraphs, some furniture."""
    article = parse_text(text)
    paragraphs = "\n".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        "<!doctype html>\n<html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>\n<body>\n"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>\n"
        f"<article>\n<h1>{html.escape(title)}</h1>\n{paragraphs}\n</article>\n"
        "<footer>Demo news server on 127.0.0.1</footer>\n</body></html>\n"
    ).encode()


class StoryServer:
    """Serves one story at :data:`PATH`: version 1, then version 2 after ``switch_after`` s."""

    def __init__(self, pages: list[bytes], switch_after: float = SWITCH_AFTER) -> None:
        self.pages = pages
        self.switch_after = switch_after
        self.started = time.monotonic()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

    def current(self) -> bytes:
        index = int((time.monotonic() - self.started) // self.switch_after)
        return self.pages[min(index, len(self.pages) - 1)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.path != PATH:
                    self._reply(404, b"not found\n", "text/plain")
                    return
                body = server.current()
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._reply(304, b"", None, etag)
                else:
                    self._reply(200, body, "text/html; charset=utf-8", etag)

            def _reply(self, status: int, body: bytes, kind: str | None, etag: str = "") -> None:
                self.send_response(status)
                if kind:
                    self.send_header("Content-Type", kind)
                if etag:
                    self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body) if status != 304 else 0))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> StoryServer:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def _database(db: str | None) -> Iterator[str]:
    if db:
        yield db
        return
    with tempfile.TemporaryDirectory(prefix="tracker-demo-") as folder:
        yield f"sqlite:///{Path(folder) / 'demo.db'}"


def run_demo(db: str | None, console: Console, *, switch_after: float = SWITCH_AFTER) -> None:
    """Serve, track, poll until both versions are stored, then show history and diff."""
    seeds = demo_story()
    pages = [page_html((seeds / name).read_text("utf-8")) for name in ("v1.txt", "v2.txt")]
    with _database(db) as url, Store(url) as store, StoryServer(pages, switch_after) as server:
        console.print(f"Serving the demo story at {server.url}", markup=False)
        add_story(store, server.url, every=1, label="demo: helicopter story")
        asyncio.run(_poll_until_two_versions(store, server, console))
        versions = store.history(server.url)
        if len(versions) < 2:
            raise TrackerError(f"demo: only {len(versions)} version(s) within {TIME_LIMIT:g} s")
        # Extracting each side's facts keeps them (the daemon's facts job does this too).
        before, after = (semdiff.stored_side(store, server.url, n) for n in (1, 2))
        console.print()
        terminal.render_history(console, server.url, queries.history(store, server.url))
        console.print()
        change = semdiff.diff(before, after)
        terminal.render_diff(console, change)


async def _poll_until_two_versions(store: Store, server: StoryServer, console: Console) -> None:
    def on_check(report: CheckReport) -> None:
        r = report.record
        what = f"stored v{r.version_number}" if r.outcome == "changed" else r.outcome
        console.print(f"{iso(r.checked_at.replace(microsecond=0))}  check: {what}", markup=False)

    settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{server.port}"}))
    async with Fetcher(settings) as fetcher:
        poller = Poller(store, fetcher, on_check=on_check)
        daemon = Daemon(poller, DaemonSettings(tick=0.5, facts_every=0))
        try:
            await daemon.run(until=lambda: len(store.history(server.url)) >= 2, limit=TIME_LIMIT)
        finally:
            poller.close()
