"""Commands that tell people: ``alerts test|send|status``, ``feed``, ``config check``."""

from __future__ import annotations

import json as jsonlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker.cli import app
from tracker.cli.daemon import AlertUrls, BaseUrl, ConfigPath, WebhookSecret, WebhookUrls
from tracker.cli.options import Db, Json, open_store, print_json
from tracker.errors import InputError, TrackerError
from tracker.render.json import iso

alerts_app = typer.Typer(
    help="Alerts on fact changes: test the targets, send what is owed, see the outbox.",
    no_args_is_help=True,
)
config_app = typer.Typer(help="The configuration file (tracker.toml).", no_args_is_help=True)
app.add_typer(alerts_app, name="alerts")
app.add_typer(config_app, name="config")


class SomeFailed(TrackerError):
    exit_code = 1


def _dump(document: dict[str, Any]) -> None:
    print_json(jsonlib.dumps(document, ensure_ascii=False, indent=2))


def _targets(config, alert, webhook, webhook_secret, target=None, base_url=None):  # type: ignore[no-untyped-def]
    from tracker.cli.daemon import merged_config

    merged = merged_config(config, base_url, alert, webhook, webhook_secret)
    targets = list(merged.alerts)
    if target:
        targets = [t for t in targets if t.name in target]
        missing = set(target) - {t.name for t in targets}
        if missing:
            raise InputError(f"no alert target named {sorted(missing)[0]!r}")
    if not targets:
        raise InputError(
            "no alert targets: add [[alerts]] to tracker.toml or give --alert URL / --webhook URL"
        )
    return merged, targets


@alerts_app.command("test")
def alerts_test(
    target: Annotated[
        list[str] | None, typer.Option("--target", help="Only the target with this name.")
    ] = None,
    config: ConfigPath = None,
    alert: AlertUrls = None,
    webhook: WebhookUrls = None,
    webhook_secret: WebhookSecret = None,
    base_url: BaseUrl = None,
    json: Json = False,
) -> None:
    """Send a sample alert to every configured target (or the named ones) now."""
    from tracker.alerts import sample_message
    from tracker.deliver import DeliveryError, send

    merged, targets = _targets(config, alert, webhook, webhook_secret, target, base_url)
    message = sample_message(merged.base_url)
    results = []
    for t in targets:
        try:
            send(t, message)
            results.append({"target": t.name, "kind": t.kind, "ok": True, "error": None})
        except DeliveryError as exc:
            results.append({"target": t.name, "kind": t.kind, "ok": False, "error": str(exc)})
    if json:
        _dump({"results": results})
    else:
        for r in results:
            typer.echo(
                f"{r['target']} ({r['kind']}): {'sent' if r['ok'] else 'failed: ' + r['error']}"
            )
    failed = [r for r in results if not r["ok"]]
    if failed:
        if json:
            sys.exit(1)
        raise SomeFailed(f"{len(failed)} of {len(results)} targets failed")


@alerts_app.command("send")
def alerts_send(
    config: ConfigPath = None,
    alert: AlertUrls = None,
    webhook: WebhookUrls = None,
    webhook_secret: WebhookSecret = None,
    base_url: BaseUrl = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """Record new changes, queue their alerts and deliver what is due (what tracker run does)."""
    from tracker.deliver import deliver_due
    from tracker.jobs import SideSettings, record_and_publish

    merged, targets = _targets(config, alert, webhook, webhook_secret, None, base_url)
    with open_store(db) as store:
        recorded = record_and_publish(
            store, SideSettings(targets=tuple(targets), base_url=merged.base_url)
        )
        done = deliver_due(store, targets, base_url=merged.base_url)
    if json:
        _dump(
            {
                "recorded": recorded,
                "deliveries": [
                    {"target": d.target, "ok": d.ok, "versions": d.entries, "error": d.error}
                    for d in done
                ],
            }
        )
        return
    typer.echo(f"{recorded} new change(s) recorded")
    for d in done:
        state = "sent" if d.ok else f"failed (will retry): {d.error}"
        typer.echo(f"{d.target}: {state} ({d.entries} version(s))")


@alerts_app.command("preview")
def alerts_preview(
    story: Annotated[str, typer.Argument(help="A story's URL, label, id or unique URL part.")],
    version: Annotated[
        str | None, typer.Argument(help="Its version (default: the latest change).")
    ] = None,
    config: ConfigPath = None,
    base_url: BaseUrl = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """The message a target gets for one stored version (--json: the webhook's document)."""
    from tracker.alerts import message_for
    from tracker.changes import record_all, story_change
    from tracker.cli.daemon import merged_config
    from tracker.errors import NotFoundError
    from tracker.selectors import pick_version

    merged = merged_config(config, base_url)
    with open_store(db) as store:
        url = store.resolve(story)
        number = pick_version(version, store.history(url), url) if version else None
        record_all(store)
        change = story_change(store, url, number)
    if change is None:
        what = f"v{number}" if number else "any version"
        raise NotFoundError(f"{url}: no change recorded for {what} (facts not extracted yet?)")
    message = message_for(change, merged.base_url)
    if json:
        _dump(message.document)
        return
    wanted = " (a first version alerts nobody)" if change.first else ""
    typer.echo(f"Subject: {message.title}{wanted}\n\n{message.body}")


@alerts_app.command("status")
def alerts_status(db: Db = None, json: Json = False) -> None:
    """The outbox: messages sent, pending and given up, by target."""
    from tracker.alerts import outbox_counts

    with open_store(db) as store:
        counts = outbox_counts(store)
    if json:
        _dump({"targets": counts})
        return
    if not counts:
        typer.echo("the outbox is empty")
    for name, by_status in sorted(counts.items()):
        parts = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
        typer.echo(f"{name}: {parts}")


@app.command()
def feed(
    source: Annotated[
        str | None, typer.Option("--source", help="Only the stories of this source URL.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the Atom file here.")
    ] = None,
    base_url: BaseUrl = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """The Atom feed of fact changes (one entry per stored version), overall or of one source."""
    from tracker.changes import load_changes, record_changes, record_gone
    from tracker.feed import FEED_ENTRIES, entry_lines, overall_feed, source_feed
    from tracker.sources import check_source_url
    from tracker.store.sources import source_info

    if base_url and not base_url.startswith(("http://", "https://")):
        raise InputError(f"--base-url {base_url!r}: must be an http(s) URL")
    with open_store(db) as store:
        record_gone(store)
        while len(record_changes(store)) == 50:
            pass
        source_id = None
        if source:
            info = source_info(store, check_source_url(source))
            source_id = info.id
            data = source_feed(store, info.id, info.label or info.url, base_url=base_url)
        else:
            data = overall_feed(store, base_url=base_url)
        changes = load_changes(store, source_id=source_id, limit=FEED_ENTRIES)
    if output is not None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise InputError(f"{output}: cannot write ({exc.strerror or exc})") from None
    if json:
        _dump(
            {
                "output": str(output) if output else None,
                "entries": [
                    {
                        "story": c.url,
                        "label": c.label,
                        "version": c.number,
                        "fetched_at": iso(c.fetched_at),
                        "significance": c.significance,
                        "lines": entry_lines(c),
                    }
                    for c in changes
                ],
            }
        )
    elif output is not None:
        typer.echo(f"{output}: {len(changes)} entries")
    else:
        sys.stdout.write(data.decode("utf-8"))


@config_app.command("check")
def config_check(config: ConfigPath = None, json: Json = False) -> None:
    """Validate the configuration file; every problem is printed with its line."""
    from tracker.config import ConfigError, find_config, load_config

    path = find_config(config)
    if path is None:
        raise InputError(
            "no configuration file (give --config PATH or TRACKER_CONFIG; "
            "default ~/.config/tracker/tracker.toml)"
        )
    try:
        loaded = load_config(path)
    except ConfigError as exc:
        if json:
            _dump(
                {
                    "path": str(path),
                    "ok": False,
                    "problems": [
                        {"line": p.line, "key": p.where or None, "message": p.message}
                        for p in exc.problems
                    ],
                }
            )
        else:
            for problem in exc.problems:
                print(f"{path}{problem}", file=sys.stderr)
        sys.exit(2)
    summary = {
        "path": str(path),
        "ok": True,
        "sources": len(loaded.sources),
        "sites": len(loaded.sites),
        "alerts": [t.name for t in loaded.alerts],
        "feed_dir": str(loaded.feed_dir) if loaded.feed_dir else None,
        "base_url": loaded.base_url,
    }
    if json:
        _dump({**summary, "problems": []})
        return

    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    typer.echo(
        f"{path}: ok — {count(len(loaded.sources), 'source')}, {count(len(loaded.sites), 'site')}, "
        f"{count(len(loaded.alerts), 'alert target')} ({', '.join(summary['alerts']) or 'none'})"
    )


@app.command()
def captures(url: str, db: Db = None, json: Json = False) -> None:
    """The Wayback Machine captures kept with a story's versions (sources with --archive)."""
    from tracker.archive import captures as stored_captures
    from tracker.errors import NotFoundError

    with open_store(db) as store:
        store.history(url)  # NotFoundError for an unknown story
        found = stored_captures(store, url)
    if json:
        _dump(
            {
                "story": url,
                "captures": [
                    {"version": n, "capture_url": found[n], "saved": found[n] is not None}
                    for n in sorted(found)
                ],
            }
        )
        return
    if not found:
        raise NotFoundError(f"{url}: no captures (follow its source with --archive)")
    for number in sorted(found):
        typer.echo(f"v{number}  {found[number] or 'capture failed'}")
