"""Shared pytest fixtures: a fresh SQLite store per test, the seed files, the real HTTP server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tracker.store import Store

pytest_plugins = ["tests.fixtures_http"]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5365f7407493eced.txt"
DEMO_V1 = ROOT / "seeds" / "demo" / "v1.txt"
DEMO_V2 = ROOT / "seeds" / "demo" / "v2.txt"

# The PostgreSQL tests use TRACKER_TEST_PG, or this server when it answers, so that a
# plain `make test` on a machine with the documented local PostgreSQL runs them too.
LOCAL_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("TRACKER_TEST_PG"):
        return
    engine = create_engine(LOCAL_PG, connect_args={"connect_timeout": 2})
    try:
        with engine.connect():
            os.environ["TRACKER_TEST_PG"] = LOCAL_PG
    except OperationalError:
        pass  # no server here: the PostgreSQL tests skip
    finally:
        engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tracker.db'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    with Store(db_url) as s:
        yield s


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("TRACKER_TEST_PG")
    if not url:
        pytest.skip(f"no PostgreSQL: set TRACKER_TEST_PG or run one at {LOCAL_PG}")
    return url


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[str]:
    """The URL of a fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
