"""polling state: a story's remembered --allow-private, flagged (suspect) versions

``stories.allow_private``: ``tracker add --allow-private`` is remembered for that
story, so every later ``poll`` and ``run`` may fetch it from a loopback or private
address without the flag. ``versions.suspect``: why the quality gate doubted a
version's text (a stub, a text that shrank); NULL for an ordinary version. A suspect
text is kept as a flagged version, hidden from history and diffs unless ``--all``.

Revision ID: 0007
Revises: 0006 (the lead re-chains at merge)
Create Date: 2026-12-02 21:05:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "stories",
        sa.Column("allow_private", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("versions", sa.Column("suspect", sa.Text(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of ``stories`` would
    # drop the old table, and with foreign keys on that deletes every story's versions.
    op.drop_column("versions", "suspect")
    op.drop_column("stories", "allow_private")
