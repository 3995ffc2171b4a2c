"""Fingerprint: decide, cheaper than hashing the page, whether its article could have changed.

A story's article sits in one region of its page (a ``<div class="article-body">``,
an ``<article>``), set in the same template on every fetch. The region is
located once per story, from the text extraction found (:func:`locate`): the
smallest element holding all the article's paragraphs, and the headline's
element. It is kept as a :class:`Region`, a few anchor byte strings: the
region's start tag and the run of closing tags that ends it. Each later check
finds those anchors with ``bytes.find`` (memchr speed) and hashes only the
bytes between them, script and style elements left out, so ads, counters,
nonces and timestamps outside the article change the page's bytes but not its
fingerprint, at less than the cost of a sha256 of the page.

Every byte inside the region counts, so an article change always changes the
fingerprint. When an anchor is missing (the template changed), or no region is
known yet, :func:`fingerprint` falls back to :func:`text_fingerprint`, a hash of
the text of the page's paragraphs, headings, list items and quotes (a regular
expression pass, 1–20 ms on a real page); the next extraction locates the
region again. Each extraction checks that the region still holds every
extracted paragraph (:func:`covers`), so a region that lost the article is
replaced, not trusted.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# -- the fallback: a regular-expression cut of the whole page ---------------------------

# Elements that hold article text, and the tags that end one (a block boundary).
_TEXT_START = rb"<(?:title|p|h[1-6]|li|blockquote|dd|figcaption|td|th|pre)\b[^>]*>"
_BLOCK = (
    rb"(?:p|h[1-6]|li|ul|ol|dl|dd|dt|div|section|article|aside|header|footer|nav|main|table|"
    rb"tr|td|th|pre|blockquote|figure|figcaption|form|script|style|noscript|template|svg|iframe|"
    rb"title|head|body|html|meta|link)"
)
# From a text element's start tag up to the next block tag: linear, no backtracking.
_TEXT_RUN = re.compile(_TEXT_START + rb"([^<]*(?:<(?!/?" + _BLOCK + rb"\b)[^<]*)*)", re.I)
_TAGS = re.compile(rb"<[^>]*>")
_NOT_TEXT_BYTES = re.compile(rb"<(script|style|svg)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def text_fingerprint(page: bytes, *, min_words: int = 0) -> str:
    """A hash of the text in a page's title, paragraphs, headings, list items, quotes, cells.

    When those elements hold fewer than ``min_words`` words (a site that sets
    its article in ``<div>``s), the hash covers all the page's text outside
    scripts and styles instead: slower to settle on volatile pages, never blind.
    """
    runs = _TEXT_RUN.findall(page)
    words = b" ".join(_TAGS.sub(b" ", b"\n".join(runs)).split()) if runs else b""
    if not words or words.count(b" ") + 1 < min_words:
        words = b"all:" + b" ".join(_TAGS.sub(b" ", _NOT_TEXT_BYTES.sub(b"", page)).split())
    return hashlib.blake2b(words, digest_size=16).hexdigest()


# -- the located region -----------------------------------------------------------------

REGION_PREFIX = "r:"  # a fingerprint taken over a located region, not the fallback
_MAX_ANCHOR = 240  # bytes: longer anchors are not worth their storage
_SKIPPABLE = (b"script", b"style")  # elements hashed around, not through (nonces, ad code)


@dataclass(frozen=True)
class Span:
    """One stretch of a page: from ``start`` (the first after ``lead``) to the end of ``end``.

    ``lead`` is a unique tag before ``start`` (b"" when ``start`` is unique itself).
    """

    start: bytes
    end: bytes
    lead: bytes = b""


@dataclass(frozen=True)
class Region:
    """Where a story's article sits in its page: spans found one after the other.

    ``skip``: the elements (``script``, ``style``) the region held when it was
    located, hashed around rather than through; a region without them is hashed
    in one pass.
    """

    spans: tuple[Span, ...]
    skip: tuple[bytes, ...] = ()

    def dumps(self) -> str:
        """The region as a short JSON text, for the story's row."""
        spans = [[s.start, s.end, s.lead] for s in self.spans]
        return json.dumps(
            {
                "spans": [[part.decode("latin-1") for part in span] for span in spans],
                "skip": [tag.decode("latin-1") for tag in self.skip],
            },
            ensure_ascii=False,
        )

    @staticmethod
    def loads(text: str | None) -> Region | None:
        """The region stored by :meth:`dumps` (None for none, or an unreadable one).

        Cached (regions are immutable): every check of a story reads the same text, and
        the stories of one site mostly share theirs; parsing it was a quarter of a
        volatile page's fingerprint.
        """
        return _loads(text) if text else None


@lru_cache(maxsize=1024)
def _loads(text: str) -> Region | None:
    try:
        data = json.loads(text)
        spans = tuple(Span(*(part.encode("latin-1") for part in parts)) for parts in data["spans"])
        skip = tuple(tag.encode("latin-1") for tag in data.get("skip", ()))
    except (ValueError, TypeError, KeyError, UnicodeEncodeError):
        return None
    return Region(spans, tuple(t for t in skip if t in _SKIPPABLE)) if spans else None


def cut(page: bytes, region: Region) -> list[bytes] | None:
    """The region's bytes in ``page``, span by span; None when an anchor is missing."""
    parts: list[bytes] = []
    pos = 0
    for span in region.spans:
        if span.lead:
            pos = page.find(span.lead, pos)
            if pos < 0:
                return None
        start = page.find(span.start, pos)
        if start < 0:
            return None
        end = page.find(span.end, start + len(span.start))
        if end < 0:
            return None
        pos = end + len(span.end)
        parts.append(page[start:pos])
    return parts


def _hash_region(parts: Sequence[bytes], skip: tuple[bytes, ...]) -> str:
    digest = hashlib.sha256()  # with SHA extensions, twice blake2b's speed
    for part in parts:
        if skip:
            _hash_around(digest, part, skip)
        else:  # a region with no script or style is hashed in one pass
            digest.update(part)
        digest.update(b"\x00")
    return REGION_PREFIX + digest.hexdigest()[:32]


def _hash_around(digest: Any, part: bytes, skip: tuple[bytes, ...]) -> None:
    """Hash ``part`` without its ``skip`` elements (``<script>…</script>``, ``<style>…``).

    CSP nonces and ad code inside an article body change on every fetch. Each
    tag's next position is found once with ``bytes.find`` (a fast scan, not a
    regex) and looked for again only once the hash has passed it.
    """
    openings = [b"<" + tag for tag in skip]
    closings = [b"</" + tag + b">" for tag in skip]
    nxt = [part.find(opening) for opening in openings]
    pos = 0
    while True:
        live = [(at, k) for k, at in enumerate(nxt) if at >= 0]
        if not live:
            break
        at, k = min(live)
        close = part.find(closings[k], at)
        if close < 0:
            break  # an element that never ends: hash the rest as it is
        digest.update(part[pos:at])
        pos = close + len(closings[k])
        for j, found in enumerate(nxt):
            if 0 <= found < pos:
                nxt[j] = part.find(openings[j], pos)
    digest.update(part[pos:] if pos else part)


def fingerprint(page: bytes, *, region: Region | None = None, min_words: int = 0) -> str:
    """The page's fingerprint: a hash of its located article ``region``, or of its text.

    With the story's region the cost is a few ``bytes.find`` calls and a
    blake2b of the region (under a sha256 of the whole page). Without one, or
    when the region's anchors are not on the page, it is :func:`text_fingerprint`.
    """
    if region is not None:
        parts = cut(page, region)
        if parts is not None:
            return _hash_region(parts, region.skip)
    return text_fingerprint(page, min_words=min_words)


# -- locating the region ----------------------------------------------------------------

_TOKEN = re.compile(
    rb"<!--.*?-->"
    rb"|<(script|style|noscript|template|svg|textarea|iframe|select)\b[^>]*>.*?</\1\s*>"
    rb"|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*>",
    re.S | re.I,
)
# Elements whose text belongs to the block around them, and elements with no content.
_INLINE = frozenset(
    b"a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span "
    b"strong sub sup time u var wbr br img".split()
)
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_WORD = re.compile(r"\w+")
_SEEN = 48  # normalised characters of a paragraph that must be found in a block
_COVERED = 400  # normalised characters of a paragraph that must be in the region


@dataclass
class _Element:
    tag: bytes
    start: int  # offset of "<"
    open_end: int  # offset after the start tag's ">"
    parent: int
    close_start: int = -1  # offset of the end tag's "<" (-1: never closed)
    close_end: int = -1
    text: list[bytes] | None = None


def _elements(page: bytes) -> list[_Element]:
    """The page's block elements with their own text (inline children included)."""
    root = _Element(b"#root", 0, 0, -1, len(page), len(page), [])
    elements = [root]
    stack = [0]
    last = 0
    for match in _TOKEN.finditer(page):
        if match.start() > last:
            elements[stack[-1]].text.append(page[last : match.start()])  # type: ignore[union-attr]
        last = match.end()
        name = match.group(3)
        if name is None:
            continue  # a comment, a script, a style: no text of the article
        tag = name.lower()
        if tag in _INLINE or tag in _VOID:
            continue
        if match.group(2):  # an end tag: close up to the matching open element
            for depth in range(len(stack) - 1, 0, -1):
                if elements[stack[depth]].tag == tag:
                    for index in stack[depth:]:
                        if elements[index].close_start < 0:
                            elements[index].close_start = match.start()
                            elements[index].close_end = match.end()
                    del stack[depth:]
                    break
            continue
        if tag == b"p" and elements[stack[-1]].tag == b"p":  # <p> closes an open <p>
            stack.pop()
        elements.append(_Element(tag, match.start(), match.end(), stack[-1], text=[]))
        stack.append(len(elements) - 1)
    if last < len(page):
        elements[stack[-1]].text.append(page[last:])  # type: ignore[union-attr]
    for index in stack[1:]:  # never closed: they run to where their parent ends
        element = elements[index]
        if element.close_start < 0:
            element.close_start = element.close_end = elements[element.parent].close_start
    return elements


def _normal(text: str) -> str:
    return "".join(_WORD.findall(text.lower()))


def _blocks_of(page: bytes, elements: list[_Element]) -> tuple[str, list[int], list[int]]:
    """All blocks' normalised text in one string, with where each block's text starts."""
    pieces: list[str] = []
    starts: list[int] = []
    owners: list[int] = []
    size = 0
    for index, element in enumerate(elements):
        raw = b" ".join(element.text or ())
        if not raw.strip():
            continue
        text = _normal(html.unescape(raw.decode("utf-8", "replace")))
        if not text:
            continue
        starts.append(size)
        owners.append(index)
        pieces.append(text)
        size += len(text) + 1
        pieces.append("\x00")
    return "".join(pieces), starts, owners


def _ancestors(elements: list[_Element], index: int) -> list[int]:
    chain = []
    while index >= 0:
        chain.append(index)
        index = elements[index].parent
    return chain


def _common_ancestor(elements: list[_Element], indexes: Iterable[int]) -> int:
    common: list[int] | None = None
    for index in indexes:
        chain = _ancestors(elements, index)[::-1]  # root first
        if common is None:
            common = chain
            continue
        depth = 0
        while depth < min(len(common), len(chain)) and common[depth] == chain[depth]:
            depth += 1
        common = common[:depth]
    return common[-1] if common else 0


def _start_anchor(page: bytes, element: _Element, after: int) -> bytes | None:
    """The shortest head of the start tag of ``element`` found first from ``after``."""
    tag = page[element.start : element.open_end]
    for size in (64, 128, _MAX_ANCHOR):
        head = tag[:size]
        if page.find(head, after) == element.start:
            return head
        if size >= len(tag):
            break
    return None


def _span(page: bytes, elements: list[_Element], index: int, after: int) -> Span | None:
    """Anchors that find element ``index`` from ``after``: a start tag, its closing run.

    When the start tag is not the first of its kind, the nearest ancestor whose
    start tag is leads to it.
    """
    element = elements[index]
    lead = b""
    start = _start_anchor(page, element, after)
    parent = element.parent
    while start is None and parent > 0:
        ancestor = elements[parent]
        lead_tag = _start_anchor(page, ancestor, after)
        if lead_tag is not None:
            head = _start_anchor(page, element, ancestor.start)
            if head is not None:
                lead, start = lead_tag, head
                break
        parent = ancestor.parent
    if start is None:
        return None
    # The end anchor: the run of end tags (and whitespace) that closes the element,
    # widened forward a tag at a time until its first match after the start is the real one.
    run_start = element.close_start
    while run_start > element.open_end:
        before = page.rfind(b"<", element.open_end, run_start)
        if before < 0 or page[before + 1 : before + 2] != b"/":
            break
        if page[page.find(b">", before) + 1 : run_start].strip():
            break
        run_start = before
    end = element.close_end
    while end - run_start <= _MAX_ANCHOR:
        anchor = page[run_start:end]
        if page.find(anchor, element.start + len(start)) == run_start:
            return Span(start, anchor, lead)
        nxt = page.find(b">", end)
        if nxt < 0:
            break
        end = nxt + 1
    return None


MAIN_SHARE = 0.8  # of the article's text: what the main element of the region holds
MAX_SPANS = 5  # outlying paragraphs (a standfirst above the body) before one wide span


def locate(page: bytes, paragraphs: Sequence[str], title: str | None = None) -> Region | None:
    """The region of ``page`` that holds ``paragraphs`` (and the element of ``title``).

    ``paragraphs`` is what extraction found. Each is looked up by its first
    letters and digits among the page's block elements. The region is the
    deepest element holding most of their text, plus the elements of those
    outside it (a standfirst) and of the headline. None when fewer than nine in
    ten paragraphs are found on the page (text the page builds with scripts) or
    no anchors find the region again.
    """
    if not paragraphs:
        return None
    elements = _elements(page)
    joined, starts, owners = _blocks_of(page, elements)
    found: list[tuple[int, int]] = []
    missing = 0
    last = 0
    for paragraph in paragraphs:
        key = _normal(paragraph)[:_SEEN]
        # Paragraphs come in page order: look after the last one first (paragraphs
        # that open alike), then anywhere.
        at = _find_block(joined, key, last, starts, owners, elements) if key else -1
        if at < 0 and key:
            at = _find_block(joined, key, 0, starts, owners, elements)
        if at < 0:
            missing += len(paragraph)
            continue
        last = at + 1
        found.append((owners[bisect_right(starts, at) - 1], len(paragraph)))
    total = sum(len(p) for p in paragraphs)
    if not found or missing * 10 > total:
        return None
    chosen = _cover(elements, found, total)
    head = _title_element(elements, joined, starts, owners, title)
    if head is not None and not any(_inside(elements, head, c) for c in chosen):
        chosen.append(head)
    chosen.sort(key=lambda index: elements[index].start)
    spans = _spans(page, elements, chosen)
    if spans is None and len(chosen) > 1:  # one wide span, if the narrow ones are not unique
        spans = _spans(page, elements, [_common_ancestor(elements, chosen)])
    if spans is None:
        return None
    region = Region(tuple(spans))
    parts = cut(page, region) or []
    skip = tuple(t for t in _SKIPPABLE if any(b"<" + t in part for part in parts))
    return Region(region.spans, skip)


def _find_block(
    joined: str,
    key: str,
    start: int,
    starts: list[int],
    owners: list[int],
    elements: list[_Element],
) -> int:
    at = joined.find(key, start)
    while at >= 0 and elements[owners[bisect_right(starts, at) - 1]].tag == b"title":
        at = joined.find(key, at + 1)  # the page's <title>, not its text
    return at


def _spans(page: bytes, elements: list[_Element], chosen: list[int]) -> list[Span] | None:
    spans: list[Span] = []
    after = 0
    for index in chosen:
        span = _span(page, elements, index, after)
        if span is None:
            return None
        spans.append(span)
        after = elements[index].close_end
    return spans


def _inside(elements: list[_Element], index: int, ancestor: int) -> bool:
    while index >= 0:
        if index == ancestor:
            return True
        index = elements[index].parent
    return False


def _cover(elements: list[_Element], found: list[tuple[int, int]], total: int) -> list[int]:
    """Disjoint elements holding every found paragraph: a main one and a few outliers."""
    weight: dict[int, int] = {}
    depth: dict[int, int] = {}
    for index, size in found:
        chain = _ancestors(elements, index)
        for level, ancestor in enumerate(chain):
            weight[ancestor] = weight.get(ancestor, 0) + size
            depth[ancestor] = len(chain) - level
    main = max((a for a, w in weight.items() if w >= MAIN_SHARE * total), key=depth.__getitem__)
    chosen = {main} | {index for index, _ in found if not _inside(elements, index, main)}
    # An outlier that holds the main element (a dateline set in the body's wrapper) wins.
    chosen = {c for c in chosen if not any(o != c and _inside(elements, c, o) for o in chosen)}
    if len(chosen) > MAX_SPANS:
        return [_common_ancestor(elements, [index for index, _ in found])]
    return sorted(chosen)


def _title_element(
    elements: list[_Element],
    joined: str,
    starts: list[int],
    owners: list[int],
    title: str | None,
) -> int | None:
    """The headline's element (not the page's ``<title>``), or None."""
    key = _normal(title or "")[:_SEEN]
    if not key:
        return None
    at = joined.find(key)
    while at >= 0:
        index = owners[bisect_right(starts, at) - 1]
        if elements[index].tag != b"title":
            return index
        at = joined.find(key, at + 1)
    return None


def covers(page: bytes, region: Region, paragraphs: Sequence[str]) -> bool:
    """True when every one of ``paragraphs`` lies inside the region on ``page``."""
    parts = cut(page, region)
    if parts is None:
        return False
    text = _normal(html.unescape(_TAGS.sub(b" ", b" ".join(parts)).decode("utf-8", "replace")))
    return all(_normal(p)[:_COVERED] in text for p in paragraphs)
