"""Database connection: engine set-up, SQLite pragmas, and automatic schema migration.

``TRACKER_DB`` (or ``--db``) takes a SQLAlchemy URL or a plain file path; the
default is ``$XDG_DATA_HOME/tracker/tracker.db`` (``~/.local/share/tracker/tracker.db``).
A new database is created at the head revision, an older one is upgraded, and
one written by a newer tracker is refused.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

import sqlalchemy.exc
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from tracker.errors import DatabaseError, ReadOnlyDatabaseError, require_text

# Alembic is imported only to migrate: a database already at the head revision (every
# command but the first after an upgrade) is checked with one SELECT, and a command
# starts ~0.3 s sooner.
if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parents[2]  # the checkout, when run from one
SQLITE_BUSY_SECONDS = 10.0
_MIGRATION_LOCK = 73_110_001  # PostgreSQL advisory lock key: one migrator at a time


def default_url() -> str:
    """``TRACKER_DB`` if set, else the SQLite file under the user's data directory."""
    if os.environ.get("TRACKER_DB"):
        return os.environ["TRACKER_DB"]
    data = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data / 'tracker' / 'tracker.db'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite database."""
    return url if "://" in url else f"sqlite:///{Path(url).expanduser().resolve()}"


def make_engine(url: str) -> Engine:
    """An engine with SQLite in WAL mode and foreign keys on; no migration."""
    url = normalise_url(require_text(url, "database", DatabaseError))
    try:
        parsed = make_url(url)
    except sqlalchemy.exc.ArgumentError:
        raise DatabaseError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        is_file = bool(database) and database != ":memory:" and not database.startswith("file:")
        if is_file:
            _make_folder(Path(database).parent)
        readonly = is_file and _read_only_file(Path(database))
        if readonly:
            engine = create_engine(url, creator=lambda: _open_read_only(Path(database)))
        else:
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_SECONDS})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except (sqlalchemy.exc.ArgumentError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {parsed!r}: {exc}") from None


def _make_folder(folder: Path) -> None:
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the database's folder {folder}: {exc.strerror or exc}"
        ) from None
    if not folder.is_dir():
        raise DatabaseError(f"cannot create the database's folder {folder}: not a folder")


def _read_only_file(path: Path) -> bool:
    """A database file this process may read but not write (read-only commands still work):
    the file is read-only, or its folder is, where SQLite must create its -wal and -shm (or
    -journal) files to write, unless a writable -wal is there already."""
    if not (path.is_file() and os.access(path, os.R_OK)):
        return False
    if not os.access(path, os.W_OK):
        return True
    wal = path.with_name(path.name + "-wal")
    return not os.access(path.parent, os.W_OK) and not os.access(wal, os.W_OK)


def _open_read_only(path: Path) -> sqlite3.Connection:
    """Open a database this process cannot write: read-only, and immutable when its WAL
    index cannot be created beside it (a read-only folder), so SQLite writes nothing."""
    query = "mode=ro"
    shm = path.with_name(path.name + "-shm")
    if not os.access(path.parent, os.W_OK) and not shm.exists():
        query += "&immutable=1"
    uri = f"file:{quote(str(path))}?{query}"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_SECONDS, check_same_thread=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    with contextlib.suppress(sqlite3.OperationalError):  # a read-only database keeps its mode
        cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrations_dir() -> Path:
    """Where the Alembic scripts are: ``tracker/_migrations`` in an installed wheel (setup.py
    ships ``db/`` there), else the checkout's ``db/`` (editable installs and source trees)."""
    installed = Path(__file__).resolve().parents[1] / "_migrations"
    for folder in (installed, ROOT / "db"):
        if (folder / "env.py").is_file() and (folder / "versions").is_dir():
            return folder
    raise DatabaseError(
        f"tracker's database migrations are missing (looked in {installed} and {ROOT / 'db'}); "
        "reinstall tracker"
    )


def alembic_config() -> Config:
    """The checkout's ``alembic.ini`` when there is one, pointed at :func:`migrations_dir`."""
    from alembic.config import Config

    ini = ROOT / "alembic.ini"
    config = Config(str(ini)) if ini.is_file() else Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.set_main_option("path_separator", "os")
    return config


def open_database(url: str | None = None) -> Engine:
    """Connect, bring the schema to the head revision, and return the engine."""
    engine = make_engine(url or default_url())
    with translate_errors(engine):
        migrate(engine)
    return engine


_REVISION = re.compile(r"""^(down_)?revision\b[^=]*=\s*["']([^"']+)["']""", re.M)


@cache
def head_revision() -> str | None:
    """The head of ``db/versions`` read from the files' ``revision`` lines, without Alembic.

    None when the files do not make one linear chain (Alembic then decides).
    """
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (migrations_dir() / "versions").glob("*.py"):
        found = dict((bool(down), rev) for down, rev in _REVISION.findall(path.read_text()))
        if False not in found:
            return None
        revisions.add(found[False])
        if True in found:
            downs.add(found[True])
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def _current_revision(engine: Engine) -> str | None:
    """The database's revision, or None when it has no version table (yet)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except sqlalchemy.exc.ProgrammingError:
        return None
    except sqlalchemy.exc.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return rows[0][0] if len(rows) == 1 else None


def migrate(engine: Engine) -> None:
    """Bring the schema to the head revision, atomically.

    The whole upgrade is one transaction: on PostgreSQL (transactional DDL) under an
    advisory lock, on SQLite under ``BEGIN IMMEDIATE`` (SQLite's DDL is transactional
    too, but Python's sqlite3 runs DDL outside any transaction unless one is open).
    A process killed mid-upgrade leaves the database as it was, never half-built.
    """
    head = head_revision()
    if head is not None and _current_revision(engine) == head:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config()
    script = ScriptDirectory.from_config(config)
    head = script.get_current_head()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer; the DDL inside it
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        if current is not None and current not in {r.revision for r in script.walk_revisions()}:
            raise DatabaseError(
                f"database schema {current} is newer than this tracker knows (head {head}); "
                "upgrade tracker"
            )
        if current is None and conn.dialect.name == "sqlite":
            _drop_half_built(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    run_after_upgrade(config, engine)


AFTER_UPGRADE = "after_upgrade"  # config.attributes key: callables a migration leaves to run


def run_after_upgrade(config: Config, engine: Engine) -> None:
    """Run what migrations left for after their transaction committed (a data backfill
    through the ORM, which describes the head schema, not the one of a revision between)."""
    for hook in config.attributes.pop(AFTER_UPGRADE, ()):
        hook(engine)


def _drop_half_built(conn: Any) -> None:
    """Drop what a first run killed mid-way (before migrations were atomic) left behind.

    Only a schema without a revision whose tables are all empty is dropped: nothing
    stored is ever lost. A database with rows but no revision is left for a person.
    """
    names = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY rowid DESC"  # the newest first: a table before those it refers to
        )
    ]
    ours = [n for n in names if n != "alembic_version" and not n.startswith("sentences_fts_")]
    if not ours:
        return
    for name in ours:
        if conn.exec_driver_sql(f'SELECT 1 FROM "{name}" LIMIT 1').first() is not None:
            raise DatabaseError(
                f"the database has tables but no schema revision ({name} has rows): "
                "not a tracker database, or one from a half-finished upgrade"
            )
    for kind in ("view", "trigger"):
        for (name,) in conn.exec_driver_sql(
            f"SELECT name FROM sqlite_master WHERE type = '{kind}'"
        ).all():
            conn.exec_driver_sql(f'DROP {kind.upper()} IF EXISTS "{name}"')
    for name in ours:
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')


class FileWatch:
    """Notices a SQLite database file deleted or replaced under a long-running process
    (``tracker run``), which would otherwise go on writing into the unlinked file.

    It never opens the file itself: closing a second descriptor of a SQLite file drops
    the POSIX locks SQLite holds through its own, the classic way to corrupt one. It
    compares the path's device and inode with those at the start and, on Linux, looks
    for SQLite's descriptor of the file marked "(deleted)" in ``/proc/self/fd`` (SQLite
    may have created a new file at the path since, and it can get the same inode number).
    """

    def __init__(self, engine: Engine) -> None:
        database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        self.path = Path(database).resolve() if database and database != ":memory:" else None
        self._identity = self._stat()

    def close(self) -> None:
        """Nothing to release (kept so a Store can close what it holds)."""

    def _stat(self) -> tuple[int, int] | None:
        if self.path is None:
            return None
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_dev, found.st_ino

    def problem(self) -> str | None:
        """Why the database is not the file it was at the start, or None."""
        if self._identity is None:
            return None
        now = self._stat()
        if now is None or self._unlinked():
            return f"the database file {self.path} was deleted"
        if now != self._identity:
            return f"the database file {self.path} was replaced by another file"
        return None

    def _unlinked(self) -> bool:
        fds = Path("/proc/self/fd")
        if not fds.is_dir():
            return False
        gone = f"{self.path} (deleted)"
        for fd in fds.iterdir():
            with contextlib.suppress(OSError):
                if os.readlink(fd) == gone:
                    return True
        return False


@contextmanager
def translate_errors(engine: Engine) -> Iterator[None]:
    """Turn driver errors a user can cause into one-line :class:`DatabaseError`: wrapped by
    SQLAlchemy, or raised by the SQLite driver itself (a hot path's raw cursor)."""
    where = engine.url.render_as_string(hide_password=True)
    try:
        yield
    except sqlalchemy.exc.OperationalError as exc:
        _raise_translated(where, _first_line(exc.orig) or "cannot connect", operational=True)
    except sqlalchemy.exc.DatabaseError as exc:
        _raise_translated(where, _first_line(exc.orig) or str(exc), operational=False)
    except sqlite3.Error as exc:
        operational = isinstance(exc, sqlite3.OperationalError)
        _raise_translated(where, _first_line(exc) or type(exc).__name__, operational=operational)


def _first_line(error: BaseException | None) -> str:
    return str(error).strip().splitlines()[0] if error is not None and str(error).strip() else ""


def _raise_translated(where: str, reason: str, *, operational: bool) -> NoReturn:
    _raise_if_read_only(where, reason)
    if not operational and ("not a database" in reason or "malformed" in reason):
        reason = "not a tracker database, or the file is corrupt"
    raise DatabaseError(f"{where}: {reason}") from None


# What SQLite ("attempt to write a readonly database") and PostgreSQL ("cannot execute INSERT
# in a read-only transaction", a hot standby or default_transaction_read_only) say.
_READ_ONLY = re.compile(r"readonly database|read-only transaction", re.I)


def _raise_if_read_only(where: str, reason: str) -> None:
    if _READ_ONLY.search(reason):
        raise ReadOnlyDatabaseError(
            f"{where} is read-only ({reason}): this command must write to the database; "
            "reading commands (list, history, show, diff) still work"
        ) from None
