"""Size limits: every stage's bound on its input, in one place (docs/limits.md).

An input over a refusing limit ends in an :class:`~tracker.errors.InputError` whose message
names the limit ("page.html has 6,000,000 bytes, over the limit MAX_PAGE_BYTES
(5,242,880)"); an input over a capping limit is cut as stated and processed. The limits
sit far above real news (the longest article of the evaluation corpus has 12,500
characters in 90 sentences, its longest sentence 321 characters) and keep every command's
time and memory bounded on hostile input (measured by benchmarks/fuzz.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tracker.errors import InputError

# extract: bytes of one local file or fetched page (the fetcher's own cap is the same).
MAX_PAGE_BYTES = 5 * 1024 * 1024
# extract: HTML tags of a page once scripts, styles and SVG are dropped (real pages: < 4,000).
MAX_PAGE_TAGS = 40_000
# extract (capping): characters of one JSON-LD block; a longer one is dropped unread (the
# real pages' longest has 10,000; trafilatura took 450 MB to read a 3 MB one).
MAX_JSON_LD_CHARS = 100_000
# extract (capping): characters of a headline or metadata field (<title>, og:title, byline,
# …); a longer one is cut. Real headlines have under 200; a 2.4 MB <title> was stored and
# printed whole by every history and diff.
MAX_FIELD_CHARS = 1_000
# split: characters of an article's extracted text (about 16,000 words).
MAX_ARTICLE_CHARS = 100_000
# segment: sentences of one version.
MAX_SENTENCES = 2_000
# segment (capping): a longer "sentence" is cut at spaces into pieces of at most this many
# characters, so nothing downstream (word diff, alignment, spaCy) sees a longer one.
MAX_SENTENCE_CHARS = 2_000
# facts (capping): characters one version hands spaCy; later clauses are parsed as empty.
MAX_FACTS_CHARS = 20_000
# facts (capping): clauses one version hands spaCy, however short: each costs spaCy a doc
# ("x;" * 49,000 is 20,000 one-letter clauses within MAX_FACTS_CHARS, and took 13 s).
MAX_FACTS_CLAUSES = 2_000
# word diff: token cells (tokens of A x tokens of B) diffed token by token; a larger pair is
# diffed by content-defined chunks first, and chunks still too large become a replacement.
MAX_WORD_DIFF_CELLS = 500_000
# align: candidate sentence pairs weighed one by one in Python (the rest are thinned out).
MAX_ALIGN_CANDIDATES = 50_000


def check(subject: str, size: int, unit: str, limit_name: str) -> None:
    """Refuse ``size`` over the limit called ``limit_name``, with an error that names it:
    "page.html has 100,002 HTML tags, over the limit MAX_PAGE_TAGS (40,000)"."""
    limit = globals()[limit_name]
    if size > limit:
        raise InputError(f"{subject} has {size:,} {unit}, over the limit {limit_name} ({limit:,})")


def field(text: str | None) -> str | None:
    """A headline or metadata field cut to MAX_FIELD_CHARS (None stays None)."""
    if text is None or len(text) <= MAX_FIELD_CHARS:
        return text
    return text[:MAX_FIELD_CHARS].rstrip()


def nlp_texts(texts: Iterable[str]) -> Iterator[str]:
    """The texts handed to spaCy: each cut to MAX_SENTENCE_CHARS, and after MAX_FACTS_CHARS
    in all or MAX_FACTS_CLAUSES texts, empty (one text out per text in, so callers can zip
    them back)."""
    left, clauses = MAX_FACTS_CHARS, MAX_FACTS_CLAUSES
    for text in texts:
        text = text[: min(MAX_SENTENCE_CHARS, left)] if clauses > 0 else ""
        left -= len(text)
        clauses -= bool(text)
        yield text
