"""``tracker export``: the database as files that pandas, DuckDB, R and datasette read.

Five tables, one file each (``stories``, ``versions``, ``sentences``,
``sentence_ops``, ``fact_changes``) as JSON Lines, CSV or Parquet; the schema is
:data:`TABLES` and ``docs/export.md``. ``versions`` and ``sentences`` follow the
NewsEdits layout (``entry_id``, ``version``, ``sent_idx``, ``sentence``).

Rows are streamed from the database in a fixed order and written as they come
(Parquet in row groups of :data:`BATCH`), so memory stays flat however large the
database is, and two exports of one database are byte-identical.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from pathlib import Path
from typing import Any, Literal, Protocol

from sqlalchemy import Select, and_, func, or_, select, true
from sqlalchemy.orm import aliased

from tracker.errors import InputError
from tracker.store import Store
from tracker.store.schema import (
    DiffFactChange,
    DiffSentenceOp,
    SentenceText,
    Story,
    Version,
    VersionDiff,
    VersionSentence,
)

Format = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv", "parquet")
BATCH = 2000  # rows fetched per round trip and written per Parquet row group
ColumnType = Literal["int", "float", "str", "bool", "time", "json"]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    doc: str


def _c(name: str, type_: ColumnType, doc: str) -> Column:
    return Column(name, type_, doc)


TABLES: dict[str, tuple[Column, ...]] = {
    "stories": (
        _c("entry_id", "int", "the story's id in this database"),
        _c("url", "str", "the story URL"),
        _c("label", "str", "the label given with tracker add"),
        _c("status", "str", "active, gone, retired, error or removed"),
        _c("created_at", "time", "when the story was first tracked or imported"),
        _c("versions", "int", "how many versions are stored"),
    ),
    "versions": (
        _c("entry_id", "int", "the story (stories.entry_id)"),
        _c("version", "int", "1, 2, … in time order"),
        _c("url", "str", "the story URL"),
        _c("fetched_at", "time", "when this version was seen (capture time)"),
        _c("title", "str", "headline"),
        _c("byline", "str", "byline"),
        _c("published", "str", "published/updated time as the page gave it"),
        _c("words", "int", "words in the text"),
        _c("sections", "json", 'the section kinds, e.g. ["update", "earlier"]'),
        _c("marker", "str", "the breaking-update marker line, if any"),
        _c("reverts_to", "int", "the earlier version whose text this one restores"),
        _c("final_url", "str", "the URL after redirects"),
        _c("suspect", "str", "why the poller's quality gate doubted this text (else null)"),
        _c("text", "str", "the text: paragraphs separated by a blank line"),
    ),
    "sentences": (
        _c("entry_id", "int", "the story"),
        _c("version", "int", "the version"),
        _c("sent_idx", "int", "the sentence's position in the version, from 0"),
        _c("sentence", "str", "the sentence"),
        _c("paragraph", "int", "the paragraph's position in the version, from 0"),
        _c("section", "str", "update, earlier or body"),
    ),
    "sentence_ops": (
        _c("entry_id", "int", "the story"),
        _c("diff", "str", "versions (A = version before B) or sections (earlier → update of B)"),
        _c("a_version", "int", "version A (null for the first version)"),
        _c("b_version", "int", "version B"),
        _c("position", "int", "the op's place in B's reading order"),
        _c("op", "str", "equal, moved, edited, added, removed, split or merged"),
        _c("a_sent_idx", "json", "A's sentence positions (sentences.sent_idx)"),
        _c("b_sent_idx", "json", "B's sentence positions"),
        _c("a_text", "str", "A's text"),
        _c("b_text", "str", "B's text"),
        _c("similarity", "float", "0..1"),
        _c("words", "json", 'word diff: [["=", "…"], ["-", "…"], ["+", "…"]]'),
    ),
    "fact_changes": (
        _c("entry_id", "int", "the story"),
        _c("diff", "str", "versions or sections, as in sentence_ops"),
        _c("a_version", "int", "version A"),
        _c("b_version", "int", "version B"),
        _c("position", "int", "order within the diff"),
        _c("change", "str", "added, removed, changed, resolved, contradicted, attribution, …"),
        _c("kind", "str", "event, quantity, attribution, status, name, …"),
        _c("subject", "str", "what the fact is about"),
        _c("slot", "str", "which part changed: count, agent, source, status, …"),
        _c("significance", "str", "fact, minor or style"),
        _c("salience", "float", "the score significance was decided on"),
        _c("reason", "str", "why a change is style or minor"),
        _c("before_value", "str", "the value in A, without its source"),
        _c("after_value", "str", "the value in B, without its source"),
        _c("before_number", "float", "the number in A (quantities)"),
        _c("after_number", "float", "the number in B (quantities)"),
        _c("unit", "str", "the unit of the numbers"),
        _c("source", "str", "who says so"),
        _c("certainty", "str", "how: said, claimed, denied, …"),
        _c("summary", "str", "one line for a reader"),
        _c("evidence_a", "str", "the sentence in A"),
        _c("evidence_b", "str", "the sentence in B"),
        _c("a_sent_idx", "json", "A's evidence sentence positions"),
        _c("b_sent_idx", "json", "B's evidence sentence positions"),
        _c("engine", "str", "the engine version that derived the row"),
    ),
}


@dataclass(frozen=True)
class ExportFilter:
    """Which stories and versions to export (all when empty)."""

    stories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # sites: a host and its subdomains, e.g. apnews.com
    since: datetime | None = None
    until: datetime | None = None


@dataclass
class ExportResult:
    """Rows written per table, and the files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


class _Writer(Protocol):
    def write(self, row: Sequence[Any]) -> None: ...
    def close(self) -> None: ...


def export(
    store: Store,
    out: str | Path,
    fmt: Format = "jsonl",
    where: ExportFilter | None = None,
    *,
    progress: Callable[[str, int], None] | None = None,
) -> ExportResult:
    """Write the five tables into ``out`` (created) as ``<table>.<fmt>``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (jsonl, csv or parquet)")
    if fmt == "parquet":
        _pyarrow()
    where = where or ExportFilter()
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"{out} is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    with store.engine.connect() as conn:
        conn = conn.execution_options(stream_results=True, yield_per=BATCH)
        for table, rows in _tables(where):
            path = out / f"{table}.{fmt}"
            writer = _open(fmt, path, TABLES[table])
            count = 0
            try:
                for row in rows(conn):
                    writer.write(row)
                    count += 1
                    if progress is not None and count % BATCH == 0:
                        progress(table, BATCH)
            finally:
                writer.close()
            if progress is not None:
                progress(table, count % BATCH)
            result.rows[table] = count
            result.files.append(path)
    return result


def count_rows(store: Store, where: ExportFilter | None = None) -> dict[str, int]:
    """How many rows each table will have (for a progress bar)."""
    where = where or ExportFilter()
    story_ok = _story_clause(where)
    version_ok = _version_clause(where, Version)
    diff_version = aliased(Version)
    diff_ok = and_(story_ok, _version_clause(where, diff_version))
    queries = {
        "stories": select(func.count()).select_from(Story).where(story_ok),
        "versions": select(func.count())
        .select_from(Version)
        .join(Story, Story.id == Version.story_id)
        .where(story_ok, version_ok),
        "sentences": select(func.count())
        .select_from(VersionSentence)
        .join(Version, Version.id == VersionSentence.version_id)
        .join(Story, Story.id == Version.story_id)
        .where(story_ok, version_ok),
    }
    for table, model in (("sentence_ops", DiffSentenceOp), ("fact_changes", DiffFactChange)):
        queries[table] = (
            select(func.count())
            .select_from(model)
            .join(VersionDiff, VersionDiff.id == model.diff_id)
            .join(Story, Story.id == VersionDiff.story_id)
            .join(diff_version, diff_version.id == VersionDiff.version_id)
            .where(diff_ok)
        )
    with store.session() as session:
        return {table: session.scalar(query) or 0 for table, query in queries.items()}


# -- the queries ----------------------------------------------------------------------------


def _story_clause(where: ExportFilter) -> Any:
    clauses: list[Any] = []
    if where.stories:
        clauses.append(Story.url.in_(where.stories))
    for site in where.sources:
        host = site.lower().strip().removeprefix("https://").removeprefix("http://").strip("/")
        for scheme in ("http://", "https://"):
            clauses.append(Story.url.like(f"{scheme}{host}/%"))
            clauses.append(Story.url.like(f"{scheme}%.{host}/%"))
    return or_(*clauses) if clauses else true()


def _version_clause(where: ExportFilter, model: Any) -> Any:
    clauses = []
    if where.since is not None:
        clauses.append(model.fetched_at >= where.since)
    if where.until is not None:
        clauses.append(model.fetched_at <= where.until)
    return and_(true(), *clauses)


RowSource = Callable[[Any], Iterator[Sequence[Any]]]


def _tables(where: ExportFilter) -> Iterable[tuple[str, RowSource]]:
    story_ok = _story_clause(where)
    version_ok = _version_clause(where, Version)

    def stories(conn: Any) -> Iterator[Sequence[Any]]:
        counts = (
            select(Version.story_id, func.count().label("n"))
            .where(version_ok)
            .group_by(Version.story_id)
            .subquery()
        )
        query = (
            select(
                Story.id,
                Story.url,
                Story.label,
                Story.status,
                Story.created_at,
                func.coalesce(counts.c.n, 0),
            )
            .outerjoin(counts, counts.c.story_id == Story.id)
            .where(story_ok)
            .order_by(Story.id)
        )
        yield from conn.execute(query)

    def _version_sentences() -> Select[Any]:
        return (
            select(
                Version.id,
                VersionSentence.position,
                SentenceText.text,
                VersionSentence.paragraph,
                VersionSentence.section,
                Version.story_id,
                Version.number,
            )
            .join(Version, Version.id == VersionSentence.version_id)
            .join(SentenceText, SentenceText.id == VersionSentence.sentence_id)
            .join(Story, Story.id == Version.story_id)
            .where(story_ok, version_ok)
            .order_by(Version.story_id, Version.number, VersionSentence.position)
        )

    def versions(conn: Any) -> Iterator[Sequence[Any]]:
        query = (
            select(
                Version.id,
                Version.story_id,
                Version.number,
                Story.url,
                Version.fetched_at,
                Version.title,
                Version.byline,
                Version.published,
                Version.words,
                Version.sections,
                Version.marker,
                Version.reverts_to,
                Version.final_url,
                Version.suspect,
            )
            .join(Story, Story.id == Version.story_id)
            .where(story_ok, version_ok)
            .order_by(Version.story_id, Version.number)
        )
        # Two ordered streams walked side by side: each version's text from its sentences.
        texts = _texts(conn.execute(_version_sentences()))
        pending = next(texts, None)
        for row in conn.execute(query):
            while pending is not None and (pending[1], pending[2]) < (row[1], row[2]):
                pending = next(texts, None)
            text = ""
            if pending is not None and pending[0] == row[0]:
                text = pending[3]
                pending = next(texts, None)
            yield (*row[1:], text)

    def sentences(conn: Any) -> Iterator[Sequence[Any]]:
        for _vid, position, text, paragraph, section, story_id, number in conn.execute(
            _version_sentences()
        ):
            yield (story_id, number, position, text, paragraph, section)

    diff_version = aliased(Version)
    diff_ok = and_(story_ok, _version_clause(where, diff_version))
    a_sentence, b_sentence = aliased(VersionSentence), aliased(VersionSentence)
    a_text, b_text = aliased(SentenceText), aliased(SentenceText)

    def sentence_ops(conn: Any) -> Iterator[Sequence[Any]]:
        o = DiffSentenceOp
        query = (
            select(
                VersionDiff.story_id,
                VersionDiff.kind,
                VersionDiff.a_number,
                VersionDiff.b_number,
                o.position,
                o.op,
                o.a_positions,
                o.b_positions,
                func.coalesce(o.a_text, a_text.text),
                func.coalesce(o.b_text, b_text.text),
                o.similarity,
                o.words,
            )
            .join(VersionDiff, VersionDiff.id == o.diff_id)
            .join(Story, Story.id == VersionDiff.story_id)
            .join(diff_version, diff_version.id == VersionDiff.version_id)
            .outerjoin(
                a_sentence,
                and_(
                    a_sentence.version_id == VersionDiff.a_version_id,
                    a_sentence.position == o.a_first,
                ),
            )
            .outerjoin(a_text, a_text.id == a_sentence.sentence_id)
            .outerjoin(
                b_sentence,
                and_(
                    b_sentence.version_id == VersionDiff.version_id,
                    b_sentence.position == o.b_first,
                ),
            )
            .outerjoin(b_text, b_text.id == b_sentence.sentence_id)
            .where(diff_ok)
            .order_by(VersionDiff.story_id, VersionDiff.b_number, VersionDiff.kind, o.position)
        )
        yield from conn.execute(query)

    def fact_changes(conn: Any) -> Iterator[Sequence[Any]]:
        c = DiffFactChange
        query = (
            select(
                VersionDiff.story_id,
                VersionDiff.kind,
                VersionDiff.a_number,
                VersionDiff.b_number,
                c.position,
                c.change,
                c.kind,
                c.subject,
                c.slot,
                c.significance,
                c.salience,
                c.reason,
                c.before_value,
                c.after_value,
                c.before_number,
                c.after_number,
                c.unit,
                c.source,
                c.certainty,
                c.summary,
                c.evidence_a,
                c.evidence_b,
                c.a_sentences,
                c.b_sentences,
                VersionDiff.engine,
            )
            .join(VersionDiff, VersionDiff.id == c.diff_id)
            .join(Story, Story.id == VersionDiff.story_id)
            .join(diff_version, diff_version.id == VersionDiff.version_id)
            .where(diff_ok)
            .order_by(VersionDiff.story_id, VersionDiff.b_number, VersionDiff.kind, c.position)
        )
        yield from conn.execute(query)

    return (
        ("stories", stories),
        ("versions", versions),
        ("sentences", sentences),
        ("sentence_ops", sentence_ops),
        ("fact_changes", fact_changes),
    )


def _texts(rows: Iterable[Sequence[Any]]) -> Iterator[tuple[int, int, int, str]]:
    """(version id, story id, number, text) per version, from its ordered sentence rows."""
    for version_id, group in groupby(rows, key=lambda r: r[0]):
        paragraphs: dict[int, list[str]] = {}
        key = (0, 0)
        for row in group:
            paragraphs.setdefault(row[3], []).append(row[2])
            key = (row[5], row[6])
        yield version_id, key[0], key[1], "\n\n".join(" ".join(p) for p in paragraphs.values())


# -- the writers ----------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _plain(value: Any, type_: ColumnType) -> Any:
    """A value as JSON Lines and CSV carry it."""
    if value is None:
        return None
    if type_ == "time":
        return _iso(value)
    if type_ == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if type_ == "bool":
        return bool(value)
    if type_ == "float":
        return float(value)
    return value


class _JsonLines:
    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self.file = path.open("w", encoding="utf-8", newline="\n")
        self.columns = columns

    def write(self, row: Sequence[Any]) -> None:
        record = {}
        for column, value in zip(self.columns, row, strict=True):
            if column.type == "json":
                record[column.name] = value
            else:
                record[column.name] = _plain(value, column.type)
        self.file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.file.close()


class _Csv:
    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        self.file = path.open("w", encoding="utf-8", newline="")
        self.columns = columns
        self.writer = csv.writer(self.file, lineterminator="\n")
        self.writer.writerow([c.name for c in columns])

    def write(self, row: Sequence[Any]) -> None:
        values = []
        for column, value in zip(self.columns, row, strict=True):
            plain = _plain(value, column.type)
            values.append("" if plain is None else plain)
        self.writer.writerow(values)

    def close(self) -> None:
        self.file.close()


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise InputError(
            "Parquet needs pyarrow: pip install 'tracker[parquet]' (or use --format jsonl|csv)"
        ) from None
    return pyarrow


class _Parquet:
    def __init__(self, path: Path, columns: Sequence[Column]) -> None:
        pa = _pyarrow()
        types = {
            "int": pa.int64(),
            "float": pa.float64(),
            "str": pa.string(),
            "bool": pa.bool_(),
            "time": pa.timestamp("us", tz="UTC"),
            "json": pa.string(),
        }
        self.pa = pa
        self.columns = columns
        self.schema = pa.schema(
            [pa.field(c.name, types[c.type]) for c in columns],
            metadata={"source": "tracker export"},
        )
        self.writer = pa.parquet.ParquetWriter(str(path), self.schema, compression="zstd")
        self.rows: list[Sequence[Any]] = []

    def write(self, row: Sequence[Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self.rows:
            return
        data = []
        for i, column in enumerate(self.columns):
            values = [row[i] for row in self.rows]
            if column.type == "json":
                values = [_plain(v, "json") for v in values]
            elif column.type == "float":
                values = [None if v is None else float(v) for v in values]
            data.append(values)
        self.writer.write_table(self.pa.Table.from_arrays(data, schema=self.schema))
        self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()


def _open(fmt: Format, path: Path, columns: Sequence[Column]) -> _Writer:
    if fmt == "jsonl":
        return _JsonLines(path, columns)
    if fmt == "csv":
        return _Csv(path, columns)
    return _Parquet(path, columns)
