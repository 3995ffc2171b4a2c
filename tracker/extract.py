"""Extract: turn an HTML page or a plain-text article into a normalised :class:`Article`.

HTML goes through trafilatura (main text, title, byline, date). Plain text is
split into paragraphs at blank lines (or at line breaks when the file has no
blank lines, as many archived copies do); a leading headline, byline and photo
credit are lifted into the article's metadata so they are not compared as
story text.

    >>> from tracker.extract import parse_text
    >>> parse_text("Quake hits coast\\n\\nTOKYO (AP) - A quake struck.").title
    'Quake hits coast'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tracker import limits
from tracker.charsets import decode_body
from tracker.errors import InputError
from tracker.markup import drop_elements
from tracker.metadata import read_html_meta, read_tree_meta
from tracker.model import Article
from tracker.sites import rules_for

_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|article|p|div)[\s>]", re.I)
_HTML_SNIFF_TEXT = re.compile(_HTML_SNIFF.pattern.decode(), re.I)
# Scripts (but not JSON-LD metadata), styles and inline SVG: never article text, and
# most of a modern page's bytes. Dropping them first makes trafilatura 2-4x faster
# (57 -> 33 ms on real news pages) with the same extraction. In linear time (tracker.markup):
# a regular expression rescans the page from every unclosed <script>.
_NOT_TEXT = ("script", "style", "svg")
_KEEP = "application/ld+json"
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# Unicode's separators (Zs, Zl, Zp) with tab and newline: not printable, not control characters
_SEPARATORS = re.compile("[\t\n \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_RULE = re.compile(r"^[_\-=*~#\s]{3,}$")  # "___" and similar separator lines

# Lines at the top of a plain-text copy that are page furniture, not story text.
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z].{0,80}"
    r"|.{0,40}\b(?:19|20)\d\d\b.{0,40}\bby\s+[A-Z].{0,60}"
    r"|(?:the\s+)?associated\s+press|(?:[A-Z][\w.'-]+\s){0,3}staff)$",
    re.I,
)
# Page furniture glued between two sentences of a paragraph: an ad label, a "continue
# reading" prompt, a line of a script's code. Removed only where it stands between
# sentence ends, so a sentence that merely mentions "advertisement" keeps it.
_INLINE_FURNITURE = re.compile(
    r"(?:(?<=[.!?\"”’])|^)\s+(?:"
    r"(?:skip )?advertisement|story continues below(?: advertisement)?|continue reading|"
    r"sponsored(?: content)?|scroll to continue|"
    r"(?:window|document|var|let|const)\b(?:[^.!?]|\.(?=\S))*?[=(](?:[^.!?]|\.(?=\S))*?;"
    r")(?=\s+(?:[A-Z“\"(]|$)|\s*$)",
    re.I,
)
_CREDIT = re.compile(r"^[A-Z][\w.' -]{1,60}\s/\s[A-Z][\w&' -]{1,40}$")  # "Jane Doe / AP"
_TERMINAL = ".!?\"'”’)…:"
MAX_TITLE_WORDS = 25
# Fewer words than this from a web page is navigation or a stub, not an article.
MIN_HTML_WORDS = 15


def normalise(text: str) -> str:
    """NFC, one space between words, no stray control characters; keeps quotes as published."""
    text = unicodedata.normalize("NFC", text)
    # Only non-printable characters can be control (C*) ones: skip the per-character pass
    # when every character but separators (Z*), tabs and newlines is printable.
    if not _SEPARATORS.sub("", text).isprintable():
        text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return _SPACES.sub(" ", text).strip()


def read_article(path: str | Path, *, url: str | None = None) -> Article:
    """Read a local HTML page or plain-text article; raise :class:`InputError` on bad input."""
    return parse_bytes(read_file(path), url=url, name=str(path))


def read_file(path: str | Path) -> bytes:
    """A local file's bytes, or :class:`InputError` with a one-line reason."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None


def parse_bytes(data: bytes, *, url: str | None = None, name: str = "input") -> Article:
    """Decode and extract ``data``, HTML or plain text, whichever it is."""
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    limits.check(name, len(data), "bytes", "MAX_PAGE_BYTES")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, expected HTML or plain text")
    if _HTML_SNIFF.search(data[:4096]):
        return parse_html(_decode(data, name, html=True), url=url, name=name)
    return parse_text(_decode(data, name, html=False), name=name)


def parse_page(text: str, *, url: str | None = None, name: str = "input") -> Article:
    """Extract an already-decoded page (the poller's fetcher decodes): HTML or plain text."""
    if _HTML_SNIFF_TEXT.search(text[:4096]):
        return parse_html(text, url=url, name=name)
    return parse_text(text, name=name)


def _decode(data: bytes, name: str, *, html: bool) -> str:
    if html:  # an unknown or lying <meta charset> falls back to detection (tracker.charsets)
        return decode_body(data)[0]
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not valid utf-8 text") from None


def parse_html(html: str, *, url: str | None = None, name: str = "input") -> Article:
    """Extract the article of an HTML page with trafilatura."""
    import trafilatura  # imported here: it is slow to import and plain text does not need it
    from trafilatura.utils import load_html

    html = drop_elements(html, _NOT_TEXT, keep=_KEEP, keep_chars=limits.MAX_JSON_LD_CHARS)
    limits.check(name, html.count("<"), "HTML tags", "MAX_PAGE_TAGS")
    site = rules_for(url, fresh=True) if url else None
    selected = select_paragraphs(html, site.selector) if site and site.selector else ()
    tree = load_html(html)
    if tree is not None:
        _flatten_repeats(tree)
    if selected:  # the site's CSS selector names the article text: no guessing
        meta = read_html_meta(html)
        paragraphs = _clean_paragraphs(list(selected))
        limits.check(name, sum(map(len, paragraphs)), "characters of text", "MAX_ARTICLE_CHARS")
    else:
        # One parse: trafilatura's own, read for the metadata first (trafilatura then prunes
        # a copy). fast: no second-opinion fallback extractors (readability, jusText); 1.5x
        # faster with the same expected snippets and furniture leaks on the real pages.
        meta = read_tree_meta(tree) if tree is not None else read_html_meta(html)
        doc = trafilatura.bare_extraction(
            tree if tree is not None else html,
            url=url,
            with_metadata=False,  # read below: only the fields an Article keeps
            include_comments=False,
            fast=True,
        )
        text = getattr(doc, "text", None) if doc is not None else None
        limits.check(name, len(text or ""), "characters of text", "MAX_ARTICLE_CHARS")
        paragraphs = _clean_paragraphs(text.split("\n")) if text else ()
    if not paragraphs:
        raise InputError(f"{name}: no article text found in the HTML page")
    found = PageFields.read(tree, url)
    title = limits.field(normalise(found.title)) if found.title else None
    headlines = {title, normalise(meta["h1"]) if meta.get("h1") else None} - {None}
    if paragraphs and normalise(paragraphs[0]) in headlines:
        paragraphs = paragraphs[1:]  # trafilatura sometimes repeats the headline as text
    if sum(len(p.split()) for p in paragraphs) < MIN_HTML_WORDS:
        raise InputError(f"{name}: no article text found in the HTML page")
    return Article(
        paragraphs=paragraphs,
        title=title,
        byline=limits.field(normalise(found.author)) if found.author else None,
        published=meta.get("published") or limits.field(found.date()),
        meta=tuple(sorted(meta.items())),
    )


@dataclass(frozen=True)
class PageFields:
    """trafilatura's title, author and (on demand) date of a page: the parts of its
    ``extract_metadata`` an :class:`Article` keeps, read the same way. Its categories, tags,
    licence and site name (2-3 ms a page, a third of the metadata's cost) are not read, and
    its date search (htmldate) runs only for a page whose meta tags give no published time."""

    title: str | None
    author: str | None
    tree: Any
    url: str | None  # the page's own URL (meta tags, JSON-LD), else None
    default_url: str | None  # the URL it was fetched from

    @classmethod
    def read(cls, tree: Any, url: str | None) -> PageFields:
        if tree is None:
            return cls(None, None, None, None, url)
        from trafilatura.metadata import (
            examine_meta,
            extract_author,
            extract_meta_json,
            extract_title,
        )

        found = examine_meta(tree)
        if found.author and " " not in found.author:
            found.author = None  # (as trafilatura does: a single word is no author's name)
        with suppress(Exception):  # its JSON-LD reader has bugs; trafilatura ignores them too
            found = extract_meta_json(tree, found)
        title = found.title or extract_title(tree)
        author = found.author or extract_author(tree)
        return cls(_trimmed(title), _trimmed(author), tree, found.url, url)

    def date(self) -> str | None:
        """The page's date as trafilatura finds it (htmldate: URL, headers, then the text)."""
        if self.tree is None:
            return None
        from trafilatura.metadata import extract_url, find_date
        from trafilatura.settings import set_date_params

        url = self.url or extract_url(self.tree, self.default_url)  # its canonical link
        return _trimmed(find_date(self.tree, **set_date_params(True), url=url))


def _trimmed(value: str | None) -> str | None:
    """A metadata field as trafilatura's Document.clean_and_trim leaves it."""
    if not isinstance(value, str):
        return value
    from html import unescape

    from trafilatura.utils import line_processing

    if len(value) > 10000:
        value = value[:9999] + "…"
    return line_processing(unescape(value))


def _flatten_repeats(tree: Any) -> None:
    """Make elements nested inside another of the same tag, class and id (the runs a page
    of repeated, unclosed chunks makes) unlike it: their class and id go, and a <footer>
    inside a <footer> becomes a <div>.

    trafilatura and htmldate read the tree with XPaths such as ``//footer//a`` or
    ``//div[@class='tags']//a``; libxml2 merges the links under each match with a
    duplicate check, which is quadratic when the matches nest: 46 nested <footer>s took
    14 s, 120 nested <div class="footer"> 180 s, 40 <div class="tags"> 12 s. Whatever
    trafilatura keeps or drops by class or id, it keeps or drops with the outer element
    alike, so nothing it extracts changes; the blocks stay blocks.
    """
    from lxml import etree

    open_now: Counter[tuple[object, str | None, str | None]] = Counter()
    inner = []
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        kind = (element.tag, element.get("class"), element.get("id"))
        if event == "end":
            open_now[kind] -= 1
            continue
        if open_now[kind]:
            inner.append(element)
        open_now[kind] += 1
    for element in inner:
        element.attrib.pop("class", None)
        element.attrib.pop("id", None)
    for element in tree.xpath("//footer[ancestor::footer]"):  # text extraction drops both
        element.tag = "div"


_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption")


def select_paragraphs(html: str, selector: str) -> tuple[str, ...]:
    """The paragraphs of the elements ``selector`` (CSS) matches: their block elements' text,
    or each element's own text when it has none. Empty when nothing matches."""
    import lxml.html
    from lxml.cssselect import CSSSelector

    try:
        doc = lxml.html.document_fromstring(html)
        matches = CSSSelector(selector)(doc)
    except Exception:  # a page lxml cannot parse, a selector cssselect cannot translate
        return ()
    found: list[str] = []
    for element in matches:
        inner = list(element.iter(*_BLOCKS))
        chosen = set(inner)
        blocks = [b for b in inner if not any(a in chosen for a in b.iterancestors())]
        texts = [b.text_content() for b in blocks] if blocks else [element.text_content()]
        found.extend(t for t in (normalise(t) for t in texts) if t)
    return tuple(found)


def parse_text(text: str, *, name: str = "input") -> Article:
    """Split a plain-text article into paragraphs and lift off its headline and byline."""
    text = _MARKUP.sub("", drop_elements(text, _MARKUP_BLOCKS))
    limits.check(name, len(text), "characters of text", "MAX_ARTICLE_CHARS")
    paragraphs = list(_clean_paragraphs(_paragraph_blocks(text)))
    if not paragraphs:
        raise InputError(f"{name}: no article text found")
    title = byline = None
    if len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    if len(paragraphs) > 1 and _BYLINE.match(paragraphs[0]):
        byline = paragraphs.pop(0)
    return Article(paragraphs=tuple(paragraphs), title=title, byline=byline)


def _paragraph_blocks(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n\s*\n", text)
    out: list[str] = []
    for block in blocks:
        lines = [ln for ln in block.split("\n") if ln.strip()]
        if _hard_wrapped(lines):
            out.append(" ".join(lines))
        else:
            out.extend(lines)
    return out


def _hard_wrapped(lines: list[str]) -> bool:
    """True when a block's lines are one paragraph wrapped at a fixed width."""
    if len(lines) < 2:
        return True
    widths = [len(ln) for ln in lines[:-1]]
    return max(widths) <= 100 and not any(ln.rstrip()[-1:] in '.!?"”' for ln in lines[:-1])


def _clean_paragraphs(raw: list[str]) -> tuple[str, ...]:
    cleaned = (normalise(_INLINE_FURNITURE.sub(" ", f" {normalise(p)} ")) for p in raw)
    return tuple(p for p in cleaned if p and not _RULE.match(p) and not _CREDIT.match(p))


def _looks_like_title(paragraph: str) -> bool:
    words = paragraph.split()
    if _SENTENCE_INSIDE.search(paragraph):
        return False  # a sentence ends inside it: a lede with a stray line glued on
    return 0 < len(words) <= MAX_TITLE_WORDS and paragraph[-1] not in _TERMINAL


_SENTENCE_INSIDE = re.compile(r"[a-z]{2,}[.!?][\"”’']?\s+[A-Z<(\[]")
# Markup a text file can carry (a page saved as text, a pasted embed): never story text.
_MARKUP_BLOCKS = ("script", "style", "noscript")
_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
