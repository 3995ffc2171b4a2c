"""What ``tracker run`` does besides polling: its options for sources, alerts, the feed, archiving.

The configuration file (``--config``) and the flags are merged here into one
:class:`tracker.jobs.SideSettings`; flags add to the file's alert targets and
override its ``base_url`` and ``feed_dir``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.printable import printable
from tracker.render.json import iso

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.jobs import SideSettings
    from tracker.sources import SourceReport
    from tracker.store import Store

ConfigPath = Annotated[
    Path | None,
    typer.Option(
        "--config",
        envvar="TRACKER_CONFIG",
        help="Configuration file [default: ~/.config/tracker/tracker.toml when it exists].",
        show_default=False,
    ),
]
FeedDir = Annotated[
    Path | None,
    typer.Option("--feed-dir", help="Keep all.atom, source-N.atom and HTML diffs here."),
]
BaseUrl = Annotated[
    str | None,
    typer.Option("--base-url", help="Where --feed-dir is served (links in alerts and feeds)."),
]
AlertUrls = Annotated[
    list[str] | None,
    typer.Option("--alert", help="An Apprise URL to alert (mailto://, slack://, ntfy://, …)."),
]
WebhookUrls = Annotated[
    list[str] | None,
    typer.Option("--webhook", help="A URL to POST signed JSON alerts to."),
]
WebhookSecret = Annotated[
    str | None,
    typer.Option(
        "--webhook-secret",
        envvar="TRACKER_WEBHOOK_SECRET",
        help="The HMAC-SHA256 key for --webhook signatures (also TRACKER_WEBHOOK_SECRET).",
    ),
]


def merged_config(
    config_path: Path | None,
    base_url: str | None = None,
    alert: list[str] | None = None,
    webhook: list[str] | None = None,
    webhook_secret: str | None = None,
) -> Config:
    """The configuration file's settings with the command line's targets added."""
    from dataclasses import replace

    from tracker.alerts import apprise_target, webhook_target
    from tracker.config import load_config
    from tracker.errors import InputError

    config = load_config(config_path)
    targets = list(config.alerts)
    for url in alert or ():
        import apprise

        if not apprise.Apprise().add(url):
            raise InputError(f"--alert {url!r}: not an Apprise URL Apprise can use")
        targets.append(apprise_target(url))
    for url in webhook or ():
        targets.append(webhook_target(url, webhook_secret))
    if base_url and not base_url.startswith(("http://", "https://")):
        raise InputError(f"--base-url {base_url!r}: must be an http(s) URL")
    return replace(config, alerts=tuple(targets), base_url=base_url or config.base_url)


def side_settings(
    store: Store,
    config_path: Path | None,
    feed_dir: Path | None,
    base_url: str | None,
    alert: list[str] | None,
    webhook: list[str] | None,
    webhook_secret: str | None,
) -> SideSettings:
    """Merge file and flags; follow the file's sources; apply its sites' markers."""
    from dataclasses import replace
    from urllib.parse import urlsplit

    from tracker.config import markers_file
    from tracker.jobs import SideSettings
    from tracker.store.sources import follow_source

    config = merged_config(config_path, base_url, alert, webhook, webhook_secret)
    for source in config.sources:
        site = config.site(urlsplit(source.url).hostname or "")
        if source.story_every_seconds is None and site and site.every_seconds:
            source = replace(source, story_every_seconds=site.every_seconds)
        follow_source(store, source)
    markers = markers_file(config, Path(tempfile.mkdtemp(prefix="tracker-markers-")))
    if markers is not None:  # read by the extraction processes too (they inherit it)
        os.environ["TRACKER_MARKERS"] = str(markers)
    return SideSettings(
        targets=config.alerts,
        base_url=config.base_url,
        feed_dir=feed_dir or config.feed_dir,
        archive=config.archive,
    )


def log_source(report: SourceReport) -> None:
    from tracker.store import utcnow

    if report.outcome == "not_modified":
        return
    if report.outcome == "error":
        what = f"error: {printable(report.error)}"
    else:
        what = f"{report.listed} listed, {report.matched} matched, {len(report.added)} new"
    print(f"{iso(utcnow())} source {printable(report.url)}: {what}", file=sys.stderr)
