"""A fixed-window counter in the cache the web workers share (Redis in production, config/resilience.py).

Used where an outsider can make the product write (the phone system's webhook). When the cache is down every
request is allowed: refusing the PBX because Redis is away would lose calls, and the flood it guards against
is bounded by the window anyway."""

import time

from django.core.cache import cache


def rate_allow(key: str, *, limit: int, window: int = 60) -> bool:
    """Count one hit on ``key``; False once more than ``limit`` hits fell in the current ``window`` seconds."""
    bucket = f"ratelimit:{key}:{int(time.time() // window)}"
    if cache.add(bucket, 1, timeout=window + 1):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr, or the cache is down
        return True
