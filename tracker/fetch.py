"""Fetch one URL politely and safely: the first stage of a poll.

One :class:`Fetcher` per process (and event loop) shares one keep-alive
transport. :meth:`Fetcher.fetch` sends a conditional GET, follows redirects by
hand (checking every hop's address), caps the body on the wire and after
content decoding, bounds the whole exchange in time, limits concurrent requests
per host, and always answers with a :class:`FetchResult`: a failure is an
``outcome`` with a one-line ``error``, never an exception.

Safety: only http and https, and only public addresses unless
``allow_private``. Literal IPs are checked as written; host names are resolved
(off the event loop) and every address they resolve to must be public. With
the default aiohttp transport the connection is made by a resolver that hands
out only the addresses that passed the check, so a DNS answer that changes
between check and connect (DNS rebinding) cannot reach a private address; the
httpx engine gets the same through an httpcore network backend. Only a
transport injected by the caller resolves on its own: with it, rebinding
remains a known gap.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import ipaddress
import math
import os
import random
import re
import socket
import time
import zlib
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any, Literal

import charset_normalizer
import httpcore
import httpx

from tracker import __version__

__all__ = [
    "FetchOutcome",
    "FetchResult",
    "FetchSettings",
    "Fetcher",
    "UnsafeURLError",
    "address_problem",
    "backoff_delay",
    "check_url_allowed",
    "decode_body",
    "fetch_once",
    "parse_retry_after",
]

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


@dataclass(frozen=True)
class FetchResult:
    """What one fetch of one URL found, success or not."""

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

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class FetchSettings:
    """How politely, how long and how much to fetch; one object for the whole stage.

    ``total_timeout`` bounds the time spent talking to servers across all
    redirect hops; waiting for a per-host slot is not counted (``elapsed`` is).
    ``allow_hosts`` lists host names or ``host:port`` (``[v6]:port``) that may
    be private even when ``allow_private`` is off: tests use it to allow one
    loopback server and still see a redirect to another loopback name refused.
    """

    user_agent: str = f"tracker/{__version__} (+news update diff tracker)"
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    per_host_limit: int = 4
    max_connections: int = 200
    allow_private: bool = False
    allow_hosts: frozenset[str] = frozenset()
    dns_cache_seconds: float = 60.0
    engine: Literal["auto", "aiohttp", "httpx"] = "auto"  # auto: aiohttp when installed

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "total_timeout", "max_bytes"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchSettings.{name} must be positive")
        if self.engine not in {"auto", "aiohttp", "httpx"}:
            raise ValueError(f"FetchSettings.engine {self.engine!r} is not auto, aiohttp or httpx")
        if self.per_host_limit < 1 or self.max_connections < 1 or self.max_redirects < 0:
            raise ValueError("FetchSettings: limits must be at least 1, max_redirects at least 0")
        # Host names compare in lower case; accept any iterable of names.
        object.__setattr__(self, "allow_hosts", frozenset(h.lower() for h in self.allow_hosts))

    @classmethod
    def from_env(cls, **overrides: Any) -> FetchSettings:
        """Settings with ``TRACKER_ALLOW_PRIVATE=1`` honoured; keyword overrides win."""
        values: dict[str, Any] = {"allow_private": _env_flag("TRACKER_ALLOW_PRIVATE")}
        values.update(overrides)
        return cls(**values)


# --------------------------------------------------------------------------
# Address safety
# --------------------------------------------------------------------------


class UnsafeURLError(ValueError):
    """A URL the fetcher refuses: another scheme, or a non-public address."""


ALLOWED_SCHEMES = frozenset({"http", "https"})

# Networks a news story never lives on, with the word for why. Checked before
# ``ipaddress``'s own ``is_global``, which catches whatever this table misses.
BLOCKED_NETWORKS: tuple[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, str], ...] = tuple(
    (ipaddress.ip_network(network), reason)
    for network, reason in (
        ("0.0.0.0/8", "unspecified"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "reserved (IETF protocol)"),
        ("192.0.2.0/24", "documentation"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("100::/64", "discard-only"),
        ("2001:db8::/32", "documentation"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    )
)

# IPv6 forms that carry an IPv4 address the packet really goes to.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


@lru_cache(maxsize=65536)
def address_problem(address: str) -> str | None:
    """Why ``address`` (an IP literal) is not public, e.g. ``"loopback"``; None if it is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            problem = address_problem(str(embedded))
            return f"{problem} (as IPv4 {embedded})" if problem else None
    for network, reason in BLOCKED_NETWORKS:
        if ip in network:
            return reason
    return None if ip.is_global else "non-public"


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a URL points: what the safety check and the per-host limit look at."""

    url: httpx.URL
    host: str  # lower case, IDNA-encoded, IPv6 without brackets
    port: int

    @property
    def authority(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


_DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=65536)
def _target_of(url: str | httpx.URL) -> _Target:
    """Parse with httpx itself, so the checked host is the host httpx connects to.

    Cached: a poller asks for the same story URLs over and over.
    """
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise UnsafeURLError(f"invalid URL {str(url)!r}: {error}") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"scheme {parsed.scheme or '(none)'!r} is not http or https")
    if not parsed.host:
        raise UnsafeURLError(f"URL {str(url)!r} has no host")
    return _Target(parsed, parsed.host.lower(), parsed.port or _DEFAULT_PORTS[parsed.scheme])


def _is_allowed_host(host: str, port: int, allow_hosts: frozenset[str]) -> bool:
    if not allow_hosts:
        return False
    bracketed = f"[{host}]" if ":" in host else host
    return bool({host, f"{host}:{port}", f"{bracketed}:{port}"} & allow_hosts)


def _refuse_unless_public(host: str, addresses: Iterable[str]) -> None:
    for address in addresses:
        problem = address_problem(address)
        if problem is not None:
            shown = address if address == host else f"{host} resolves to {address}, which"
            raise UnsafeURLError(f"refused: {shown} is a {problem} address")


def _unique_addresses(infos: Iterable[tuple[Any, ...]]) -> tuple[tuple[int, str], ...]:
    seen: dict[tuple[int, str], None] = {}
    for family, _type, _proto, _canon, sockaddr in infos:
        seen[(int(family), str(sockaddr[0]))] = None
    return tuple(seen)


def check_url_allowed(
    url: str, *, allow_private: bool, allow_hosts: frozenset[str] = frozenset()
) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` may be fetched (resolves host names).

    Synchronous, for command-line checks before a story is added; the fetcher
    runs the same rules without blocking its event loop.
    """
    target = _target_of(url)
    if allow_private or _is_allowed_host(target.host, target.port, allow_hosts):
        return
    if _ip_literal(target.host) is not None:
        _refuse_unless_public(target.host, [target.host])
        return
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise UnsafeURLError(f"cannot resolve {target.host}: {error}") from None
    _refuse_unless_public(target.host, [address for _, address in _unique_addresses(infos)])


class _AddressGuard:
    """The safety rules, async: cached, coalesced resolution on the event loop's resolver.

    The cache holds raw answers for ``dns_cache_seconds``; the public-address
    rule is applied on every use, so a cached answer is never trusted blindly.
    """

    _MAX_CACHED_HOSTS = 20_000

    def __init__(self, settings: FetchSettings) -> None:
        self._settings = settings
        self._answers: dict[tuple[str, int], tuple[float, tuple[tuple[int, str], ...]]] = {}
        self._pending: dict[tuple[str, int], asyncio.Task[tuple[tuple[int, str], ...]]] = {}

    def skips(self, host: str, port: int) -> bool:
        settings = self._settings
        return settings.allow_private or _is_allowed_host(host, port, settings.allow_hosts)

    async def check(self, url: str | httpx.URL) -> _Target:
        """The URL's target, or :class:`UnsafeURLError`."""
        target = _target_of(url)
        if self.skips(target.host, target.port):
            return target
        if _ip_literal(target.host) is not None:
            _refuse_unless_public(target.host, [target.host])
        else:
            await self.addresses(target.host, target.port)
        return target

    async def addresses(self, host: str, port: int) -> tuple[tuple[int, str], ...]:
        """``(family, address)`` pairs for ``host``, every one of them allowed."""
        answer = await self._resolve(host, port)
        if not self.skips(host, port):
            _refuse_unless_public(host, [address for _, address in answer])
        return answer

    async def _resolve(self, host: str, port: int) -> tuple[tuple[int, str], ...]:
        key = (host, port)
        cached = self._answers.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        task = self._pending.get(key)
        if task is None:  # one lookup per host, however many fetches wait for it
            task = asyncio.ensure_future(self._lookup(host, port))
            self._pending[key] = task
            task.add_done_callback(lambda done: self._finish_lookup(key, done))
        timeout = self._settings.connect_timeout
        try:
            async with asyncio.timeout(timeout):
                return await asyncio.shield(task)
        except TimeoutError:
            raise TimeoutError(f"resolving {host} took more than {timeout:g} s") from None

    async def _lookup(self, host: str, port: int) -> tuple[tuple[int, str], ...]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as error:
            raise OSError(f"cannot resolve {host}: {error.strerror or error}") from None
        answer = _unique_addresses(infos)
        if len(self._answers) >= self._MAX_CACHED_HOSTS:
            self._answers.clear()
        self._answers[(host, port)] = (time.monotonic() + self._settings.dns_cache_seconds, answer)
        return answer

    def _finish_lookup(self, key: tuple[str, int], task: asyncio.Task[Any]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled():
            task.exception()  # mark it retrieved: every waiter may have given up


# --------------------------------------------------------------------------
# Transports
# --------------------------------------------------------------------------


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
        from aiohttp.abc import AbstractResolver, ResolveResult
        from httpx_aiohttp import AiohttpTransport
    except ImportError:
        return None

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

    def session() -> aiohttp.ClientSession:  # made on first use, inside the event loop
        connector = aiohttp.TCPConnector(
            limit=settings.max_connections,
            limit_per_host=settings.per_host_limit,
            resolver=CheckedResolver(),
            use_dns_cache=False,  # the guard caches, and re-checks every answer
            family=socket.AF_UNSPEC,
        )
        return aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False)

    return AiohttpTransport(client=session)


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


# --------------------------------------------------------------------------
# Bodies: capped reading, bounded decompression, charset
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Statuses, Retry-After, backoff
# --------------------------------------------------------------------------

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


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(
    failures: int, *, base: float, cap: float, rng: random.Random | None = None
) -> float:
    """Seconds to wait after ``failures`` failures in a row: exponential, full jitter.

    Uniform in ``[0, min(cap, base * 2 ** (failures - 1))]``; no failures, no wait.
    Full jitter spreads the retries of many stories that failed together.
    """
    if base < 0 or cap < 0:
        raise ValueError("base and cap must not be negative")
    if failures <= 0:
        return 0.0
    exponent = failures - 1
    if base == 0 or cap == 0:
        ceiling = 0.0
    elif exponent > math.log2(cap) - math.log2(base) + 1:  # in logs: 2 ** 5000 is no float
        ceiling = cap
    else:
        ceiling = min(cap, math.ldexp(base, exponent))
    return (rng or random).uniform(0.0, ceiling)


# --------------------------------------------------------------------------
# The fetcher
# --------------------------------------------------------------------------


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
    line = " ".join(text.split())
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

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.transport.aclose()

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` (conditionally, when validators are given); never raises for I/O."""
        journey = _Journey(
            url=url, started=time.monotonic(), etag=etag, last_modified=last_modified
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
            target = await self._guard.check(current)
            async with self._slot(target.authority):
                if journey.deadline is None:
                    loop = asyncio.get_running_loop()
                    journey.deadline = loop.time() + self.settings.total_timeout
                try:
                    async with asyncio.timeout_at(journey.deadline):
                        reply = await self._exchange(journey, target, headers)
                except TimeoutError:
                    raise TimeoutError(
                        f"no complete answer within {self.settings.total_timeout:g} s"
                    ) from None
            if isinstance(reply, FetchResult):
                return reply
            if str(reply) in seen:
                raise _Stop("redirect_loop", f"redirect loop: {journey.final_url} -> {reply}")
            current = reply
        raise _Stop("redirect_loop", f"more than {self.settings.max_redirects} redirects")

    @contextlib.asynccontextmanager
    async def _slot(self, authority: str) -> AsyncIterator[None]:
        slot = self._slots.get(authority)
        if slot is None:
            slot = self._slots[authority] = asyncio.Semaphore(self.settings.per_host_limit)
        async with slot:
            yield

    async def _exchange(
        self, journey: _Journey, target: _Target, headers: list[tuple[str, str]]
    ) -> FetchResult | httpx.URL:
        """One request: a finished result, or the URL a redirect points to."""
        request = httpx.Request("GET", target.url, headers=headers)
        request.extensions["timeout"] = self._timeouts
        response = await self.transport.handle_async_request(request)
        try:
            status = journey.status = response.status_code
            found = _headers_of(response)
            if status in _REDIRECT_STATUSES:
                location = found.get("location")
                if not location:
                    return journey.result("http_error", error=f"HTTP {status} without Location")
                journey.permanent = journey.permanent or status in _PERMANENT_REDIRECTS
                return target.url.join(location.strip())
            return await self._conclude(journey, response, found)
        finally:
            await response.aclose()

    async def _conclude(
        self, journey: _Journey, response: httpx.Response, found: dict[str, str]
    ) -> FetchResult:
        status = response.status_code
        outcome = _outcome_for_status(status)
        if outcome == "not_modified":
            # Keep the validators we sent when the server does not repeat them.
            return journey.result(
                outcome,
                etag=found.get("etag") or journey.etag,
                last_modified=found.get("last-modified") or journey.last_modified,
            )
        if outcome != "ok":
            reason = _one_line(f"HTTP {status} {response.reason_phrase}".strip())
            retry_after = None
            if outcome == "rate_limited":
                retry_after = parse_retry_after(found.get("retry-after"))
            return journey.result(outcome, retry_after=retry_after, error=reason)
        body = await self._read_body(journey, response, found)
        content_type = found.get("content-type")
        text = encoding = None
        if _is_textual(content_type):
            text, encoding = decode_body(body, content_type)
        return journey.result(
            outcome,
            body=body,
            text=text,
            encoding=encoding,
            etag=found.get("etag"),
            last_modified=found.get("last-modified"),
        )

    async def _read_body(
        self, journey: _Journey, response: httpx.Response, found: dict[str, str]
    ) -> bytes:
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


def _headers_of(response: httpx.Response) -> dict[str, str]:
    """Response headers by lower-case name, decoded once (httpx re-decodes on every get)."""
    return {
        name.decode("latin-1").lower(): value.decode("latin-1")
        for name, value in response.headers.raw
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
