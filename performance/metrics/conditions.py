"""Building blocks for a metric's period condition (``in_period``) and its hit rule."""

from __future__ import annotations

from functools import reduce

from django.db.models import Q

from performance.metrics.base import QFn


def _dates(field: str) -> QFn:
    return lambda p, now: Q(**{f"{field}__gte": p.start, f"{field}__lt": p.end})


def _times(field: str) -> QFn:
    return lambda p, now: Q(**{f"{field}__gte": p.start_dt, f"{field}__lt": p.end_dt})


def _and(*parts: QFn) -> QFn:
    return lambda p, now: reduce(lambda a, b: a & b, (part(p, now) for part in parts))


def _const(**lookups) -> QFn:
    return lambda p, now: Q(**lookups)
