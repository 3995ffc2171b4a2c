"""`tracker poll` exits 5 when it made checks and every one failed; 0 when any succeeded."""

from __future__ import annotations

import socket

from tests.httpserver import TestHTTPServer
from tests.test_cli_diff import run
from tracker.store import Store
from tracker.store.polling import add_story


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_poll_exits_5_when_every_check_failed(capsys, db_url: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story"
    with Store(db_url) as store:
        add_story(store, url)
    code, out, _ = run(capsys, "poll", "--allow-private", "--db", db_url)
    assert code == 5, out
    assert "checked 1 story" in out


def test_poll_exits_0_when_a_check_worked(capsys, db_url: str, http_server: TestHTTPServer) -> None:
    bad = f"http://127.0.0.1:{closed_port()}/story"
    good = http_server.url("/ok")
    http_server.page(
        "/ok",
        "Flood closes bridges\n\nThe river rose 4 meters overnight.",
        content_type="text/plain",
    )
    with Store(db_url) as store:
        add_story(store, bad)
        add_story(store, good)
    code, out, _ = run(capsys, "poll", "--allow-private", "--db", db_url)
    assert code == 0, out
