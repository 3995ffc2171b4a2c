"""Full-text search over the stored sentences: which versions of which stories say a phrase.

Each sentence text is stored once (``sentences``), so it is indexed once however
many versions repeat it. SQLite uses an FTS5 table kept in sync by triggers;
PostgreSQL a GIN index on ``to_tsvector('simple', text)``. Both are created by
the migration ``db/versions/0002_full_text_search.py``. The ``simple``
configuration and FTS5's ``unicode61`` tokenizer both match words as written:
no stemming and no stop words, so a phrase means what it says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Text, cast, or_, select, text
from sqlalchemy.orm import Session

from tracker.metadata import FIELDS
from tracker.store.repository import CHUNK, Store, sentence_texts
from tracker.store.schema import Story, Version, VersionSentence

FTS_TABLE = "sentences_fts"
PG_INDEX = "ix_sentences_text_fts"
PG_CONFIG = "simple"


@dataclass(frozen=True)
class PhraseMatch:
    """One version of one story that contains the phrase, in this sentence."""

    story: str
    version: int
    sentence: str


def find_phrase(store: Store, phrase: str, *, story: str | None = None) -> list[PhraseMatch]:
    """Every (story, version) whose sentences contain ``phrase`` (a sequence of words)."""
    with store.session() as session:
        id_list = sorted(_matching_sentence_ids(session, phrase))
        rows: list[tuple[str, int, int]] = []
        for start in range(0, len(id_list), CHUNK):
            query = (
                select(Story.url, Version.number, VersionSentence.sentence_id)
                .join(Version, Version.id == VersionSentence.version_id)
                .join(Story, Story.id == Version.story_id)
                .where(
                    VersionSentence.sentence_id.in_(id_list[start : start + CHUNK]),
                    Version.suspect.is_(None),  # a flagged version is hidden unless asked for
                )
            )
            if story is not None:
                query = query.where(Story.url == story)
            rows += [(url, number, sid) for url, number, sid in session.execute(query)]
        texts = sentence_texts(session, {sentence_id for _, _, sentence_id in rows})
        return [PhraseMatch(url, number, texts[sid]) for url, number, sid in rows]


# The headline fields a search looks in, besides the story text.
HEADLINE_FIELDS = ("headline", "subheadline", "h1", "og_title", "title_tag")


def find_in_headlines(store: Store, phrase: str, *, story: str | None = None) -> list[PhraseMatch]:
    """Every (story, version) whose headline or subheadline says ``phrase`` (words as written,
    any case); the match's sentence is "Headline: …"."""
    words = phrase.split()
    pattern = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)", re.I)
    like = f"%{words[0]}%" if words else "%"
    query = (
        select(Story.url, Version.number, Version.title, Version.meta)
        .join(Version, Version.story_id == Story.id)
        .where(or_(Version.title.ilike(like), cast(Version.meta, Text).ilike(like)))
        .where(Version.suspect.is_(None))
    )
    if story is not None:
        query = query.where(Story.url == story)
    out: list[PhraseMatch] = []
    with store.session() as session:
        for url, number, title, meta in session.execute(query):
            fields = dict(meta or {}) or {"headline": title}
            for name in HEADLINE_FIELDS:
                value = fields.get(name)
                if value and pattern.search(value):
                    out.append(PhraseMatch(url, number, f"{FIELDS[name]}: {value}"))
                    break
    return out


def story_versions(store: Store, urls: Iterable[str]) -> dict[str, list[tuple[int, datetime]]]:
    """Each story's version numbers and times, oldest first."""
    wanted = sorted(set(urls))
    out: dict[str, list[tuple[int, datetime]]] = {url: [] for url in wanted}
    with store.session() as session:
        for start in range(0, len(wanted), CHUNK):
            rows = session.execute(
                select(Story.url, Version.number, Version.fetched_at)
                .join(Version, Version.story_id == Story.id)
                .where(Story.url.in_(wanted[start : start + CHUNK]), Version.suspect.is_(None))
                .order_by(Story.url, Version.number)
            )
            for url, number, at in rows:
                out[url].append((number, at))
    return out


def _matching_sentence_ids(session: Session, phrase: str) -> set[int]:
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                f"SELECT id FROM sentences WHERE to_tsvector('{PG_CONFIG}', text) "
                f"@@ phraseto_tsquery('{PG_CONFIG}', :q)"
            ),
            {"q": phrase},
        )
    else:
        rows = session.execute(
            text(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :q"),
            {"q": fts5_phrase(phrase)},
        )
    return {row[0] for row in rows}


def fts5_phrase(phrase: str) -> str:
    """An FTS5 query matching ``phrase`` as a phrase: quoted, inner quotes doubled."""
    return '"' + phrase.replace('"', '""') + '"'
