"""Sites: the per-site rules of ``tracker.toml``, where each stage of the pipeline asks for them.

A site is a host name; its rules cover its subdomains too (``news.example`` covers
``www.news.example``). Each stage asks for the rules of the page it handles:

- extraction (:mod:`tracker.extract`): ``selector``, a CSS selector naming the
  article's text, used in place of trafilatura's guess when it matches the page;
- sections (:mod:`tracker.sections`): ``markers``, extra breaking-update markers;
- notes (:mod:`tracker.notes`): ``corrections``, extra correction-note patterns;
- the schedule (:mod:`tracker.poll`): ``every``, the interval of the site's stories
  that have no ``--every`` of their own.

``tracker run`` (and ``tracker poll --config``) publish the rules of their
configuration with :func:`publish`: a small JSON file named by ``TRACKER_SITES``,
which the extraction processes read too. The file is read again when it changes
(checked at most once a second), so a reloaded configuration reaches every process.
Without it no site has rules.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ENV = "TRACKER_SITES"
RECHECK = 1.0  # seconds between looks at the published file


@dataclass(frozen=True)
class SiteRules:
    """Rules for one site (host name): extra markers, correction notes, a selector, intervals."""

    host: str
    markers: tuple[str, ...] = ()
    corrections: tuple[str, ...] = ()
    selector: str | None = None
    every_seconds: int | None = None


@dataclass(frozen=True)
class SiteBook:
    """The rules of every configured site, by host name."""

    sites: Mapping[str, SiteRules] = field(default_factory=dict)

    def for_host(self, host: str | None) -> SiteRules | None:
        """The rules of ``host`` or of the nearest parent domain that has some."""
        host = (host or "").lower().rstrip(".")
        while host:
            if host in self.sites:
                return self.sites[host]
            host = host.partition(".")[2]
        return None

    def for_url(self, url: str | None) -> SiteRules | None:
        if not url or not self.sites:
            return None
        try:
            return self.for_host(urlsplit(url).hostname)
        except ValueError:
            return None


def rules_for(url: str | None, *, fresh: bool = False) -> SiteRules | None:
    """The published rules of the site of ``url`` (None: no rules for it).

    ``fresh``: look at the published file now, not up to RECHECK seconds ago. The
    extraction stages ask so: a page fetched just after a reload must be read with the
    new rules, or it is stored as unchanged and its validators hide it from then on.
    """
    return active(fresh=fresh).for_url(url) if url else None


def every_for(url: str) -> float | None:
    """The site's interval for a story with no ``--every`` of its own."""
    rules = rules_for(url)
    return float(rules.every_seconds) if rules and rules.every_seconds else None


def salted(fingerprint: str, url: str) -> str:
    """A page fingerprint marked with its site's extraction rules, so that a page whose rules
    changed (a new selector, marker or note pattern) is extracted again, and its article
    region located again, although its bytes did not change."""
    rules = rules_for(url)
    if rules is None or not (rules.selector or rules.markers or rules.corrections):
        return fingerprint
    key = json.dumps([rules.selector, rules.markers, rules.corrections]).encode()
    return f"{fingerprint}~{hashlib.sha1(key).hexdigest()[:8]}"


def publish(book: SiteBook) -> Path:
    """Make ``book`` the rules of this process and of the processes it starts from now on
    (``TRACKER_SITES``); published again, it replaces the file they all read."""
    known = os.environ.get(ENV)
    if known and Path(known).name == "sites.json" and Path(known).parent.name.startswith(_PREFIX):
        path = Path(known)
    else:
        folder = tempfile.mkdtemp(prefix=_PREFIX)
        # Removed when this process ends (the processes it starts have ended by then).
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        path = Path(folder) / "sites.json"
    write(book, path)
    os.environ[ENV] = str(path)
    _cache.clear()
    return path


_PREFIX = "tracker-sites-"


def write(book: SiteBook, path: Path) -> Path:
    """``book`` as JSON in ``path``, replaced atomically (a reader sees the old or the new)."""
    document = {host: asdict(rules) for host, rules in sorted(book.sites.items())}
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(document, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, path)
    return path


def load(path: str | Path) -> SiteBook:
    """The rules published in ``path`` (an empty book when it is missing or unreadable)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return SiteBook()
    sites = {}
    for host, rules in document.items():
        sites[host] = SiteRules(
            host=host,
            markers=tuple(rules.get("markers") or ()),
            corrections=tuple(rules.get("corrections") or ()),
            selector=rules.get("selector"),
            every_seconds=rules.get("every_seconds"),
        )
    return SiteBook(sites)


_cache: dict[str, tuple[float, tuple[int, int, int], SiteBook]] = {}


def active(*, fresh: bool = False) -> SiteBook:
    """The book named by ``TRACKER_SITES``, read again when the file changes."""
    path = os.environ.get(ENV)
    if not path:
        return SiteBook()
    now = time.monotonic()
    cached = _cache.get(path)
    if cached is not None and not fresh and now - cached[0] < RECHECK:
        return cached[2]
    try:
        stat = os.stat(path)
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = (0, 0, 0)
    if cached is not None and cached[1] == key:
        _cache[path] = (now, key, cached[2])
        return cached[2]
    book = load(path)
    _cache[path] = (now, key, book)
    return book
