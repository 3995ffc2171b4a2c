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

This package is the public surface; the work is done in its modules:
``settings`` (:class:`FetchSettings`), ``result`` (:class:`FetchResult`),
``safety`` (URL and address checks), ``transports`` (the checked engines),
``body`` (capped reading, content and charset decoding), ``retry``
(Retry-After and backoff) and ``client`` (the :class:`Fetcher`).
"""

from __future__ import annotations

from tracker.fetch.body import decode_body
from tracker.fetch.client import Fetcher, fetch_once
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.fetch.retry import backoff_delay, parse_retry_after
from tracker.fetch.safety import UnsafeURLError, address_problem, check_url_allowed
from tracker.fetch.settings import FetchSettings

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
