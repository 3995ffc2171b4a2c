"""Ingest: the one way in for a version — extract, split, segment, extract facts, store.

``tracker ingest URL FILE`` and the poller both end here, so a version read
from disk and one fetched from the web are stored the same way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tracker.extract import parse_bytes, read_file
from tracker.model import Article
from tracker.sections import split_article
from tracker.sentences import segment
from tracker.store import SaveResult, Store, canonical_text
from tracker.store.repository import text_hash
from tracker.urls import normalise_story_url


def check_story_url(url: str) -> str:
    """A story URL must be absolute http(s); returns it normalised or raises InputError."""
    return normalise_story_url(url)


def ingest_file(
    store: Store, url: str, path: str | Path, *, at: datetime | None = None, facts: bool = True
) -> SaveResult:
    """Record the article in a local HTML or text file as a version of ``url`` (a URL, or the
    label, id or unique URL part of a story already tracked)."""
    url = store.resolve(url, new=True)
    data = read_file(path)
    article = parse_bytes(data, url=url, name=str(path))
    result = ingest_article(store, url, article, fetched_at=at, raw_html=data, facts=facts)
    store.record_check(
        url,
        "stored" if result.stored else "unchanged",
        size=len(data),
        version_number=result.number,
        at=at,
    )
    return result


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
    split = split_article(article, url=url)
    sentences = segment(split)
    fact_rows = None
    if facts and store.latest_hash(url) != text_hash(canonical_text(article, split)):
        from tracker.facts import extract_facts, facts_to_json

        fact_rows = facts_to_json(extract_facts(sentences))
    return store.save_version(
        url,
        article,
        split,
        sentences,
        fetched_at=fetched_at,
        facts=fact_rows,
        raw_html=raw_html,
        final_url=final_url,
        suspect=suspect,
    )
