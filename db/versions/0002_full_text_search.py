"""full-text search over sentences

SQLite: an external-content FTS5 table over ``sentences`` kept in sync by
triggers. PostgreSQL: a GIN index on ``to_tsvector('simple', text)``. Both are
left out of autogenerate's comparison (``db/env.py``), which cannot model them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    "CREATE VIRTUAL TABLE sentences_fts USING fts5("
    "text, content='sentences', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER sentences_fts_insert AFTER INSERT ON sentences BEGIN "
    "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER sentences_fts_delete AFTER DELETE ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "END",
    "CREATE TRIGGER sentences_fts_update AFTER UPDATE ON sentences BEGIN "
    "INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO sentences_fts(sentences_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS sentences_fts_update",
    "DROP TRIGGER IF EXISTS sentences_fts_delete",
    "DROP TRIGGER IF EXISTS sentences_fts_insert",
    "DROP TABLE IF EXISTS sentences_fts",
)
POSTGRESQL_UP = (
    "CREATE INDEX IF NOT EXISTS ix_sentences_text_fts ON sentences "
    "USING GIN (to_tsvector('simple', text))",
)
POSTGRESQL_DOWN = ("DROP INDEX IF EXISTS ix_sentences_text_fts",)


def _run(statements: dict[str, tuple[str, ...]]) -> None:
    for statement in statements.get(op.get_bind().dialect.name, ()):
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
