"""Versioned storage: one version per distinct text, reverts, atomic writes, migrations."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import DEMO_V1, DEMO_V2, ROOT, SEED
from tracker.errors import DatabaseError, InputError, NotFoundError
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.store import database as database_module
from tracker.store.schema import Base, SentenceText, Version, VersionSentence

URL = "https://news.example.com/story"


def test_ingesting_the_same_file_twice_stores_one_version(store: Store) -> None:
    first = ingest_file(store, URL, SEED, facts=False)
    second = ingest_file(store, URL, SEED, facts=False)
    assert (first.stored, second.stored) == (True, False)
    assert [v.number for v in store.history(URL)] == [1]


def test_a_return_to_an_earlier_text_is_a_new_version_marked_as_revert(store: Store) -> None:
    ingest_file(store, URL, DEMO_V1, facts=False)
    ingest_file(store, URL, DEMO_V2, facts=False)
    third = ingest_file(store, URL, DEMO_V1, facts=False)
    assert third.stored and third.reverts_to == 1
    assert [(v.number, v.reverts_to) for v in store.history(URL)] == [(1, None), (2, None), (3, 1)]


def test_sentences_are_stored_once_across_versions(store: Store) -> None:
    ingest_file(store, URL, DEMO_V1, facts=False)
    ingest_file(store, URL, DEMO_V2, facts=False)
    with store.session() as session:
        distinct = session.scalar(select(func.count()).select_from(SentenceText))
        referenced = session.scalar(select(func.count()).select_from(VersionSentence))
    assert distinct < referenced  # v2 contains v1's sentences: stored once


def test_stored_version_rebuilds_its_sections(store: Store) -> None:
    ingest_file(store, URL, SEED, facts=False)
    version = store.version(URL)
    assert version.split.kinds == ["update", "earlier"]
    assert version.split.section("earlier").text.startswith("Reflecting the strategic importance")
    assert version.split.marker.startswith("THIS IS A BREAKING NEWS UPDATE")


def test_versions_keep_their_times_and_refuse_going_back(store: Store) -> None:
    from tracker.selectors import parse_time

    ingest_file(store, URL, DEMO_V1, at=parse_time("2020-11-09T10:00:00Z"), facts=False)
    ingest_file(store, URL, DEMO_V2, at=parse_time("2020-11-09T12:00:00Z"), facts=False)
    assert store.history(URL)[1].fetched_at.hour == 12
    with pytest.raises(InputError, match="before the latest version"):
        ingest_file(store, URL, DEMO_V1, at=parse_time("2020-11-09T11:00:00Z"), facts=False)


def test_unknown_story_and_version_are_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="unknown story"):
        store.history("https://nowhere.example/x")
    ingest_file(store, URL, SEED, facts=False)
    with pytest.raises(NotFoundError, match="no version 7"):
        store.version(URL, 7)


def test_invalid_story_url_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="not a story URL"):
        ingest_file(store, "ftp://example.com/x", SEED, facts=False)


def test_sqlite_runs_in_wal_mode_with_foreign_keys(store: Store) -> None:
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_database_from_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    with pytest.raises(DatabaseError, match="newer than this tracker"):
        Store(f"sqlite:///{path}")


def test_corrupt_database_file_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DatabaseError, match="corrupt"):
        Store(f"sqlite:///{path}")


def test_locked_database_is_a_one_line_error(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "locked.db"
    Store(f"sqlite:///{path}").close()
    monkeypatch.setattr(database_module, "SQLITE_BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Store(f"sqlite:///{path}") as store, pytest.raises(DatabaseError, match="locked"):
            ingest_file(store, URL, SEED, facts=False)
    finally:
        holder.rollback()
        holder.close()


def _upgrade_automatically_from_0001(url: str) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    engine = database_module.make_engine(url)
    config = database_module.alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    engine.dispose()
    with Store(url) as store:
        ingest_file(store, URL, SEED, facts=False)
        head = ScriptDirectory.from_config(config).get_current_head()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert store.history(URL)[0].number == 1


def test_older_database_is_upgraded_automatically(tmp_path: Path) -> None:
    _upgrade_automatically_from_0001(f"sqlite:///{tmp_path / 'old.db'}")


def test_older_postgresql_database_is_upgraded_automatically(pg_database: str) -> None:
    _upgrade_automatically_from_0001(pg_database)


def test_alembic_upgrade_head_and_check_agree_with_the_models(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_DB": f"sqlite:///{tmp_path / 'alembic.db'}"}
    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
    upgrade = subprocess.run([*alembic, "upgrade", "head"], env=env, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    check = subprocess.run([*alembic, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


KILL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import tracker.store.repository as repo
    from tracker.ingest import ingest_file
    from tracker.store import Store

    original = repo._sentence_ids
    def slow(session, texts):
        ids = original(session, texts)
        session.flush()
        print("inside-transaction", flush=True)
        time.sleep(60)
        return ids
    repo._sentence_ids = slow
    with Store(sys.argv[1]) as store:
        ingest_file(store, sys.argv[2], sys.argv[3], facts=False)
    """
)


def test_sigkill_mid_ingest_leaves_no_partial_version(db_url: str) -> None:
    with Store(db_url) as store:
        ingest_file(store, URL, DEMO_V1, facts=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, db_url, URL, str(DEMO_V2)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert proc.stdout.readline().strip() == "inside-transaction"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    with Store(db_url) as store:
        assert [v.number for v in store.history(URL)] == [1]
        with store.session() as session:
            rows = session.scalar(select(func.count()).select_from(VersionSentence))
            assert rows == len(store.version(URL, 1).sentences)
        assert ingest_file(store, URL, DEMO_V2, facts=False).number == 2


def test_postgresql_stores_versions_and_reverts(pg_database: str) -> None:
    with Store(pg_database) as store:
        ingest_file(store, URL, DEMO_V1, facts=False)
        ingest_file(store, URL, DEMO_V2, facts=False)
        assert ingest_file(store, URL, DEMO_V2, facts=False).stored is False
        assert ingest_file(store, URL, DEMO_V1, facts=False).reverts_to == 1
        assert store.version(URL, 2).split.kinds == ["update", "earlier"]
        with store.session() as session:
            assert session.scalar(select(func.count()).select_from(Version)) == 3


def test_postgresql_alembic_check_is_clean(pg_database: str) -> None:
    env = {**os.environ, "TRACKER_DB": pg_database}
    alembic = [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini")]
    upgrade = subprocess.run([*alembic, "upgrade", "head"], env=env, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    check = subprocess.run([*alembic, "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_metadata_covers_every_table() -> None:
    assert {"stories", "versions", "sentences", "version_sentences", "checks"} <= set(
        Base.metadata.tables
    )


def test_every_ingest_is_in_the_check_log(store: Store) -> None:
    ingest_file(store, URL, SEED, facts=False)
    ingest_file(store, URL, SEED, facts=False)
    outcomes = [c["outcome"] for c in store.checks(URL)]
    assert outcomes == ["unchanged", "stored"]
    assert store.checks(URL)[0]["bytes"] == SEED.stat().st_size


def test_a_version_stored_without_facts_is_found_by_the_facts_job(store: Store) -> None:
    ingest_file(store, URL, SEED, facts=False)
    assert store.versions_without_facts() == [(URL, 1)]
    store.set_facts(URL, 1, [])
    assert store.versions_without_facts() == []
