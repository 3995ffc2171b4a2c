"""Alembic environment for tracker: runs migrations on the connection tracker hands over,
or on ``TRACKER_DB`` / ``-x db=URL`` when run as ``alembic upgrade head``."""

from __future__ import annotations

from alembic import context

from tracker.store import sources_schema  # noqa: F401  (its tables join Base.metadata)
from tracker.store.database import default_url, make_engine, run_after_upgrade
from tracker.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db") or default_url()
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    run_after_upgrade(config, engine)
    engine.dispose()


# Full-text search objects made by raw DDL in 0002 (FTS5 table and its shadow tables, the
# PostgreSQL GIN index): autogenerate cannot model them, so it must not compare them.
_FULL_TEXT_OBJECTS = ("sentences_fts", "ix_sentences_text_fts")


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    return not (name or "").startswith(_FULL_TEXT_OBJECTS)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("tracker's migrations run online only: alembic upgrade head")
run_migrations()
