"""The :class:`Fetcher` and :func:`fetch_once`: one polite, bounded GET per call.

Follows redirects by hand (each hop checked), limits requests per host, bounds
the exchange in time, and turns every failure into a :class:`FetchResult`.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import httpx

from tracker.fetch.body import (
    _SUPPORTED_ENCODINGS,
    ACCEPT_ENCODING,
    _read_capped,
    _TooLarge,
    decode_body,
    is_textual,
)
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.fetch.retry import parse_retry_after
from tracker.fetch.safety import UnsafeURLError, _AddressGuard, _Target
from tracker.fetch.settings import FetchSettings
from tracker.fetch.transports import HttpxReply, Reply, _default_transport
from tracker.printable import printable

_STATUS_OUTCOMES: dict[int, FetchOutcome] = {
    304: "not_modified",
    404: "gone",
    410: "gone",
    429: "rate_limited",
    503: "rate_limited",
}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})


def _outcome_for_status(status: int) -> FetchOutcome:
    if status in _STATUS_OUTCOMES:
        return _STATUS_OUTCOMES[status]
    return "ok" if 200 <= status < 300 else "http_error"


class _Stop(Exception):
    """An outcome decided mid-fetch (too large, redirect loop): unwinds to ``fetch``."""

    def __init__(self, outcome: FetchOutcome, error: str) -> None:
        super().__init__(error)
        self.outcome = outcome
        self.error = error


@dataclass
class _Journey:
    """What one fetch has seen so far, across its redirect hops."""

    url: str
    started: float
    final_url: str = ""
    status: int | None = None
    permanent: bool = False
    deadline: float | None = None
    etag: str | None = None  # the validators sent, for a 304 that does not repeat them
    last_modified: str | None = None
    decode: bool = True  # a textual body decoded to text
    on_wire: list[int] = field(default_factory=lambda: [0])

    def result(self, outcome: FetchOutcome, **fields: Any) -> FetchResult:
        return FetchResult(
            url=self.url,
            final_url=self.final_url or self.url,
            status=self.status,
            outcome=outcome,
            permanent_redirect=self.final_url if self.permanent else None,
            bytes=self.on_wire[0],
            elapsed=time.monotonic() - self.started,
            **fields,
        )


def _one_line(text: str, limit: int = 300) -> str:
    line = printable(" ".join(text.split()))
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _root_cause(error: BaseException) -> BaseException:
    seen: set[int] = set()
    while error.__cause__ is not None and id(error) not in seen:
        seen.add(id(error))
        error = error.__cause__
    return error


def _describe(error: BaseException) -> str:
    root = _root_cause(error)
    message = str(root) or str(error) or type(root).__name__
    if type(root) is OSError:  # our own wording, e.g. "cannot resolve …"
        return _one_line(message)
    return _one_line(f"{type(root).__name__}: {message}")


def _classify(error: BaseException) -> FetchOutcome:
    """Which outcome a transport exception means, judged by its root cause.

    The root, not the wrapper: httpx-aiohttp wraps a dropped connection as
    ``httpx.ConnectTimeout``, with the real aiohttp error as its cause.
    """
    root = _root_cause(error)
    if isinstance(root, UnsafeURLError):
        return "refused"
    if isinstance(root, TimeoutError | httpx.TimeoutException):
        return "timeout"
    if isinstance(root, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return "refused"
    return "network_error"


class Fetcher:
    """Fetches URLs for a whole process: one keep-alive transport, per-host limits.

    Use one Fetcher per event loop (``async with Fetcher() as fetcher``), and
    as many concurrent :meth:`fetch` calls as you like: each host gets at most
    ``per_host_limit`` requests at once. ``settings.engine`` picks the
    transport (aiohttp through httpx-aiohttp when installed, else httpx's
    own); both connect only to checked addresses. An injected ``transport``
    replaces it, and does not get that DNS-rebinding protection.

    Requests go straight to the httpx transport, not through ``AsyncClient``:
    redirects are followed here (each hop checked), and the client's cookie
    jar and header merging cost more than the rest of a 304 check together.
    """

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings.from_env()
        self._guard = _AddressGuard(self.settings)
        self.transport = transport or _default_transport(self.settings, self._guard)
        self._headers = (
            ("User-Agent", self.settings.user_agent),
            ("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
            ("Accept-Encoding", ACCEPT_ENCODING),
        )
        self._timeouts = {
            "connect": self.settings.connect_timeout,
            "read": self.settings.read_timeout,
            "write": self.settings.read_timeout,
            "pool": self.settings.total_timeout,
        }
        self._slots: dict[str, asyncio.Semaphore] = {}
        # aiohttp without httpx objects in between, when the transport offers it
        self._get = getattr(self.transport, "get", None) if transport is None else None

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        decode: bool = True,
    ) -> FetchResult:
        """GET ``url`` (conditionally, when validators are given); never raises for I/O.

        ``decode=False``: a textual body is not decoded to ``text`` (``textual`` says it
        is one): for a caller that mostly needs only the bytes, as the poller does.
        """
        journey = _Journey(
            url=url,
            started=time.monotonic(),
            etag=etag,
            last_modified=last_modified,
            decode=decode,
        )
        headers = list(self._headers)
        if etag:
            headers.append(("If-None-Match", etag))
        if last_modified:
            headers.append(("If-Modified-Since", last_modified))
        try:
            return await self._follow(journey, headers)
        except _Stop as stop:
            return journey.result(stop.outcome, error=stop.error)
        except UnsafeURLError as error:
            return journey.result("refused", error=_one_line(str(error)))
        except TimeoutError as error:
            reason = str(error) or f"no complete answer within {self.settings.total_timeout:g} s"
            return journey.result("timeout", error=_one_line(reason))
        except (httpx.HTTPError, OSError) as error:
            return journey.result(_classify(error), error=_describe(error))
        except Exception as error:  # an unmapped transport error (e.g. raw aiohttp)
            if type(error).__module__.partition(".")[0] not in {"aiohttp", "httpx_aiohttp"}:
                raise
            return journey.result(_classify(error), error=_describe(error))

    async def _follow(self, journey: _Journey, headers: list[tuple[str, str]]) -> FetchResult:
        current: str | httpx.URL = journey.url
        seen: set[str] = set()
        for _hop in range(self.settings.max_redirects + 1):
            journey.final_url = str(current)
            seen.add(journey.final_url)
            target = self._guard.passed(current) or await self._guard.check(current)
            slot = self._slots.get(target.authority)
            if slot is None:
                slot = self._slots[target.authority] = asyncio.Semaphore(
                    self.settings.per_host_limit
                )
            async with slot:  # the total time starts once the first hop has its slot
                loop = asyncio.get_running_loop()
                remaining = None
                if journey.deadline is None:
                    journey.deadline = loop.time() + self.settings.total_timeout
                else:
                    remaining = journey.deadline - loop.time()
                if self._get is not None:  # aiohttp bounds it: its total timeout, remaining
                    reply = await self._exchange(journey, target, headers, remaining)
                else:
                    async with asyncio.timeout_at(journey.deadline):
                        reply = await self._exchange(journey, target, headers)
            if isinstance(reply, FetchResult):
                return reply
            if str(reply) in seen:
                raise _Stop("redirect_loop", f"redirect loop: {journey.final_url} -> {reply}")
            current = reply
        raise _Stop("redirect_loop", f"more than {self.settings.max_redirects} redirects")

    async def _exchange(
        self,
        journey: _Journey,
        target: _Target,
        headers: list[tuple[str, str]],
        remaining: float | None = None,
    ) -> FetchResult | httpx.URL:
        """One request: a finished result, or the URL a redirect points to (``remaining``:
        the seconds left of the total time after earlier hops, for aiohttp's own timeout)."""
        response: Reply
        if self._get is not None:
            response = await self._get(target.text, headers, remaining)
        else:
            request = httpx.Request("GET", target.url, headers=headers)
            request.extensions["timeout"] = self._timeouts
            response = HttpxReply(await self.transport.handle_async_request(request))
        try:
            status = journey.status = response.status
            found = _headers_of(response)
            if status in _REDIRECT_STATUSES:
                location = found.get("location")
                if not location:
                    return journey.result("http_error", error=f"HTTP {status} without Location")
                journey.permanent = journey.permanent or status in _PERMANENT_REDIRECTS
                return _redirect_target(target.url, location, status)
            outcome = _outcome_for_status(status)
            if outcome != "ok":  # (no body to read: no coroutine for a 304)
                return self._bodiless(journey, response, found, outcome)
            return await self._conclude(journey, response, found)
        finally:
            await response.aclose()

    def _bodiless(
        self, journey: _Journey, response: Reply, found: dict[str, str], outcome: FetchOutcome
    ) -> FetchResult:
        """The result of an answer whose body is not read: a 304, an error status."""
        status = response.status
        if outcome == "not_modified":
            # Keep the validators we sent when the server does not repeat them.
            return journey.result(
                outcome,
                etag=found.get("etag") or journey.etag,
                last_modified=found.get("last-modified") or journey.last_modified,
            )
        reason = _one_line(f"HTTP {status} {response.reason}".strip())
        retry_after = None
        if outcome == "rate_limited":
            retry_after = parse_retry_after(found.get("retry-after"))
        return journey.result(outcome, retry_after=retry_after, error=reason)

    async def _conclude(
        self, journey: _Journey, response: Reply, found: dict[str, str]
    ) -> FetchResult:
        """The result of a 2xx answer, its body read and decoded."""
        body = await self._read_body(journey, response, found)
        content_type = found.get("content-type")
        text = encoding = None
        if journey.decode and is_textual(content_type):
            text, encoding = decode_body(body, content_type)
        return journey.result(
            "ok",
            body=body,
            text=text,
            encoding=encoding,
            content_type=content_type,
            etag=found.get("etag"),
            last_modified=found.get("last-modified"),
        )

    async def _read_body(self, journey: _Journey, response: Reply, found: dict[str, str]) -> bytes:
        limit = self.settings.max_bytes
        declared = found.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise _Stop("too_large", f"Content-Length {declared} is over the {limit}-byte cap")
        content_encoding = found.get("content-encoding", "").strip().lower()
        if content_encoding not in _SUPPORTED_ENCODINGS:
            raise _Stop("network_error", f"unsupported Content-Encoding {content_encoding!r}")
        try:
            return await _read_capped(
                response.aiter_raw(), content_encoding, limit, journey.on_wire
            )
        except _TooLarge as error:
            raise _Stop("too_large", str(error)) from None
        except zlib.error as error:
            raise _Stop("network_error", f"corrupt {content_encoding} body: {error}") from None


def _redirect_target(base: httpx.URL, location: str, status: int) -> httpx.URL:
    """Where a redirect points; a Location that is no URL (control characters, a bad
    host or port) is the server's error, an ``http_error`` outcome."""
    shown = _one_line(repr(location), 200)
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in location.strip()):
        raise _Stop("http_error", f"HTTP {status} with an invalid Location {shown}")
    try:
        return base.join(location.strip())
    except (httpx.InvalidURL, ValueError, TypeError) as error:
        raise _Stop(
            "http_error", f"HTTP {status} with an invalid Location {shown}: {error}"
        ) from None


def _headers_of(response: Reply) -> dict[str, str]:
    """Response headers by lower-case name, decoded once (httpx re-decodes on every get)."""
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in response.raw_headers
    }


def fetch_once(
    url: str,
    *,
    settings: FetchSettings | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchResult:
    """Fetch one URL from synchronous code (its own event loop and client)."""

    async def run() -> FetchResult:
        async with Fetcher(settings, transport=transport) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())
