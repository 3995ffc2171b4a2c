"""Discover: the article links a fetched source lists — an RSS/Atom feed, a sitemap, a section page.

Parsing is done by libraries: feedparser for RSS and Atom, lxml for sitemaps
(``urlset`` with Google News ``<news:news>`` entries, and ``sitemapindex``), lxml
for the links of an HTML page, filtered by courlan (navigation, login and
file links dropped; URLs normalised: scheme and host lower case, tracking
parameters dropped, query sorted, fragment removed).

:func:`discover` never fetches: a sitemap index answers with the child sitemaps
to read next (``Discovery.children``), and the caller fetches them through the
project's fetcher.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import courlan
from courlan import filters as url_filters

from tracker.urls import URL_CHARS

SourceKind = Literal["feed", "sitemap", "page"]

# The last path segment of an article URL on a section or home page: a slug of
# three or more words, a long number (a story id), or a page name with an extension.
ARTICLE_SEGMENT = re.compile(
    r"(?:[^/]*[a-z0-9]-[^/]*-[^/]*[a-z0-9])|(?:\d{5,})|(?:[^/]+\.s?html?)$", re.I
)
_SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
_NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_CHILD_SITEMAPS = 10  # the most recently modified children of an index that are read


@dataclass(frozen=True)
class Link:
    """An article a source lists: its normalised URL and what the source says about it."""

    url: str
    title: str | None = None
    summary: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class Discovery:
    """What a source document holds: its kind, article links, and child sitemaps to read."""

    kind: SourceKind
    links: tuple[Link, ...] = ()
    children: tuple[str, ...] = field(default=())
    title: str | None = None


class NotASource(ValueError):
    """The document is neither a feed, a sitemap nor an HTML page with article links."""


def normalise(url: str) -> str | None:
    """The URL a story is tracked under, or None when it is not an http(s) URL or is too
    long to store (one such link made PostgreSQL refuse the whole feed)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    try:
        clean = courlan.normalize_url(url)
    except (ValueError, AttributeError):
        return None
    normal = urldefrag(clean)[0]
    return normal if len(normal) <= URL_CHARS else None


def sniff(body: bytes, content_type: str | None) -> SourceKind:
    """Which kind of document this is, from its content type and its first element."""
    head = body[:2048].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    kind = (content_type or "").lower()
    if any(t in kind for t in ("rss", "atom")):
        return "feed"
    if "html" in kind or b"<html" in head or b"<!doctype html" in head or b"<a " in body.lower():
        return "page"
    if "xml" in kind and b"<urlset" in body[:65536].lower():
        return "sitemap"
    raise NotASource("not a feed, a sitemap or an HTML page")


def discover(body: bytes, url: str, content_type: str | None = None) -> Discovery:
    """The links (and child sitemaps) of one fetched source document at ``url``."""
    kind = sniff(body, content_type)
    if kind == "feed":
        return _feed(body, url)
    if kind == "sitemap":
        return _sitemap(body, url)
    return _page(body, url)


def _feed(body: bytes, url: str) -> Discovery:
    import feedparser

    parsed = feedparser.parse(body, response_headers={"content-location": url})
    if parsed.bozo and not parsed.entries:
        raise NotASource(f"not a readable feed: {parsed.get('bozo_exception')}")
    links = []
    for entry in parsed.entries:
        href = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("href")), None
        )
        target = normalise(urljoin(url, href)) if href else None
        if target is None:
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(
            Link(
                url=target,
                title=entry.get("title"),
                summary=entry.get("summary"),
                published=datetime(*stamp[:6], tzinfo=UTC) if stamp else None,
            )
        )
    return Discovery("feed", tuple(_unique(links)), title=parsed.feed.get("title"))


def _sitemap(body: bytes, url: str) -> Discovery:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise NotASource(f"not a readable sitemap: {exc}") from None
    if root is None:
        raise NotASource("not a readable sitemap: empty document")
    ns = {"s": _SITEMAP_NS, "n": _NEWS_NS}
    tag = etree.QName(root).localname
    if tag == "sitemapindex":
        found = []
        for node in list(root.iterfind("s:sitemap", ns)) or list(root.iterfind("sitemap")):
            loc = _text(node, "s:loc", ns) or _text(node, "loc", {})
            if loc:
                found.append((_text(node, "s:lastmod", ns) or "", urljoin(url, loc)))
        found.sort(key=lambda pair: pair[0], reverse=True)
        children = tuple(dict.fromkeys(loc for _, loc in found[:MAX_CHILD_SITEMAPS]))
        return Discovery("sitemap", children=children)
    links = []
    nodes = list(root.iterfind("s:url", ns)) or list(root.iterfind("url"))
    for node in nodes:
        loc = _text(node, "s:loc", ns) or _text(node, "loc", {})
        target = normalise(urljoin(url, loc)) if loc else None
        if target is None:
            continue
        title = _text(node, "n:news/n:title", ns)
        stamp = _text(node, "n:news/n:publication_date", ns) or _text(node, "s:lastmod", ns)
        links.append(Link(url=target, title=title, published=_iso(stamp)))
    return Discovery("sitemap", tuple(_unique(links)))


def _page(body: bytes, url: str) -> Discovery:
    import lxml.html

    try:
        doc = lxml.html.document_fromstring(body, base_url=url)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise NotASource(f"not a readable HTML page: {exc}") from None
    doc.make_links_absolute(url, resolve_base_href=True)
    host = (urlsplit(url).hostname or "").lower()
    here = normalise(url)
    links = []
    for anchor in doc.iterfind(".//a[@href]"):
        target = normalise(anchor.get("href", ""))
        if target is None or target == here or (urlsplit(target).hostname or "") != host:
            continue
        if not is_article_url(target):
            continue
        title = " ".join(anchor.text_content().split()) or None
        links.append(Link(url=target, title=title))
    title = doc.findtext(".//title")
    return Discovery("page", tuple(_unique(links)), title=title.strip() if title else None)


def is_article_url(url: str) -> bool:
    """Whether a link on a section page looks like an article (courlan's filters, then a slug)."""
    if courlan.is_navigation_page(url) or courlan.is_not_crawlable(url):
        return False
    path = urlsplit(url).path
    if not url_filters.extension_filter(path):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(last) and ARTICLE_SEGMENT.search(last) is not None


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())


def _text(node: object, path: str, ns: dict[str, str]) -> str | None:
    found = node.find(path, ns) if ns else node.find(path)  # type: ignore[attr-defined]
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def _iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
