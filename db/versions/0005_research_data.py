"""research data: stored diffs (sentence ops, fact changes) and the researchers' views

Tables ``version_diffs``, ``diff_sentence_ops`` and ``diff_fact_changes`` hold every
version's diffs (``tracker.research.changes``); the views ``story_versions``,
``fact_changes`` and ``sentence_ops`` join them to stories, versions and sentence
texts for datasette, DuckDB or plain SQL (docs/research-data.md).

Backfill: the rows are derived by the facts job, which finds every version without
rows of the current engine, so an upgraded database is filled by the next
``tracker run``, ``tracker facts-worker`` or ``tracker derive``. Versions whose facts
are already extracted are derived right after the upgrade commits, unless the environment
sets ``TRACKER_MIGRATION_BACKFILL=0`` (a large archive: let the workers do it).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIEWS = {
    "story_versions": """
CREATE VIEW story_versions AS
SELECT s.id AS story_id, s.url AS url, v.id AS version_id, v.number AS version,
       v.fetched_at AS fetched_at, v.title AS title, v.byline AS byline,
       v.published AS published, v.words AS words, v.marker AS marker,
       v.reverts_to AS reverts_to, v.final_url AS final_url,
       (SELECT COUNT(*) FROM version_sentences vs WHERE vs.version_id = v.id) AS sentences,
       (v.facts IS NOT NULL) AS facts_extracted,
       (SELECT COUNT(*) FROM diff_fact_changes c JOIN version_diffs d ON d.id = c.diff_id
         WHERE d.version_id = v.id AND d.kind = 'versions' AND c.significance = 'fact')
         AS fact_changes
FROM versions v JOIN stories s ON s.id = v.story_id
""",
    "fact_changes": """
CREATE VIEW fact_changes AS
SELECT s.id AS story_id, s.url AS url, d.kind AS diff, d.a_number AS a_version,
       d.b_number AS b_version, va.fetched_at AS a_fetched_at, vb.fetched_at AS b_fetched_at,
       c.position AS position, c.change AS change, c.kind AS kind, c.subject AS subject,
       c.slot AS slot, c.significance AS significance, c.salience AS salience,
       c.before_value AS before_value, c.after_value AS after_value,
       c.before_number AS before_number, c.after_number AS after_number, c.unit AS unit,
       c.source AS source, c.certainty AS certainty, c.reason AS reason, c.summary AS summary,
       c.evidence_a AS evidence_a, c.evidence_b AS evidence_b,
       c.a_sentences AS a_sentences, c.b_sentences AS b_sentences,
       c.a_sentence_ids AS a_sentence_ids, c.b_sentence_ids AS b_sentence_ids,
       d.engine AS engine
FROM diff_fact_changes c
JOIN version_diffs d ON d.id = c.diff_id
JOIN stories s ON s.id = d.story_id
JOIN versions vb ON vb.id = d.version_id
LEFT JOIN versions va ON va.id = d.a_version_id
""",
    "sentence_ops": """
CREATE VIEW sentence_ops AS
SELECT s.id AS story_id, s.url AS url, d.kind AS diff, d.a_number AS a_version,
       d.b_number AS b_version, o.position AS position, o.op AS op,
       o.a_positions AS a_positions, o.b_positions AS b_positions,
       COALESCE(o.a_text, ta.text) AS a_text, COALESCE(o.b_text, tb.text) AS b_text,
       o.similarity AS similarity, o.words AS words
FROM diff_sentence_ops o
JOIN version_diffs d ON d.id = o.diff_id
JOIN stories s ON s.id = d.story_id
LEFT JOIN version_sentences sa ON sa.version_id = d.a_version_id AND sa.position = o.a_first
LEFT JOIN sentences ta ON ta.id = sa.sentence_id
LEFT JOIN version_sentences sb ON sb.version_id = d.version_id AND sb.position = o.b_first
LEFT JOIN sentences tb ON tb.id = sb.sentence_id
""",
}


def upgrade() -> None:
    op.create_table(
        "version_diffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("a_version_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("a_number", sa.Integer(), nullable=True),
        sa.Column("b_number", sa.Integer(), nullable=False),
        sa.Column("engine", sa.String(length=64), nullable=False),
        sa.Column("derived_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["a_version_id"], ["versions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["stories.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["versions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version_id", "kind"),
    )
    op.create_index("ix_version_diffs_story_id", "version_diffs", ["story_id"])
    op.create_index("ix_version_diffs_engine", "version_diffs", ["engine"])
    op.create_table(
        "diff_sentence_ops",
        sa.Column("diff_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=8), nullable=False),
        sa.Column("a_positions", sa.JSON(), nullable=False),
        sa.Column("b_positions", sa.JSON(), nullable=False),
        sa.Column("a_first", sa.Integer(), nullable=True),
        sa.Column("b_first", sa.Integer(), nullable=True),
        sa.Column("a_text", sa.Text(), nullable=True),
        sa.Column("b_text", sa.Text(), nullable=True),
        sa.Column("words", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["diff_id"], ["version_diffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("diff_id", "position"),
    )
    op.create_table(
        "diff_fact_changes",
        sa.Column("diff_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("slot", sa.String(length=64), nullable=False),
        sa.Column("significance", sa.String(length=8), nullable=False),
        sa.Column("salience", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("before_value", sa.Text(), nullable=True),
        sa.Column("after_value", sa.Text(), nullable=True),
        sa.Column("before_number", sa.Float(), nullable=True),
        sa.Column("after_number", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("certainty", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("evidence_a", sa.Text(), nullable=True),
        sa.Column("evidence_b", sa.Text(), nullable=True),
        sa.Column("a_sentences", sa.JSON(), nullable=False),
        sa.Column("b_sentences", sa.JSON(), nullable=False),
        sa.Column("a_sentence_ids", sa.JSON(), nullable=False),
        sa.Column("b_sentence_ids", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["diff_id"], ["version_diffs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("diff_id", "position"),
    )
    op.create_index("ix_diff_fact_changes_slot", "diff_fact_changes", ["slot"])
    for statement in VIEWS.values():
        op.execute(statement)
    if os.environ.get("TRACKER_MIGRATION_BACKFILL", "1") != "0":
        _backfill()


def _backfill() -> None:
    """Derive the rows of versions already parsed, once the whole upgrade has committed.

    The derivation reads versions through the ORM, which describes the head schema: run
    here, between revisions, it would ask for columns a later revision adds (0006's
    ``stories.article_region``). So it is left to run after the upgrade (see
    ``tracker.store.database.run_after_upgrade``), on the migrated database.
    """
    bind = op.get_bind()
    has_facts = bind.execute(sa.text("SELECT 1 FROM versions WHERE facts IS NOT NULL LIMIT 1"))
    if has_facts.first() is None:
        return  # a new or unparsed database: nothing to derive now
    from alembic import context

    context.config.attributes.setdefault("after_upgrade", []).append(_derive_parsed)


def _derive_parsed(engine: sa.Engine) -> None:
    from tracker.research.changes import derive_pending
    from tracker.store import Store

    try:
        derive_pending(Store(engine=engine))  # (not closed: the engine is the caller's)
    except Exception as exc:  # the rows are left to the facts job, never a failed upgrade
        print(f"tracker: backfill of fact changes left to the facts job ({exc})")


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    op.drop_index("ix_diff_fact_changes_slot", table_name="diff_fact_changes")
    op.drop_table("diff_fact_changes")
    op.drop_table("diff_sentence_ops")
    op.drop_index("ix_version_diffs_engine", table_name="version_diffs")
    op.drop_index("ix_version_diffs_story_id", table_name="version_diffs")
    op.drop_table("version_diffs")
