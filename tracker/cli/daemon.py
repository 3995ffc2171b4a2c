"""What ``tracker run`` does besides polling: its options for sources, alerts, the feed, archiving.

The configuration file (``--config``) and the flags are merged here into one
:class:`tracker.jobs.SideSettings`; flags add to the file's alert targets and
override its ``base_url`` and ``feed_dir``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.printable import printable

if TYPE_CHECKING:
    from tracker.config import Config
    from tracker.jobs import LiveSettings, SideSettings
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
    """Merge file and flags; follow the file's sources; publish its sites' rules to this
    process and the processes it starts (:func:`tracker.sites.publish`)."""
    from tracker.jobs import SideSettings
    from tracker.sites import publish
    from tracker.store.sources import follow_source

    config = merged_config(config_path, base_url, alert, webhook, webhook_secret)
    for source in config.sources:  # a site's `every` reaches its stories through the poller
        follow_source(store, source)
    publish(config.book)  # read by the extraction processes too, again when it changes
    return SideSettings(
        targets=config.alerts,
        base_url=config.base_url,
        feed_dir=feed_dir or config.feed_dir,
        archive=config.archive,
    )


def live_settings(
    store: Store,
    config_path: Path | None,
    feed_dir: Path | None,
    base_url: str | None,
    alert: list[str] | None,
    webhook: list[str] | None,
    webhook_secret: str | None,
) -> LiveSettings:
    """The side settings of ``tracker run``, made again from the file when it changes or on
    SIGHUP (targets, filters, sources, sites' rules, base URL, feed folder)."""
    from tracker.config import find_config
    from tracker.jobs import LiveSettings

    def load() -> SideSettings:
        return side_settings(store, config_path, feed_dir, base_url, alert, webhook, webhook_secret)

    return LiveSettings(load(), load, find_config(config_path))


def log_source(report: SourceReport) -> None:
    if report.outcome == "not_modified":
        return
    if report.outcome == "error":
        what = f"error: {printable(report.error)}"
    else:
        what = f"{report.listed} listed, {report.matched} matched, {len(report.added)} new"
    logging.getLogger("tracker.sources").info("source %s: %s", printable(report.url), what)
