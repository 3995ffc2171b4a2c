"""Shared pytest fixtures: a fresh SQLite store per test, the seed files, the real HTTP server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tracker.store import Store

pytest_plugins = ["tests.fixtures_http"]

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "000_5365f7407493eced.txt"
DEMO_V1 = ROOT / "seeds" / "demo" / "v1.txt"
DEMO_V2 = ROOT / "seeds" / "demo" / "v2.txt"


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
        pytest.skip("TRACKER_TEST_PG not set (PostgreSQL tests run in CI)")
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
