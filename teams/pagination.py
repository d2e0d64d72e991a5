"""Pagination for lists that reach hundreds of thousands of rows."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows.

    An exact ``COUNT(*)`` over 300,000 complaints or 1,000,000 calls costs more
    than the page itself, on every request; nobody pages past page 400 — they
    filter. Past the cap, ``capped`` is true and the page shows "10000+".
    """

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if hasattr(rows, "query"):
            # COUNT over a LIMITed subquery; the order is irrelevant to a count.
            return rows.order_by()[: self.cap + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
