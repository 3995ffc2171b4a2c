"""Word-level diffs of two sentences with diff-match-patch.

Each word, number, punctuation mark and whitespace run becomes one character
(diff-match-patch's ``linesToChars`` trick, applied to tokens), so the diff
never cuts through a word or a number: ``1,200`` → ``1,300`` is a replaced
number, not ``1,[-2-]{+3+}00``. Semantic cleanup then merges the small
coincidental equalities that make a diff hard to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from diff_match_patch import diff_match_patch

WordOp = tuple[str, str]  # ("=", "text") | ("-", "text") | ("+", "text")

# Order matters: the first alternative that matches at a position wins.
_TOKEN = re.compile(
    r"""
      \d+(?:[.,:/]\d+)*            # numbers whole: 1,200  3.5  2:46  11/3
    | [^\W\d_]+(?:['’][^\W\d_]+)*  # words, with inner apostrophes: don't, Azerbaijan's
    | \s+                          # a whitespace run
    | .                            # any other single character (punctuation, symbols)
    """,
    re.VERBOSE | re.DOTALL,
)

_OP_SYMBOL = {
    diff_match_patch.DIFF_EQUAL: "=",
    diff_match_patch.DIFF_DELETE: "-",
    diff_match_patch.DIFF_INSERT: "+",
}

_SURROGATES_START, _SURROGATES_END = 0xD800, 0xDFFF


def tokenize(text: str) -> list[str]:
    """Words, whole numbers, whitespace runs and single punctuation marks; they rejoin to text."""
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> tuple[WordOp, ...]:
    """The token diff of ``a`` into ``b`` as ``(op, text)`` pairs, op one of ``=``, ``-``, ``+``.

    Joining the ``=`` and ``-`` texts gives ``a`` back exactly; ``=`` and ``+`` give ``b``.
    """
    token_chars: dict[str, str] = {}
    chars_a = _encode(tokenize(a), token_chars)
    chars_b = _encode(tokenize(b), token_chars)
    differ = diff_match_patch()
    differ.Diff_Timeout = 0  # exact diffs: a timeout returns near-total replacements
    diffs = differ.diff_main(chars_a, chars_b, False)
    differ.diff_cleanupSemantic(diffs)
    char_tokens = {char: token for token, char in token_chars.items()}
    return _merge_adjacent(
        (_OP_SYMBOL[op], "".join(char_tokens[c] for c in chars)) for op, chars in diffs
    )


def _encode(tokens: list[str], token_chars: dict[str, str]) -> str:
    """One character per token, shared between both sides so equal tokens get equal chars."""
    chars = []
    for token in tokens:
        char = token_chars.get(token)
        if char is None:
            char = _nth_char(len(token_chars))
            token_chars[token] = char
        chars.append(char)
    return "".join(chars)


def _nth_char(n: int) -> str:
    # Skip the surrogate range: those code points are not valid characters on their own.
    code = n + 1
    if code >= _SURROGATES_START:
        code += _SURROGATES_END - _SURROGATES_START + 1
    return chr(code)


def _merge_adjacent(ops: Iterable[WordOp]) -> tuple[WordOp, ...]:
    merged: list[WordOp] = []
    for op, text in ops:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return tuple(merged)
