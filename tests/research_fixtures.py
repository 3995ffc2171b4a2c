"""Our own story texts (no corpus copies) and archive writers for the research tests."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import httpx

from tests.httpserver import TestHTTPServer

PARAGRAPHS = (
    "MARLINSPIKE, Syldavia (AP) -- Floodwater broke through a levee on the Wladir river "
    "early on Sunday, forcing families in three villages to leave their homes.",
    "At least {n} people were killed and dozens more were missing, the interior ministry said "
    "in a statement read on state television.",
    "Rescue boats worked through the night, and the army opened two shelters in school "
    "buildings on higher ground north of the town.",
)


def story_text(n: int) -> str:
    return "\n\n".join(p.format(n=n) for p in PARAGRAPHS)


def story_html(n: int, title: str = "Levee breaks on the Wladir river") -> str:
    body = "".join(f"<p>{p.format(n=n)}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{title}</title></head><body><nav>Home | World</nav>"
        f"<article><h1>{title}</h1>{body}</article><footer>Contact us</footer></body></html>"
    )


def write_warc(path: Path, server: TestHTTPServer, captures: list[tuple[str, str, str]]) -> None:
    """Fetch each (route, html, WARC-Date) from the real server and write it as a WARC record.

    The body the server sends is what is archived, with its real status and headers.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out, httpx.Client() as client:
        writer = WARCWriter(out, gzip=True)
        for route, html, date in captures:
            server.page(route, html)
            response = client.get(server.url(route))
            headers = StatusAndHeaders(
                f"{response.status_code} {response.reason_phrase}",
                [(k, v) for k, v in response.headers.items() if k.lower() != "content-encoding"],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                server.url(route),
                "response",
                payload=io.BytesIO(response.content),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(record)


def write_diffengine(path: Path, entries: list[tuple[str, list[tuple[str, str, str]]]]) -> None:
    """A database with diffengine's tables: entry(url) and entryversion(title, summary, …)."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE entry (id INTEGER PRIMARY KEY, url VARCHAR(255) NOT NULL,
            created DATETIME NOT NULL, checked DATETIME NOT NULL);
        CREATE TABLE entryversion (id INTEGER PRIMARY KEY, title VARCHAR(255) NOT NULL,
            url VARCHAR(255) NOT NULL, summary VARCHAR(255) NOT NULL, created DATETIME NOT NULL,
            archive_url VARCHAR(255), tweet_status BIGINT,
            entry_id INTEGER NOT NULL REFERENCES entry (id));
        """
    )
    for i, (url, versions) in enumerate(entries, start=1):
        conn.execute(
            "INSERT INTO entry VALUES (?, ?, ?, ?)", (i, url, versions[0][2], versions[-1][2])
        )
        for title, summary, created in versions:
            conn.execute(
                "INSERT INTO entryversion (title, url, summary, created, entry_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (title, url, summary, created, i),
            )
    conn.commit()
    conn.close()
