"""Feed: an Atom feed of fact changes, overall and per source, written with feedgen.

One entry per stored version: its title is the story's label (or URL) and the
first fact line, its content the fact lines (then the events and, for a first
version, "first version stored"), its link the story (and the HTML diff, when a
base URL is configured), its ``updated`` time the version's fetch time.

:func:`write_feeds` keeps ``all.atom`` and ``source-<id>.atom`` (plus the HTML
diffs under ``diffs/``) current in a directory; each file is replaced
atomically, so a reader never sees half a feed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from tracker.alerts import diff_file_name, diff_link
from tracker.changes import Change, load_changes
from tracker.store import Store
from tracker.store.sources import list_sources

FEED_ENTRIES = 100  # newest entries per feed
TAG = "tracker"  # tag: URIs are tag:tracker,2026:…
EMPTY_FEED_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # ``updated`` of a feed with no entry


@dataclass(frozen=True)
class FeedInfo:
    """One feed file that was written."""

    path: Path
    title: str
    entries: int


def entry_lines(change: Change) -> list[str]:
    """What an entry says: fact lines, then events; the first version says so."""
    lines = list(change.fact_lines)
    lines += [
        f"■ {event}" for event in change.events if event not in ("first version", "story gone")
    ]
    if change.first:
        lines.insert(0, "first version stored")
    elif not change.fact_lines:
        lines.append(f"no fact changes ({change.significance} changes only)")
    return lines


def atom(
    changes: Sequence[Change],
    *,
    title: str,
    feed_id: str,
    self_url: str | None = None,
    base_url: str | None = None,
) -> bytes:
    """The Atom document (UTF-8 bytes) of these change entries, newest first."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(title)
    fg.author({"name": "tracker"})
    fg.generator("tracker")
    if self_url:
        fg.link(href=self_url, rel="self")
    if base_url:
        fg.link(href=base_url, rel="alternate")
    fg.subtitle("Fact changes in tracked news stories, one entry per stored version.")
    ordered = sorted(changes, key=lambda c: (c.fetched_at, c.id))
    related: set[str] = set()
    fg.updated(ordered[-1].fetched_at if ordered else EMPTY_FEED_TIME)
    for change in ordered:  # feedgen puts the last added first
        entry = fg.add_entry()
        suffix = "-gone" if change.gone else ""
        entry.id(f"tag:{TAG},2026:story-{change.story_id}-v{change.number}{suffix}")
        lines = entry_lines(change)
        name = change.label or change.url
        entry.title(f"{name}: {lines[0]}" if lines else name)
        entry.updated(change.fetched_at)
        entry.published(change.fetched_at)
        entry.link(href=change.url, rel="alternate")
        link = diff_link(change, base_url)
        if link:
            entry.link(href=link, rel="related", type="text/html", title="HTML diff")
            related.add(link)
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        entry.content(f"<ul>{items}</ul>", type="html")
        entry.summary("\n".join(lines))
        for source in change.sources:
            entry.category(term=source)
    return _link_relations(fg.atom_str(pretty=True), related)


def _link_relations(document: bytes, related: set[str]) -> bytes:
    """Put back the ``rel``/``type``/``title`` of entry links (feedgen 1.0 drops them)."""
    if not related:
        return document
    from lxml import etree

    root = etree.fromstring(document)
    for link in root.iterfind(
        "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link"
    ):
        if link.get("href") in related and link.get("rel") is None:
            link.set("rel", "related")
            link.set("type", "text/html")
            link.set("title", "HTML diff")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def overall_feed(store: Store, *, base_url: str | None = None) -> bytes:
    changes = load_changes(store, limit=FEED_ENTRIES)
    return atom(
        changes,
        title="tracker: fact changes",
        feed_id=f"tag:{TAG},2026:all",
        self_url=f"{base_url.rstrip('/')}/all.atom" if base_url else None,
        base_url=base_url,
    )


def source_feed(store: Store, source_id: int, title: str, *, base_url: str | None = None) -> bytes:
    changes = load_changes(store, source_id=source_id, limit=FEED_ENTRIES)
    return atom(
        changes,
        title=f"tracker: fact changes — {title}",
        feed_id=f"tag:{TAG},2026:source-{source_id}",
        self_url=f"{base_url.rstrip('/')}/source-{source_id}.atom" if base_url else None,
        base_url=base_url,
    )


def write_feeds(store: Store, directory: Path, *, base_url: str | None = None) -> list[FeedInfo]:
    """Write ``all.atom`` and one ``source-<id>.atom`` per followed source into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [_write(directory / "all.atom", overall_feed(store, base_url=base_url), "all")]
    for source in list_sources(store):
        title = source.label or source.url
        data = source_feed(store, source.id, title, base_url=base_url)
        written.append(_write(directory / f"source-{source.id}.atom", data, title))
    return written


def write_diffs(store: Store, directory: Path, changes: Sequence[Change]) -> int:
    """The HTML diff page of each change (not first versions) under ``directory/diffs``."""
    from tracker import queries
    from tracker.render import html as htmldoc

    count = 0
    for change in changes:
        if change.first or change.gone:
            continue
        view = queries.diff_versions(store, change.url, str(change.number - 1), str(change.number))
        path = directory / diff_file_name(change)
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace(path, htmldoc.diff_page(view).encode("utf-8"))
        count += 1
    return count


def _write(path: Path, data: bytes, title: str) -> FeedInfo:
    _replace(path, data)
    return FeedInfo(path, title, data.count(b"<entry>"))


def _replace(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
