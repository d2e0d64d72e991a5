"""Arithmetic of every figure the product shows: exact ``Decimal``, rounded half up (14.625 → 14.63,
843 / 200 → 4.22), never through a float, whichever app computes it."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum


def round_half_up(value, places: str = "0.01") -> Decimal:
    """``value`` rounded half up to ``places`` ("1", "0.1", "0.01"). Floats are refused."""
    if isinstance(value, float):
        raise TypeError("Figures are computed in Decimal; got a float.")
    return Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def ratio(part, whole, places: str = "0.1") -> Decimal | None:
    """``part`` as a percentage of ``whole`` (None when ``whole`` is zero or missing)."""
    if part is None or not whole:
        return None
    return round_half_up(Decimal(part) * 100 / Decimal(whole), places)


def mean(total, count: int, places: str = "0.01") -> Decimal | None:
    """``total / count`` (None for no values)."""
    if total is None or not count:
        return None
    return round_half_up(Decimal(total) / count, places)


def seconds(value: dt.timedelta) -> Decimal:
    """A duration in seconds, exactly (``timedelta.total_seconds()`` is a float)."""
    return Decimal(value.days * 86400 + value.seconds) + Decimal(value.microseconds) / 1_000_000


class MoneySum(Sum):
    """The sum of a money column in fen (0.01) on every database: SQLite hands an aggregate back without its
    decimal places ("54000" for 54000.00), PostgreSQL with them, and a page or a history line must read the
    same on both."""

    def get_db_converters(self, connection):
        return [*super().get_db_converters(connection), self._in_fen]

    @staticmethod
    def _in_fen(value, expression, connection):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
