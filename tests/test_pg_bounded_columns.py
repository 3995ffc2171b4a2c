"""Words from a page never overflow a bounded column on PostgreSQL (issue 13, item 1's kin).

PostgreSQL enforces VARCHAR lengths that SQLite ignores: a version's ``published`` text
(VARCHAR(64)) or a fact change's unit or verb (VARCHAR(64) / (32)) longer than its column
refused the whole version, or stopped ``derive`` for the database.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tracker.ingest import ingest_file
from tracker.research import changes
from tracker.store import Store
from tracker.store.schema import DiffFactChange, Version

URL = "https://news.example/flood"
PARAGRAPHS = (
    "<p>Police said 12 people were killed when the river burst its banks on Friday.</p>"
    "<p>Schools were closed and about 300 people left their homes as the water rose.</p>"
)


def test_a_long_published_text_is_kept_in_the_metadata_only(
    pg_database: str, tmp_path: Path
) -> None:
    published = "2026-01-01T10:00:00Z " + "x" * 100  # no date, and longer than VARCHAR(64)
    page = tmp_path / "page.html"
    page.write_text(
        f"<html><head><meta property='article:published_time' content='{published}'>"
        f"<title>Flood</title></head><body><article><h1>Flood</h1>{PARAGRAPHS}</article>"
    )
    with Store(pg_database) as store:
        assert ingest_file(store, URL, page).stored
        with store.session() as session:
            version = session.scalars(select(Version)).one()
            assert version.published is None
            assert version.meta is not None and version.meta["published"] == published


def test_derive_fits_a_long_unit_or_verb_into_its_column(
    pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "v1.txt", tmp_path / "v2.txt"
    first.write_text("Flood\n\nPolice said 12 people were killed in the town on Friday.\n")
    second.write_text("Flood\n\nPolice said 15 people were killed in the town on Friday.\n")
    real_diff = changes.semdiff.diff

    def odd_words(a, b):  # type: ignore[no-untyped-def]
        diff = real_diff(a, b)
        facts = tuple(replace(f, unit="u" * 70, certainty="reported" * 5) for f in diff.facts)
        return replace(diff, facts=facts)

    with Store(pg_database) as store:
        ingest_file(store, URL, first)
        ingest_file(store, URL, second)
        monkeypatch.setattr(changes.semdiff, "diff", odd_words)
        derived = changes.derive_version(store, URL, 2)
        assert derived.fact_changes >= 1
        with store.session() as session:
            rows = session.execute(select(DiffFactChange.unit, DiffFactChange.certainty)).all()
        assert rows and all(unit is None and certainty is None for unit, certainty in rows)
