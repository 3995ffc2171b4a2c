"""Story URLs: normalised one way everywhere (courlan), and stories named as people name them.

``add``, ``ingest`` and every lookup normalise a URL the same way: scheme and host
in lower case, no default port, no fragment, no tracking parameters (``utm_*``,
``fbclid``, ``gclid``…), query parameters in a stable order. A command that takes
a story also takes its label, its numeric id (``tracker list`` shows it) or a
part of its URL that only one story has.

    >>> normalise_story_url("HTTPS://News.Example:443/b.html?utm_source=x#top")
    'https://news.example/b.html'
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tracker.errors import InputError, require_text

# The longest story URL: the URL columns are VARCHAR(2048) (enforced by PostgreSQL; SQLite
# would store more, but a database must move between the two).
URL_CHARS = 2048


def normalise_story_url(url: str) -> str:
    """The one spelling of a story URL; an InputError if it is not absolute http(s)."""
    from courlan import normalize_url  # imported here: courlan loads its tables on import

    text = require_text(url, "story URL").strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError(f"not a story URL (need http:// or https://): {url!r}")
    try:
        normal = normalize_url(text)
    except (ValueError, AttributeError):
        raise InputError(f"not a story URL: {url!r}") from None
    parts = urlsplit(normal)
    normal = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
    if len(normal) > URL_CHARS:
        raise InputError(
            f"URL is {len(normal):,} characters; the limit is {URL_CHARS:,} "
            "(the longest URL a PostgreSQL database stores)"
        )
    return normal


def looks_like_url(text: str) -> bool:
    return text.strip().lower().startswith(("http://", "https://"))


def url_part(text: str) -> str:
    """A part of a URL as a user pastes it ("…/b.html?utm_source=x"), without its ellipsis,
    fragment and tracking parameters, lower-cased for matching."""
    from courlan.clean import clean_query

    part = text.strip().lstrip("…").removeprefix("...").split("#", 1)[0]
    path, sep, query = part.partition("?")
    query = clean_query(query) if sep else ""
    return (path + (f"?{query}" if query else "")).lower()
