"""Response bodies: capped reading, bounded content decoding, charset detection.

The body is capped on the wire and again after content decoding (a gzip bomb
costs at most the cap), and textual bodies are decoded by :func:`decode_body`.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

import charset_normalizer


class _TooLarge(Exception):
    pass


class _BoundedDecoder:
    """Content-decodes chunk by chunk and never produces more than ``limit`` bytes.

    ``zlib``'s ``max_length`` stops inflation at the cap, so a gzip bomb costs
    at most ``limit`` bytes of memory however far it would expand.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        self._encoding = encoding
        self._limit = limit
        self._size = 0
        self._parts: list[bytes] = []
        self._inflater = self._new_inflater()

    def _new_inflater(self) -> Any:
        if self._encoding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)  # zlib-wrapped; raw is tried on error
        if self._encoding in {"gzip", "x-gzip"}:
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        return None

    def feed(self, chunk: bytes) -> None:
        if self._inflater is None:
            self._keep(chunk)
            return
        while chunk:
            try:
                data = self._inflater.decompress(chunk, self._limit - self._size + 1)
            except zlib.error:
                if self._encoding != "deflate" or self._size or self._parts:
                    raise
                # Some servers send raw deflate under "deflate": retry as raw.
                self._encoding = "raw-deflate"
                self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._keep(data)
            chunk = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data:  # another gzip member
                chunk = self._inflater.unused_data
                self._inflater = self._new_inflater()

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise _TooLarge(f"body is larger than {self._limit} bytes after decoding")
        if data:
            self._parts.append(data)

    def result(self) -> bytes:
        return b"".join(self._parts)


_SUPPORTED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})
ACCEPT_ENCODING = "gzip, deflate"  # only what _BoundedDecoder can inflate with a cap


async def _read_capped(
    chunks: AsyncIterator[bytes], content_encoding: str, limit: int, on_wire: list[int]
) -> bytes:
    """The decoded body; raises :class:`_TooLarge` as soon as either size passes ``limit``.

    ``on_wire[0]`` counts received bytes as they arrive, so a failure still
    reports them.
    """
    decoder = _BoundedDecoder(content_encoding, limit)
    async for chunk in chunks:
        on_wire[0] += len(chunk)
        if on_wire[0] > limit:
            raise _TooLarge(f"body is larger than {limit} bytes")
        decoder.feed(chunk)
    return decoder.result()


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
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/json")
_TEXT_SUFFIXES = ("+xml", "+json")


def _codec(label: str | bytes | None, aliases: dict[str, str] = _CHARSET_ALIASES) -> str | None:
    """Python's name for a charset label, or None when unknown."""
    if not label:
        return None
    name = label.decode("ascii", "replace") if isinstance(label, bytes) else label
    name = name.strip().strip("\"'").lower()
    name = aliases.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


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
    except (UnicodeDecodeError, LookupError):
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


def _is_textual(content_type: str | None) -> bool:
    if not content_type:
        return True  # undeclared: a news page, most likely
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(_TEXT_TYPES) or media_type.endswith(_TEXT_SUFFIXES)
