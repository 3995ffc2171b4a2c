"""Fact changes as data: every version's diffs, derived once and stored as rows.

For each version B whose facts are extracted this stores the diff from the
version before it (kind ``versions``; version 1 gets an empty one, so it is
marked done) and, when B has a breaking update above an earlier story, the
diff of the two (kind ``sections``). Every row records the :data:`ENGINE`
that derived it; rows of another engine are stale and derived again.

Sentence positions in the rows are always positions in the versions (the
``version_sentences.position`` column), also for a section diff, so the views
can join them to the sentences' texts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from tracker import __version__, semdiff
from tracker.model import Diff, FactChange, Sentence, SentenceOp
from tracker.research.values import split_value
from tracker.store import Store, utcnow
from tracker.store.schema import (
    DiffFactChange,
    DiffSentenceOp,
    Story,
    Version,
    VersionDiff,
    VersionSentence,
)

_PACKAGE = Path(__file__).resolve().parents[1]
# The code whose output the rows are: alignment, word diff, facts and this module.
_ENGINE_SOURCES = (
    "align.py",
    "worddiff.py",
    "semdiff.py",
    "facts",
    "research/changes.py",
    "research/values.py",
)


def engine_version() -> str:
    """``<tracker version>+<hash of the diff engine's sources>``: changes when the engine does."""
    digest = hashlib.sha256()
    for name in _ENGINE_SOURCES:
        path = _PACKAGE / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.suffix in (".py", ".toml") and file.is_file():
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


ENGINE = engine_version()


@dataclass(frozen=True)
class Derived:
    """What one pass derived: versions done, fact changes and sentence ops written."""

    versions: int = 0
    fact_changes: int = 0
    sentence_ops: int = 0

    def __add__(self, other: Derived) -> Derived:
        return Derived(
            self.versions + other.versions,
            self.fact_changes + other.fact_changes,
            self.sentence_ops + other.sentence_ops,
        )


def pending_query(engine: str = ENGINE, limit: int = 50):  # type: ignore[no-untyped-def]
    """Versions with facts whose diffs are missing or from another engine, the one before
    them already parsed; locked ``FOR UPDATE SKIP LOCKED`` (PostgreSQL) by whoever runs it."""
    previous = aliased(Version)
    done = exists().where(
        VersionDiff.version_id == Version.id,
        VersionDiff.kind == "versions",
        VersionDiff.engine == engine,
    )
    waiting = exists().where(
        previous.story_id == Version.story_id,
        previous.number == Version.number - 1,
        previous.facts.is_(None),
    )
    return (
        select(Version.id, Story.url, Version.number)
        .join(Story, Story.id == Version.story_id)
        .where(Version.facts.is_not(None), ~done, ~waiting)
        .order_by(Version.id)
        .limit(limit)
        .with_for_update(of=Version, skip_locked=True)
    )


def derive_pending(store: Store, *, limit: int = 50, budget: int | None = None) -> Derived:
    """Derive and store the diffs of every version that needs it, ``limit`` per transaction."""
    total = Derived()
    while budget is None or total.versions < budget:
        done = derive_batch(store, limit=limit)
        total += done
        if done.versions < limit:
            return total
    return total


def derive_batch(store: Store, *, limit: int = 50) -> Derived:
    """Claim up to ``limit`` pending versions, derive their diffs and store them.

    PostgreSQL: one transaction holds the claimed rows (``FOR UPDATE SKIP LOCKED``) while
    it derives, so several workers never derive one version twice. SQLite (one writer):
    the pending list is read, each version derived and then written in a short transaction
    of its own, so a poller writing meanwhile is never locked out.
    """
    total = Derived()
    if store.engine.dialect.name == "postgresql":
        with store.session() as session:
            for version_id, url, number in session.execute(pending_query(ENGINE, limit)).all():
                total += _write(session, _plan(store, version_id, url, number))
        return total
    with store.session() as session:
        claimed = list(session.execute(pending_query(ENGINE, limit)))
    for version_id, url, number in claimed:
        plan = _plan(store, version_id, url, number)
        with store.session() as session:
            total += _write(session, plan)
    return total


def derive_on_connection(session: Session, *, limit: int = 50) -> Derived:
    """Derive every pending version in ``session``'s transaction (the migration's backfill).

    Versions are read through the same engine; the rows are written on ``session``.
    """
    store = Store(engine=session.get_bind().engine)
    total = Derived()
    while True:
        claimed = list(session.execute(pending_query(ENGINE, limit)))
        for version_id, url, number in claimed:
            total += _write(session, _plan(store, version_id, url, number))
        if len(claimed) < limit:
            return total


TOP_CHANGES = 2  # fact changes named in a version's log line


def version_lines(store: Store, version_ids: Sequence[int]) -> list[str]:
    """One human line per version, from its stored diff: the story's label (else its URL),
    the version and its top fact changes, e.g. "Japan quake v5: Killed: at least 60 → 151".
    """
    if not version_ids:
        return []
    with store.session() as session:
        heads = session.execute(
            select(Version.id, Version.number, Version.title, Story.label, Story.url)
            .join(Story, Story.id == Version.story_id)
            .where(Version.id.in_(list(version_ids)))
            .order_by(Version.id)
        ).all()
        diffs = dict(
            session.execute(
                select(VersionDiff.version_id, VersionDiff.id).where(
                    VersionDiff.version_id.in_(list(version_ids)), VersionDiff.kind == "versions"
                )
            ).all()
        )
        summaries: dict[int, list[str]] = {}
        if diffs:
            rows = session.execute(
                select(DiffFactChange.diff_id, DiffFactChange.summary)
                .where(
                    DiffFactChange.diff_id.in_(list(diffs.values())),
                    DiffFactChange.significance == "fact",
                )
                .order_by(DiffFactChange.diff_id, DiffFactChange.position)
            )
            for diff_id, summary in rows:
                summaries.setdefault(diff_id, []).append(summary)
    lines = []
    for version_id, number, title, label, url in heads:
        name = f"{label or url} v{number}"
        if version_id not in diffs:
            what = "facts extracted"
        elif number == 1:
            what = f"first version{f' ({title})' if title else ''}"
        else:
            top = summaries.get(diffs[version_id], [])
            what = " · ".join(top[:TOP_CHANGES]) if top else "no fact changes"
            if len(top) > TOP_CHANGES:
                what += f" (+{len(top) - TOP_CHANGES} more)"
        lines.append(f"{name}: {what}")
    return lines


def derive_version(store: Store, url: str, number: int) -> Derived:
    """Derive (again) the diffs of one version, whatever engine made the stored ones."""
    with store.session() as session:
        story = store.story(session, url)
        version_id = session.scalar(
            select(Version.id).where(Version.story_id == story.id, Version.number == number)
        )
    if version_id is None:
        return Derived()
    plan = _plan(store, version_id, url, number)
    with store.session() as session:
        return _write(session, plan)


def forget(store: Store) -> int:
    """Drop every stored diff, so the next pass derives them all again. Returns how many."""
    with store.session() as session:
        return session.execute(delete(VersionDiff)).rowcount or 0


def forget_facts(store: Store) -> int:
    """Mark every version unparsed (after the fact extractor changed): the facts job parses
    them again, and then derives their diffs again. Returns how many."""
    with store.session() as session:
        session.execute(delete(VersionDiff))
        return session.execute(update(Version).values(facts=None)).rowcount or 0


def stale_count(store: Store) -> int:
    """How many versions have no diff rows of the current engine."""
    with store.session() as session:
        done = exists().where(
            VersionDiff.version_id == Version.id,
            VersionDiff.kind == "versions",
            VersionDiff.engine == ENGINE,
        )
        return session.scalar(select(func.count()).select_from(Version).where(~done)) or 0


@dataclass(frozen=True)
class _Plan:
    """The rows of one version's diffs, ready to write."""

    version_id: int
    diffs: tuple[tuple[VersionDiff, list[DiffSentenceOp], list[DiffFactChange]], ...]


def _plan(store: Store, version_id: int, url: str, number: int) -> _Plan:
    """Diff version ``number`` against the one before it (and its sections); nothing written."""
    b = semdiff.stored_side(store, url, number)
    with store.session() as session:
        story_id, flagged = session.execute(
            select(Version.story_id, Version.suspect).where(Version.id == version_id)
        ).one()
        a_id = a_number = None
        if number > 1 and flagged is None:  # a flagged version is diffed against nothing
            # the version before that is not flagged (a flagged text is not a step)
            before = session.execute(
                select(Version.id, Version.number)
                .where(
                    Version.story_id == story_id,
                    Version.number < number,
                    Version.suspect.is_(None),
                )
                .order_by(Version.number.desc())
                .limit(1)
            ).first()
            if before is not None:
                a_id, a_number = before
        ids = _sentence_ids(session, [i for i in (a_id, version_id) if i is not None])
    found: list[tuple[str, int | None, Diff | None, list[int], list[int]]] = []
    if a_id is None or a_number is None:
        found.append(("versions", None, None, [], []))
    else:
        a = semdiff.stored_side(store, url, a_number)
        every_a = [s.index for s in a.sentences]
        every_b = [s.index for s in b.sentences]
        found.append(("versions", a_id, semdiff.diff(a, b), every_a, every_b))
    if b.split.section("update") is not None and b.split.section("earlier") is not None:
        earlier, update = _positions(b.sentences, "earlier"), _positions(b.sentences, "update")
        found.append(("sections", version_id, semdiff.diff_sections(b), earlier, update))
    now = utcnow()
    diffs = []
    for kind, a_version, diff, a_pos, b_pos in found:
        row = VersionDiff(
            story_id=story_id,
            version_id=version_id,
            a_version_id=a_version,
            kind=kind,
            a_number=(a_number if kind == "versions" else number) if a_version else None,
            b_number=number,
            engine=ENGINE,
            derived_at=now,
        )
        if diff is None:
            diffs.append((row, [], []))
            continue
        a_ids = ids.get(a_version, {}) if a_version else {}
        b_ids = ids.get(version_id, {})
        ops = [_op_row(i, op, a_pos, b_pos) for i, op in enumerate(diff.sentences)]
        changes = [
            _change_row(i, change, a_pos, b_pos, a_ids, b_ids)
            for i, change in enumerate((*diff.facts, *diff.other_changes))
        ]
        diffs.append((row, ops, changes))
    return _Plan(version_id, tuple(diffs))


def _write(session: Session, plan: _Plan) -> Derived:
    """Replace the version's stored diffs with the planned ones."""
    session.execute(delete(VersionDiff).where(VersionDiff.version_id == plan.version_id))
    result = Derived(versions=1)
    for row, ops, changes in plan.diffs:
        session.add(row)
        session.flush()
        for item in (*ops, *changes):
            item.diff_id = row.id
        session.add_all(ops)
        session.add_all(changes)
        result += Derived(0, len(changes), len(ops))
    session.flush()
    return result


def _first(*values: Any) -> Any:
    return next((v for v in values if v is not None), None)


def _positions(sentences: Sequence[Sentence], kind: str) -> list[int]:
    return [s.index for s in sentences if s.section == kind]


def _sentence_ids(session: Session, version_ids: Iterable[int]) -> dict[int, dict[int, int]]:
    out: dict[int, dict[int, int]] = {}
    rows = session.execute(
        select(
            VersionSentence.version_id, VersionSentence.position, VersionSentence.sentence_id
        ).where(VersionSentence.version_id.in_(list(version_ids)))
    )
    for version_id, position, sentence_id in rows:
        out.setdefault(version_id, {})[position] = sentence_id
    return out


def _map(indexes: Iterable[int], positions: Sequence[int]) -> list[int]:
    return [positions[i] for i in indexes if 0 <= i < len(positions)]


def _op_row(
    position: int, op: SentenceOp, a_pos: Sequence[int], b_pos: Sequence[int]
) -> DiffSentenceOp:
    a, b = _map(op.a, a_pos), _map(op.b, b_pos)
    same = op.op == "equal" and op.a_text == op.b_text
    return DiffSentenceOp(
        position=position,
        op=op.op,
        a_positions=a,
        b_positions=b,
        a_first=a[0] if a else None,
        b_first=b[0] if b else None,
        a_text=None if same or not a else op.a_text,
        b_text=None if same or not b else op.b_text,
        words=[list(w) for w in op.words] or None,
        similarity=op.similarity,
    )


# The VARCHAR columns of a fact change and their lengths (PostgreSQL enforces them).
_BOUNDED = {
    column.key: column.type.length
    for column in DiffFactChange.__table__.c
    if getattr(column.type, "length", None)
}


def _fitted(**values: Any) -> DiffFactChange:
    """A fact change row whose words from the page (a unit, a verb) fit their columns: a
    longer optional value is dropped, a longer required one cut, so one odd version
    never stops ``derive`` for the whole database."""
    for name, length in _BOUNDED.items():
        value = values.get(name)
        if isinstance(value, str) and len(value) > length:
            nullable = DiffFactChange.__table__.c[name].nullable
            values[name] = None if nullable else value[:length]
    return DiffFactChange(**values)


def _change_row(
    position: int,
    change: FactChange,
    a_pos: Sequence[int],
    b_pos: Sequence[int],
    a_ids: dict[int, int],
    b_ids: dict[int, int],
) -> DiffFactChange:
    a, b = _map(change.a_sentences, a_pos), _map(change.b_sentences, b_pos)
    numeric = change.kind == "quantity" or change.slot == "count"
    before = split_value(change.before, numeric=numeric)
    after = split_value(change.after, numeric=numeric)
    return _fitted(
        position=position,
        change=change.change,
        kind=change.kind,
        subject=change.subject,
        slot=change.slot,
        significance=change.significance,
        salience=float(change.salience),
        reason=change.reason,
        before_value=before.text,
        after_value=after.text,
        before_number=_first(change.before_number, before.number),
        after_number=_first(change.after_number, after.number),
        unit=_first(change.unit, after.unit, before.unit),
        source=_first(change.source, after.source, before.source),
        certainty=_first(change.certainty, after.verb, before.verb),
        summary=change.summary,
        evidence_a=change.evidence_a,
        evidence_b=change.evidence_b,
        a_sentences=a,
        b_sentences=b,
        a_sentence_ids=[a_ids[p] for p in a if p in a_ids],
        b_sentence_ids=[b_ids[p] for p in b if p in b_ids],
    )


__all__ = [
    "ENGINE",
    "Derived",
    "derive_batch",
    "derive_on_connection",
    "derive_pending",
    "derive_version",
    "engine_version",
    "forget",
    "forget_facts",
    "stale_count",
    "version_lines",
]
