"""Sections: cut an article into its breaking ``update``, the ``earlier`` story and ``body``.

Wire services stack a breaking development on top of the story they had, with
a marker between the two ("THIS IS A BREAKING NEWS UPDATE. AP's earlier story
follows below."). Other outlets write "UPDATE:" above an "Our original post:"
story, or put a fresh update above a wire story that starts with its own
dateline. The markers are data, in ``markers.toml`` (plus an optional file
named by ``TRACKER_MARKERS``); this module only applies them.

    >>> from tracker.extract import parse_text
    >>> split = split_article(parse_text(open("seeds/000_5365f7407493eced.txt").read()))
    >>> split.kinds
    ['update', 'earlier']
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from tracker.errors import InputError
from tracker.model import Article, Section, Split
from tracker.sites import rules_for

_FOLD = str.maketrans({"‘": "'", "’": "'", "‛": "'", "“": '"', "”": '"', "—": "-", "–": "-"})

# A wire dateline opening a paragraph: "PARIS (AP) - ", "BOULDER, Colo. (AP) — ".
WIRE_DATELINE = re.compile(
    r"^[A-Z][A-Z.'\- ]{1,40}(?:,\s*[A-Z][\w.'\- ]{1,30})?"
    r"\s*\((?:AP|Reuters|AFP|UPI|CNN)\)\s*[-—–]+\s"
)


@dataclass(frozen=True)
class Marker:
    """One way outlets mark a breaking update, compiled from ``markers.toml``."""

    name: str
    role: str  # separator | update-start | bulletin
    pattern: re.Pattern[str]
    standalone: bool = False


@dataclass(frozen=True)
class _Hit:
    marker: Marker
    paragraph: int
    before: str  # text of the paragraph before the marker
    after: str  # text of the paragraph after the marker
    text: str  # the marker as published


@cache
def load_markers(extra: str | None = None) -> tuple[Marker, ...]:
    """The bundled markers, plus those of the TOML file ``extra`` (``TRACKER_MARKERS``)."""
    tables = [tomllib.loads(resources.files("tracker").joinpath("markers.toml").read_text())]
    if extra:
        try:
            tables.append(tomllib.loads(Path(extra).read_text()))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"TRACKER_MARKERS={extra}: cannot read markers ({exc})") from None
    return tuple(
        Marker(
            name=entry["name"],
            role=entry["role"],
            pattern=re.compile(entry["pattern"], re.I),
            standalone=bool(entry.get("standalone", False)),
        )
        for table in tables
        for entry in table.get("marker", [])
    )


def split_article(
    article: Article, markers: Sequence[Marker] | None = None, *, url: str | None = None
) -> Split:
    """Split an article into sections; a story without a marker is one ``body`` section.

    ``url``: the page's address, whose site may add markers (:mod:`tracker.sites`).
    """
    if markers is None:
        markers = load_markers(os.environ.get("TRACKER_MARKERS") or None)
        site = rules_for(url, fresh=True) if url else None
        if site is not None and site.markers:
            markers = (*markers, *site_markers(site.markers))
    paragraphs = list(article.paragraphs)
    separator = _find(paragraphs, markers, "separator")
    if separator is not None:
        return _split_at_separator(paragraphs, separator, markers)
    start = _find(paragraphs, markers, "update-start")
    if start is not None or _title_is_update(article.title, markers):
        stacked = _split_stacked(paragraphs, start)
        if stacked is not None:
            return stacked
    bulletin = _find(paragraphs, markers, "bulletin")
    if bulletin is not None:
        rest = _without_marker(paragraphs, bulletin)
        return Split(sections=(Section("update", tuple(rest)),), marker=bulletin.text)
    return Split(sections=(Section("body", tuple(paragraphs)),))


@cache
def site_markers(patterns: tuple[str, ...]) -> tuple[Marker, ...]:
    """A site's extra markers (``markers`` in ``tracker.toml``): lines that stand alone between
    the breaking update above and the earlier story below."""
    try:
        return tuple(
            Marker(name=f"site-{i}", role="separator", pattern=re.compile(p, re.I), standalone=True)
            for i, p in enumerate(patterns)
        )
    except re.error as exc:
        raise InputError(f"site markers: not a regular expression ({exc})") from None


def split_text(text: str) -> Split:
    """Split a plain-text article (paragraphs separated by blank lines)."""
    from tracker.extract import parse_text

    return split_article(parse_text(text))


def _find(paragraphs: Sequence[str], markers: Sequence[Marker], role: str) -> _Hit | None:
    for index, paragraph in enumerate(paragraphs):
        folded = paragraph.translate(_FOLD)
        for marker in markers:
            if marker.role != role:
                continue
            match = marker.pattern.search(folded)
            if match is None or (marker.standalone and match.group(0).strip() != folded.strip()):
                continue
            start, end = match.span()
            return _Hit(
                marker=marker,
                paragraph=index,
                before=paragraph[:start].strip(),
                after=paragraph[end:].strip(),
                text=paragraph[start:end].strip(),
            )
    return None


def _without_marker(paragraphs: Sequence[str], hit: _Hit) -> list[str]:
    glued = [p for p in (hit.before, hit.after) if p]
    return [*paragraphs[: hit.paragraph], *glued, *paragraphs[hit.paragraph + 1 :]]


def _split_at_separator(paragraphs: list[str], hit: _Hit, markers: Sequence[Marker]) -> Split:
    update = [*paragraphs[: hit.paragraph], *([hit.before] if hit.before else [])]
    earlier = [*([hit.after] if hit.after else []), *paragraphs[hit.paragraph + 1 :]]
    start = _find(update, markers, "update-start")
    header: list[str] = []
    if start is not None:
        header = update[: start.paragraph]
        update = [*([start.after] if start.after else []), *update[start.paragraph + 1 :]]
    sections = [Section("update", tuple(update))] if update else []
    if earlier:
        sections.append(Section("earlier", tuple(earlier)))
    return Split(sections=tuple(sections), marker=hit.text, header=tuple(header))


def _split_stacked(paragraphs: list[str], start: _Hit | None) -> Split | None:
    """An update stacked on a wire story with no separator: the wire dateline starts the earlier."""
    first = 0
    header: list[str] = []
    body = list(paragraphs)
    if start is not None:
        above = paragraphs[: start.paragraph]
        # a headline stays furniture; an earlier update stacked above this one is story text
        kept = next((i for i, p in enumerate(above) if _is_prose(p)), len(above))
        header = above[:kept]
        body = [
            *above[kept:],
            *([start.after] if start.after else []),
            *paragraphs[start.paragraph + 1 :],
        ]
    boundary = next((i for i, p in enumerate(body) if i > first and WIRE_DATELINE.match(p)), None)
    if boundary is None or not body[:boundary]:
        return None
    return Split(
        sections=(
            Section("update", tuple(body[:boundary])),
            Section("earlier", tuple(body[boundary:])),
        ),
        marker=start.text if start is not None else "update above wire dateline",
        header=tuple(header),
    )


def _is_prose(paragraph: str) -> bool:
    """A paragraph of sentences, not a headline: it ends like a sentence and has several words."""
    text = paragraph.rstrip()
    return len(text.split()) >= 8 and text.endswith((".", "!", "?", '"', "”", "’"))


def _title_is_update(title: str | None, markers: Sequence[Marker]) -> bool:
    if not title:
        return False
    folded = title.translate(_FOLD)
    return any(m.role == "update-start" and m.pattern.search(folded) for m in markers)
