"""Check-log commands: ``stats`` (checks per day and outcome) and ``prune`` (retention)."""

from __future__ import annotations

import json as jsonlib
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from tracker.cli import app
from tracker.cli.options import Db, Json, NoColor, console, open_store, print_json

Keep = Annotated[
    str,
    typer.Option(
        "--keep", help="Keep per-check rows this long (7d, 36h); older ones become daily counts."
    ),
]


@app.command()
def stats(
    story: Annotated[
        str | None, typer.Option("--story", help="One story's checks (default: all).")
    ] = None,
    days: Annotated[int, typer.Option(help="How many days back.", min=1)] = 30,
    json: Json = False,
    db: Db = None,
    no_color: NoColor = False,
) -> None:
    """Checks per UTC day and outcome, from the check log and its daily roll-up."""
    from rich.table import Table

    from tracker.store.retention import daily_stats, log_size

    since = (datetime.now(UTC) - timedelta(days=days - 1)).date()
    with open_store(db) as store:
        counts = daily_stats(store, url=story, since=since)
        rows, rolled = log_size(store)
    if json:
        doc = {
            "story": story,
            "since": since.isoformat(),
            "check_rows": rows,
            "rolled_up_rows": rolled,
            "days": [
                {
                    "day": c.day.isoformat(),
                    "outcome": c.outcome,
                    "checks": c.checks,
                    "bytes": c.bytes,
                    "elapsed_ms": c.elapsed_ms,
                }
                for c in counts
            ],
        }
        print_json(jsonlib.dumps(doc, indent=2))
        return
    out = console(no_color)
    outcomes = sorted({c.outcome for c in counts})
    table = Table(box=None, pad_edge=False)
    table.add_column("day")
    for outcome in outcomes:
        table.add_column(outcome.replace("_", " "), justify="right")
    table.add_column("total", justify="right")
    table.add_column("MB", justify="right")
    by_day: dict[str, dict[str, int]] = {}
    fetched: dict[str, int] = {}
    for c in counts:
        key = c.day.isoformat()
        by_day.setdefault(key, {})[c.outcome] = c.checks
        fetched[key] = fetched.get(key, 0) + c.bytes
    for key, per in by_day.items():
        table.add_row(
            key,
            *(f"{per.get(o, 0):,}" for o in outcomes),
            f"{sum(per.values()):,}",
            f"{fetched[key] / 1e6:,.1f}",
        )
    if by_day:
        out.print(table)
    else:
        out.print(f"no checks since {since.isoformat()}", markup=False)
    out.print(f"check log: {rows:,} per-check rows, {rolled:,} daily roll-up rows", markup=False)


@app.command()
def prune(keep: Keep = "7d", db: Db = None) -> None:
    """Roll check-log rows older than --keep up into daily counts (tracker run does it hourly).

    Checks that stored a version, and the first and latest check of a story's
    current error, are kept whatever their age.
    """
    from tracker.scheduler import parse_duration
    from tracker.store.retention import roll_up

    seconds = parse_duration(keep)
    with open_store(db) as store:
        report = roll_up(store, keep_days=seconds / 86_400)
    typer.echo(
        f"{report.rolled_up:,} checks older than {keep} rolled up into daily counts; "
        f"kept {report.kept_versions:,} that stored a version and "
        f"{report.kept_errors:,} of current errors"
    )
