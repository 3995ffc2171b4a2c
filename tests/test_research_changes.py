"""Fact changes as data: every version's diffs stored as rows, read through the SQL views."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text, update

from tests.conftest import DEMO_V1, DEMO_V2
from tracker.ingest import ingest_file
from tracker.research import changes
from tracker.research.worker import work
from tracker.store import Store
from tracker.store import database as database_module
from tracker.store.schema import VersionDiff

URL = "https://news.example.org/2026/quake"
LEDE = "HARBIN, Borduria (AP) -- A strong earthquake shook the river port of Harbin on Tuesday."
TOLL = "At least {n} people were killed and 140 were injured, the health ministry said."
TAIL = "Rescue crews searched collapsed apartment blocks through the night with dogs and lamps."


def _versions(tmp_path: Path, *tolls: int) -> list[Path]:
    paths = []
    for i, n in enumerate(tolls):
        path = tmp_path / f"v{i + 1}.txt"
        path.write_text("\n\n".join([LEDE, TOLL.format(n=n), TAIL]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _ingest(store: Store, paths: list[Path], *, facts: bool = True) -> None:
    for hour, path in enumerate(paths, start=8):
        ingest_file(store, URL, path, at=datetime(2026, 3, 3, hour, tzinfo=UTC), facts=facts)


def _rows(store: Store, sql: str) -> list[tuple]:
    with store.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def _revised_down(store: Store) -> list[tuple]:
    return _rows(
        store,
        "SELECT url, a_version, b_version, before_number, after_number, source, certainty "
        "FROM fact_changes WHERE slot = 'count' AND after_number < before_number",
    )


def _check_revised_toll(store: Store, tmp_path: Path) -> None:
    _ingest(store, _versions(tmp_path, 32, 60, 45))
    done = changes.derive_pending(store)
    assert done.versions == 3
    assert _revised_down(store) == [(URL, 2, 3, 60.0, 45.0, "health ministry", "said")]
    up = _rows(store, "SELECT before_value, after_value FROM fact_changes WHERE b_version = 2")
    assert ("At least 32 people", "At least 60 people") in up


def test_a_revised_toll_is_found_with_sql_on_sqlite(store: Store, tmp_path: Path) -> None:
    _check_revised_toll(store, tmp_path)


def test_a_revised_toll_is_found_with_sql_on_postgresql(pg_database: str, tmp_path: Path) -> None:
    with Store(pg_database) as store:
        _check_revised_toll(store, tmp_path)
        assert _rows(store, "SELECT version, sentences FROM story_versions ORDER BY version") == [
            (1, 3),
            (2, 3),
            (3, 3),
        ]


def test_evidence_points_at_the_sentences_of_both_versions(store: Store, tmp_path: Path) -> None:
    _ingest(store, _versions(tmp_path, 32, 60))
    changes.derive_pending(store)
    row = _rows(
        store,
        "SELECT c.a_sentence_ids, c.b_sentence_ids, c.evidence_a, c.evidence_b "
        "FROM fact_changes c WHERE c.slot = 'count'",
    )[0]
    a_ids, b_ids = (tuple(int(x) for x in v.strip("[]").split(",")) for v in row[:2])
    texts = dict(_rows(store, "SELECT id, text FROM sentences"))
    assert texts[a_ids[0]] == row[2] == TOLL.format(n=32)
    assert texts[b_ids[0]] == row[3] == TOLL.format(n=60)


def test_sentence_ops_view_gives_both_texts_of_every_op(store: Store, tmp_path: Path) -> None:
    _ingest(store, _versions(tmp_path, 32, 60))
    changes.derive_pending(store)
    ops = _rows(
        store, "SELECT op, a_text, b_text FROM sentence_ops WHERE b_version = 2 ORDER BY position"
    )
    assert ops == [
        ("equal", LEDE, LEDE),
        ("edited", TOLL.format(n=32), TOLL.format(n=60)),
        ("equal", TAIL, TAIL),
    ]


def test_update_against_earlier_story_is_stored_too(store: Store) -> None:
    url = "https://apnews.com/article/armenia-azerbaijan"
    ingest_file(store, url, DEMO_V1)
    ingest_file(store, url, DEMO_V2)
    changes.derive_pending(store)
    kinds = _rows(store, "SELECT diff, a_version, b_version, COUNT(*) FROM fact_changes GROUP BY 1")
    assert {k[0] for k in kinds} == {"versions", "sections"}
    sections = _rows(store, "SELECT a_version, b_version FROM fact_changes WHERE diff='sections'")
    assert set(sections) == {(2, 2)}
    agent = _rows(
        store,
        "SELECT before_value, after_value, source FROM fact_changes "
        "WHERE diff = 'versions' AND slot = 'agent'",
    )
    assert agent == [("unclear", "Azerbaijan", "Azerbaijan")]


def test_rows_of_another_engine_are_derived_again(store: Store, tmp_path: Path) -> None:
    _ingest(store, _versions(tmp_path, 32, 60))
    changes.derive_pending(store)
    before = _rows(store, "SELECT * FROM fact_changes")
    with store.session() as session:
        session.execute(update(VersionDiff).values(engine="0.0.1+old"))
    assert changes.stale_count(store) == 2
    assert changes.derive_pending(store).versions == 2
    assert changes.derive_pending(store).versions == 0
    assert _rows(store, "SELECT DISTINCT engine FROM version_diffs") == [(changes.ENGINE,)]
    after = _rows(store, "SELECT * FROM fact_changes")
    assert [r[:-1] for r in after] == [r[:-1] for r in before]


def test_the_facts_job_parses_and_derives_what_the_poller_stored(
    store: Store, tmp_path: Path
) -> None:
    _ingest(store, _versions(tmp_path, 32, 60), facts=False)
    assert _rows(store, "SELECT COUNT(*) FROM fact_changes") == [(0,)]
    done = work(store, batch=1)
    assert len(done.parsed) == 2
    assert done.derived.versions == 2
    assert len(_rows(store, "SELECT * FROM fact_changes WHERE slot = 'count'")) == 1


def test_a_version_waits_for_the_facts_of_the_one_before(store: Store, tmp_path: Path) -> None:
    first, second = _versions(tmp_path, 32, 60)
    _ingest(store, [first], facts=False)
    ingest_file(store, URL, second, at=datetime(2026, 3, 3, 9, tzinfo=UTC))
    assert changes.derive_pending(store).versions == 0
    work(store)
    assert changes.stale_count(store) == 0


def downgrade(url: str, revision: str) -> None:
    """Take the database at ``url`` down to ``revision`` (the next Store upgrades it again)."""
    engine = database_module.make_engine(url)
    config = database_module.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
    engine.dispose()


def _check_backfill_on_upgrade(url: str, tmp_path: Path) -> None:
    with Store(url) as store:
        _ingest(store, _versions(tmp_path, 32, 60))
    downgrade(url, "0004")  # the revision before 0005
    with Store(url) as store:
        assert len(_rows(store, "SELECT * FROM fact_changes WHERE slot = 'count'")) == 1
        assert changes.stale_count(store) == 0


def test_upgrade_backfills_the_rows_of_parsed_versions(tmp_path: Path) -> None:
    _check_backfill_on_upgrade(f"sqlite:///{tmp_path / 'old.db'}", tmp_path)


def test_upgrade_backfills_on_postgresql(pg_database: str, tmp_path: Path) -> None:
    _check_backfill_on_upgrade(pg_database, tmp_path)


@pytest.mark.parametrize("view", ["story_versions", "fact_changes", "sentence_ops"])
def test_views_exist_on_a_new_database(store: Store, view: str) -> None:
    assert _rows(store, f"SELECT COUNT(*) FROM {view}") == [(0,)]


def test_datasette_opens_the_database_with_the_views(store: Store, tmp_path: Path) -> None:
    datasette_app = pytest.importorskip("datasette.app")
    import asyncio

    _ingest(store, _versions(tmp_path, 60, 45))
    changes.derive_pending(store)
    path = store.engine.url.database

    async def ask() -> tuple[list[str], list[dict]]:
        ds = datasette_app.Datasette([path])
        name = Path(path).stem
        views = (await ds.client.get(f"/{name}.json")).json()["views"]
        sql = "select before_number, after_number from fact_changes where slot = 'count'"
        rows = await ds.client.get(f"/{name}.json", params={"sql": sql, "_shape": "objects"})
        return [v["name"] for v in views], rows.json()["rows"]

    views, rows = asyncio.run(ask())
    assert {"story_versions", "fact_changes", "sentence_ops"} <= set(views)
    assert rows == [{"before_number": 60.0, "after_number": 45.0}]


@pytest.mark.parametrize(
    ("shown", "text", "number", "unit", "source", "verb"),
    [
        (
            "At least 60 (health ministry said)",
            "At least 60",
            60.0,
            None,
            "health ministry",
            "said",
        ),
        ("6 miles (10 kilometres)", "6 miles (10 kilometres)", 6.0, "miles", None, None),
        ("more than 1,200 troops", "more than 1,200 troops", 1200.0, None, None, None),
        (
            "an estimated 1.2 million people",
            "an estimated 1.2 million people",
            1.2e6,
            None,
            None,
            None,
        ),
        ("30% of homes (officials claimed)", "30% of homes", 30.0, "%", "officials", "claimed"),
    ],
)
def test_a_shown_value_is_split_into_its_parts(shown, text, number, unit, source, verb) -> None:
    from tracker.research.values import split_value

    value = split_value(shown, numeric=True)
    assert (value.text, value.number, value.unit, value.source, value.verb) == (
        text,
        number,
        unit,
        source,
        verb,
    )


def test_derive_all_and_reparse_start_again(db_url: str, tmp_path: Path, capsys) -> None:
    from tracker.cli import main

    with Store(db_url) as store:
        _ingest(store, _versions(tmp_path, 32, 60), facts=False)
    for args, parsed in ((["derive"], 2), (["derive", "--all"], 0), (["derive", "--reparse"], 2)):
        with pytest.raises(SystemExit) as done:
            main([*args, "--db", db_url, "--json"])
        assert done.value.code in (0, None)
        report = json.loads(capsys.readouterr().out)
        assert (report["parsed"], report["derived"], report["left"]) == (parsed, 2, 0)


def test_the_daemons_facts_job_stores_the_diff_rows(db_url: str, http_server) -> None:
    import asyncio
    import itertools

    from tests.httpserver import Custom, Reply
    from tests.research_fixtures import story_html
    from tracker.fetch import Fetcher, FetchSettings
    from tracker.poll import Poller
    from tracker.scheduler import Daemon, DaemonSettings
    from tracker.store.polling import add_story

    served = itertools.count()

    def respond(_request) -> Reply:  # the first two checks see a toll of 4, later ones 11
        body = story_html(4 if next(served) < 2 else 11).encode()
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), body)

    http_server.route("/s", Custom(respond))
    with Store(db_url) as store:
        add_story(store, http_server.url("/s"), every=1)

        def derived() -> bool:
            return len(_rows(store, "SELECT * FROM fact_changes WHERE slot = 'count'")) == 1

        async def run() -> None:
            settings = FetchSettings(allow_hosts=frozenset({f"127.0.0.1:{http_server.port}"}))
            async with Fetcher(settings) as fetcher:
                poller = Poller(store, fetcher)
                daemon = Daemon(poller, DaemonSettings(tick=0.2, facts_every=0.5))
                try:
                    await daemon.run(until=derived, limit=90)
                finally:
                    poller.close()

        asyncio.run(run())
        assert derived()
        assert _rows(
            store, "SELECT before_number, after_number FROM fact_changes WHERE slot = 'count'"
        ) == [(4.0, 11.0)]


def test_alembic_upgrade_head_run_by_hand_backfills_too(tmp_path: Path) -> None:
    """`alembic -x db=URL upgrade head` (env.py opens its own connection) derives the rows."""
    import argparse

    url = f"sqlite:///{tmp_path / 'old.db'}"
    with Store(url) as store:
        _ingest(store, _versions(tmp_path, 32, 60))
    downgrade(url, "0004")
    by_hand = database_module.alembic_config()
    by_hand.cmd_opts = argparse.Namespace(x=[f"db={url}"])
    command.upgrade(by_hand, "head")
    engine = database_module.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT COUNT(*) FROM fact_changes WHERE slot = 'count'"))
        assert rows.scalar() == 1
    engine.dispose()
