"""``tracker import``: existing archives into the database, one transaction per story.

The archive is scanned first (:mod:`tracker.research.archives`), then each
story's captures are extracted (trafilatura, split, segment) in worker
processes, and the main process writes each story in one transaction. A capture
whose time is not after the story's latest stored version is already there (or
older than the history) and is skipped, so importing twice adds nothing; a
capture whose text equals the version before it is not a new version. A record
that cannot be read or yields no article is counted and reported, never fatal.
Facts are left to the facts job (``tracker facts-worker`` or ``tracker run``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from tracker.errors import InputError
from tracker.extract import normalise, parse_bytes, parse_html, parse_text, read_file
from tracker.model import Article, Sentence, Split
from tracker.research.archives import ArchiveStory, Capture, read_entry_version, read_warc_record
from tracker.research.archives import scan as scan_archive
from tracker.sections import split_article
from tracker.sentences import segment
from tracker.store import Store
from tracker.store.schema import Version


@dataclass(frozen=True)
class Extracted:
    """One capture, extracted and segmented: ready to store."""

    fetched_at: datetime
    article: Article
    split: Split
    sentences: tuple[Sentence, ...]
    raw: bytes | None


@dataclass
class ImportReport:
    """What an import did, in counts, and why each bad record was bad."""

    stories: int = 0
    versions: int = 0
    unchanged: int = 0  # same text as the version before
    already: int = 0  # not after the latest stored version: imported before
    bad: list[str] = field(default_factory=list)

    def add(self, other: ImportReport) -> None:
        self.stories += other.stories
        self.versions += other.versions
        self.unchanged += other.unchanged
        self.already += other.already
        self.bad += other.bad


def _article(kind: str, url: str, capture: Capture) -> tuple[Article, bytes | None]:
    if kind == "warc":
        data = read_warc_record(capture.path, capture.offset or 0)
        return parse_bytes(data, url=url, name=capture.name), data
    if kind == "snapshots":
        data = read_file(capture.path)
        return parse_bytes(data, url=url, name=capture.name), data
    title, summary = read_entry_version(capture.path, capture.row or 0)
    if "</" in summary or "<p" in summary:
        article = parse_html(summary, url=url, name=capture.name)
    else:
        article = parse_text(summary, name=capture.name)
    if title:
        paragraphs = (
            article.paragraphs
            if article.title is None
            else (
                article.title,
                *article.paragraphs,
            )
        )
        article = Article(paragraphs, title=normalise(title), byline=article.byline)
    return article, None


def extract_story(kind: str, story: ArchiveStory) -> list[Extracted | str]:
    """Extract every capture of a story (runs in a worker process); a string is a bad record."""
    out: list[Extracted | str] = []
    for capture in story.captures:
        try:
            article, raw = _article(kind, story.url, capture)
            split = split_article(article)
            out.append(Extracted(capture.fetched_at, article, split, tuple(segment(split)), raw))
        except InputError as exc:
            out.append(str(exc) if capture.name in str(exc) else f"{capture.name}: {exc}")
        except Exception as exc:  # a broken record must not end an archive-sized import
            out.append(f"{capture.name}: {type(exc).__name__}: {exc}")
    return out


def write_story(store: Store, url: str, items: Sequence[Extracted | str]) -> ImportReport:
    """Store a story's extracted captures in one transaction."""
    report = ImportReport(stories=1)
    report.bad += [item for item in items if isinstance(item, str)]
    good = sorted((i for i in items if isinstance(i, Extracted)), key=lambda i: i.fetched_at)
    with store.session() as session:
        story = store.ensure_story(session, url)
        latest = session.scalar(
            select(func.max(Version.fetched_at)).where(Version.story_id == story.id)
        )
        for item in good:
            if latest is not None and item.fetched_at <= latest:
                report.already += 1
                continue
            result = store.save_version(
                url,
                item.article,
                item.split,
                item.sentences,
                fetched_at=item.fetched_at,
                raw_html=item.raw,
                session=session,
            )
            if result.stored:
                report.versions += 1
                latest = item.fetched_at
            else:
                report.unchanged += 1
    return report


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    pool: Executor | None = None,
    ahead: int = 8,
    on_scan: Callable[[int], None] | None = None,
    on_story: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Import every archive in ``paths``; extraction runs on ``pool`` (in-process if None),
    at most ``ahead`` stories ahead of the writer."""
    report = ImportReport()
    for path in paths:
        scanned = scan_archive(Path(path))
        report.bad += scanned.bad
        if on_scan is not None:
            on_scan(len(scanned.stories))
        for story, items in _extracted(scanned.kind, scanned.stories, pool, ahead):
            done = write_story(store, story.url, items)
            report.add(done)
            if on_story is not None:
                on_story(done)
    return report


def _extracted(
    kind: str, stories: Sequence[ArchiveStory], pool: Executor | None, ahead: int
) -> Iterator[tuple[ArchiveStory, list[Extracted | str]]]:
    if pool is None:
        for story in stories:
            yield story, extract_story(kind, story)
        return
    # A window of stories in flight: order kept, memory bounded whatever the archive's size.
    window: deque[tuple[ArchiveStory, Future[list[Extracted | str]]]] = deque()
    for story in stories:
        window.append((story, pool.submit(extract_story, kind, story)))
        if len(window) >= ahead:
            done, future = window.popleft()
            yield done, future.result()
    while window:
        done, future = window.popleft()
        yield done, future.result()
