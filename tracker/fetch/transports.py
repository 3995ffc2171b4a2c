"""The engines under the fetcher, each connecting only to addresses the guard checked.

httpx's own engine through a checked httpcore network backend, or aiohttp
(through httpx-aiohttp) with a checked resolver; :func:`_default_transport`
picks one as ``FetchSettings.engine`` says.
"""

from __future__ import annotations

import math
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from functools import lru_cache
from typing import Any, NoReturn, Protocol

import httpcore
import httpx

from tracker.fetch.safety import URL_CACHE_SIZE, _AddressGuard, _ip_literal
from tracker.fetch.settings import FetchSettings


class Reply(Protocol):
    """One HTTP response as the fetcher reads it, whichever engine produced it."""

    status: int
    reason: str
    raw_headers: Sequence[tuple[bytes, bytes]]

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class HttpxReply:
    """A :class:`Reply` over an ``httpx.Response`` (any httpx transport, injected ones too)."""

    __slots__ = ("_response", "raw_headers", "reason", "status")

    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.reason = response.reason_phrase
        self.raw_headers = response.headers.raw

    def aiter_raw(self) -> AsyncIterator[bytes]:
        return self._response.aiter_raw()

    async def aclose(self) -> None:
        await self._response.aclose()


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses that passed the guard."""

    def __init__(self, guard: _AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if _ip_literal(host) is not None:
            addresses = [host]  # checked as written before the request
        else:
            addresses = [address for _, address in await self._guard.addresses(host.lower(), port)]
        failure: Exception = httpcore.ConnectError(f"no address for {host}")
        for address in addresses:  # TLS still names ``host``: httpcore passes it as SNI
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _httpx_transport(settings: FetchSettings, guard: _AddressGuard) -> httpx.AsyncBaseTransport:
    """httpx's own engine, its pool rebuilt on a backend that connects to checked addresses."""
    limits = httpx.Limits(
        max_connections=settings.max_connections,
        max_keepalive_connections=settings.max_connections,
    )
    transport = httpx.AsyncHTTPTransport(limits=limits, retries=0, trust_env=False)
    # httpx takes no network backend, its pool does: swap the pool for one built
    # with the same limits and a checked backend (closes DNS rebinding here too).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        retries=0,
        network_backend=_CheckedBackend(guard),
    )
    return transport


def _aiohttp_transport(
    settings: FetchSettings, guard: _AddressGuard
) -> httpx.AsyncBaseTransport | None:
    """httpx's API on aiohttp's engine, connecting only to checked addresses; None if absent."""
    try:
        import aiohttp
        import yarl
        from aiohttp.abc import AbstractResolver, ResolveResult
        from httpx_aiohttp import AiohttpTransport
        from httpx_aiohttp.transport import map_aiohttp_exceptions
    except ImportError:
        return None

    # A story's URL as aiohttp parses it (yarl.URL(text), which aiohttp does for a string),
    # parsed once: on every request it was a tenth of a 304 check's cost. As many entries as
    # the fetcher's own URL cache (safety._target_of), which a check passes first.
    parsed_url = lru_cache(maxsize=URL_CACHE_SIZE)(yarl.URL)

    class CheckedResolver(AbstractResolver):
        """Hands aiohttp only addresses that passed the guard: closes DNS rebinding."""

        async def resolve(
            self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
        ) -> list[ResolveResult]:
            answer = await guard.addresses(host.lower(), port)
            wanted = {socket.AF_INET, socket.AF_INET6} if family == socket.AF_UNSPEC else {family}
            return [
                ResolveResult(
                    hostname=host,
                    host=address,
                    port=port,
                    family=address_family,
                    proto=0,
                    flags=socket.AI_NUMERICHOST,
                )
                for address_family, address in answer
                if address_family in wanted
            ]

        async def close(self) -> None:
            pass

    def _mapped() -> NoReturn:
        """Raise the exception being handled as httpx-aiohttp maps it (to httpx's).

        Called from an ``except`` block: the mapping's context manager around every
        request and release cost more than the rest of the reply wrapper; only a
        failure needs it.
        """
        with map_aiohttp_exceptions():
            raise
        raise  # (not reached: the mapping raises, mapped or as it was)

    def session() -> aiohttp.ClientSession:  # made on first use, inside the event loop
        connector = aiohttp.TCPConnector(
            limit=settings.max_connections,
            limit_per_host=settings.per_host_limit,
            resolver=CheckedResolver(),
            use_dns_cache=False,  # the guard caches, and re-checks every answer
            family=socket.AF_UNSPEC,
        )
        return aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False)

    def _client_timeout(total: float) -> aiohttp.ClientTimeout:
        """aiohttp's total timeout bounds the exchange, the body read included, up to the
        connection's release: the fetcher needs no asyncio.timeout per request (a timer
        and a context manager a check). Exact, as that was: not rounded up to a whole
        second (aiohttp's ceil_threshold)."""
        return aiohttp.ClientTimeout(
            total=total,
            sock_connect=settings.connect_timeout,
            sock_read=settings.read_timeout,
            connect=settings.total_timeout,
            ceil_threshold=math.inf,
        )

    class AiohttpReply:
        """A :class:`Reply` straight from aiohttp: no ``httpx.Request``/``Response`` per check."""

        __slots__ = ("_response", "raw_headers", "reason", "status")

        def __init__(self, response: aiohttp.ClientResponse) -> None:
            self._response = response
            self.status = response.status
            self.reason = response.reason or httpx.codes.get_reason_phrase(response.status)
            self.raw_headers = response.raw_headers

        async def aiter_raw(self) -> AsyncIterator[bytes]:
            with map_aiohttp_exceptions():
                async for chunk in self._response.content.iter_chunked(16 * 1024):
                    yield chunk

        async def aclose(self) -> None:
            try:
                self._response.release()
            except Exception:
                _mapped()

    class CheckedAiohttpTransport(AiohttpTransport):
        """httpx-aiohttp's transport, plus :meth:`get`: the fetcher's cheap path to aiohttp.

        Its exceptions are mapped to httpx's as httpx-aiohttp maps them, so a
        failure reads the same on either path; the end of the fetch's total time
        is a bare ``TimeoutError``, as ``asyncio.timeout`` raises it.
        """

        timeout = _client_timeout(settings.total_timeout)

        async def get(
            self, url: str, headers: Sequence[tuple[str, str]], remaining: float | None = None
        ) -> AiohttpReply:
            """GET ``url`` within the fetch's total time: all of it, or the ``remaining``
            seconds the redirect hops before left."""
            if not isinstance(self.client, aiohttp.ClientSession):
                self.client = self.get_client()
            timeout = self.timeout
            if remaining is not None:
                if remaining <= 0:
                    raise TimeoutError
                timeout = _client_timeout(remaining)
            try:
                response = await self.client.request(
                    "GET",
                    parsed_url(url),
                    headers=headers,
                    allow_redirects=False,
                    auto_decompress=False,
                    timeout=timeout,
                )
            except Exception:
                _mapped()
            return AiohttpReply(response)

    return CheckedAiohttpTransport(client=session)


def _default_transport(settings: FetchSettings, guard: _AddressGuard) -> httpx.AsyncBaseTransport:
    """The engine ``settings.engine`` names; aiohttp is about 3x cheaper per request."""
    if settings.engine == "httpx":
        return _httpx_transport(settings, guard)
    transport = _aiohttp_transport(settings, guard)
    if transport is not None:
        return transport
    if settings.engine == "aiohttp":
        raise ImportError("FetchSettings.engine='aiohttp' needs the httpx-aiohttp package")
    return _httpx_transport(settings, guard)
