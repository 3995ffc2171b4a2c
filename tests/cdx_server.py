"""A real local server that speaks the Wayback Machine's CDX API and serves its snapshots.

    GET /cdx/search/cdx?url=U&output=json[&from=T][&to=T][&filter=statuscode:200]
                       [&collapse=digest][&fl=a,b,c]
    GET /web/<timestamp>id_/<original URL>

Captures are (timestamp, status, body). ``fail_next`` answers that many requests
with 429 and ``Retry-After: 0`` first; every request's time is recorded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")


@dataclass
class Capture:
    timestamp: str
    status: int
    body: bytes

    @property
    def digest(self) -> str:
        return base64.b32encode(hashlib.sha1(self.body).digest()).decode()


@dataclass
class CdxArchive:
    captures: dict[str, list[Capture]] = field(default_factory=dict)
    requests: list[tuple[float, str]] = field(default_factory=list)
    fail_next: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, url: str, timestamp: str, body: str, status: int = 200) -> None:
        self.captures.setdefault(url, []).append(Capture(timestamp, status, body.encode()))

    def cdx(self, query: dict[str, list[str]]) -> bytes:
        url = query["url"][0]
        low = query.get("from", [""])[0].ljust(14, "0")
        high = query.get("to", [""])[0].ljust(14, "9")
        wanted = [f for f in query.get("fl", [",".join(FIELDS)])[0].split(",") if f]
        rows: list[list[str]] = [wanted]
        last_digest = None
        for c in sorted(self.captures.get(url, []), key=lambda c: c.timestamp):
            if not (low <= c.timestamp <= high):
                continue
            if "statuscode:200" in query.get("filter", []) and c.status != 200:
                continue
            if "digest" in query.get("collapse", []) and c.digest == last_digest:
                continue
            last_digest = c.digest
            values = {
                "urlkey": url,
                "timestamp": c.timestamp,
                "original": url,
                "mimetype": "text/html",
                "statuscode": str(c.status),
                "digest": c.digest,
                "length": str(len(c.body)),
            }
            rows.append([values[f] for f in wanted])
        return json.dumps(rows).encode()

    def snapshot(self, path: str) -> Capture | None:
        stamp, _, original = path.removeprefix("/web/").partition("id_/")
        return next((c for c in self.captures.get(original, []) if c.timestamp == stamp), None)


class CdxServer:
    def __init__(self, archive: CdxArchive) -> None:
        self.archive = archive
        handler = _handler(archive)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> CdxServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(archive: CdxArchive) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            with archive.lock:
                archive.requests.append((time.monotonic(), self.path))
                failing = archive.fail_next > 0
                archive.fail_next -= 1 if failing else 0
            if failing:
                self._send(429, b"slow down", "text/plain", (("Retry-After", "0"),))
            elif parts.path == "/cdx/search/cdx":
                self._send(200, archive.cdx(parse_qs(parts.query)), "application/json")
            elif parts.path.startswith("/web/"):
                capture = archive.snapshot(self.path)
                if capture is None:
                    self._send(404, b"not archived", "text/plain")
                else:
                    self._send(capture.status, capture.body, "text/html; charset=utf-8")
            else:
                self._send(404, b"no such route", "text/plain")

        def _send(self, status: int, body: bytes, kind: str, headers=()) -> None:  # type: ignore[no-untyped-def]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

    return Handler
