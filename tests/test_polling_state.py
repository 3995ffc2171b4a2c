"""Polling state that behaves as people expect: --allow-private remembered, add checks once,
--every takes units and a floor. Against the local HTTP server and a closed loopback port."""

from __future__ import annotations

import pytest

from tests.httpserver import TestHTTPServer
from tests.test_cli_diff import run
from tests.test_poll import page, paragraphs
from tests.test_poll_exit import closed_port


@pytest.fixture(autouse=True)
def _no_global_allowance(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_ALLOW_PRIVATE", raising=False)


def test_allow_private_given_to_add_is_remembered_by_poll(
    capsys, db_url: str, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    url = http_server.url("/s")
    code, _, err = run(capsys, "add", url, "--allow-private", "--db", db_url)
    assert code == 0, err
    code, out, err = run(capsys, "poll", url, "--db", db_url)  # no --allow-private this time
    assert code == 0, out + err
    assert f"{url}: HTTP 200 changed: stored v1" in out


def test_a_story_added_without_allow_private_is_still_refused(
    capsys, db_url: str, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    http_server.page("/t", page(paragraphs(4), title="Other"))
    allowed, other = http_server.url("/s"), http_server.url("/t")
    assert run(capsys, "add", allowed, "--allow-private", "--db", db_url)[0] == 0
    from tracker.store import Store
    from tracker.store.polling import add_story

    with Store(db_url) as store:
        add_story(store, other)  # (the CLI refuses it at once; stored here by the library)
    code, out, _ = run(capsys, "poll", "--db", db_url)
    assert code == 0, out
    assert "1 changed" in out and "1 refused" in out


def test_add_of_an_unreachable_url_says_so_and_keeps_the_story(capsys, db_url: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story"
    code, out, err = run(capsys, "add", url, "--allow-private", "--db", db_url)
    assert code == 0
    assert out.strip() == f"{url}: tracking (adaptive interval)"
    assert err.count("\n") == 1
    assert err.startswith(f"tracker: warning: {url} is not reachable now (")
    assert "kept" in err
    code, out, _ = run(capsys, "list", "--json", "--db", db_url)
    assert url in out


def test_add_of_a_reachable_url_says_nothing_more(
    capsys, db_url: str, http_server: TestHTTPServer
) -> None:
    http_server.page("/s", page(paragraphs(4)))
    code, out, err = run(capsys, "add", http_server.url("/s"), "--allow-private", "--db", db_url)
    assert (code, err) == (0, "")
    assert out.strip().endswith("tracking (adaptive interval)")


def test_add_says_when_the_page_is_gone(capsys, db_url: str, http_server: TestHTTPServer) -> None:
    http_server.status("/s", 404)
    code, _, err = run(capsys, "add", http_server.url("/s"), "--allow-private", "--db", db_url)
    assert code == 0
    assert "HTTP 404" in err


def test_add_no_check_does_not_fetch(capsys, db_url: str) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story"
    code, _, err = run(capsys, "add", url, "--allow-private", "--no-check", "--db", db_url)
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("every", "message"),
    [
        ("90", "--every 90: give a unit (90s, 90m, 90h)"),
        ("10s", "--every 10s is too often: at least 1m between checks of one story"),
        ("soon", "--every 'soon' is not a duration"),
        ("5 minutes", "not a duration"),
    ],
)
def test_every_takes_units_only_and_has_a_floor(
    capsys, db_url: str, every: str, message: str
) -> None:
    args = ("add", "https://news.example.com/a", "--every", every, "--db", db_url)
    code, _, err = run(capsys, *args)
    assert code == 2
    assert err.count("\n") == 1 and message in err
    code, out, _ = run(capsys, "list", "--json", "--db", db_url)
    assert "news.example.com" not in out  # nothing stored


@pytest.mark.parametrize(("every", "seconds"), [("1m", 60), ("90s", 90), ("1h30m", 5400)])
def test_every_with_a_unit_is_taken(capsys, db_url: str, every: str, seconds: int) -> None:
    url = f"http://127.0.0.1:{closed_port()}/story"
    args = ("add", url, "--every", every, "--allow-private", "--no-check", "--db", db_url)
    assert run(capsys, *args)[0] == 0
    import json

    (row,) = json.loads(run(capsys, "list", "--json", "--db", db_url)[1])["stories"]
    assert row["every_seconds"] == seconds


def test_the_daemon_logs_one_line_per_version_with_its_label_and_top_fact_change(
    db_url: str, http_server: TestHTTPServer
) -> None:
    """`tracker run`: "Levee v2: … → …" once the facts job parsed v2; every line one format."""
    import itertools
    import os
    import re
    import subprocess
    import sys
    import time

    from tests.httpserver import Custom, Reply
    from tests.research_fixtures import story_html
    from tracker.store import Store
    from tracker.store.polling import add_story

    served = itertools.count()

    def respond(_request) -> Reply:  # the first check sees a toll of 4, later ones 11
        body = story_html(4 if next(served) < 1 else 11).encode()
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), body)

    http_server.route("/s", Custom(respond))
    url = http_server.url("/s")
    with Store(db_url) as store:
        add_story(store, url, every=1, label="Levee", allow_private=True)
    command = [sys.executable, "-m", "tracker", "run", "--db", db_url, "--tick", "0.2s"]
    command += ["--facts-every", "0.5s", "--for", "60s"]  # no --allow-private: remembered
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_ALLOW_PRIVATE"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 60
        assert process.stderr is not None
        while time.monotonic() < deadline:
            line = process.stderr.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if "Levee v2: " in line:
                break
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=30)
    lines += rest.splitlines() if rest else []
    (v2,) = [line for line in lines if "Levee v2: " in line]
    assert re.search(r"Levee v2: \w[^:]*: .*4.* → .*11", v2), v2
    assert [line for line in lines if "Levee v1: " in line]
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")
    assert all(stamp.match(line) for line in lines), lines
    assert any(f"{url}: HTTP 200 changed: stored v2" in line for line in lines)


# -- a suspect text is kept as a flagged version ------------------------------------------

BULLETIN = (
    "BREAKING: A strong earthquake struck the coast of Portville on Tuesday. "
    "Police said several buildings collapsed. More to follow."
)


def _flagged_story(store, http_server: TestHTTPServer, *, bulletin_checks: int = 1) -> str:
    from tests.test_poll import run_poll, track

    http_server.page("/s", page(paragraphs(8)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)  # v1: the whole story
    http_server.page("/s", page([BULLETIN], title="Quake: breaking"))
    for _ in range(bulletin_checks):
        run_poll(store, http_server, url)  # a short bulletin replaces it
    http_server.page("/s", page(paragraphs(9, "tsunami")))
    run_poll(store, http_server, url)  # then a new full text, before any third sighting
    return url


def test_a_short_bulletin_replaced_before_its_third_sighting_is_kept_flagged(
    store, http_server: TestHTTPServer
) -> None:
    from tests.test_poll import outcomes

    url = _flagged_story(store, http_server)
    assert outcomes(store, url) == ["changed", "suspect", "changed"]
    assert "kept as flagged v2" in (store.checks(url)[1]["error"] or "")
    everything = store.history(url, suspect=True)
    assert [(v.number, v.suspect is not None) for v in everything] == [
        (1, False),
        (2, True),
        (3, False),
    ]
    assert BULLETIN.split(". ")[0] in " ".join(s.text for s in store.version(url, 2).sentences)
    assert [v.number for v in store.history(url)] == [1, 3]  # hidden by default


def test_history_hides_a_flagged_version_and_all_shows_it(
    capsys, store, db_url: str, http_server: TestHTTPServer
) -> None:
    import json

    url = _flagged_story(store, http_server)
    code, out, err = run(capsys, "history", url, "--db", db_url)
    assert code == 0, err
    assert "v2 " not in out and "1 flagged version" in out and "--all" in out
    code, out, err = run(capsys, "history", url, "--all", "--db", db_url)
    assert code == 0, err
    assert "[flagged: stub:" in " ".join(out.split())
    document = json.loads(run(capsys, "history", url, "--all", "--json", "--db", db_url)[1])
    assert [v["number"] for v in document["versions"]] == [1, 2, 3]
    assert document["versions"][1]["suspect"].startswith("stub:")
    assert document["versions"][2]["changes"] is not None


def test_a_diff_by_default_skips_the_flagged_version(
    capsys, store, db_url: str, http_server: TestHTTPServer
) -> None:
    import json

    url = _flagged_story(store, http_server)
    document = json.loads(run(capsys, "diff", url, "--json", "--db", db_url)[1])
    assert (document["a"]["version"], document["b"]["version"]) == (1, 3)
    code, out, _ = run(capsys, "show", url, "--version", "2", "--db", db_url)
    assert code == 0 and "More to follow" in out


def test_a_shrunk_text_kept_flagged_is_unflagged_on_its_third_sighting(
    store, http_server: TestHTTPServer
) -> None:
    from tests.test_poll import outcomes, run_poll, track

    http_server.page("/s", page(paragraphs(8)))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    http_server.page("/s", page(paragraphs(2)))
    run_poll(store, http_server, url)
    assert [v.suspect is not None for v in store.history(url, suspect=True)] == [False, True]
    for _ in range(2):
        run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "suspect", "suspect", "changed"]
    assert [(v.number, v.suspect) for v in store.history(url, suspect=True)] == [
        (1, None),
        (2, None),
    ]


def test_a_consent_page_is_not_kept_as_a_version(store, http_server: TestHTTPServer) -> None:
    from tests.test_poll import run_poll, track

    http_server.page("/s", page(["We use cookies. Accept all cookies to continue."]))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert store.history(url, suspect=True) == []


def test_research_rows_skip_the_flagged_version(store, http_server: TestHTTPServer) -> None:
    from sqlalchemy import text

    from tracker.research import changes

    url = _flagged_story(store, http_server)
    for number in (1, 2, 3):
        store.set_facts(url, number, [])
    changes.derive_pending(store)
    with store.engine.connect() as conn:
        pairs = conn.execute(
            text(
                "SELECT a_number, b_number FROM version_diffs WHERE kind = 'versions' "
                "ORDER BY b_number"
            )
        ).all()
    assert [tuple(p) for p in pairs] == [(None, 1), (None, 2), (1, 3)]


def test_the_story_versions_view_names_the_flagged_version(
    store, http_server: TestHTTPServer
) -> None:
    from sqlalchemy import text

    url = _flagged_story(store, http_server)
    with store.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT version, suspect FROM story_versions WHERE url = :u ORDER BY version"),
            {"u": url},
        ).all()
    assert [(n, s is not None) for n, s in rows] == [(1, False), (2, True), (3, False)]


def test_migration_0007_goes_down_and_up_again(tmp_path) -> None:
    from sqlalchemy import text

    from tests.test_research_changes import downgrade
    from tracker.store import Store

    url = f"sqlite:///{tmp_path / 'm.db'}"
    Store(url).close()
    downgrade(url, "0006")
    with Store(url) as store, store.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM story_versions")).scalar() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM stories WHERE allow_private")).scalar() == 0


def test_naming_a_flagged_version_says_what_it_is(
    capsys, store, db_url: str, http_server: TestHTTPServer
) -> None:
    url = _flagged_story(store, http_server)
    for args in (("diff", url, "1", "2"), ("blame", url, "--version", "2")):
        code, _, err = run(capsys, *args, "--db", db_url)
        assert code == 3
        assert err.count("\n") == 1 and "v2 of" in err and "flagged version" in err


def test_list_and_search_leave_a_flagged_version_out(
    capsys, store, db_url: str, http_server: TestHTTPServer
) -> None:
    from tracker.store.listing import list_page
    from tracker.store.search import find_phrase

    url = _flagged_story(store, http_server)
    bulletin_words = BULLETIN.split(". ")[0]
    assert not [m for m in find_phrase(store, bulletin_words) if m.url == url]
    (row,) = [r for r in list_page(store).stories if r.url == url]
    assert row.versions == 2  # v1 and v3; the flagged v2 is not counted
