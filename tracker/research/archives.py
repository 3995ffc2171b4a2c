"""Readers of existing archives: what ``tracker import`` takes in.

Each reader turns one path into stories, each a URL with its captures
(:class:`Capture`, time order). A capture knows where its bytes are, not the
bytes themselves, so a large archive is read one story at a time:

- a diffengine / NewsEdits-style SQLite database (tables ``entry`` and
  ``entryversion``): each entry version is a capture at its ``created`` time;
- a WARC file (plain or gzip, as the Internet Archive, Browsertrix and
  ``wget --warc-file`` write them): each ``response`` record with status 200
  and an HTML or text body is a capture of its target URI at its WARC-Date;
- a directory of snapshot folders, one per story: a file ``URL`` holds the
  story's URL, snapshots are named by capture time (``2020-11-09T14:00:00Z.html``
  or ``.txt``). The directory may also be one such folder.

:func:`detect` tells the three apart by content, not by name.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from tracker.errors import InputError
from tracker.selectors import parse_time

_CAPTURE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}[:\d.]*)?(?:Z|[+-]\d{2}:?\d{2})?$")

ArchiveKind = Literal["sqlite", "warc", "snapshots"]
SNAPSHOT_SUFFIXES = (".html", ".htm", ".txt")


@dataclass(frozen=True)
class Capture:
    """One capture of a story: when, and where its bytes are (a file, a WARC offset, a row)."""

    fetched_at: datetime
    name: str  # for messages: file name, WARC offset or entry version id
    path: str
    offset: int | None = None  # WARC record offset
    row: int | None = None  # diffengine entryversion id


@dataclass
class ArchiveStory:
    """A story URL and its captures, oldest first."""

    url: str
    captures: list[Capture] = field(default_factory=list)


@dataclass
class Scan:
    """A scanned archive: its stories and the records that could not be used."""

    kind: ArchiveKind
    stories: list[ArchiveStory]
    bad: list[str] = field(default_factory=list)  # one reason per bad record


def detect(path: Path) -> ArchiveKind:
    """Which kind of archive ``path`` is; InputError for anything else."""
    if path.is_dir():
        return "snapshots"
    if not path.is_file():
        raise InputError(f"{path}: no such file or directory")
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        return "sqlite"
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(b"\x1f\x8b"):
        import gzip

        try:
            with gzip.open(path, "rb") as f:
                if f.read(5) == b"WARC/":
                    return "warc"
        except OSError:
            pass
    raise InputError(f"{path}: not a diffengine SQLite database, a WARC file or a directory")


def scan(path: Path) -> Scan:
    """The stories and captures in an archive (no text is read yet)."""
    kind = detect(path)
    if kind == "sqlite":
        return _scan_sqlite(path)
    if kind == "warc":
        return _scan_warc(path)
    return _scan_snapshots(path)


def _group(kind: ArchiveKind, found: dict[str, list[Capture]], bad: list[str]) -> Scan:
    stories = [
        ArchiveStory(url, sorted(caps, key=lambda c: (c.fetched_at, c.name)))
        for url, caps in sorted(found.items())
    ]
    return Scan(kind, stories, bad)


# -- diffengine / NewsEdits SQLite ----------------------------------------------------------


def _scan_sqlite(path: Path) -> Scan:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise InputError(f"{path}: cannot open the database ({exc})") from None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "entryversion" not in tables:
            raise InputError(f"{path}: no diffengine table 'entryversion' in this database")
        has_entry = "entry" in tables
        query = (
            "SELECT ev.rowid, COALESCE(e.url, ev.url), ev.created FROM entryversion ev "
            "LEFT JOIN entry e ON e.id = ev.entry_id ORDER BY ev.rowid"
            if has_entry
            else "SELECT rowid, url, created FROM entryversion ORDER BY rowid"
        )
        found: dict[str, list[Capture]] = {}
        bad: list[str] = []
        for row_id, url, created in conn.execute(query):
            name = f"entryversion {row_id}"
            if not url:
                bad.append(f"{name}: no URL")
                continue
            try:
                at = parse_time(str(created))
            except InputError:
                bad.append(f"{name}: bad created time {created!r}")
                continue
            found.setdefault(url, []).append(Capture(at, name, str(path), row=row_id))
    except sqlite3.DatabaseError as exc:
        raise InputError(f"{path}: cannot read the database ({exc})") from None
    finally:
        conn.close()
    return _group("sqlite", found, bad)


def read_entry_version(path: str, row: int) -> tuple[str | None, str]:
    """The title and summary (the text) of one diffengine entry version."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = conn.execute(
            "SELECT title, summary FROM entryversion WHERE rowid = ?", (row,)
        ).fetchone()
    finally:
        conn.close()
    if found is None:
        raise InputError(f"entryversion {row}: gone from the database")
    return found[0], found[1] or ""


# -- WARC -----------------------------------------------------------------------------------

_TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


def _scan_warc(path: Path) -> Scan:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    found: dict[str, list[Capture]] = {}
    bad: list[str] = []
    with path.open("rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                if record.rec_type != "response":
                    continue
                offset = records.get_record_offset()
                name = f"{path.name}@{offset}"
                url = record.rec_headers.get_header("WARC-Target-URI")
                status = record.http_headers.get_statuscode() if record.http_headers else None
                kind = (
                    (record.http_headers.get_header("Content-Type") or "").lower()
                    if (record.http_headers)
                    else ""
                )
                if not url or not url.startswith(("http://", "https://")):
                    continue
                if status != "200" or not kind.startswith(_TEXT_TYPES):
                    continue  # a redirect, an error page, a stylesheet: not a version
                try:
                    at = parse_time(record.rec_headers.get_header("WARC-Date") or "")
                except InputError:
                    bad.append(f"{name}: bad WARC-Date")
                    continue
                found.setdefault(url, []).append(Capture(at, name, str(path), offset=offset))
        except ArchiveLoadFailed as exc:
            bad.append(f"{path.name}: the rest of the file is unreadable ({exc})")
    return _group("warc", found, bad)


def read_warc_record(path: str, offset: int) -> bytes:
    """The HTTP body of the WARC response record at ``offset``."""
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream):
            return record.content_stream().read()
    raise InputError(f"{path}@{offset}: no WARC record there")


# -- snapshot folders -----------------------------------------------------------------------


def _scan_snapshots(path: Path) -> Scan:
    folders = (
        [path] if (path / "URL").is_file() else sorted(p for p in path.iterdir() if p.is_dir())
    )
    found: dict[str, list[Capture]] = {}
    bad: list[str] = []
    for folder in folders:
        url_file = folder / "URL"
        if not url_file.is_file():
            bad.append(f"{folder.name}: no URL file")
            continue
        url = url_file.read_text(encoding="utf-8", errors="replace").strip()
        if not url.startswith(("http://", "https://")):
            bad.append(f"{folder.name}/URL: not a story URL ({url[:60]!r})")
            continue
        for file in sorted(folder.iterdir()):
            if file.name == "URL" or not file.is_file():
                continue
            name = f"{folder.name}/{file.name}"
            if file.suffix.lower() not in SNAPSHOT_SUFFIXES:
                bad.append(f"{name}: not an .html or .txt snapshot")
                continue
            try:
                if not _CAPTURE_NAME.match(file.stem):  # "yesterday" is a time, not a capture's
                    raise InputError(file.stem)
                at = parse_time(file.stem)
            except InputError:
                bad.append(f"{name}: the name is not a capture time (2020-11-09T14:00:00Z)")
                continue
            found.setdefault(url, []).append(Capture(at, name, str(file)))
    return _group("snapshots", found, bad)
