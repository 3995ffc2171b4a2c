"""Word-level diffs of two sentences with diff-match-patch.

Each word, number, punctuation mark and whitespace run becomes one character
(diff-match-patch's ``linesToChars`` trick, applied to tokens), so the diff
never cuts through a word or a number: ``1,200`` → ``1,300`` is a replaced
number, not ``1,[-2-]{+3+}00``. Semantic cleanup then merges the small
coincidental equalities that make a diff hard to read.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable

from diff_match_patch import diff_match_patch

from tracker import limits

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
EQUAL, DELETE, INSERT = (
    diff_match_patch.DIFF_EQUAL,
    diff_match_patch.DIFF_DELETE,
    diff_match_patch.DIFF_INSERT,
)
# Long unlike texts are diffed by runs of tokens: a run ends after a token whose CRC has these
# bits zero (one token in 16 on average), or at MAX_CHUNK_TOKENS tokens.
CHUNK_MASK = 0xF
MAX_CHUNK_TOKENS = 64


def tokenize(text: str) -> list[str]:
    """Words, whole numbers, whitespace runs and single punctuation marks; they rejoin to text."""
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> tuple[WordOp, ...]:
    """The token diff of ``a`` into ``b`` as ``(op, text)`` pairs, op one of ``=``, ``-``, ``+``.

    Joining the ``=`` and ``-`` texts gives ``a`` back exactly; ``=`` and ``+`` give ``b``.
    """
    token_chars: dict[str, str] = {}
    tokens_a, tokens_b = tokenize(a), tokenize(b)
    chars_a = _encode(tokens_a, token_chars)
    chars_b = _encode(tokens_b, token_chars)
    if _cells(chars_a, chars_b) <= limits.MAX_WORD_DIFF_CELLS:
        diffs = _exact(chars_a, chars_b)
    else:  # long and unlike: the exact diff is quadratic (minutes for two 20k-word texts)
        diffs = _by_chunks(chars_a, chars_b, tokens_a + tokens_b)
    char_tokens = {char: token for token, char in token_chars.items()}
    return _merge_adjacent(
        (_OP_SYMBOL[op], "".join(char_tokens[c] for c in chars)) for op, chars in diffs
    )


def _exact(chars_a: str, chars_b: str) -> list[tuple[int, str]]:
    differ = diff_match_patch()
    differ.Diff_Timeout = 0  # exact diffs: a timeout returns near-total replacements
    diffs = differ.diff_main(chars_a, chars_b, False)
    differ.diff_cleanupSemantic(diffs)
    return diffs


def _cells(chars_a: str, chars_b: str) -> int:
    """Tokens of A times tokens of B once their common start and end are set aside."""
    differ = diff_match_patch()
    prefix = differ.diff_commonPrefix(chars_a, chars_b)
    a, b = chars_a[prefix:], chars_b[prefix:]
    suffix = differ.diff_commonSuffix(a, b)
    return (len(a) - suffix) * (len(b) - suffix)


def _by_chunks(chars_a: str, chars_b: str, tokens: list[str]) -> list[tuple[int, str]]:
    """Diff runs of tokens cut where the content says (after a token whose hash ends in
    CHUNK_MASK's zero bits), so an insertion moves no later cut; then diff the tokens of
    each replaced run that is small enough, and show a larger one as removed and added."""
    cut_after = {c for c, t in zip(chars_a + chars_b, tokens, strict=True) if _is_cut(t)}
    chunk_chars: dict[str, str] = {}
    chunks_a, chunks_b = _chunks(chars_a, cut_after), _chunks(chars_b, cut_after)
    coded_a, coded_b = _encode(chunks_a, chunk_chars), _encode(chunks_b, chunk_chars)
    if _cells(coded_a, coded_b) > limits.MAX_WORD_DIFF_CELLS:
        coarse = [(DELETE, chars_a), (INSERT, chars_b)]  # still too many chunks: replaced
    else:
        chunk_of = {char: chunk for chunk, char in chunk_chars.items()}
        differ = diff_match_patch()
        differ.Diff_Timeout = 0
        coarse = [
            (op, "".join(chunk_of[c] for c in text))
            for op, text in differ.diff_main(coded_a, coded_b, False)
        ]
    diffs: list[tuple[int, str]] = []
    removed = added = ""
    for op, text in [*coarse, (EQUAL, "")]:
        if op == DELETE:
            removed += text
        elif op == INSERT:
            added += text
        else:
            if _cells(removed, added) <= limits.MAX_WORD_DIFF_CELLS:
                diffs.extend(_exact(removed, added))
            else:
                diffs.extend([(DELETE, removed), (INSERT, added)])
            removed = added = ""
            diffs.append((EQUAL, text))
    return diffs


def _is_cut(token: str) -> bool:
    return zlib.crc32(token.encode("utf-8", "surrogatepass")) & CHUNK_MASK == 0


def _chunks(chars: str, cut_after: set[str]) -> list[str]:
    chunks, start = [], 0
    for k, char in enumerate(chars):
        if char in cut_after or k + 1 - start >= MAX_CHUNK_TOKENS:
            chunks.append(chars[start : k + 1])
            start = k + 1
    if start < len(chars):
        chunks.append(chars[start:])
    return chunks


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
