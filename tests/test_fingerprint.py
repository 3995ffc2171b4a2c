"""The located-region fingerprint on twelve layouts modelled on real news templates.

It must not move when only furniture changes (ads, counters, nonces, request
ids, clocks, trending lists), and must move on every change to the article:
each paragraph edited, a paragraph added at the top or the end, one removed,
the headline, the standfirst.
"""

from __future__ import annotations

import pytest

from tests.httpserver import Custom, Reply, TestHTTPServer
from tests.layouts import LAYOUTS, Story, story
from tests.test_poll import outcomes, run_poll, track
from tests.test_poll import story as poll_story
from tracker import poll as poll_module
from tracker.extract import parse_page
from tracker.fingerprint import Region, covers, cut, fingerprint, locate, text_fingerprint
from tracker.poll import fingerprint as poll_fingerprint
from tracker.store import Store


def located(html: str) -> Region:
    page = html.encode()
    article = parse_page(html, url="https://example.org/s")
    region = locate(page, article.paragraphs, article.title)
    assert region is not None, "no region located"
    assert covers(page, region, article.paragraphs)
    return region


def edits(s: Story) -> dict[str, Story]:
    """Every kind of article change, each as a new story state."""
    paras = list(s.paragraphs)
    changes = {
        f"paragraph {i} edited": s.with_paragraphs(
            [*paras[:i], p.replace("households", "families"), *paras[i + 1 :]]
        )
        for i, p in enumerate(paras)
    }
    changes["a paragraph added on top"] = s.with_paragraphs(
        ["BREAKING: the dam upstream has failed, officials said.", *paras]
    )
    changes["a paragraph added at the end"] = s.with_paragraphs(
        [*paras, "More updates will follow as the situation develops tonight."]
    )
    changes["a paragraph removed"] = s.with_paragraphs(paras[:3] + paras[4:])
    changes["a figure changed"] = s.with_paragraphs([paras[0].replace("120", "210"), *paras[1:]])
    changes["the headline"] = Story(
        s.title.replace("Thousands", "Tens of thousands"), s.standfirst, s.paragraphs, s.seed
    )
    changes["the standfirst"] = Story(
        s.title, s.standfirst.replace("overnight", "by noon"), s.paragraphs, s.seed
    )
    return changes


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_region_holds_the_article_and_little_else(name: str) -> None:
    html = LAYOUTS[name](story())
    region = located(html)
    parts = cut(html.encode(), region)
    assert parts is not None
    inside = b"".join(parts)
    assert b"Trending" not in inside and b"Page generated" not in inside
    assert Region.loads(region.dumps()) == region


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_volatile_furniture_does_not_move_the_fingerprint(name: str) -> None:
    layout = LAYOUTS[name]
    s = story()
    region = located(layout(s))
    pages = [layout(Story(s.title, s.standfirst, s.paragraphs, n)).encode() for n in range(20)]
    assert len({fingerprint(page, region=region) for page in pages}) == 1
    # The pages' bytes did differ, and the whole-page text cut saw the clock and counters.
    assert len(set(pages)) == 20
    assert len({text_fingerprint(page) for page in pages}) > 1


def extracted(html: str) -> tuple[str | None, tuple[str, ...]]:
    article = parse_page(html, url="https://example.org/s")
    return article.title, article.paragraphs


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_layouts_furniture_is_not_article_text(name: str) -> None:
    """The fixtures' own check: extraction gives one article whatever the furniture."""
    s = story()
    texts = {
        extracted(LAYOUTS[name](Story(s.title, s.standfirst, s.paragraphs, seed)))
        for seed in range(5)
    }
    assert len(texts) == 1


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_every_article_change_moves_the_fingerprint(name: str) -> None:
    layout = LAYOUTS[name]
    s = story()
    region = located(layout(s))
    before = fingerprint(layout(s).encode(), region=region)
    seen = 0
    for change, after in edits(s).items():
        for seed in (0, 7):  # with the same and with other furniture
            html = layout(Story(after.title, after.standfirst, after.paragraphs, seed))
            if extracted(html) == extracted(layout(s)):
                continue  # not article text to extraction either (a standfirst it skips)
            seen += 1
            mark = fingerprint(html.encode(), region=region)
            assert mark != before, f"{name}: {change} not seen"
    assert seen >= 2 * (len(s.paragraphs) + 4)


def test_a_changed_template_falls_back_to_the_text_fingerprint() -> None:
    s = story()
    region = located(LAYOUTS["guardian"](s))
    other = LAYOUTS["bbc"](s).encode()  # the site moved to another template
    assert fingerprint(other, region=region) == text_fingerprint(other)
    assert not covers(other, region, s.paragraphs)


def test_a_region_that_no_longer_holds_the_article_is_not_trusted() -> None:
    s = story()
    html = LAYOUTS["nyt"](s)
    region = located(html)
    moved = html.replace(
        "</section>",
        "</section><div class='more'><p>A new paragraph set "
        "outside the body section says the toll has risen to 40.</p></div>",
    )
    new = "A new paragraph set outside the body section says the toll has risen to 40."
    assert covers(moved.encode(), region, s.paragraphs)
    assert not covers(moved.encode(), region, [*s.paragraphs, new])


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_the_poller_skips_volatile_pages_and_stores_edits(
    name: str, store: Store, http_server: TestHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the real poller: furniture alone is no extraction, an edit is a version."""
    state = {"story": story(), "seed": 0}

    def serve(_request: object) -> Reply:
        state["seed"] = int(state["seed"]) + 1  # type: ignore[call-overload]
        current: Story = state["story"]  # type: ignore[assignment]
        html = LAYOUTS[name](
            Story(current.title, current.standfirst, current.paragraphs, int(state["seed"]))
        )  # type: ignore[call-overload]
        return Reply(200, (("Content-Type", "text/html; charset=utf-8"),), html.encode())

    http_server.route("/s", Custom(serve))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    assert Region.loads(poll_story(store, url).article_region) is not None
    extractions: list[str] = []
    real = poll_module.article_of
    monkeypatch.setattr(poll_module, "article_of", lambda *a: extractions.append("x") or real(*a))
    run_poll(store, http_server, url)
    run_poll(store, http_server, url)
    assert extractions == []
    s: Story = state["story"]  # type: ignore[assignment]
    state["story"] = s.with_paragraphs([*s.paragraphs, "Officials now say 12 people died."])
    run_poll(store, http_server, url)
    assert outcomes(store, url) == ["changed", "unchanged", "unchanged", "changed"]
    assert extractions == ["x"]


def test_a_new_template_is_located_again(
    store: Store, http_server: TestHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = story()
    http_server.page("/s", LAYOUTS["guardian"](s))
    url = track(store, http_server, "/s")
    run_poll(store, http_server)
    first = poll_story(store, url).article_region
    http_server.page("/s", LAYOUTS["bbc"](s))  # same article, the site's new template
    run_poll(store, http_server, url)
    second = poll_story(store, url).article_region
    assert second and second != first
    http_server.page("/s", LAYOUTS["bbc"](Story(s.title, s.standfirst, s.paragraphs, 9)))
    run_poll(store, http_server, url)
    assert outcomes(store, url)[-1] == "unchanged"
    assert poll_story(store, url).fingerprint.startswith("r:")  # type: ignore[union-attr]


def test_fingerprint_is_still_importable_from_poll() -> None:
    page = LAYOUTS["cbs"](story()).encode()
    assert poll_fingerprint(page) == fingerprint(page) == text_fingerprint(page)
    assert poll_fingerprint(page, region=located(page.decode())).startswith("r:")


def test_an_unreadable_stored_region_is_none() -> None:
    assert Region.loads(None) is None
    assert Region.loads("") is None
    assert Region.loads("{not json") is None
    assert Region.loads('{"spans": []}') is None
