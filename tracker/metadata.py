"""Metadata: a page's headline furniture and times, read as data, and how two versions differ.

The headline is what an editor watches first, and pages carry several: the
``<title>`` tag, ``og:title`` for social cards and the on-page ``<h1>``. Each is
read by its own XPath (:data:`XPATHS`, data apart from the code that applies
them), as are the subheadline (``og:description`` / ``description``), the byline
and the published and updated times (meta tags and JSON-LD). The dateline
("YEREVAN, Armenia (AP) —") is read from the first paragraph of the text.

:func:`article_meta` gives a version's fields as a plain dict (what the store
keeps); :func:`meta_changes` lists the fields that differ, headline first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from tracker import limits
from tracker.model import Article, MetaChange
from tracker.printable import without_surrogates

# field -> XPath expressions, first match wins. Values are normalised afterwards.
XPATHS: dict[str, tuple[str, ...]] = {
    "title_tag": ("//head/title/text()", "//title/text()"),
    "og_title": (
        "//meta[@property='og:title']/@content",
        "//meta[@name='og:title']/@content",
        "//meta[@name='twitter:title']/@content",
    ),
    "h1": ("//article//h1", "//main//h1", "//h1"),
    "subheadline": (
        "//meta[@property='og:description']/@content",
        "//meta[@name='description']/@content",
        "//meta[@name='twitter:description']/@content",
    ),
    "byline": (
        "//meta[@name='author']/@content",
        "//meta[@property='article:author']/@content",
        "//*[@rel='author']",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')]",
    ),
    "published": (
        "//meta[@property='article:published_time']/@content",
        "//meta[@name='pubdate']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//time[@itemprop='datePublished']/@datetime",
    ),
    "site": ("//meta[@property='og:site_name']/@content",),
    "updated": (
        "//meta[@property='article:modified_time']/@content",
        "//meta[@property='og:updated_time']/@content",
        "//meta[@itemprop='dateModified']/@content",
        "//time[@itemprop='dateModified']/@datetime",
    ),
}
# JSON-LD keys that fill a field the meta tags left empty.
JSON_LD_KEYS = {
    "og_title": "headline",
    "subheadline": "description",
    "published": "datePublished",
    "updated": "dateModified",
}

# A dateline opening the first paragraph: "YEREVAN, Armenia (AP) —", "PARIS —", "LONDON, May 3 -".
DATELINE = re.compile(
    r"^((?:[A-Z][A-Z.'\-]+(?: [A-Z][A-Z.'\-]+){0,3})"
    r"(?:,\s*[A-Z][\w.'\-]+(?: [A-Z][\w.'\-]+){0,2})?"
    r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"
    r"(?:\s*\([A-Za-z][\w .&'-]{0,30}\))?)"
    r"\s*(?:--|[-—–])\s+"
)

# The order and the labels people read them by; the headline comes first.
FIELDS: dict[str, str] = {
    "headline": "Headline",
    "subheadline": "Subheadline",
    "byline": "Byline",
    "dateline": "Dateline",
    "published": "Published",
    "updated": "Updated",
    "h1": "On-page headline (<h1>)",
    "og_title": "Social headline (og:title)",
    "title_tag": "Page title (<title>)",
    "site": "Outlet",
}
# Fields that decide whether a version is new (times alone do not: some pages stamp every fetch).
TEXT_FIELDS = ("headline", "subheadline", "byline", "dateline", "h1", "og_title", "title_tag")
_SPACES = re.compile(r"\s+")


def _clean(value: Any) -> str | None:
    text = _SPACES.sub(" ", str(value)).strip() if value is not None else ""
    # JSON-LD may spell a lone surrogate ("\udcff"), which json.loads keeps.
    return limits.field(without_surrogates(text)) or None


def read_html_meta(html: str) -> dict[str, str]:
    """The fields :data:`XPATHS` finds on a page (empty ones left out); never raises."""
    try:
        import lxml.html

        doc = lxml.html.document_fromstring(html)
    except (ValueError, TypeError, ImportError, Exception):  # lxml's ParserError is an Exception
        return {}
    return read_tree_meta(doc)


def read_tree_meta(doc: Any) -> dict[str, str]:
    """:func:`read_html_meta` of a page parsed already (an lxml tree; not changed)."""
    found: dict[str, str] = {}
    for name, paths in XPATHS.items():
        for path in paths:
            for hit in doc.xpath(path):
                value = _clean(hit.text_content() if hasattr(hit, "text_content") else hit)
                if value:
                    found[name] = value
                    break
            if name in found:
                break
    for name, key in JSON_LD_KEYS.items():
        if name not in found and (value := _json_ld(doc, key)):
            found[name] = value
    return found


def _json_ld(doc: Any, key: str) -> str | None:
    for script in doc.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(script)
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get(key), str):
                return _clean(item[key])
    return None


def dateline(paragraphs: tuple[str, ...]) -> str | None:
    """The dateline that opens the story's first paragraph, if it has one."""
    if not paragraphs:
        return None
    match = DATELINE.match(paragraphs[0])
    return _clean(match.group(1)) if match else None


def article_meta(article: Article) -> dict[str, str]:
    """A version's headline and metadata fields (only the ones it has)."""
    fields = dict(article.meta)
    fields["headline"] = article.title or ""
    fields["byline"] = article.byline or fields.get("byline", "")
    fields["published"] = article.published or fields.get("published", "")
    fields.setdefault("dateline", dateline(article.paragraphs) or "")
    return {k: v for k in FIELDS if (v := _clean(fields.get(k)) or "")}


def meta_text(meta: Mapping[str, str]) -> str:
    """The fields that decide whether a version is new, as one canonical text."""
    return "\n".join(f"{k}={meta[k]}" for k in TEXT_FIELDS if meta.get(k))


def meta_changes(
    a: Mapping[str, str] | None, b: Mapping[str, str] | None
) -> tuple[MetaChange, ...]:
    """The fields that differ from A to B, headline first.

    The page's other headlines (``<h1>``, ``og:title``, ``<title>``) are listed only where
    they changed differently from the headline, so one edit is reported once.
    """
    a, b = a or {}, b or {}
    out: list[MetaChange] = []
    headline = (a.get("headline"), b.get("headline"))
    for name, label in FIELDS.items():
        before, after = a.get(name), b.get(name)
        if before == after:
            continue
        if name in ("h1", "og_title", "title_tag") and _same_edit((before, after), headline):
            continue
        out.append(MetaChange(name, label, before, after))
    return tuple(out)


def _same_edit(
    pair: tuple[str | None, str | None], headline: tuple[str | None, str | None]
) -> bool:
    """True when a page headline changed exactly as the headline did ("X | Site" → "Y | Site")."""
    if pair == headline:
        return True
    (before, after), (h_before, h_after) = pair, headline
    if not (before and after and h_before and h_after):
        return False
    if before.startswith(h_before) and after.startswith(h_after):
        return before[len(h_before) :] == after[len(h_after) :]
    return False


def meta_json(change: MetaChange) -> dict[str, Any]:
    return {
        "field": change.field,
        "label": change.label,
        "before": change.before,
        "after": change.after,
        "summary": change.summary,
    }
