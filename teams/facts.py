"""Counted facts: the one way a service tells the dashboards' daily rollups that rows changed.

A service that writes rows the dashboards count (leads, contracts, receipts, visits, projects, phases and their
inspections, drawing tasks, meetings and attendance, action items, change orders, phone-system calls; the list is
``SOURCES`` in ``performance/rollups.py``) wraps the write::

    with facts_write(Contract, contract.pk) as write:
        ...save...
        write.add(new.pk)  # rows created inside the block

The rollup (``performance/rollups.py``, registered as the ``facts_before`` / ``facts_after`` hooks, since
nothing in the product imports ``performance``) reads the rows' contributions before and after, and adds the
difference to its daily cells in the same transaction: an edit that moves a fact to another day or team, a
reopen or a delete keeps the cells exact. The nightly recount repairs anything written around it.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import transaction

from teams.registry import HOOKS, run_hooks


class FactWrite:
    def __init__(self, model, pks):
        self.model = model
        self.pks = {pk for pk in pks if pk is not None}

    def add(self, *pks) -> None:
        self.pks.update(pk for pk in pks if pk is not None)


@contextmanager
def facts_write(model, *pks):
    """Keep the rollups of ``model``'s rows ``pks`` (and those added) exact across the block."""
    with transaction.atomic():
        write = FactWrite(model, pks)
        before = run_hooks("facts_before", model=model, pks=set(write.pks))
        yield write
        # Each registrant gets back the snapshot it took (registered in pairs, in the same order).
        for after, snapshot in zip(HOOKS["facts_after"], before, strict=True):
            after(model=model, pks=write.pks, before=snapshot)


def facts_save(obj, **save_kwargs) -> None:
    """``obj.save(...)`` for a new or edited counted row, keeping the rollups exact."""
    with facts_write(type(obj), obj.pk) as write:
        obj.save(**save_kwargs)
        write.add(obj.pk)
