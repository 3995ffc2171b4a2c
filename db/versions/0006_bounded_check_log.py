"""bounded check log and located article regions

``check_days``: the check log rolled up per story, day and outcome (rows older
than the retention window end up here). ``stories.article_region``: where the
story's article sits in its page, for the fingerprint (``tracker.fingerprint``).
An index on ``checks.checked_at`` lets a retention run find old rows by time.

Revision ID: 0006
Revises: 0002 (re-chained to 0005 at merge)
Create Date: 2026-12-02 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stories", sa.Column("article_region", sa.Text(), nullable=True))
    op.create_table(
        "check_days",
        sa.Column(
            "story_id",
            sa.Integer(),
            sa.ForeignKey("stories.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("outcome", sa.String(24), primary_key=True),
        sa.Column("checks", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("elapsed_ms", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_check_days_day", "check_days", ["day"])
    op.create_index("ix_checks_checked_at", "checks", ["checked_at"])


def downgrade() -> None:
    op.drop_index("ix_checks_checked_at", table_name="checks")
    op.drop_index("ix_check_days_day", table_name="check_days")
    op.drop_table("check_days")
    # A plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of ``stories`` would
    # drop the old table, and with foreign keys on that deletes every story's versions.
    op.drop_column("stories", "article_region")
