"""Which URLs may be fetched: schemes, public addresses, allow-lists, checked DNS.

:func:`check_url_allowed` applies the rules synchronously; :class:`_AddressGuard`
applies them on the event loop, with cached, coalesced resolution, and hands the
transports only addresses that passed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import httpx

from tracker.fetch.settings import FetchSettings


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
# Deprecated forms no public host uses: IPv4-compatible (``::127.0.0.1``, RFC 4291 2.5.5.1)
# and IPv4-translated (``::ffff:0:127.0.0.1``, RFC 2765). Some stacks still route them to
# the IPv4 address; refused whatever that address is.
_DEPRECATED_V4_FORMS: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (ipaddress.IPv6Network("::/96"), "IPv4-compatible IPv6 (deprecated)"),
    (ipaddress.IPv6Network("::ffff:0:0:0/96"), "IPv4-translated IPv6"),
)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if int(ip) > 1 and any(ip in network for network, _ in _DEPRECATED_V4_FORMS):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
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
            if problem:
                return f"{problem} (as IPv4 {embedded})"
            for network, reason in _DEPRECATED_V4_FORMS:
                if ip in network:
                    return reason
            return None
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
    # Worked out once per URL (targets are cached), not on every check of it:
    text: str  # str(url), what the request is sent to
    authority: str  # host:port, the per-host limit's key


def _target(url: httpx.URL, host: str, port: int) -> _Target:
    bracketed = f"[{host}]" if ":" in host else host
    return _Target(url, host, port, str(url), f"{bracketed}:{port}")


_DEFAULT_PORTS = {"http": 80, "https": 443}


URL_CACHE_SIZE = 4096  # story URLs whose parsed forms are kept (see _target_of)


@lru_cache(maxsize=URL_CACHE_SIZE)
def _target_of(url: str | httpx.URL) -> _Target:
    """Parse with httpx itself, so the checked host is the host httpx connects to.

    Cached: a poller asks for the same story URLs over and over. Small: an entry
    is ~650 bytes, and a poller of more stories than the cache holds cycles
    through them in order, so a bigger cache would only hold more memory (43 MB
    at 65,536 entries) without more hits.
    """
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as error:
        raise UnsafeURLError(f"invalid URL {str(url)!r}: {error}") from None
    if parsed.scheme not in ALLOWED_SCHEMES:
        raise UnsafeURLError(f"scheme {parsed.scheme or '(none)'!r} is not http or https")
    if not parsed.host:
        raise UnsafeURLError(f"URL {str(url)!r} has no host")
    return _target(parsed, parsed.host.lower(), parsed.port or _DEFAULT_PORTS[parsed.scheme])


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
        # host:port → until when (time.monotonic()) it passed: for as long as the answer it
        # was judged on stays cached (forever for an IP literal or an allowed host: the
        # rules are this guard's settings). A check of a story's URL then costs a lookup,
        # not the rules again on every poll; a new answer is judged anew. Refusals are not
        # kept: they raise each time, with their reason.
        self._passed: dict[str, float] = {}

    def skips(self, host: str, port: int) -> bool:
        settings = self._settings
        return settings.allow_private or _is_allowed_host(host, port, settings.allow_hosts)

    def passed(self, url: str | httpx.URL) -> _Target | None:
        """The URL's target if its host passed and that judgement still holds; else None
        (:meth:`check` it). A check without a coroutine, for the stories polled again and
        again."""
        target = _target_of(url)
        until = self._passed.get(target.authority)
        return target if until is not None and until > time.monotonic() else None

    async def check(self, url: str | httpx.URL) -> _Target:
        """The URL's target, or :class:`UnsafeURLError`."""
        target = self.passed(url)
        if target is not None:
            return target
        target = _target_of(url)
        if self.skips(target.host, target.port):
            until = math.inf
        elif _ip_literal(target.host) is not None:
            _refuse_unless_public(target.host, [target.host])
            until = math.inf
        else:
            await self.addresses(target.host, target.port)
            cached = self._answers.get((target.host, target.port))
            until = cached[0] if cached is not None else None  # (not cached: judge again)
        if until is not None:
            if len(self._passed) >= self._MAX_CACHED_HOSTS:
                self._passed.clear()
            self._passed[target.authority] = until
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
            self._passed.clear()  # judged on answers no longer cached: judged again
        self._answers[(host, port)] = (time.monotonic() + self._settings.dns_cache_seconds, answer)
        return answer

    def _finish_lookup(self, key: tuple[str, int], task: asyncio.Task[Any]) -> None:
        self._pending.pop(key, None)
        if not task.cancelled():
            task.exception()  # mark it retrieved: every waiter may have given up
