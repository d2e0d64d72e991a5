"""Safe writes shared by every app: optimistic locking for forms, claim-once for scans.

A form carries the row's ``version``; saving writes only while nobody else has
saved since it was read (a compare-and-set in one UPDATE), otherwise the
caller gets ``EditConflict`` and the user sees what they typed again.

A scheduled scan claims each row by filling an empty timestamp with a
conditional UPDATE: a double beat tick, a retry or a second worker finds the
row taken and sends nothing twice.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext as _


class EditConflict(ValidationError):
    """Someone else saved the row (or moved it on) since it was read.

    A ``ValidationError``, so a view that shows a service's errors shows this one
    too; views that say more about a conflict catch it first.
    """

    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("Someone else changed this meanwhile. Reload the page to see their change."),
            code="edit_conflict",
        )


def _values(instance: Model, fields: Mapping[str, Any] | Iterable[str]) -> dict[str, Any]:
    if isinstance(fields, Mapping):
        return dict(fields)
    return {name: getattr(instance, name) for name in fields}


def compare_and_set(
    instance: Model,
    *,
    expect: Mapping[str, Any],
    fields: Mapping[str, Any] | Iterable[str],
    message: str | None = None,
) -> None:
    """Write ``fields`` to ``instance``'s row only while the row still has ``expect``
    (e.g. ``{"status": plan.status}``), else raise ``EditConflict(message)``.

    ``fields`` is a dict of new values, or field names whose values are read from
    ``instance``. On success the new values are set on ``instance`` too.
    """
    values = _values(instance, fields)
    updated = type(instance)._base_manager.filter(pk=instance.pk, **expect).update(**values)
    if updated != 1:
        raise EditConflict(message)
    for name, value in values.items():
        setattr(instance, name, value)


def versioned_update(
    instance: Model,
    *,
    fields: Mapping[str, Any] | Iterable[str],
    expected_version: int,
    expect: Mapping[str, Any] | None = None,
    message: str | None = None,
) -> None:
    """Save ``fields`` and bump ``version`` only while the row still has
    ``expected_version`` (and ``expect``), else raise ``EditConflict(message)``.

    ``fields`` as in ``compare_and_set``; it may be empty to take the version
    before a ``save()`` in the same transaction.
    """
    values = _values(instance, fields)
    updated = (
        type(instance)
        ._base_manager.filter(pk=instance.pk, version=expected_version, **(expect or {}))
        .update(**values, version=F("version") + 1)
    )
    if updated != 1:
        raise EditConflict(message)
    for name, value in values.items():
        setattr(instance, name, value)
    instance.version = expected_version + 1


def claim(target: Model | QuerySet, field: str, now: datetime, **also: Any) -> bool:
    """Fill ``field`` with ``now`` where it is still empty; True only for the caller
    that did it (the one that should send the reminder or record the step).

    ``target`` is a row, or a queryset narrowed to one row when the claim has
    more conditions (``Meeting.objects.filter(pk=pk, starts_at__gt=now)``).
    ``also`` are further fields written in the same UPDATE (``done_by=user``).
    On a row, a won claim sets the new values on it.
    """
    if isinstance(target, QuerySet):
        rows, instance = target, None
    else:
        rows, instance = type(target)._base_manager.filter(pk=target.pk), target
    values = {field: now, **also}
    won = rows.filter(**{f"{field}__isnull": True}).update(**values) == 1
    if won and instance is not None:
        for name, value in values.items():
            setattr(instance, name, value)
    return won
