"""``tracker backfill``: past captures from a CDX server, oldest first, polite, idempotent."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import pairwise

import pytest

from tests.cdx_server import CdxArchive, CdxServer
from tests.research_fixtures import story_html
from tracker.cli import main

URL = "https://news.example.org/2026/levee"


@pytest.fixture
def archive() -> CdxArchive:
    archive = CdxArchive()
    archive.add(URL, "20260301080000", story_html(4))
    archive.add(URL, "20260301090000", story_html(4).replace("Home | World", "Home | News"))
    archive.add(URL, "20260301093000", "gone", status=404)
    archive.add(URL, "20260301100000", story_html(11))
    archive.add(URL, "20260302100000", story_html(19))
    return archive


@pytest.fixture
def server(archive: CdxArchive) -> Iterator[CdxServer]:
    with CdxServer(archive) as server:
        yield server


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def _backfill(capsys, server: CdxServer, db: str, *extra: str) -> tuple[int, str, str]:
    return _run(
        capsys,
        "backfill",
        URL,
        "--db",
        db,
        "--cdx",
        f"{server.base}/cdx/search/cdx",
        "--web",
        f"{server.base}/web",
        "--delay",
        "0.05",
        "--allow-private",
        *extra,
    )


def _history(capsys, db: str) -> list[tuple[int, str]]:
    code, out, err = _run(capsys, "history", URL, "--db", db, "--json")
    assert code == 0, err
    return [(v["number"], v["fetched_at"]) for v in json.loads(out)["versions"]]


def test_captures_become_versions_oldest_first_deduplicated_by_text(server, db_url, capsys):
    code, out, err = _backfill(capsys, server, db_url, "--json")
    assert code == 0, err
    report = json.loads(out)
    # the 404 capture is filtered by the CDX query; the 09:00 one differs only in its menu
    assert (report["captures"], report["versions"], report["unchanged"]) == (4, 3, 1)
    assert _history(capsys, db_url) == [
        (1, "2026-03-01T08:00:00Z"),
        (2, "2026-03-01T10:00:00Z"),
        (3, "2026-03-02T10:00:00Z"),
    ]
    code, out, _ = _run(capsys, "diff", URL, "1", "2", "--db", db_url, "--json")
    assert code == 0
    assert any("4" in f["summary"] and "11" in f["summary"] for f in json.loads(out)["facts"])


def test_a_second_backfill_adds_nothing(server, db_url, capsys) -> None:
    assert _backfill(capsys, server, db_url)[0] == 0
    code, out, _ = _backfill(capsys, server, db_url)
    assert code == 0
    assert out == f"{URL}: 4 captures, 0 new versions, 0 unchanged, 4 already stored, 0 bad\n"


def test_from_and_to_bound_the_captures(server, archive, db_url, capsys) -> None:
    code, _, err = _backfill(
        capsys, server, db_url, "--from", "2026-03-01T09:30:00Z", "--to", "2026-03-01T23:00:00Z"
    )
    assert code == 0, err
    assert _history(capsys, db_url) == [(1, "2026-03-01T10:00:00Z")]
    cdx = [path for _, path in archive.requests if path.startswith("/cdx/")]
    assert "from=20260301093000" in cdx[0] and "to=20260301230000" in cdx[0]


def test_rate_limits_are_retried_and_requests_spaced(server, archive, db_url, capsys) -> None:
    archive.fail_next = 2
    code, _, err = _backfill(capsys, server, db_url)
    assert code == 0, err
    assert len(_history(capsys, db_url)) == 3
    times = [t for t, _ in archive.requests]
    assert len(times) == 2 + 1 + 4  # two 429s, the listing, four snapshots
    assert min(b - a for a, b in pairwise(times)) >= 0.045


def test_an_unreachable_cdx_server_is_a_one_line_error(archive, db_url, capsys) -> None:
    with CdxServer(archive) as server:
        archive.fail_next = 100
        code, _, err = _backfill(capsys, server, db_url, "--tries", "2")
    assert code == 1
    assert err.startswith("tracker: error: the CDX server did not answer:")
    assert len(err.strip().splitlines()) == 1
