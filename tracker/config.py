"""The configuration file ``tracker.toml``: sources, per-site rules, alert targets, the feed.

Found by ``--config PATH``, else ``TRACKER_CONFIG``, else
``$XDG_CONFIG_HOME/tracker/tracker.toml`` (``~/.config/tracker/tracker.toml``)
when it exists; without one, the command-line flags alone apply. Every problem
is reported with its line: tomllib gives the position of a syntax error, and a
schema error is placed on the line of the key (or table) it is about. The
sites' rules are applied by the stages they concern (:mod:`tracker.sites`);
``tracker run`` reads the file again when it changes or on SIGHUP
(:class:`tracker.jobs.LiveSettings`).

    base_url = "https://desk.example/tracker"   # where --feed-dir is served
    feed_dir = "/var/www/tracker"               # relative: to this file's folder

    [[sources]]
    url = "https://news.example/world/rss.xml"
    label = "World"
    every = "5m"                 # how often the feed is re-read
    story_every = "2m"           # a fixed interval for its stories (default adaptive)
    include = ["/world/"]        # regular expressions on article URLs
    exclude = ["/live/"]
    keywords = ["ferry", "quake"]
    archive = false              # Wayback Machine Save Page Now for each new version

    [sites."news.example"]
    markers = ["^This story will be updated\\.$"]   # extra breaking-update markers
    corrections = ["^Correction:"]                   # correction-note patterns
    selector = "article .story-body"                 # CSS selector for extraction
    every = "3m"                                     # interval of its stories

    [[alerts]]
    name = "desk"
    apprise = "mailto://user:pass@smtp.example?to=desk@example.org"
    labels = ["World"]
    min_significance = "fact"    # fact | minor | style
    digest = "15m"               # one message per 15 minutes
    backoff = "30s"              # first retry of a failed delivery, doubling up to 1 h
    kinds = ["stealth_edit", "correction"]   # only these alerts (also: fact_change,
                                             # retraction, story_gone); default all

    [[alerts]]
    name = "bot"
    webhook = "https://bot.example/hook"
    secret = "…"                 # HMAC-SHA256 key of the X-Tracker-Signature header

    [archive]
    endpoint = "https://web.archive.org"
    access_key = "…"
    secret_key = "…"
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.alerts import ALERT_KINDS, Target, default_name
from tracker.archive import ArchiveSettings
from tracker.errors import InputError
from tracker.sites import SiteBook, SiteRules
from tracker.store.sources import SourceSettings

TOP_KEYS = {"base_url", "feed_dir", "sources", "sites", "alerts", "archive"}
SOURCE_KEYS = {"url", "label", "every", "story_every", "include", "exclude", "keywords", "archive"}
SITE_KEYS = {"markers", "corrections", "selector", "every"}
ALERT_KEYS = {
    "name",
    "apprise",
    "webhook",
    "secret",
    "sources",
    "labels",
    "min_significance",
    "digest",
    "backoff",
    "kinds",
}
ARCHIVE_KEYS = {"endpoint", "access_key", "secret_key"}


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    base_url: str | None = None
    feed_dir: Path | None = None
    sources: tuple[SourceSettings, ...] = ()
    sites: dict[str, SiteRules] = field(default_factory=dict)
    alerts: tuple[Target, ...] = ()
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)

    def site(self, host: str) -> SiteRules | None:
        """The rules of ``host`` (or of its nearest parent domain in ``[sites]``)."""
        return self.book.for_host(host)

    @property
    def book(self) -> SiteBook:
        return SiteBook(self.sites)


@dataclass(frozen=True)
class ConfigProblem:
    line: int | None
    where: str  # the key path, e.g. alerts[2].min_significance
    message: str

    def __str__(self) -> str:
        at = f":{self.line}" if self.line else ""
        where = f"{self.where}: " if self.where else ""
        return f"{at}: {where}{self.message}"


class ConfigError(InputError):
    """A configuration file that cannot be used; ``problems`` lists every one, with lines."""

    def __init__(self, path: Path, problems: list[ConfigProblem]) -> None:
        self.path = path
        self.problems = problems
        first = problems[0]
        more = (
            f" (and {len(problems) - 1} more; see: tracker config check)"
            if len(problems) > 1
            else ""
        )
        super().__init__(f"{path}{first}{more}")


def default_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "tracker" / "tracker.toml"


def find_config(path: str | Path | None) -> Path | None:
    """The file to read: ``path``, else ``TRACKER_CONFIG``, else the default if it exists."""
    if path:
        return Path(path).expanduser()
    if os.environ.get("TRACKER_CONFIG"):
        return Path(os.environ["TRACKER_CONFIG"]).expanduser()
    found = default_path()
    return found if found.is_file() else None


def load_config(path: str | Path | None = None) -> Config:
    """The configuration (empty without a file); ConfigError names every problem's line."""
    found = find_config(path)
    if found is None:
        return Config()
    try:
        text = found.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{found}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{found}: cannot read the configuration ({exc})") from None
    return parse_config(text, found)


def parse_config(text: str, path: Path) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_syntax_problem(exc)]) from None
    checker = _Checker(_KeyLines(text))
    config = checker.config(data, path)
    if checker.problems:
        raise ConfigError(path, checker.problems)
    return config


def _syntax_problem(exc: tomllib.TOMLDecodeError) -> ConfigProblem:
    message = str(exc)
    line = getattr(exc, "lineno", None)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", message)
    if found:
        line = line or int(found.group(1))
        message = message[: found.start()] + f" (column {found.group(2)})"
    elif "(at end of document)" in message:
        message = message.replace(" (at end of document)", " at the end of the file")
        line = line or message.count("\n") or None
    return ConfigProblem(line, "", f"TOML syntax: {message}")


# -- where each key is ---------------------------------------------------------------

_TABLE = re.compile(r"^\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")


class _KeyLines:
    """Line numbers of tables and keys, by path (arrays of tables counted from 0)."""

    def __init__(self, text: str) -> None:
        self.lines: dict[tuple[Any, ...], int] = {}
        counts: dict[tuple[Any, ...], int] = {}
        table: tuple[Any, ...] = ()
        in_string: str | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                if line.count(in_string) % 2 == 1:
                    in_string = None
                continue
            head = _TABLE.match(line)
            if head and not _KEY.match(line):
                parts = tuple(_unquote(p) for p in _PART.findall(head.group(2)))
                if head.group(1) == "[[":
                    index = counts.get(parts, 0)
                    counts[parts] = index + 1
                    table = (*parts, index)
                else:
                    table = parts
                self.lines.setdefault(table, number)
                continue
            key = _KEY.match(line)
            if key:
                parts = tuple(_unquote(p) for p in _PART.findall(key.group(1)))
                self.lines.setdefault((*table, *parts), number)
                for quote in ('"""', "'''"):
                    if line.count(quote) % 2 == 1:
                        in_string = quote

    def line(self, path: tuple[Any, ...]) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None


def _unquote(part: str) -> str:
    return part[1:-1] if part[:1] in "\"'" else part


def _where(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


# -- the schema ----------------------------------------------------------------------


class _Checker:
    def __init__(self, lines: _KeyLines) -> None:
        self.lines = lines
        self.problems: list[ConfigProblem] = []

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.problems.append(ConfigProblem(self.lines.line(path), _where(path), message))

    def config(self, data: dict[str, Any], path: Path) -> Config:
        self.unknown((), data, TOP_KEYS)
        base_url = self.string(("base_url",), data.get("base_url"))
        if base_url and not base_url.startswith(("http://", "https://")):
            self.fail(("base_url",), "must be an http(s) URL")
        feed_dir = self.string(("feed_dir",), data.get("feed_dir"))
        sources = [
            s
            for i, item in enumerate(self.tables(("sources",), data.get("sources")))
            if (s := self.source(("sources", i), item)) is not None
        ]
        sites = {}
        raw_sites = data.get("sites", {})
        if not isinstance(raw_sites, dict):
            self.fail(("sites",), "must be a table of host names")
        else:
            for host, rules in raw_sites.items():
                site = self.site(("sites", host), host, rules)
                if site is not None:
                    sites[host.lower()] = site
        alerts = [
            t
            for i, item in enumerate(self.tables(("alerts",), data.get("alerts")))
            if (t := self.alert(("alerts", i), item)) is not None
        ]
        names = [t.name for t in alerts]
        for i, target in enumerate(alerts):
            if names.count(target.name) > 1 and names.index(target.name) != i:
                self.fail(("alerts", i, "name"), f"another target is named {target.name!r}")
        archive = self.archive(("archive",), data.get("archive", {}))
        return Config(
            path=path,
            base_url=base_url,
            feed_dir=_beside(path, feed_dir) if feed_dir else None,
            sources=tuple(sources),
            sites=sites,
            alerts=tuple(alerts),
            archive=archive,
        )

    def unknown(self, path: tuple[Any, ...], table: dict[str, Any], known: set[str]) -> None:
        for key in table:
            if key not in known:
                hint = ", ".join(sorted(known))
                self.fail((*path, key), f"unknown key {key!r} (known: {hint})")

    def tables(self, path: tuple[Any, ...], value: Any) -> list[dict[str, Any]]:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(path, f"must be an array of tables ([[{path[-1]}]])")
            return []
        return value

    def string(self, path: tuple[Any, ...], value: Any, *, required: bool = False) -> str | None:
        if value is None:
            if required:
                self.fail(path, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, f"must be a non-empty string (got {value!r})")
            return None
        return value.strip()

    def strings(self, path: tuple[Any, ...], value: Any, *, regex: bool = False) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(path, "must be a string or an array of strings")
            return ()
        if regex:
            for item in value:
                try:
                    re.compile(item)
                except re.error as exc:
                    self.fail(path, f"not a regular expression: {item!r} ({exc})")
        return tuple(value)

    def duration(self, path: tuple[Any, ...], value: Any) -> int | None:
        from tracker.scheduler import parse_duration

        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return round(value)
        try:
            return round(parse_duration(str(value)))
        except InputError as exc:
            self.fail(path, str(exc))
            return None

    def boolean(self, path: tuple[Any, ...], value: Any) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false (got {value!r})")
            return False
        return value

    def source(self, path: tuple[Any, ...], item: dict[str, Any]) -> SourceSettings | None:
        from tracker.discover import normalise

        self.unknown(path, item, SOURCE_KEYS)
        url = self.string((*path, "url"), item.get("url"), required=True)
        normal = normalise(url) if url else None
        if url and normal is None:
            self.fail((*path, "url"), f"not an http(s) URL: {url!r}")
        every = self.duration((*path, "every"), item.get("every"))
        settings = SourceSettings(
            url=normal or "",
            label=self.string((*path, "label"), item.get("label")),
            every_seconds=every or 300,
            story_every_seconds=self.duration((*path, "story_every"), item.get("story_every")),
            include=self.strings((*path, "include"), item.get("include"), regex=True),
            exclude=self.strings((*path, "exclude"), item.get("exclude"), regex=True),
            keywords=self.strings((*path, "keywords"), item.get("keywords")),
            archive=self.boolean((*path, "archive"), item.get("archive")),
        )
        return settings if normal else None

    def site(self, path: tuple[Any, ...], host: str, rules: Any) -> SiteRules | None:
        if not isinstance(rules, dict):
            self.fail(path, "must be a table of rules")
            return None
        self.unknown(path, rules, SITE_KEYS)
        selector = self.string((*path, "selector"), rules.get("selector"))
        if selector:
            try:
                from lxml.cssselect import CSSSelector

                CSSSelector(selector)
            except ImportError:
                pass
            except Exception as exc:  # cssselect's SelectorSyntaxError and friends
                self.fail((*path, "selector"), f"not a CSS selector: {selector!r} ({exc})")
        return SiteRules(
            host=host.lower(),
            markers=self.strings((*path, "markers"), rules.get("markers"), regex=True),
            corrections=self.strings((*path, "corrections"), rules.get("corrections"), regex=True),
            selector=selector,
            every_seconds=self.duration((*path, "every"), rules.get("every")),
        )

    def alert(self, path: tuple[Any, ...], item: dict[str, Any]) -> Target | None:
        self.unknown(path, item, ALERT_KEYS)
        apprise_url = self.string((*path, "apprise"), item.get("apprise"))
        webhook = self.string((*path, "webhook"), item.get("webhook"))
        if bool(apprise_url) == bool(webhook):
            self.fail(path, "give exactly one of apprise = URL or webhook = URL")
            return None
        kind = "apprise" if apprise_url else "webhook"
        url = apprise_url or webhook or ""
        if apprise_url:
            import apprise

            if not apprise.Apprise().add(apprise_url):
                self.fail((*path, "apprise"), "not an Apprise URL Apprise can use")
        elif not url.startswith(("http://", "https://")):
            self.fail((*path, "webhook"), f"a webhook must be an http(s) URL (got {url!r})")
        significance = self.string((*path, "min_significance"), item.get("min_significance"))
        if significance and significance not in ("fact", "minor", "style"):
            self.fail(
                (*path, "min_significance"),
                f"must be fact, minor or style (got {significance!r})",
            )
            significance = None
        kinds = self.strings((*path, "kinds"), item.get("kinds"))
        unknown = [k for k in kinds if k not in ALERT_KINDS]
        if unknown:
            self.fail(
                (*path, "kinds"),
                f"not an alert kind: {unknown[0]!r} (kinds: {', '.join(ALERT_KINDS)})",
            )
            kinds = ()
        if item.get("secret") is not None and kind != "webhook":
            self.fail((*path, "secret"), "only a webhook target takes a secret")
        try:
            return Target(
                name=self.string((*path, "name"), item.get("name")) or default_name(kind, url),
                kind=kind,  # type: ignore[arg-type]
                url=url,
                secret=self.string((*path, "secret"), item.get("secret")),
                sources=_source_refs(self.strings((*path, "sources"), item.get("sources"))),
                labels=self.strings((*path, "labels"), item.get("labels")),
                min_significance=significance or "fact",
                digest_seconds=self.duration((*path, "digest"), item.get("digest")),
                backoff_seconds=self.duration((*path, "backoff"), item.get("backoff")),
                kinds=kinds,
            )
        except InputError:
            return None  # already reported above

    def archive(self, path: tuple[Any, ...], item: Any) -> ArchiveSettings:
        if not isinstance(item, dict):
            self.fail(path, "must be a table")
            return ArchiveSettings()
        self.unknown(path, item, ARCHIVE_KEYS)
        endpoint = self.string((*path, "endpoint"), item.get("endpoint"))
        if endpoint and not endpoint.startswith(("http://", "https://")):
            self.fail((*path, "endpoint"), "must be an http(s) URL")
        return ArchiveSettings(
            endpoint=endpoint or ArchiveSettings.endpoint,
            access_key=self.string((*path, "access_key"), item.get("access_key")),
            secret_key=self.string((*path, "secret_key"), item.get("secret_key")),
        )


def _source_refs(refs: tuple[str, ...]) -> tuple[str, ...]:
    """A target's ``sources``: URLs normalised as followed sources are (labels kept as given)."""
    from tracker.discover import normalise

    web = ("http://", "https://")
    return tuple((normalise(r) or r) if r.lower().startswith(web) else r for r in refs)


def _beside(config: Path, folder: str) -> Path:
    """A relative folder is relative to the configuration file's own folder."""
    found = Path(folder).expanduser()
    return found if found.is_absolute() else config.parent / found
