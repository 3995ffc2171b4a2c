"""Response bodies: capped reading, bounded content decoding, charset detection.

The body is capped on the wire and again after content decoding (a gzip bomb
costs at most the cap), and textual bodies are decoded by :func:`decode_body`.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator
from typing import Any

# Re-exported: the charset decoding moved to tracker.charsets, shared with local files.
from tracker.charsets import decode_body  # noqa: F401


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


_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/json")
_TEXT_SUFFIXES = ("+xml", "+json")


def is_textual(content_type: str | None) -> bool:
    """Whether a body of this Content-Type is text (undeclared: a news page, most likely)."""
    if not content_type:
        return True  # undeclared: a news page, most likely
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(_TEXT_TYPES) or media_type.endswith(_TEXT_SUFFIXES)
