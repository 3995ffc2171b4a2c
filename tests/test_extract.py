"""Extraction of plain-text and HTML articles, and the bad inputs it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracker.errors import InputError
from tracker.extract import normalise, parse_text, read_article

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Dam breaks upstream</title>
<meta name="author" content="Lena Ortiz"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article><h1>Dam breaks upstream</h1>
<p>MILLTOWN, Ore. (AP) — A dam failed early Tuesday and flooded three villages downstream,
officials said, forcing about 1,200 people from their homes.</p>
<p>The county sheriff said two people were missing. Rescue crews used boats to reach
families trapped on rooftops as the water kept rising through the morning.</p>
<p>Engineers had warned last year that the earthen dam needed repairs, according to
state records reviewed by reporters.</p>
</article><footer>Copyright 2021 Example Media. All rights reserved.</footer></body></html>"""


def test_plain_text_paragraphs_split_at_blank_lines() -> None:
    article = parse_text("First paragraph here.\n\nSecond one.\n\n\nThird.")
    assert article.paragraphs == ("First paragraph here.", "Second one.", "Third.")


def test_single_newlines_separate_paragraphs_when_there_are_no_blank_lines() -> None:
    article = parse_text("A first full sentence.\nA second paragraph follows.\nAnd a third.")
    assert len(article.paragraphs) == 3


def test_hard_wrapped_paragraph_is_joined() -> None:
    article = parse_text("a sentence that was\nwrapped at a fixed width\nby an editor.\n\nNext.")
    assert article.paragraphs[0] == "a sentence that was wrapped at a fixed width by an editor."


def test_headline_and_byline_are_metadata_not_text() -> None:
    article = parse_text("Dam breaks upstream\n\nBy Lena Ortiz\n\nA dam failed on Tuesday.")
    assert article.title == "Dam breaks upstream"
    assert article.byline == "By Lena Ortiz"
    assert article.paragraphs == ("A dam failed on Tuesday.",)


def test_normalise_collapses_spaces_and_keeps_quotes() -> None:
    assert normalise("  “Hello,”\u00a0she   said.\t") == "“Hello,” she said."


def test_html_page_yields_article_text_without_furniture(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE)
    article = read_article(page)
    assert article.title == "Dam breaks upstream"
    assert any("1,200 people" in p for p in article.paragraphs)
    assert not any("Copyright" in p or "Sport" in p for p in article.paragraphs)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Caf\xe9 au lait.".encode("latin-1"), "not valid utf-8"),
        (b"<html><body><nav>Home</nav></body></html>", "no article text"),
    ],
)
def test_bad_files_raise_one_line_input_errors(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "input"
    path.write_bytes(content)
    with pytest.raises(InputError) as error:
        read_article(path)
    assert reason in str(error.value).lower()
    assert "\n" not in str(error.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_article(tmp_path / "nope.txt")
