"""Sources: feeds, sitemaps and section pages on a real local server gain articles; `tracker
follow` plus re-reads track every new article once, normalised, within the source's rules."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.httpserver import TestHTTPServer
from tests.newsroom import Newsroom
from tracker.discover import discover, normalise
from tracker.store import Store

LISTINGS = ("/rss.xml", "/atom.xml", "/news-sitemap.xml", "/sitemap-index.xml", "/world/")


def tracker(
    *args: str, db: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "TRACKER_ALLOW_PRIVATE": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args, "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def story_urls(db: str) -> list[str]:
    with Store(db) as store:
        return sorted(s.url for s in store.list_stories())


@pytest.fixture
def newsroom(http_server: TestHTTPServer) -> Newsroom:
    room = Newsroom(http_server)
    room.publish("ferry-capsizes-off-port-ellis", "Ferry capsizes off Port Ellis")
    room.publish("rescue-boats-search-marrow-bay", "Rescue boats search Marrow Bay")
    return room


@pytest.mark.parametrize("listing", LISTINGS)
def test_each_kind_of_source_adds_its_articles_once_normalised(
    newsroom: Newsroom, db_url: str, listing: str
) -> None:
    url = newsroom.url(listing)
    followed = tracker("follow", url, "--label", "Outlet", "--json", db=db_url)
    assert followed.returncode == 0, followed.stderr
    document = json.loads(followed.stdout)
    kinds = {"/world/": "page", "/rss.xml": "feed", "/atom.xml": "feed"}
    kinds["/sitemap-index.xml"] = "sitemap-index"
    kind = kinds.get(listing, "sitemap")
    assert document["source"]["kind"] == kind
    expected = sorted(newsroom.url(a.path) for a in newsroom.articles)
    assert sorted(document["read"]["added"]) == expected
    assert story_urls(db_url) == expected  # no utm_*, no #fragment, no nav or login links

    newsroom.publish("governor-promises-inquiry", "Governor promises an inquiry")
    again = tracker("sources", "--read", "--json", db=db_url)
    assert again.returncode == 0, again.stderr
    # Not due yet (re-read every 5 min): nothing read, nothing added.
    assert json.loads(again.stdout)["read"] == []
    with Store(db_url) as store:
        from tracker.store.sources import list_sources

        assert list_sources(store)[0].label == "Outlet"
        labels = {s.label for s in store.list_stories()}
    assert labels == {"Outlet"}


def test_a_source_read_again_adds_only_its_new_articles(newsroom: Newsroom, db_url: str) -> None:
    for listing in LISTINGS:
        result = tracker("follow", newsroom.url(listing), "--every", "1s", db=db_url)
        assert result.returncode == 0, result.stderr
    assert len(story_urls(db_url)) == 2
    newsroom.publish("governor-promises-inquiry", "Governor promises an inquiry")
    newsroom.publish("port-reopens-after-ferry-disaster", "Port reopens")
    time.sleep(1.1)
    read = json.loads(tracker("sources", "--read", "--json", db=db_url).stdout)["read"]
    assert len(read) == len(LISTINGS)
    added = sorted(url for report in read for url in report["added"])
    assert added == sorted(newsroom.url(a.path) for a in newsroom.articles[2:])  # once, not 5x
    assert len(story_urls(db_url)) == 4
    with Store(db_url) as store:
        from tracker.store.sources import list_sources

        assert all(s.stories == 4 for s in list_sources(store))


def test_include_exclude_and_keywords(http_server: TestHTTPServer, db_url: str) -> None:
    room = Newsroom(http_server)
    room.publish("ferry-capsizes-off-port-ellis", "Ferry capsizes off Port Ellis")
    room.publish("quake-shakes-kelby-overnight", "Quake shakes Kelby overnight", section="asia")
    room.publish("live-ferry-updates-from-the-port", "Live: ferry updates")
    markets = ["Shares closed higher on Friday as bank stocks recovered from a weak week."] * 4
    room.publish("markets-close-higher-on-friday", "Markets close higher", paragraphs=markets)
    result = tracker(
        "follow", room.url("/rss.xml"), "--include", "/world/", "--exclude", "/live-",
        "--keyword", "ferry", "--json", db=db_url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert story_urls(db_url) == [room.url("/world/ferry-capsizes-off-port-ellis")]
    read = json.loads(result.stdout)["read"]
    assert (read["listed"], read["matched"]) == (4, 1)


def test_a_feed_answering_304_is_not_parsed_again(newsroom: Newsroom, db_url: str) -> None:
    assert tracker("follow", newsroom.url("/rss.xml"), "--every", "1s", db=db_url).returncode == 0
    time.sleep(1.1)
    newsroom.server.reset_counts()
    read = json.loads(tracker("sources", "--read", "--json", db=db_url).stdout)["read"]
    assert [r["outcome"] for r in read] == ["not_modified"]
    request = newsroom.server.requests("/rss.xml")[0]
    assert "if-none-match" in {k.lower() for k in request.headers}


def test_stories_that_leave_the_feed_stay_tracked(newsroom: Newsroom, db_url: str) -> None:
    assert tracker("follow", newsroom.url("/rss.xml"), "--every", "1s", db=db_url).returncode == 0
    newsroom.articles = newsroom.articles[1:]  # the first article drops out of the feed
    newsroom.relist()
    time.sleep(1.1)
    tracker("sources", "--read", db=db_url)
    with Store(db_url) as store:
        statuses = {s.url: s.status for s in store.list_stories()}
    assert len(statuses) == 2 and set(statuses.values()) == {"active"}


def test_unfollow_keeps_the_stories(newsroom: Newsroom, db_url: str) -> None:
    url = newsroom.url("/atom.xml")
    assert tracker("follow", url, db=db_url).returncode == 0
    gone = tracker("unfollow", url, "--json", db=db_url)
    assert gone.returncode == 0 and json.loads(gone.stdout)["stories_kept"] == 2
    assert len(story_urls(db_url)) == 2
    listing = json.loads(tracker("sources", "--json", db=db_url).stdout)
    assert listing["sources"] == []
    again = tracker("unfollow", url, db=db_url)
    assert again.returncode == 3 and again.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["follow", "ftp://example.com/feed"], "not a source URL"),
        (["follow", "http://127.0.0.1:9/feed", "--include", "("], "not a regular expression"),
        (["follow", "http://127.0.0.1:9/feed.xml", "--every", "soon"], "not a duration"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    args: list[str], needle: str, db_url: str
) -> None:
    result = tracker(*args, db=db_url)
    assert result.returncode == 2
    assert needle in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_private_address_is_refused_without_allow_private(db_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tracker", "follow", "http://127.0.0.1:9/rss.xml", "--db", db_url],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "TRACKER_ALLOW_PRIVATE"},
        timeout=60,
    )
    assert result.returncode == 2 and "loopback" in result.stderr


def test_a_url_that_is_not_a_source_is_not_followed(
    http_server: TestHTTPServer, db_url: str
) -> None:
    http_server.page("/data.json", '{"a": 1}', content_type="application/json")
    result = tracker("follow", http_server.url("/data.json"), db=db_url)
    assert result.returncode == 2 and "not followed" in result.stderr
    assert json.loads(tracker("sources", "--json", db=db_url).stdout)["sources"] == []


def test_normalise_drops_tracking_and_fragments() -> None:
    assert (
        normalise("HTTPS://News.Example/a/story-one?utm_source=x&b=2&a=1#top")
        == "https://news.example/a/story-one?a=1&b=2"
    )
    assert normalise("mailto:desk@news.example") is None


def test_a_section_page_keeps_articles_not_navigation(tmp_path: Path) -> None:
    page = b"""<html><body><nav><a href="/">Home</a><a href="/world/">World</a>
      <a href="/tag/ferries">Ferries</a><a href="/login">Sign in</a></nav>
      <a href="/world/2026/12/02/ferry-capsizes.html">A</a>
      <a href="/world/rescue-boats-search-the-bay">B</a>
      <a href="/video/123456789">C</a>
      <a href="https://elsewhere.example/world/other-outlet-story">D</a>
      <a href="/about">About</a><a href="/photo.jpg">pic</a></body></html>"""
    found = discover(page, "https://news.example/world/")
    assert found.kind == "page"
    assert [link.url for link in found.links] == [
        "https://news.example/world/2026/12/02/ferry-capsizes.html",
        "https://news.example/world/rescue-boats-search-the-bay",
        "https://news.example/video/123456789",
    ]
