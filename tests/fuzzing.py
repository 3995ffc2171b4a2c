"""Hostile inputs for ``split``, ``diff`` and ``ingest``, built by code (issue 13).

Shared by the fuzz tests (tests/test_fuzz.py) and the long run (benchmarks/fuzz.py). Every
input comes from a ``random.Random``, so ``(seed, index)`` names it for good:
:func:`generate` returns ``(what, file name, bytes)``. The article shapes are written here
(a generator of newsy sentences, a page template), never copied from a corpus; a run may
add real pages given at run time as mutation seeds.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass

MARKER = "THIS IS A BREAKING NEWS UPDATE. AP's earlier story follows below."
_PLACES = ["YEREVAN, Armenia", "KYIV, Ukraine", "BOULDER, Colo.", "PARIS", "NAPA, Calif."]
_WHO = ["Police", "The ministry", "Officials", "A spokesman", "Gov. Ann Lee", "Rescuers"]
_VERBS = ["said", "confirmed", "denied", "reported", "told reporters"]
_WHAT = [
    "at least {n} people were killed in the fire",
    "{n} soldiers were injured when the helicopter was shot down",
    "the bridge collapsed shortly after {h}:{m:02d} a.m.",
    "about {n},{m:03d} residents were evacuated overnight",
    "it was not immediately clear who was responsible",
    "the death toll rose to {n} on Monday",
    "a suspect was arrested near the border",
    "the airport would reopen on Tuesday",
]


def sentence(rng: random.Random) -> str:
    what = rng.choice(_WHAT).format(
        n=rng.randint(0, 999), h=rng.randint(1, 12), m=rng.randint(0, 59)
    )
    if rng.random() < 0.3:
        return f"“{what[0].upper()}{what[1:]},” {rng.choice(_WHO).lower()} {rng.choice(_VERBS)}."
    return f"{rng.choice(_WHO)} {rng.choice(_VERBS)} {what}."


def paragraphs(rng: random.Random, count: int | None = None) -> list[str]:
    count = count if count is not None else rng.randint(3, 12)
    out = [" ".join(sentence(rng) for _ in range(rng.randint(1, 4))) for _ in range(count)]
    out[0] = f"{rng.choice(_PLACES).upper()} (AP) — {out[0]}"
    return out


def article_text(rng: random.Random, *, breaking: bool | None = None) -> str:
    """A plain-text news article: headline, byline, paragraphs, maybe a breaking update."""
    body = paragraphs(rng)
    if breaking if breaking is not None else rng.random() < 0.4:
        body = [*paragraphs(rng, rng.randint(1, 3)), MARKER, *body]
    title = f"{rng.choice(_WHO)} {rng.choice(_VERBS)} toll rises"
    return "\n\n".join([title, "By Jane Doe", *body]) + "\n"


def article_html(rng: random.Random, *, charset: str = "utf-8") -> str:
    """A news page: head with metadata, navigation, scripts, the article, a footer."""
    body = "\n".join(f"<p>{p}</p>" for p in article_text(rng).split("\n\n")[2:])
    title = f"{rng.choice(_WHO)} {rng.choice(_VERBS)}"
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title>'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
        '"2026-11-09T08:00:00Z"}</script><script>var ads = [1, 2, 3];</script>'
        "<style>p { margin: 0 }</style></head><body>"
        '<nav><a href="/">Home</a> <a href="/world">World</a></nav>'
        f"<article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright 2026 The Paper</footer></body></html>\n"
    )


# --- mutations: each takes and returns text ---------------------------------------------------


def _cut(rng: random.Random, text: str) -> str:
    a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
    return text[:a] + text[b:]


def _duplicate(rng: random.Random, text: str) -> str:
    a, b = sorted(rng.randrange(len(text) + 1) for _ in range(2))
    times = min(rng.randint(1, 50), 8_000_000 // max(1, b - a))
    return text[:b] + text[a:b] * times + text[b:]


def _shuffle_lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    rng.shuffle(lines)
    return "\n".join(lines)


def _sprinkle(chars: str) -> Callable[[random.Random, str], str]:
    def mutate(rng: random.Random, text: str) -> str:
        cuts = sorted(rng.randrange(len(text) + 1) for _ in range(rng.randint(1, 200)))
        pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
        return "".join(piece + rng.choice(chars) for piece in pieces[:-1]) + pieces[-1]

    return mutate


_CONTROL = "".join(map(chr, range(32))) + "\x7f\x85"
_RTL = "\u202e\u202b\u200f\u061c\u2067\u2069\u200e\ufeff\u00ad\u200b"


def _long_line(rng: random.Random, text: str) -> str:
    words = " ".join(
        rng.choice(["alpha", "Gov.", "a.", "A.", "1,200", "said", "—"]) for _ in range(20_000)
    )
    at = rng.randrange(len(text) + 1)
    return text[:at] + words[: rng.choice([1_000, 20_000, 100_000])] + text[at:]


def _nested(rng: random.Random, text: str) -> str:
    tag = rng.choice(["div", "p", "b", "span", "article", "a"])
    depth = rng.choice([1_000, 10_000])
    at = text.find("<p>") if "<p>" in text else 0
    return text[:at] + f"<{tag}>" * depth + "deep text. " * 5 + f"</{tag}>" * depth + text[at:]


def _huge_attribute(rng: random.Random, text: str) -> str:
    value = rng.choice(["x", "&amp;", '"', "<", "javascript:"]) * rng.choice([10_000, 1_000_000])
    at = text.find("<p") if "<p" in text else 0
    return text[:at] + f'<p data-x="{value}">Rescuers said it.</p>' + text[at:]


def _unclosed(rng: random.Random, text: str) -> str:
    tag = rng.choice(["<script>", "<style>", "<svg>", "<!--", "<p", "<script "])
    return text + tag * rng.choice([100, 5_000, 20_000])


def _repeat_lines(rng: random.Random, text: str) -> str:
    line = rng.choice(["A. ", "<p>x</p>", "Police said. ", "a. ", "Gov. ", "x\n", "1. "])
    near = rng.random() < 0.5
    count = rng.choice([1_000, 10_000, 100_000])
    lines = (f"{line.strip()} {k % 7}." if near else line for k in range(count))
    return text + ("\n" if near else "").join(lines)


def _no_sentence_ends(rng: random.Random, text: str) -> str:
    return text + " ".join(
        rng.choice(["and", "then", "the", "police", "said"]) for _ in range(30_000)
    )


MUTATIONS: dict[str, Callable[[random.Random, str], str]] = {
    "cut": _cut,
    "duplicate": _duplicate,
    "shuffle lines": _shuffle_lines,
    "control chars": _sprinkle(_CONTROL),
    "NULs": _sprinkle("\x00"),
    "RTL marks": _sprinkle(_RTL),
    "100k-char line": _long_line,
    "nested 10,000 deep": _nested,
    "huge attribute": _huge_attribute,
    "unclosed tags": _unclosed,
    "near-identical lines": _repeat_lines,
    "no sentence ends": _no_sentence_ends,
}

_CHARSETS = [
    "undefined",
    "punycode",
    "utf-7",
    "utf-16",
    "utf-32",
    "base64",
    "rot13",
    "idna",
    "bogus-charset",
    "shift_jis",
    "koi8-r",
    "iso-8859-1",
    "unicode_escape",
    "",
]


def _encode(rng: random.Random, text: str) -> bytes:
    """Mostly UTF-8; sometimes another encoding, or pieces in several."""
    roll = rng.random()
    if roll < 0.75:
        return text.encode("utf-8", "surrogatepass")
    if roll < 0.9:
        codec = rng.choice(["latin-1", "cp1252", "shift_jis", "utf-16", "koi8-r", "gb18030"])
        return text.encode(codec, "replace")
    pieces = [text[k : k + 500] for k in range(0, len(text), 500)]
    codecs = ["utf-8", "latin-1", "utf-16-le", "cp1251", "euc-kr"]
    return b"".join(p.encode(rng.choice(codecs), "replace") for p in pieces)


@dataclass(frozen=True)
class Input:
    what: str
    name: str  # a file name: .html or .txt
    data: bytes


def generate(seed: int, index: int, seeds: Sequence[bytes] = ()) -> Input:
    """The ``index``-th input of run ``seed``; ``seeds`` are real pages to mutate too."""
    rng = random.Random(f"{seed}:{index}")
    roll = rng.random()
    if roll < 0.1:
        size = rng.choice([0, 1, 10, 1_000, 100_000, 3_000_000])
        return Input("random bytes", "random.txt", rng.randbytes(size))
    if roll < 0.15:
        big = _huge(rng)
        return Input(big[0], big[1], big[2])
    html = rng.random() < 0.6
    base = article_html(rng, charset=rng.choice(_CHARSETS)) if html else article_text(rng)
    what = "html" if html else "text"
    if seeds and rng.random() < 0.3:
        base = rng.choice(seeds).decode("utf-8", "replace")
        what, html = "page", True
    text = base
    names = rng.sample(sorted(MUTATIONS), rng.choice([0, 1, 1, 1, 2, 3]))
    for name in names:
        text = MUTATIONS[name](rng, text) if text else text
    what = f"{what}: {', '.join(names) or 'as built'}"
    return Input(what, "page.html" if html else "article.txt", _encode(rng, text))


def _huge(rng: random.Random) -> tuple[str, str, bytes]:
    kind = rng.choice(["A. A. A.", "<p>x</p>", "long article", "one sentence"])
    if kind == "A. A. A.":
        return kind, "a.txt", b"A. " * rng.choice([200_000, 2_000_000])
    if kind == "<p>x</p>":
        return kind, "p.html", b"<html><body>" + b"<p>x</p>" * rng.choice([100_000, 600_000])
    if kind == "long article":
        text = "\n\n".join(paragraphs(rng, rng.choice([500, 3_000])))
        return kind, "long.txt", text.encode()
    words = " ".join(rng.choice(["police", "said", "the", "fire", "and"]) for _ in range(220_000))
    return kind, "sentence.txt", f"Headline\n\n{words}.".encode()


# --- running the CLI in-process ---------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int
    stdout: str
    stderr: str
    traceback: str | None  # the exception that escaped the CLI, if one did


def run_cli(argv: list[str]) -> Outcome:
    """``tracker ARGV`` in this process: exit code, output, and any escaped exception."""
    import traceback

    from tracker.cli import main

    out, err = io.StringIO(), io.StringIO()
    code, escaped = 0, None
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(argv)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except Exception:
            escaped = traceback.format_exc()
            code = -1
    return Outcome(code, out.getvalue(), err.getvalue(), escaped)


def problems(argv: list[str], outcome: Outcome) -> list[str]:
    """What is wrong with one run: a traceback, a bad error line, invalid --json output."""
    found = []
    if outcome.traceback is not None:
        found.append("traceback: " + outcome.traceback.strip().splitlines()[-1])
    elif outcome.code != 0:
        lines = outcome.stderr.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("tracker: error: "):
            found.append(f"error is not one line: {outcome.stderr[:300]!r}")
        if "Traceback" in outcome.stderr:
            found.append("traceback on stderr")
    elif "--json" in argv:
        try:
            json.loads(outcome.stdout)
        except ValueError as exc:
            found.append(f"invalid --json document: {exc}")
    return found
