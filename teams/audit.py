"""Change records: what an edit changed, field by field, compared with the database row.

Every audited record (contracts and their payment stages, clients, complaints, projects and
their schedule phases) writes its history from ``changes_against_db``. It reads the row
itself rather than trusting the instance in hand: a ModelForm bound to that instance has
already written the submitted values into it during ``is_valid()``, so comparing with the
instance finds nothing changed (payment edits once left no trace that way).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from teams.messages import Message


@dataclass(frozen=True)
class FieldChange:
    name: str  # the model field
    label: str  # its verbose name, for the history
    old: object
    new: object
    old_text: str  # "" for no value, or when the field's values are kept out of the history
    new_text: str
    hidden: bool = False
    # A choice's label left lazy (or None): the timeline line translates it when read.
    old_label: object = None
    new_label: object = None
    # The field's verbose name left lazy, for the same reason.
    verbose_name: object = None

    def message(self) -> Message:
        """The change as a timeline line, rendered in the reader's language (teams/messages.py)."""
        field = self.verbose_name or self.label
        if self.hidden:
            return Message("%(field)s changed", field=field)
        return Message(
            "%(field)s: %(old)s → %(new)s",
            field=field,
            old=self.old_label or self.old_text or "—",
            new=self.new_label or self.new_text or "—",
        )

    def history_texts(self) -> dict:
        """What a history row (``teams.models.HistoryTexts``) keeps: the field and both values, labels lazy."""
        return {
            "field": self.verbose_name or self.label,
            "old": self.old_label or self.old_text,
            "new": self.new_label or self.new_text,
        }

    def __str__(self) -> str:
        if self.hidden:
            return _("%(field)s changed") % {"field": self.label}
        return _("%(field)s: %(old)s → %(new)s") % {
            "field": self.label,
            "old": self.old_text or "—",
            "new": self.new_text or "—",
        }


def _text(field: models.Field, value) -> str:
    if value is None or value == "":
        return ""
    if field.many_to_many:
        return ", ".join(sorted(str(v) for v in value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, Decimal) and isinstance(field, models.DecimalField):
        return f"{value.quantize(Decimal(1).scaleb(-field.decimal_places)):f}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _choice_label(field: models.Field, value):
    if not field.choices or value in (None, ""):
        return None
    return dict(field.flatchoices).get(value)


def _comparable(field: models.Field, value):
    """Foreign keys compare by primary key, many-to-many fields as sets of keys, empty text as None."""
    if field.many_to_many:
        return {getattr(v, "pk", v) for v in value or ()}
    if field.is_relation:
        return getattr(value, "pk", value)
    if value == "":
        return None
    return value


def changes_against_db(
    instance: models.Model,
    data: Mapping,
    fields: Iterable[str],
    *,
    hidden: Iterable[str] = (),
) -> list[FieldChange]:
    """Each of ``fields`` present in ``data`` whose new value differs from the saved row.

    A new record (no primary key) compares with nothing: every field given a value is a
    change. Call it inside the transaction that saves: the row is read ``FOR UPDATE``, so
    nobody changes it between the comparison and the save. Values of ``hidden`` fields
    (phone numbers) stay out of the history; only the field's name is written.
    """
    model = type(instance)
    meta = model._meta
    fields = [name for name in fields if name in data]
    saved = None
    if instance.pk is not None:
        saved = model._base_manager.select_for_update().filter(pk=instance.pk).first()
    hidden = set(hidden)
    changes = []
    for name in fields:
        field = meta.get_field(name)
        if saved is None:
            old = [] if field.many_to_many else None
        elif field.many_to_many:
            old = list(getattr(saved, name).all())
        else:
            old = getattr(saved, name)
        new = data[name]
        if field.many_to_many:
            new = list(new or ())
        if _comparable(field, old) == _comparable(field, new):
            continue
        if name in hidden:
            old_text = new_text = ""
        else:
            old_text, new_text = _text(field, old)[:200], _text(field, new)[:200]
        changes.append(
            FieldChange(
                name,
                str(field.verbose_name),
                old,
                new,
                old_text,
                new_text,
                name in hidden,
                old_label=None if name in hidden else _choice_label(field, old),
                new_label=None if name in hidden else _choice_label(field, new),
                verbose_name=field.verbose_name,
            )
        )
    return changes
