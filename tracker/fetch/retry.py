"""When to try again: Retry-After parsing and exponential backoff with full jitter."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# A server's Retry-After is honoured up to this many seconds (6 h, the poller's longest error
# back-off): ten years, an HTTP date in 9999 or a number too big for a float must not park a
# story that long.
MAX_RETRY_AFTER = 6 * 3600.0


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), at most
    :data:`MAX_RETRY_AFTER`; None when the value is neither."""
    if value is None:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(min(int(value[:20]), MAX_RETRY_AFTER))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    except OverflowError:
        return MAX_RETRY_AFTER
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


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
