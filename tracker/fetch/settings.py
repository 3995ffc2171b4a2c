"""How to fetch: :class:`FetchSettings`, one object for the whole stage."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Literal

from tracker import __version__


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
