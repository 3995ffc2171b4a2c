"""versions.facts_error: why a version's facts could not be extracted

The facts job stores an empty fact list and this one-line reason when extraction of
one version fails, so that version is not picked up again and never holds up the
others (issue 13: one 1,000,000-character sentence blocked every later version).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 21:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("versions", sa.Column("facts_error", sa.Text(), nullable=True))


def downgrade() -> None:
    # A plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), as in 0006: a batch copy of
    # ``versions`` would cascade to its sentences.
    op.drop_column("versions", "facts_error")
