"""Plain data that flows between the pipeline stages.

Every stage takes and returns these frozen dataclasses; the ORM models stay
inside :mod:`tracker.store`. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

SectionKind = Literal["update", "earlier", "body"]
SentenceOpKind = Literal["equal", "moved", "edited", "added", "removed", "split", "merged"]
FactChangeKind = Literal[
    "added",
    "removed",
    "changed",
    "resolved",
    "contradicted",
    "attribution",
    "certainty",
    "quantity",
]


@dataclass(frozen=True)
class Article:
    """What extraction found on a page or in a text file, already normalised."""

    paragraphs: tuple[str, ...]
    title: str | None = None
    byline: str | None = None
    published: str | None = None
    # Headline furniture and times beyond the title (see tracker.metadata): subheadline,
    # dateline, updated time, and the page's other headlines (<title>, og:title, <h1>).
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True)
class Section:
    """A run of paragraphs: the breaking ``update``, the ``earlier`` story, or the ``body``."""

    kind: SectionKind
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass(frozen=True)
class Split:
    """An article cut into sections at its breaking-update marker (if any)."""

    sections: tuple[Section, ...]
    marker: str | None = None
    # Headline furniture above an "Updated …" line: kept, but not story text.
    header: tuple[str, ...] = ()

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    @property
    def kinds(self) -> list[str]:
        return [s.kind for s in self.sections]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a version, with where it sits.

    ``index`` is the position in the whole version (0-based), ``paragraph`` the
    paragraph's position in the whole version, ``section`` the section kind.
    """

    text: str
    index: int
    paragraph: int
    section: SectionKind = "body"


@dataclass(frozen=True)
class SentenceOp:
    """One step of a sentence alignment between version A and version B.

    ``a`` and ``b`` are sentence indexes on each side (empty for added/removed);
    ``words`` is the word-level diff of an edited pair as ``(op, text)`` with op
    one of ``=``, ``-``, ``+``. ``similarity`` is in 0..1.
    """

    op: SentenceOpKind
    a: tuple[int, ...]
    b: tuple[int, ...]
    a_text: str = ""
    b_text: str = ""
    words: tuple[tuple[str, str], ...] = ()
    similarity: float = 0.0


Significance = Literal["fact", "minor", "style"]


@dataclass(frozen=True)
class FactChange:
    """How one fact a reader cares about changed between A and B, with its evidence.

    ``significance`` says whether a standards editor would list it (``fact``), whether
    it is a real but small change (``minor``) or house style (``style``, with
    ``reason``). ``salience`` is the score the significance was decided on.
    ``a_sentences``/``b_sentences`` are the evidence sentences' indexes on each side.
    ``before_number``/``after_number`` and ``unit`` are set for quantities.
    """

    change: FactChangeKind
    kind: str  # event | quantity | attribution | entity | certainty | name | ...
    subject: str
    slot: str
    before: str | None
    after: str | None
    summary: str
    evidence_a: str | None = None
    evidence_b: str | None = None
    significance: Significance = "fact"
    salience: float = 1.0
    reason: str | None = None
    source: str | None = None
    certainty: str | None = None
    before_number: float | None = None
    after_number: float | None = None
    unit: str | None = None
    a_sentences: tuple[int, ...] = ()
    b_sentences: tuple[int, ...] = ()


@dataclass(frozen=True)
class DiffSide:
    label: str
    fetched_at: str | None = None


@dataclass(frozen=True)
class Diff:
    """The semantic diff of two texts: aligned sentences and fact changes."""

    a: DiffSide
    b: DiffSide
    sentences: tuple[SentenceOp, ...] = ()
    facts: tuple[FactChange, ...] = ()
    # Changes below the reporting threshold (significance minor or style), kept for --all/JSON.
    other_changes: tuple[FactChange, ...] = ()
    # Structural events such as "a breaking update arrived" or "the marker was dropped".
    events: tuple[str, ...] = field(default=())
    # Headline and metadata changes (shown first), correction / editor's notes that arrived,
    # and the stealth-edit flag: fact changes with no such note (tracker.notes).
    metadata: tuple[MetaChange, ...] = ()
    notes: tuple[Note, ...] = ()
    stealth_edit: bool = False


@dataclass(frozen=True)
class MetaChange:
    """One headline or metadata field that differs between A and B (``field`` is its key)."""

    field: str
    label: str
    before: str | None
    after: str | None

    @property
    def summary(self) -> str:
        return f"{self.label}: {self.before or '(none)'} → {self.after or '(none)'}"


@dataclass(frozen=True)
class Note:
    """A correction or editor's note found in a version's text (``kind`` from notes.toml)."""

    kind: str  # correction | clarification | update | editors-note | retraction
    text: str
