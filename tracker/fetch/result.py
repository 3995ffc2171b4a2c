"""What a fetch answers: :data:`FetchOutcome` and :class:`FetchResult`."""

from __future__ import annotations

from typing import Literal, NamedTuple

from tracker.fetch.body import is_textual

FetchOutcome = Literal[
    "ok",
    "not_modified",
    "gone",
    "http_error",
    "rate_limited",
    "too_large",
    "timeout",
    "refused",
    "redirect_loop",
    "network_error",
]


class FetchResult(NamedTuple):
    """What one fetch of one URL found, success or not (a named tuple: immutable, and made
    in half a frozen dataclass's time; every check makes one)."""

    url: str  # the URL asked for
    final_url: str  # after redirects (the last one tried, when a hop failed)
    status: int | None  # HTTP status of the last response; None when there was none
    outcome: FetchOutcome
    body: bytes | None = None  # content-decoded, capped; only for "ok"
    text: str | None = None  # body as text, when the content type is textual
    encoding: str | None = None  # the codec that produced ``text``
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: str | None = None  # the final URL, when any hop was 301/308
    retry_after: float | None = None  # seconds, from Retry-After on 429/503
    bytes: int = 0  # body bytes received on the wire (before content decoding)
    elapsed: float = 0.0  # seconds, including any wait for a per-host slot
    error: str | None = None  # one-line reason for every outcome but ok / not_modified
    content_type: str | None = None  # the Content-Type header of an "ok" answer

    @property
    def textual(self) -> bool:
        """A body of a textual type: ``text`` holds it decoded, unless the fetch was asked
        not to decode (``decode=False``; :func:`tracker.charsets.decode_body` does it)."""
        return self.body is not None and is_textual(self.content_type)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"
