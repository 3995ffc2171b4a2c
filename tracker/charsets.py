"""Character sets: decode a page's bytes to text, whatever its declaration says.

Shared by the fetcher (:mod:`tracker.fetch`, with the Content-Type header) and by local
files (:mod:`tracker.extract`). A declared charset is used only when it names a real
character set and the bytes decode with it; an unknown one ("undefined"), a Python codec
that is not a character set ("punycode", "base64") or a lying one falls back to UTF-8,
then charset-normalizer's detection, then windows-1252 with replacement, so decoding
never fails.
"""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

import charset_normalizer

# WHATWG Encoding: these labels mean windows-1252 on the web.
_CHARSET_ALIASES = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "x-user-defined": "cp1252",
}
# ...and a <meta> that says UTF-16 was read as ASCII, so the page is not UTF-16.
_META_CHARSET_ALIASES = {
    **_CHARSET_ALIASES,
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_META_WINDOW = 4096  # browsers look for <meta charset> in the first 1,024 bytes; be lenient
# Python codecs that are not character sets a page can be written in: they decode nothing
# (undefined), something else (punycode, idna, escapes), or scripts (utf-7, an old XSS trick).
_NOT_CHARSETS = frozenset(
    [
        "undefined",
        "punycode",
        "idna",
        "unicode-escape",
        "raw-unicode-escape",
        "utf-7",
        "mbcs",
        "oem",
        "charmap",
    ]
)


def _codec(label: str | bytes | None, aliases: dict[str, str] = _CHARSET_ALIASES) -> str | None:
    """Python's name for a charset label, or None when unknown."""
    if not label:
        return None
    name = label.decode("ascii", "replace") if isinstance(label, bytes) else label
    name = name.strip().strip("\"'").lower()
    name = aliases.get(name, name)
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None  # "undefined", "punycode", "base64": not a page's character set
    return info.name


_HIGH_BYTES = bytes(range(0x80, 0x100))


@lru_cache(maxsize=256)
def _is_single_byte(codec_name: str) -> bool:
    """One character per byte (cp1252, koi8-r), unlike cp932 or utf-8."""
    decoded = _HIGH_BYTES.decode(codec_name, "replace")
    # utf-8 also gives one character per lone high byte, but every one is U+FFFD.
    return len(decoded) == len(_HIGH_BYTES) and decoded.count("\ufffd") < len(decoded) // 2


def _decodes(body: bytes, codec_name: str | None) -> str | None:
    if codec_name is None:
        return None
    try:
        return body.decode(codec_name)
    except (UnicodeError, LookupError):  # UnicodeError: a codec that refuses (not only bad bytes)
        return None


def _utf8_beyond_ascii(body: bytes) -> str | None:
    """The text when ``body`` is valid UTF-8 that uses non-ASCII characters."""
    if body.isascii():
        return None
    return _decodes(body, "utf-8")


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page to ``(text, codec name)``.

    Order: a byte-order mark; the Content-Type charset; a ``<meta charset>`` or
    ``http-equiv`` declaration; UTF-8; charset-normalizer's guess; windows-1252
    with replacement. A declaration is skipped when the bytes do not decode
    with it, and a single-byte declaration loses to bytes that are valid,
    non-ASCII UTF-8 (a page saved as UTF-8 behind an old "iso-8859-1" header).
    """
    for bom, codec_name in _BOMS:
        if body.startswith(bom):
            return body.decode(codec_name, "replace"), codec_name
    header_match = _HEADER_CHARSET.search(content_type or "")
    meta_match = _META_CHARSET.search(body[:_META_WINDOW])
    declared = [
        _codec(header_match.group(1) if header_match else None),
        _codec(meta_match.group(1) if meta_match else None, _META_CHARSET_ALIASES),
    ]
    for codec_name in declared:
        if codec_name is None:
            continue
        if _is_single_byte(codec_name) and (text := _utf8_beyond_ascii(body)) is not None:
            return text, "utf-8"
        if (text := _decodes(body, codec_name)) is not None:
            return text, codec_name
    if (text := _decodes(body, "utf-8")) is not None:
        return text, "utf-8"
    best = charset_normalizer.from_bytes(body).best()
    guessed = _codec(best.encoding) if best is not None else None
    if guessed is not None and (text := _decodes(body, guessed)) is not None:
        return text, guessed
    return body.decode("cp1252", "replace"), "cp1252"
