"""A read-only database (issue 13) is still read; commands that must write say why in one line.

``history`` and ``diff`` compute the facts a version has none of yet (stored by the poller
for the facts job) without storing them. Root ignores file modes, so as root the commands
run without the capabilities that let it (CAP_DAC_OVERRIDE and friends) via ``setpriv``:
the same user, the same files, but the modes hold.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update

from tracker import queries
from tracker.errors import ReadOnlyDatabaseError
from tracker.ingest import ingest_file
from tracker.store import Store
from tracker.store.schema import Version, VersionDiff

ROOT = Path(__file__).resolve().parent.parent
URL = "https://news.example/flood"
_NO_OVERRIDE = "-dac_override,-dac_read_search,-fowner"


def _as_unprivileged() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: file modes cannot be made to hold")
    return ["setpriv", f"--bounding-set={_NO_OVERRIDE}", f"--inh-caps={_NO_OVERRIDE}"]


def _text_file(folder: Path, n: int) -> Path:
    path = folder / f"v{n}.txt"
    path.write_text(
        f"Flood hits town\n\nThe river rose by {n} metres overnight, officials said. "
        f"About {n * 100} people left their homes as the water reached the square.\n"
    )
    return path


def _two_versions_without_facts(db: Path, texts: Path) -> None:
    with Store(f"sqlite:///{db}") as store:
        ingest_file(store, URL, _text_file(texts, 1))
        ingest_file(store, URL, _text_file(texts, 2))
        with store.session() as session:
            session.execute(update(Version).values(facts=None))  # left for the facts job


def _facts_stored(db: Path) -> list[bool]:
    with Store(f"sqlite:///{db}") as store, store.session() as session:
        return [f is not None for f in session.scalars(select(Version.facts))]


@pytest.fixture(params=["file 0444", "folder 0555"])
def read_only_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "t.db"
    _two_versions_without_facts(db, tmp_path)
    for leftover in folder.glob("t.db-*"):  # a clean close leaves none; be sure
        leftover.unlink()
    if request.param == "file 0444":
        db.chmod(0o444)
    else:
        folder.chmod(0o555)
    try:
        yield db
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)


def _tracker(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [*_as_unprivileged(), sys.executable, "-m", "tracker", *args, "--db", str(db)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_history_and_diff_compute_facts_without_storing_them(read_only_db: Path) -> None:
    history = _tracker(read_only_db, "history", URL, "--json")
    assert history.returncode == 0, history.stderr
    summaries = json.loads(history.stdout)["versions"]
    assert [s["facts_pending"] for s in summaries] == [False, False]
    terminal = _tracker(read_only_db, "history", URL)
    assert terminal.returncode == 0, terminal.stderr
    assert "1 meter → 2 meter" in terminal.stdout  # the fact change, computed now
    diff = _tracker(read_only_db, "diff", URL, "--json")
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["facts"]
    read_only_db.parent.chmod(0o755)
    read_only_db.chmod(0o644)
    assert _facts_stored(read_only_db) == [False, False]  # nothing was written


def test_commands_that_write_name_the_read_only_database(
    read_only_db: Path, tmp_path: Path
) -> None:
    for args in (
        ("ingest", URL, str(_text_file(tmp_path, 3))),
        ("add", "https://news.example/other"),
    ):
        refused = _tracker(read_only_db, *args)
        assert refused.returncode == 4, refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
        assert f"{read_only_db} is read-only" in refused.stderr


def test_a_read_only_postgresql_database_is_read(pg_database: str, tmp_path: Path) -> None:
    with Store(pg_database) as store:
        ingest_file(store, URL, _text_file(tmp_path, 1))
        ingest_file(store, URL, _text_file(tmp_path, 2))
        with store.session() as session:
            session.execute(update(Version).values(facts=None))
            name = session.execute(text("SELECT current_database()")).scalar_one()
            session.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    with Store(pg_database) as store:
        queries.extract_missing_facts(store, URL)
        summaries = queries.history(store, URL)
        assert summaries[1].headline and not summaries[1].facts_pending
        with pytest.raises(ReadOnlyDatabaseError, match="is read-only"):
            ingest_file(store, URL, _text_file(tmp_path, 3))
        with store.session() as session:
            assert session.scalars(select(Version.facts)).all() == [None, None]


def test_export_says_how_to_export_a_read_only_database(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    db = folder / "t.db"
    with Store(f"sqlite:///{db}") as store:
        ingest_file(store, URL, _text_file(tmp_path, 1))
        ingest_file(store, URL, _text_file(tmp_path, 2))
        with store.session() as session:
            session.execute(delete(VersionDiff))  # parsed, not derived yet: export derives
    db.chmod(0o444)
    try:
        refused = _tracker(db, "export", "--out", str(tmp_path / "a"), "-q")
        assert refused.returncode == 4 and refused.stderr.count("\n") == 1
        assert "export --no-derive only reads" in refused.stderr
        exported = _tracker(db, "export", "--out", str(tmp_path / "b"), "--no-derive", "-q")
        assert exported.returncode == 0, exported.stderr
        assert (tmp_path / "b" / "versions.jsonl").read_text().count("\n") == 2
    finally:
        db.chmod(0o644)
