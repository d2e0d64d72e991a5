"""Drop-downs read their choices with one plain query.

Django's ``ModelChoiceIterator`` reads a field's queryset with ``QuerySet.iterator()``, which on PostgreSQL
opens a server-side cursor: ``DECLARE … CURSOR WITH HOLD`` (outside a transaction the server materialises the
whole result), ``FETCH`` and ``CLOSE``, three round trips for a list of teams or staff. Eleven of the pages in
bench/pages.py did so. The server-side cursors stay where they pay, for the exports (teams/exports.py).

``install()`` (teams/apps.py) sets the iterator of Django's and django-filter's model choice fields, the only
two the project uses (tests/teams/test_form_choices.py)."""

import django_filters.fields
from django import forms
from django.forms.models import ModelChoiceIterator


class PlainChoiceIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        # A clone: the field's own queryset may be a class-level one shared by every request of the process.
        for obj in self.queryset.all():
            yield self.choice(obj)


class PlainFilterChoiceIterator(django_filters.fields.ModelChoiceIterator, PlainChoiceIterator):
    """django-filter's iterator (its "null" choice) over the plain read above."""


def install() -> None:
    forms.ModelChoiceField.iterator = PlainChoiceIterator
    for field in (django_filters.fields.ModelChoiceField, django_filters.fields.ModelMultipleChoiceField):
        field.iterator = PlainFilterChoiceIterator
