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


# The researchers' view of versions (0005), with the flag as its last column.
_STORY_VERSIONS = """
CREATE VIEW story_versions AS
SELECT s.id AS story_id, s.url AS url, v.id AS version_id, v.number AS version,
       v.fetched_at AS fetched_at, v.title AS title, v.byline AS byline,
       v.published AS published, v.words AS words, v.marker AS marker,
       v.reverts_to AS reverts_to, v.final_url AS final_url,
       (SELECT COUNT(*) FROM version_sentences vs WHERE vs.version_id = v.id) AS sentences,
       (v.facts IS NOT NULL) AS facts_extracted,
       (SELECT COUNT(*) FROM diff_fact_changes c JOIN version_diffs d ON d.id = c.diff_id
         WHERE d.version_id = v.id AND d.kind = 'versions' AND c.significance = 'fact')
         AS fact_changes{suspect}
FROM versions v JOIN stories s ON s.id = v.story_id
"""


def upgrade() -> None:
    op.add_column(
        "stories",
        sa.Column("allow_private", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("versions", sa.Column("suspect", sa.Text(), nullable=True))
    op.execute("DROP VIEW IF EXISTS story_versions")
    op.execute(_STORY_VERSIONS.format(suspect=",\n       v.suspect AS suspect"))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS story_versions")
    op.execute(_STORY_VERSIONS.format(suspect=""))
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35): a batch copy of ``stories`` would
    # drop the old table, and with foreign keys on that deletes every story's versions.
    op.drop_column("versions", "suspect")
    op.drop_column("stories", "allow_private")
