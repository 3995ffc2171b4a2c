"""Real receivers for alerts, on 127.0.0.1 ports picked at random: an SMTP server (aiosmtpd),
a webhook receiver that checks signatures, and a Save Page Now (SPN2) look-alike."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Mailbox:
    """Messages an SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def texts(self) -> list[str]:
        with self.lock:
            found = []
            for m in self.messages:
                part = m.get_body(("plain", "html"))
                body = part.get_content() if part is not None else ""
                found.append(f"Subject: {m['subject']}\n{body}")
            return found


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    """An aiosmtpd SMTP server on 127.0.0.1; yields its port and its mailbox."""
    from aiosmtpd.controller import Controller

    box = Mailbox()

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            message = message_from_bytes(envelope.content, policy=policy.default)
            with box.lock:
                box.messages.append(message)  # type: ignore[arg-type]
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Hook:
    """What a webhook receiver got: bodies, their signature headers, and when (wall time)."""

    posts: list[tuple[bytes, str | None, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def documents(self) -> list[dict]:  # type: ignore[type-arg]
        with self.lock:
            return [json.loads(body) for body, _, _ in self.posts]


class WebhookReceiver:
    """A webhook endpoint on 127.0.0.1. ``down()`` holds its port without listening (connections
    are refused) until ``up()``."""

    def __init__(self) -> None:
        self.hook = Hook()
        self.port = free_port()
        self._server: ThreadingHTTPServer | None = None
        self._holder: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> WebhookReceiver:
        if self._holder is not None:
            self._holder.close()
            self._holder = None
        hook = self.hook

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with hook.lock:
                    hook.posts.append((body, self.headers.get("X-Tracker-Signature"), time.time()))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> WebhookReceiver:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        holder = socket.socket()
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        holder.bind(("127.0.0.1", self.port))  # bound, not listening: connect is refused
        self._holder = holder
        return self

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._holder is not None:
            self._holder.close()


class SavePageNow:
    """A local server speaking the SPN2 protocol: POST /save, GET /save/status/<job>."""

    def __init__(self, *, fail: bool = False, pending_polls: int = 1) -> None:
        self.saved: list[str] = []
        self.auth: list[str | None] = []
        jobs: dict[str, dict[str, object]] = {}
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _json(self, status: int, doc: dict[str, object]) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                if self.path != "/save":
                    self._json(404, {"message": "not found"})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                form = parse_qs(self.rfile.read(length).decode())
                url = form.get("url", [""])[0]
                outer.auth.append(self.headers.get("Authorization"))
                job = f"spn2-{len(jobs) + 1:04d}"
                jobs[job] = {"url": url, "polls": 0}
                self._json(200, {"url": url, "job_id": job})

            def do_GET(self) -> None:
                job = jobs.get(self.path.rsplit("/", 1)[-1])
                if not self.path.startswith("/save/status/") or job is None:
                    self._json(404, {"message": "no such job"})
                    return
                job["polls"] = int(job["polls"]) + 1  # type: ignore[call-overload]
                if int(job["polls"]) <= pending_polls:  # type: ignore[call-overload]
                    self._json(200, {"status": "pending", "job_id": self.path})
                elif fail:
                    self._json(
                        200,
                        {
                            "status": "error",
                            "status_ext": "error:too-many-daily-captures",
                            "message": "You have already reached the limit.",
                        },
                    )
                else:
                    outer.saved.append(str(job["url"]))
                    self._json(
                        200,
                        {
                            "status": "success",
                            "timestamp": "20261202160000",
                            "original_url": job["url"],
                        },
                    )

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.endpoint = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
