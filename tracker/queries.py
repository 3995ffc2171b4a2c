"""Queries over a story's versions: diffs by name, history summaries, fact timeline, blame, search.

The CLI's ``diff``, ``history``, ``facts``, ``blame`` and ``search`` each call one
function here and render what it returns. Whole-history queries read a story
once (:func:`tracker.store.timeline.load_story`) and compare consecutive
versions by sentence id first, so an unchanged sentence costs an integer
comparison and only the changed ones are aligned.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.annotate import annotate
from tracker.errors import InputError, NotFoundError
from tracker.events import Shape, describe, event_kinds, split_events
from tracker.extract import read_article
from tracker.metadata import article_meta, meta_changes
from tracker.model import Diff, FactChange, MetaChange, Note, SentenceOp
from tracker.notes import announced_update, arrived, find_notes, split_notes
from tracker.printable import without_surrogates
from tracker.selectors import parse_time, pick_version, version_or_at
from tracker.store import Store, VersionInfo
from tracker.store.search import PhraseMatch, find_in_headlines, find_phrase, story_versions
from tracker.store.timeline import StoryRows, VersionRows, load_story, load_texts

# The diff pipeline (semdiff, align: numpy, rapidfuzz, syntok) is imported by the functions
# that diff, so the commands and renderers that only need this module's types start without it.
if TYPE_CHECKING:
    from tracker import semdiff

# ---------------------------------------------------------------- diffs by name


@dataclass(frozen=True)
class LabelledDiff:
    """A diff with the section (update / earlier / body) of every sentence on each side.

    ``within_version`` marks a diff of one version's breaking update (B) against
    its earlier story (A), where "removed" means "not repeated in the update".
    """

    diff: Diff
    a_sections: tuple[str, ...]
    b_sections: tuple[str, ...]
    within_version: bool = False
    # The stored story and versions a diff of stored versions names (for the HTML page).
    story: str | None = None
    a_info: VersionInfo | None = None
    b_info: VersionInfo | None = None


def diff_versions(
    store: Store,
    url: str,
    a: str | None = None,
    b: str | None = None,
    *,
    at: str | None = None,
) -> LabelledDiff:
    """Diff two stored versions named as people name them (default: the last two).

    ``a`` and ``b`` take numbers, negative offsets (-1 = latest) and times; ``at``
    picks B as the version current at that moment and A as the one before it.
    """
    from tracker import semdiff

    versions = store.history(url)
    with _flagged_named(store, url, a, b):
        a_number, b_number = pick_pair(versions, url, a, b, at=at)
    left = semdiff.stored_side(store, url, a_number)
    right = semdiff.stored_side(store, url, b_number)
    info = {v.number: v for v in versions}
    a_info, b_info = info[a_number], info[b_number]
    diff = annotate(
        semdiff.diff(left, right),
        a_info.meta,
        b_info.meta,
        a_info.notes if a_info.notes is not None else split_notes(left.split),
        b_info.notes if b_info.notes is not None else split_notes(right.split),
        announced=announced_update(left.split, right.split),
        structure=split_events(left.split, right.split),
    )
    return _labelled(diff, left, right, story=url, a_info=a_info, b_info=b_info)


@contextmanager
def _flagged_named(store: Store, url: str, *specs: str | None) -> Iterator[None]:
    """A version named by number that is flagged is not "missing": say what it is."""
    try:
        yield
    except NotFoundError:
        named = {int(spec) for spec in specs if spec and spec.isdigit()}
        for info in store.history(url, suspect=True):
            if info.number in named and info.suspect is not None:
                raise NotFoundError(
                    f"v{info.number} of {url} is a flagged version (a text the quality gate "
                    f"doubted: {info.suspect}); tracker show --version {info.number} reads it, "
                    "tracker history --all lists it"
                ) from None
        raise


def pick_pair(
    versions: Sequence[VersionInfo],
    url: str,
    a: str | None = None,
    b: str | None = None,
    *,
    at: str | None = None,
) -> tuple[int, int]:
    """The (older, newer) version numbers a diff request names."""
    if at is not None and b is not None:
        raise InputError("give B or --at, not both")
    if b is None and at is not None:
        b = at
    if a is None and b is None:
        if len(versions) < 2:
            raise InputError(f"{url} has {len(versions)} version(s); a diff needs two")
        return versions[-2].number, versions[-1].number
    if b is None:
        b_number = pick_version("-1", versions, url)
        a_number = pick_version(a or "-2", versions, url)
    else:
        b_number = pick_version(b, versions, url)
        a_number = pick_version(a, versions, url) if a is not None else _before(versions, b_number)
    if a_number > b_number:
        raise InputError(
            f"reversed range: v{a_number} is newer than v{b_number} (give the older first)"
        )
    if a_number == b_number:
        raise InputError(f"both sides are v{a_number}: name two different versions")
    return a_number, b_number


def _before(versions: Sequence[VersionInfo], number: int) -> int:
    earlier = [v.number for v in versions if v.number < number]
    if not earlier:
        raise InputError(f"v{number} is the first version: nothing before it to diff against")
    return earlier[-1]


def diff_version_sections(
    store: Store, url: str, version: str | None = None, *, at: str | None = None
) -> LabelledDiff:
    """One stored version's breaking update against its earlier story."""
    from tracker import semdiff

    versions = store.history(url)
    number = pick_version(version_or_at(version, at) or "-1", versions, url)
    info = next(v for v in versions if v.number == number)
    view = _sections_diff(semdiff.stored_side(store, url, number))
    return replace(view, story=url, a_info=info, b_info=info)


def diff_files(path_a: str | Path, path_b: str | Path) -> LabelledDiff:
    """Two local HTML or text files; nothing is stored."""
    from tracker import semdiff

    article_a, article_b = read_article(path_a), read_article(path_b)
    left = semdiff.prepare(article_a, without_surrogates(str(path_a)))
    right = semdiff.prepare(article_b, without_surrogates(str(path_b)))
    diff = annotate(
        semdiff.diff(left, right),
        article_meta(article_a),
        article_meta(article_b),
        split_notes(left.split),
        split_notes(right.split),
        announced=announced_update(left.split, right.split),
        structure=split_events(left.split, right.split),
    )
    return _labelled(diff, left, right)


def diff_file_sections(path: str | Path) -> LabelledDiff:
    """A local file's breaking update against its earlier story."""
    from tracker import semdiff

    return _sections_diff(semdiff.prepare(read_article(path), without_surrogates(str(path))))


def _labelled(
    diff: Diff,
    a: semdiff.Side,
    b: semdiff.Side,
    *,
    story: str | None = None,
    a_info: VersionInfo | None = None,
    b_info: VersionInfo | None = None,
) -> LabelledDiff:
    return LabelledDiff(
        diff,
        tuple(s.section for s in a.sentences),
        tuple(s.section for s in b.sentences),
        story=story,
        a_info=a_info,
        b_info=b_info,
    )


def _sections_diff(side: semdiff.Side) -> LabelledDiff:
    from tracker import semdiff

    diff = semdiff.diff_sections(side)
    count = {kind: sum(s.section == kind for s in side.sentences) for kind in ("earlier", "update")}
    return LabelledDiff(
        diff,
        ("earlier",) * count["earlier"],
        ("update",) * count["update"],
        within_version=True,
    )


# ---------------------------------------------------------------- consecutive versions


@dataclass(frozen=True)
class ChangeCounts:
    """How many sentences a version added, edited, removed and moved."""

    added: int = 0
    edited: int = 0
    removed: int = 0
    moved: int = 0


def align_ids(
    a_ids: Sequence[int], b_ids: Sequence[int], texts: dict[int, str]
) -> list[SentenceOp]:
    """Align two versions given as sentence ids: identical ids pair for free, the rest by text.

    Ops carry positions in the full versions but no word diffs (blame and
    counts do not need them). Order is not reading order.
    """
    ops: list[SentenceOp] = []
    matcher = SequenceMatcher(None, a_ids, b_ids, autojunk=False)
    paired_a: set[int] = set()
    paired_b: set[int] = set()
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            i, j = block.a + k, block.b + k
            ops.append(SentenceOp("equal", (i,), (j,)))
            paired_a.add(i)
            paired_b.add(j)
    free_b: dict[int, list[int]] = {}
    for j, sid in enumerate(b_ids):
        if j not in paired_b:
            free_b.setdefault(sid, []).append(j)
    for i, sid in enumerate(a_ids):
        if i not in paired_a and free_b.get(sid):
            j = free_b[sid].pop(0)
            ops.append(SentenceOp("moved", (i,), (j,)))
            paired_a.add(i)
            paired_b.add(j)
    rest_a = [i for i in range(len(a_ids)) if i not in paired_a]
    rest_b = [j for j in range(len(b_ids)) if j not in paired_b]
    if rest_a and rest_b:
        from tracker.align import align

        inner = align([texts[a_ids[i]] for i in rest_a], [texts[b_ids[j]] for j in rest_b])
        for op in inner:
            kind = "edited" if op.op == "equal" else op.op  # same words, other house style
            ops.append(
                SentenceOp(kind, tuple(rest_a[i] for i in op.a), tuple(rest_b[j] for j in op.b))
            )
    else:
        ops += [SentenceOp("removed", (i,), ()) for i in rest_a]
        ops += [SentenceOp("added", (), (j,)) for j in rest_b]
    return ops


def count_changes(ops: Sequence[SentenceOp]) -> ChangeCounts:
    counts = {"added": 0, "edited": 0, "removed": 0, "moved": 0}
    for op in ops:
        if op.op in ("edited", "split", "merged"):
            counts["edited"] += 1
        elif op.op in counts:
            counts[op.op] += 1
    return ChangeCounts(**counts)


def _fact_signature(facts: list[dict[str, Any]]) -> tuple[tuple[Any, ...], ...]:
    """A version's facts without where they sit: equal signatures mean no fact changed."""
    return tuple(
        sorted(
            tuple(sorted((k, str(v)) for k, v in f.items() if k not in ("sentence", "text")))
            for f in facts
        )
    )


def _fact_changes(rows: StoryRows, i: int, j: int) -> list[FactChange] | None:
    """compare_facts between versions i and j from their stored facts (None if not extracted)."""
    from tracker.facts import compare_facts, facts_from_json

    a, b = rows.versions[i], rows.versions[j]
    if a.facts is None or b.facts is None:
        return None
    if _fact_signature(a.facts) == _fact_signature(b.facts):
        return []
    return compare_facts(
        rows.sentences(i), facts_from_json(a.facts), rows.sentences(j), facts_from_json(b.facts), []
    )


# ---------------------------------------------------------------- history


@dataclass(frozen=True)
class VersionSummary:
    """One line of ``tracker history``: a version and what it changed from the one before."""

    info: VersionInfo
    changes: ChangeCounts | None  # None for the first version
    headline: str | None  # the most important fact change, if any
    events: tuple[str, ...] = ()
    facts_pending: bool = False
    first_change: str | None = None  # the first new or edited sentence, in reading order
    metadata: tuple[MetaChange, ...] = ()  # headline and metadata changes, headline first
    notes: tuple[Note, ...] = ()  # correction / editor's notes that arrived in this version
    stealth_edit: bool = False  # fact changes with no such note


def extract_missing_facts(store: Store, url: str, *, suspect: bool = False) -> int:
    """Extract and store the facts of the story's versions that have none yet (the daemon's
    facts job does this in the background); returns how many versions it did."""
    from tracker import semdiff

    missing = [v.number for v in store.history(url, suspect=suspect) if not v.has_facts]
    for number in missing:
        semdiff.stored_side(store, url, number)  # extracts the facts and keeps them
    return len(missing)


def history(
    store: Store, url: str, *, since: str | None = None, suspect: bool = False
) -> list[VersionSummary]:
    """Every version (or those at or after ``since``) with its change summary; the flagged
    (suspect) versions the quality gate kept only with ``suspect``."""
    moment = parse_time(since) if since else None
    rows = load_story(store, url, since=moment, suspect=suspect)
    out = []
    for k, version in enumerate(rows.versions):
        if moment is not None and version.info.fetched_at < moment:
            continue
        out.append(_summary(rows, k))
    return out


def _summary(rows: StoryRows, k: int) -> VersionSummary:
    version = rows.versions[k]
    if k == 0:
        return VersionSummary(version.info, None, None)
    before = rows.versions[k - 1]
    ops = align_ids(before.sentence_ids, version.sentence_ids, rows.texts)
    changes = _fact_changes(rows, k - 1, k)
    listed = [c for c in changes or [] if c.significance == "fact"]
    new_notes = arrived(_notes(rows, k - 1), _notes(rows, k))
    return VersionSummary(
        info=version.info,
        changes=count_changes(ops),
        headline=listed[0].summary if listed else None,
        events=_structural_events(rows, k),
        facts_pending=changes is None,
        first_change=_first_change(rows, k, ops),
        metadata=meta_changes(before.info.meta, version.info.meta),
        notes=new_notes,
        stealth_edit=bool(listed) and not new_notes and not _announced(rows, k),
    )


def _announced(rows: StoryRows, k: int) -> bool:
    """Version ``k`` has a breaking update under its marker that differs from k-1's."""
    before, after = rows.versions[k - 1], rows.versions[k]

    def update(v: VersionRows) -> list[int]:
        return [
            sid
            for sid, section in zip(v.sentence_ids, v.sections, strict=True)
            if section == "update"
        ]

    return after.info.marker is not None and bool(update(after)) and update(after) != update(before)


def _notes(rows: StoryRows, k: int) -> tuple[Note, ...]:
    """A version's notes: stored at ingest, or found in its text (versions before 0003)."""
    version = rows.versions[k]
    if version.info.notes is not None:
        return version.info.notes
    paragraphs: dict[int, list[str]] = {}
    for sentence in rows.sentences(k):
        paragraphs.setdefault(sentence.paragraph, []).append(sentence.text)
    return find_notes(" ".join(p) for p in paragraphs.values())


def _first_change(rows: StoryRows, k: int, ops: Sequence[SentenceOp]) -> str | None:
    """The text of the earliest sentence of version ``k`` that is new or edited."""
    changed = [min(op.b) for op in ops if op.b and op.op not in ("equal", "moved")]
    if not changed:
        return None
    return rows.texts.get(rows.versions[k].sentence_ids[min(changed)])


def _structural_events(rows: StoryRows, k: int) -> tuple[str, ...]:
    """The structural events from version k-1 to k, worded for one history line."""

    def shape(v: VersionRows) -> Shape:
        update = tuple(
            sid
            for sid, section in zip(v.sentence_ids, v.sections, strict=True)
            if section == "update"
        )
        return Shape(v.info.marker, v.info.sections, update or None)

    before, after = rows.versions[k - 1], rows.versions[k]
    return describe(event_kinds(shape(before), shape(after)), after.info.marker, short=True)


def flagged_count(store: Store, url: str) -> int:
    """How many versions of the story are flagged (hidden unless asked for)."""
    return sum(v.suspect is not None for v in store.history(url, suspect=True))


# ---------------------------------------------------------------- fact timeline


@dataclass(frozen=True)
class FactPoint:
    """A fact's value as of one version, with the sentence that says so."""

    version: int
    value: str
    evidence: str | None = None


@dataclass(frozen=True)
class FactTimeline:
    """One fact (a count, who did something, an entity's status) across the versions."""

    label: str
    kind: str
    subject: str
    slot: str
    points: tuple[FactPoint, ...]


@dataclass(frozen=True)
class FactTimelines:
    story: str
    facts: tuple[FactTimeline, ...]
    pending: tuple[int, ...]  # versions whose facts are not extracted yet


_NO_VALUE = {"not given", "not stated", ""}
# Changes whose values are whole sentences (new, dropped, reworded claims): not a timeline.
_SENTENCE_SLOTS = {"event_added", "event_removed", "statement"}
_EVIDENCE_CHARS = 20  # a sentence this long found in a point's evidence still says it


def fact_timeline(store: Store, url: str) -> FactTimelines:
    """Each fact's value in every version that states it, one row per fact.

    A row is a fact as people read it, named by its label ("Killed") and the slot that
    changes (a count, its source): every change between consecutive versions and every
    count a version states lands on the row of its label and slot, so two spellings of
    one fact's key never make two rows, and a second slot of one label is named apart
    ("Killed (source)"). A version's value is, in this order: what the comparison with the version
    before says it became; the count the version itself states; what the comparison
    with the version after says it was; or, when nothing changed it, the value of the
    version before while the sentence that said so is still in the text.
    """
    rows = load_story(store, url)
    pending = tuple(v.info.number for v in rows.versions if v.facts is None)
    ready = [k for k, v in enumerate(rows.versions) if v.facts is not None]
    table: dict[tuple[str, str], _FactRow] = {}
    for k in ready:
        for change in _first_facts(rows, k):
            row, point = _row(table, change), _point(rows, k, change, after=True)
            if row is not None and point is not None:
                row.stated.setdefault(k, point)
    for i, j in itertools.pairwise(ready):
        for change in _fact_changes(rows, i, j) or []:
            if change.slot in _SENTENCE_SLOTS or change.significance != "fact":
                continue  # whole sentences, not a value that changes; or not listed at all
            row = _row(table, change)
            if row is None:
                continue
            row.changed.add(j)
            after = _point(rows, j, change, after=True)
            if after is not None:
                row.after.setdefault(j, after)
            before = _point(rows, i, change, after=False)
            if before is not None:
                row.before.setdefault(i, before)
    timelines = []
    for row in table.values():
        points = row.points(rows, ready)
        if len({p.value.casefold() for p in points}) > 1 or row.kind == "quantity":
            timelines.append(
                FactTimeline(row.label, row.kind, row.subject, row.slot, tuple(points))
            )
    return FactTimelines(url, tuple(_named_apart([t for t in timelines if t.points])), pending)


@dataclass
class _FactRow:
    """One fact's values as the comparisons and the versions' own counts give them."""

    label: str
    kind: str
    subject: str
    slot: str
    after: dict[int, FactPoint] = field(default_factory=dict)  # by version index
    stated: dict[int, FactPoint] = field(default_factory=dict)
    before: dict[int, FactPoint] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)  # versions a comparison changed it in

    def points(self, rows: StoryRows, ready: Sequence[int]) -> list[FactPoint]:
        out: list[FactPoint] = []
        last: FactPoint | None = None
        for k in ready:
            point = self.after.get(k) or self.stated.get(k) or self.before.get(k)
            if point is None and last is not None and k not in self.changed:
                point = _carried(rows, k, last)
            if point is not None:
                out.append(point)
            last = point
        return out


def _row(table: dict[tuple[str, str], _FactRow], change: FactChange) -> _FactRow | None:
    """The row of the change's fact: its label (however the key is spelt) and its slot."""
    label = _summary_parts(change)[0]
    if not label:
        return None
    key = (" ".join(label.casefold().split()), change.slot)
    if key not in table:
        table[key] = _FactRow(label, change.kind, change.subject, change.slot)
    return table[key]


def _named_apart(rows: list[FactTimeline]) -> list[FactTimeline]:
    """Rows of one label but other slots (a toll and its source) get the slot in the label:
    "Killed" and "Killed (source)", never two rows both called "Killed"."""
    groups: dict[str, list[FactTimeline]] = {}
    for row in rows:  # a label's rows side by side, in the order the labels first appear
        groups.setdefault(" ".join(row.label.casefold().split()), []).append(row)
    out = []
    for group in groups.values():
        out.append(group[0])
        out += [replace(r, label=f"{r.label} ({r.slot.replace('_', ' ')})") for r in group[1:]]
    return out


def _point(rows: StoryRows, k: int, change: FactChange, *, after: bool) -> FactPoint | None:
    _, before_value, after_value = _summary_parts(change)
    value = after_value if after else before_value
    if value in _NO_VALUE:
        return None
    evidence = change.evidence_b if after else change.evidence_a
    return FactPoint(rows.versions[k].info.number, value, evidence)


def _carried(rows: StoryRows, k: int, last: FactPoint) -> FactPoint | None:
    """The value of the version before, if version ``k`` still has the sentence saying it."""
    if not last.evidence:
        return None
    evidence = last.evidence
    for sid in rows.versions[k].sentence_ids:
        text = rows.texts.get(sid) or ""
        if text == evidence or (len(text) >= _EVIDENCE_CHARS and text in evidence):
            return FactPoint(rows.versions[k].info.number, last.value, last.evidence)
    return None


def _first_facts(rows: StoryRows, k: int) -> list[FactChange]:
    """The counts the version states (compared against an empty story)."""
    from tracker.facts import compare_facts, facts_from_json

    facts = facts_from_json(rows.versions[k].facts or [])
    return [c for c in compare_facts([], [], rows.sentences(k), facts, []) if c.kind == "quantity"]


def _summary_parts(change: FactChange) -> tuple[str, str, str]:
    """("Killed", "32", "60") from "Killed: 32 → 60"; falls back to the change's fields."""
    label, _, values = change.summary.partition(": ")
    before, arrow, after = values.partition(" → ")
    if not arrow:
        return change.subject, change.before or "", change.after or ""
    return label, before, after


# ---------------------------------------------------------------- blame


@dataclass(frozen=True)
class BlameLine:
    """A sentence of a version, the version that introduced it and the last that edited it."""

    index: int
    section: str
    paragraph: int
    text: str
    introduced: int
    edited: int


@dataclass(frozen=True)
class Blame:
    story: str
    version: VersionInfo
    lines: tuple[BlameLine, ...]


def blame(store: Store, url: str, version: str | None = None, *, at: str | None = None) -> Blame:
    """Walk the alignments from v1 to the named version (default: latest)."""
    spec = version_or_at(version, at) or "-1"
    rows = load_story(store, url, texts=False)
    infos = [v.info for v in rows.versions]
    with _flagged_named(store, url, spec):
        number = pick_version(spec, infos, url)
    last = next(k for k, v in enumerate(rows.versions) if v.info.number == number)
    walked = rows.versions[: last + 1]
    target = walked[-1]
    # Only the sentences not in both neighbours need aligning; the target's are shown.
    texts = load_texts(store, _changed_ids(walked) | set(target.sentence_ids))
    origin = [(walked[0].info.number, walked[0].info.number)] * len(walked[0].sentence_ids)
    # where each sentence text was first seen: a sentence that returns is credited there
    seen: dict[int, tuple[int, int]] = {}
    for sid, where in zip(walked[0].sentence_ids, origin, strict=True):
        seen.setdefault(sid, where)
    for before, after in itertools.pairwise(walked):
        number = after.info.number
        origin = _carry(origin, before.sentence_ids, after.sentence_ids, texts, number)
        origin = [
            seen[sid] if sid in seen and where == (number, number) else where
            for sid, where in zip(after.sentence_ids, origin, strict=True)
        ]
        origin = _from_dropped(origin, before.sentence_ids, after.sentence_ids, seen, texts, number)
        for sid, where in zip(after.sentence_ids, origin, strict=True):
            seen.setdefault(sid, where)
    lines = tuple(
        BlameLine(i, section, paragraph, texts[sid], intro, edit)
        for i, (sid, section, paragraph, (intro, edit)) in enumerate(
            zip(target.sentence_ids, target.sections, target.paragraphs, origin, strict=True)
        )
    )
    return Blame(url, target.info, lines)


def _from_dropped(
    origin: list[tuple[int, int]],
    a_ids: Sequence[int],
    b_ids: Sequence[int],
    seen: dict[int, tuple[int, int]],
    texts: dict[int, str],
    number: int,
) -> list[tuple[int, int]]:
    """A sentence new to B that is an edit of one an earlier version dropped (not in A) is
    credited to where that text came from, edited in B."""
    fresh = [j for j, where in enumerate(origin) if where == (number, number)]
    present = set(a_ids) | set(b_ids)
    dropped = [sid for sid in seen if sid not in present]
    if not fresh or not dropped:
        return origin
    from tracker.align import align

    out = list(origin)
    for op in align([texts[sid] for sid in dropped], [texts[b_ids[j]] for j in fresh]):
        if op.a and op.b and op.op not in ("added", "removed"):
            introduced = min(seen[dropped[i]][0] for i in op.a)
            for j in op.b:
                out[fresh[j]] = (introduced, number)
    return out


def _changed_ids(versions: Sequence[Any]) -> set[int]:
    """The sentences that are not in both of two neighbouring versions."""
    changed: set[int] = set()
    for before, after in itertools.pairwise(versions):
        changed |= set(before.sentence_ids) ^ set(after.sentence_ids)
    return changed


def _carry(
    origin: list[tuple[int, int]],
    a_ids: Sequence[int],
    b_ids: Sequence[int],
    texts: dict[int, str],
    number: int,
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = [(number, number)] * len(b_ids)
    for op in align_ids(a_ids, b_ids, texts):
        if not op.b or not op.a:
            continue
        introduced = min(origin[i][0] for i in op.a)
        for j in op.b:
            if op.op in ("equal", "moved"):
                out[j] = origin[op.a[0]]
            else:
                out[j] = (introduced, number)
    return out


# ---------------------------------------------------------------- search


@dataclass(frozen=True)
class Span:
    """Versions ``first`` … ``last`` contain the phrase; ``gone`` is the next one (if any)."""

    first: int
    first_at: datetime
    last: int
    gone: int | None
    gone_at: datetime | None


@dataclass(frozen=True)
class SearchHit:
    """Where one story said a phrase: when it appeared and when it disappeared (if it did)."""

    story: str
    spans: tuple[Span, ...]
    sentence: str  # the first sentence found saying it
    where: str = "text"  # "text" (the story's sentences) or "headline" (headline fields)

    @property
    def appeared(self) -> Span:
        return self.spans[0]

    @property
    def disappeared(self) -> int | None:
        return self.spans[-1].gone


def search(store: Store, text: str, *, story: str | None = None) -> list[SearchHit]:
    """Each story whose versions contain ``text``, earliest appearance first."""
    phrase = " ".join(text.split())
    if not any(ch.isalnum() for ch in phrase):
        raise InputError("empty search: give a word or phrase to look for")
    if story is not None:
        store.history(story)  # an unknown story is an error, not "no results"
    by_story: dict[tuple[str, str], list[PhraseMatch]] = {}
    for match in find_phrase(store, phrase, story=story):
        by_story.setdefault((match.story, "text"), []).append(match)
    for match in find_in_headlines(store, phrase, story=story):
        by_story.setdefault((match.story, "headline"), []).append(match)
    versions = story_versions(store, {url for url, _ in by_story})
    hits = [
        replace(_hit(url, versions[url], found), where=where)
        for (url, where), found in by_story.items()
    ]
    return sorted(hits, key=lambda h: (h.appeared.first_at, h.story))


def _hit(url: str, versions: list[tuple[int, datetime]], matches: list[PhraseMatch]) -> SearchHit:
    """The spans of consecutive versions of one story that contain the phrase."""
    mine = min(matches, key=lambda m: m.version)
    having = {m.version for m in matches}
    spans: list[Span] = []
    start: tuple[int, datetime] | None = None
    previous: tuple[int, datetime] | None = None
    for number, at in versions:
        if number in having and start is None:
            start = (number, at)
        elif number not in having and start is not None and previous is not None:
            spans.append(Span(start[0], start[1], previous[0], number, at))
            start = None
        previous = (number, at)
    if start is not None and previous is not None:
        spans.append(Span(start[0], start[1], previous[0], None, None))
    return SearchHit(url, tuple(spans), mine.sentence)


__all__ = [
    "Blame",
    "BlameLine",
    "ChangeCounts",
    "FactPoint",
    "FactTimeline",
    "FactTimelines",
    "LabelledDiff",
    "SearchHit",
    "Span",
    "VersionSummary",
    "align_ids",
    "blame",
    "count_changes",
    "diff_file_sections",
    "diff_files",
    "diff_version_sections",
    "diff_versions",
    "extract_missing_facts",
    "fact_timeline",
    "flagged_count",
    "history",
    "pick_pair",
    "search",
]
