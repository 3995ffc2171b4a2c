"""``tracker list``: paging, filters and sorts done by the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from tracker.cli import main
from tracker.store import Store
from tracker.store.listing import ListQuery, list_page
from tracker.store.polling import add_story
from tracker.store.schema import Story

HOSTS = ("apnews.com", "www.bbc.co.uk", "news.bbc.co.uk", "bbc.co.uk.example.net")


@pytest.fixture
def listed(db_url: str) -> str:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with Store(db_url) as store:
        for i in range(120):
            url = f"https://{HOSTS[i % 4]}/story/{i:03d}"
            add_story(store, url, label=f"Quake {i}" if i % 5 == 0 else None)
            with store.session() as session:
                session.execute(
                    update(Story)
                    .where(Story.url == url)
                    .values(
                        status=("active", "gone", "retired")[i % 3],
                        last_checked_at=now - timedelta(minutes=i),
                        last_error="HTTP 503" if i % 7 == 0 else None,
                    )
                )
    return db_url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


def doc(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> dict[str, object]:
    code, out, _ = run(capsys, "list", "--db", db, "--json", *args)
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def urls(document: dict[str, object]) -> list[str]:
    return [s["url"] for s in document["stories"]]  # type: ignore[index, union-attr]


def test_the_first_page_and_the_next(listed: str, capsys: pytest.CaptureFixture[str]) -> None:
    first = doc(capsys, listed)
    assert first["total"] == 120 and len(urls(first)) == 50
    assert urls(first) == sorted(urls(first))
    second = doc(capsys, listed, "--page", "2")
    third = doc(capsys, listed, "--page", "3")
    everything = doc(capsys, listed, "--all")
    assert urls(first) + urls(second) + urls(third) == urls(everything)
    assert len(urls(everything)) == 120
    code, out, _ = run(capsys, "list", "--db", listed, "--no-color")
    assert code == 0 and "stories 1–50 of 120; next: --page 2; every one: --all" in out


def test_filters(listed: str, capsys: pytest.CaptureFixture[str]) -> None:
    gone = doc(capsys, listed, "--status", "gone", "--all")
    assert gone["total"] == 40
    assert {s["status"] for s in gone["stories"]} == {"gone"}  # type: ignore[union-attr]
    two = doc(capsys, listed, "--status", "gone,retired", "--all")
    assert two["total"] == 80
    assert doc(capsys, listed, "--status", "gone", "--status", "retired")["total"] == 80
    failing = doc(capsys, listed, "--errors", "--all")
    assert failing["total"] == len(range(0, 120, 7))
    assert all(s["last_error"] for s in failing["stories"])  # type: ignore[union-attr]
    bbc = urls(doc(capsys, listed, "--source", "bbc.co.uk", "--all"))
    assert len(bbc) == 60  # www. and news. subdomains, not bbc.co.uk.example.net
    assert not any("example.net" in u for u in bbc)
    assert urls(doc(capsys, listed, "--source", "https://www.bbc.co.uk/", "--all")) == bbc
    labelled = doc(capsys, listed, "--label", "quake 1", "--all")
    assert {s["label"] for s in labelled["stories"]} == {  # type: ignore[union-attr]
        "Quake 10",
        "Quake 100",
        "Quake 105",
        "Quake 110",
        "Quake 115",
        "Quake 15",
    }
    both = doc(capsys, listed, "--status", "active", "--errors", "--source", "apnews.com")
    assert all(
        s["status"] == "active" and s["last_error"] and "apnews.com" in s["url"]
        for s in both["stories"]  # type: ignore[union-attr]
    )
    code, out, _ = run(capsys, "list", "--db", listed, "--label", "no such label")
    assert code == 0 and "no stories match (0 in all)" in out


def test_sorts(listed: str, capsys: pytest.CaptureFixture[str]) -> None:
    recent = doc(capsys, listed, "--sort", "checked", "--desc", "--limit", "3")
    assert [u.rsplit("/", 1)[1] for u in urls(recent)] == ["000", "001", "002"]
    oldest = doc(capsys, listed, "--sort", "checked", "--limit", "2")
    assert [u.rsplit("/", 1)[1] for u in urls(oldest)] == ["119", "118"]
    labels = [
        s["label"] for s in doc(capsys, listed, "--sort", "label", "--limit", "25")["stories"]
    ]  # type: ignore[index]
    assert labels[:24] == sorted(f"Quake {i}" for i in range(0, 120, 5))
    assert labels[24] is None  # stories without a label come last


def test_bad_options_are_one_line_errors(listed: str, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("--sort", "size"), ("--status", "sleeping"), ("--source", "%"), ("--page", "0")):
        code, out, err = run(capsys, "list", "--db", listed, *args)
        assert code != 0 and out == ""
        assert err.startswith("tracker: error:") and err.count("\n") == 1


def test_version_counts_are_per_page(db_url: str) -> None:
    from tracker.ingest import ingest_article
    from tracker.model import Article

    with Store(db_url) as store:
        for i in range(3):
            url = f"https://apnews.com/s{i}"
            add_story(store, url)
            for n in range(i):
                article = Article(paragraphs=(f"Version {n} of story {i} says {n} things.",) * 3)
                ingest_article(store, url, article, facts=False)
        page = list_page(store, ListQuery(limit=2, offset=1))
    assert [(s.url, s.versions) for s in page.stories] == [
        ("https://apnews.com/s1", 1),
        ("https://apnews.com/s2", 2),
    ]
    assert page.total == 3
