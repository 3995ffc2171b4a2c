"""Printable text: what a server sent (reason phrases, headers, URLs, errors), safe for a terminal.

A server chooses the bytes of its reason phrase, its headers and the URLs it
redirects to. Printed raw, an ESC in them is a terminal escape sequence that can
retitle, recolour or clear the user's terminal, and a CR can overwrite a line.
:func:`printable` replaces every control character (C0, DEL, C1, and the
Unicode bidirectional overrides that reorder what a line shows) with ``?``;
the renderers pass every server-sent string through it before printing.
"""

from __future__ import annotations

import re

# C0 controls but none kept, DEL, C1 controls; the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that make a line read other than it is stored.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("[\t\n]")
# A lone surrogate: what Python makes of argument bytes that are not UTF-8 (a file name), or
# what JSON may spell ("\udcff"). No UTF-8 output, page or database can hold one.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, the replacement character."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def printable(text: str | None, *, one_line: bool = True) -> str:
    """``text`` with control characters replaced by ``?`` (tabs and newlines by a space
    when ``one_line``); None is the empty string."""
    if not text:
        return ""
    if text.isascii() and text.isprintable():  # (URLs mostly): nothing to replace, no regex
        return text
    if one_line:
        text = _LINE_BREAKS.sub(" ", text)
    return without_surrogates(_CONTROL.sub("?", text))


def printable_or_none(text: str | None) -> str | None:
    """:func:`printable`, keeping None as None (for optional fields)."""
    return None if text is None else printable(text)
