"""Filter pieces every list shares."""

import datetime as dt

import django_filters
from django import forms
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES


class AllYesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter whose empty choice reads 全部 (all), not django-filter's 未知 (unknown)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (("", _("All")), ("true", _("Yes")), ("false", _("No")))


class BooleanFilter(django_filters.BooleanFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", AllYesNoSelect)
        super().__init__(*args, **kwargs)


class OrderingFilter(django_filters.OrderingFilter):
    """Sort choices in the reader's language: django-filter formats "… (descending)" once, when the
    FilterSet class is built, in whatever language was active then (Chinese, for English readers too).

    With ``tiebreak="pk"`` rows that sort alike follow their number in the same direction (``severity``
    → ``severity, id``; ``-severity`` → ``-severity, -id``): pages never repeat or skip a row, and one
    index on ``(field, id)`` serves both directions (a backward scan for the descending one)."""

    def __init__(self, *args, tiebreak: str = "", **kwargs):
        self.tiebreak = tiebreak
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        ordering = [self.get_ordering_value(p) for p in (value or ()) if p]
        if not self.tiebreak or not ordering or ordering[-1].lstrip("-") == self.tiebreak:
            return qs
        descending = ordering[-1].startswith("-")
        return qs.order_by(*ordering, f"-{self.tiebreak}" if descending else self.tiebreak)

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, _(pretty_name(param)))
            choices.append((param, label))
            choices.append((f"-{param}", labels.get(f"-{param}", format_lazy(_("{} (descending)"), label))))
        return choices


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of ``day`` and of the day after, in the site's time zone (Asia/Shanghai)."""
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    return start, timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)


class LocalDayFilter(django_filters.DateFilter):
    """A date that filters a datetime column as a range of instants: ``bound="day"`` that local day,
    ``"from"`` from its start, ``"to"`` up to its end. The column's index serves a range; ``__date``
    converts every row's time to a local date first, which no index can (a scan of the whole table)."""

    def __init__(self, *args, bound: str = "day", **kwargs):
        if bound not in ("day", "from", "to"):
            raise ValueError(bound)
        self.bound = bound
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        start, end = local_day_bounds(value)
        if self.bound != "to":
            qs = qs.filter(**{f"{self.field_name}__gte": start})
        if self.bound != "from":
            qs = qs.filter(**{f"{self.field_name}__lt": end})
        return qs.distinct() if self.distinct else qs
