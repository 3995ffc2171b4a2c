"""Ingest: the one way in for a version — extract, split, segment, extract facts, store.

``tracker ingest URL FILE`` and the poller both end here, so a version read
from disk and one fetched from the web are stored the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tracker.errors import InputError
from tracker.extract import parse_bytes, read_file
from tracker.model import Article, Sentence, Split
from tracker.sections import split_article
from tracker.sentences import segment
from tracker.store import SaveResult, Store, canonical_text, utcnow
from tracker.store.repository import FUTURE_SKEW, text_hash
from tracker.urls import normalise_story_url


def check_story_url(url: str) -> str:
    """A story URL must be absolute http(s); returns it normalised or raises InputError."""
    return normalise_story_url(url)


def check_seen_at(at: datetime | None) -> None:
    """InputError for a capture time later than now (beyond :data:`FUTURE_SKEW`)."""
    if at is None:
        return
    now = utcnow()
    when = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    if when > now + FUTURE_SKEW:
        raise InputError(
            f"--at {when.isoformat()} is in the future (now {now.isoformat(timespec='seconds')}); "
            "a version cannot have been seen later than now"
        )


def ingest_file(
    store: Store, url: str, path: str | Path, *, at: datetime | None = None, facts: bool = True
) -> SaveResult:
    """Record the article in a local HTML or text file as a version of ``url`` (a URL, or the
    label, id or unique URL part of a story already tracked)."""
    check_seen_at(at)
    url = store.resolve(url, new=True)
    data = read_file(path)
    article = parse_bytes(data, url=url, name=str(path))
    prepared = prepare(store, url, article, facts=facts)

    def save(session: Session) -> SaveResult:
        # The version and its check-log row in one transaction: a kill leaves both or neither.
        result = prepared.save(session, fetched_at=at, raw_html=data)
        store.log_check(
            session,
            store.story(session, url),
            "stored" if result.stored else "unchanged",
            size=len(data),
            version_number=result.number,
            at=at,
        )
        return result

    return store.write(save)


def ingest_article(
    store: Store,
    url: str,
    article: Article,
    *,
    fetched_at: datetime | None = None,
    raw_html: bytes | None = None,
    final_url: str | None = None,
    facts: bool = True,
    suspect: str | None = None,
) -> SaveResult:
    """Split, segment and store ``article``; facts are extracted only for a new text.
    ``suspect``: why the quality gate doubts it (stored as a flagged version).

    With ``facts=False`` (the poller) the facts are left for the background job
    (:func:`tracker.semdiff.fill_missing_facts`) so a check is never held up by parsing.
    """
    return prepare(store, url, article, facts=facts).save(
        None, fetched_at=fetched_at, raw_html=raw_html, final_url=final_url, suspect=suspect
    )


@dataclass(frozen=True)
class Prepared:
    """An article split, segmented and (for a new text) with its facts: ready to store."""

    store: Store
    url: str
    article: Article
    split: Split
    sentences: Sequence[Sentence]
    facts: list[dict[str, Any]] | None

    def save(
        self,
        session: Session | None,
        *,
        fetched_at: datetime | None = None,
        raw_html: bytes | None = None,
        final_url: str | None = None,
        suspect: str | None = None,
    ) -> SaveResult:
        """Store it (in ``session``, or a transaction of its own when None); ``suspect``:
        why the quality gate doubts it (stored as a flagged version)."""
        return self.store.save_version(
            self.url,
            self.article,
            self.split,
            self.sentences,
            fetched_at=fetched_at,
            facts=self.facts,
            raw_html=raw_html,
            final_url=final_url,
            suspect=suspect,
            session=session,
        )


def prepare(
    store: Store, url: str, article: Article, *, facts: bool = True, split: Split | None = None
) -> Prepared:
    """Split and segment ``article``; extract its facts when ``facts`` and its text is new.
    ``split``: the article already split (by :func:`~tracker.sections.split_article` for
    ``url``), as the poller's quality gate does."""
    split = split if split is not None else split_article(article, url=url)
    sentences = segment(split)
    fact_rows = None
    if facts and store.latest_hash(url) != text_hash(canonical_text(article, split)):
        from tracker.facts import extract_facts, facts_to_json

        fact_rows = facts_to_json(extract_facts(sentences))
    return Prepared(store, url, article, split, sentences, fact_rows)
