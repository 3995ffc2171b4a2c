"""headline metadata and correction notes per version

``versions.meta``: the headline and metadata fields of a version (headline,
subheadline, byline, dateline, published, updated, and the page's ``<h1>``,
``og:title`` and ``<title>``) as one JSON object; ``versions.notes``: the
correction and editor's notes found in its text. Both are NULL on versions
stored before this revision (their title, byline and published columns stand
in for the metadata, and notes are found from the stored text when asked).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on every backend: a batch (copy-and-rename) rebuild of ``versions`` on
# SQLite would cascade-delete its version_sentences rows when the old table is dropped.


def upgrade() -> None:
    op.add_column("versions", sa.Column("meta", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("versions", sa.Column("notes", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    for column in ("notes", "meta"):
        op.execute(f"ALTER TABLE versions DROP COLUMN {column}")  # SQLite >= 3.35, PostgreSQL
