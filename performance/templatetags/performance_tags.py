"""Formatting of metric values: one place decides how a percentage or an amount looks."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from performance.metrics import METRICS, round_half_up

register = template.Library()


def format_value(value, unit: str) -> str:
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    # Rounded half up first: a Decimal's format rounds half to even (¥2.5 would show ¥2).
    if unit == "pct":
        return f"{round_half_up(number, '0.1'):.1f}%"
    if unit == "yuan":
        return f"¥{round_half_up(number, '1'):,.0f}"
    if unit == "minutes":
        return _("%(n)s min") % {"n": f"{round_half_up(number, '0.1'):.1f}"}
    if unit == "hours":
        return _("%(n)s h") % {"n": f"{round_half_up(number, '0.1'):.1f}"}
    if unit == "avg":
        return f"{round_half_up(number):.2f}"
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{round_half_up(number):,.2f}"


@register.filter
def metric_value(value, key):
    """``{{ value|metric_value:"signings" }}`` formatted by the metric's unit."""
    metric = METRICS.get(key)
    return format_value(value, metric.unit if metric else "")


def format_change(change, unit: str) -> str:
    """A change between two periods with its arrow: ``↑ 12``, ``↓ ¥3,400``; a rate's change in
    percentage points (``↑ 2.5 个百分点``), since 40% → 42% is +2 points, not +2%."""
    if change is None or change == "":
        return "—"
    try:
        number = Decimal(str(change))
    except InvalidOperation:
        return str(change)
    arrow = "↑" if number > 0 else "↓" if number < 0 else "→"
    size = abs(number)
    if unit == "pct":
        return f"{arrow} " + _("%(n)s pp") % {"n": f"{round_half_up(size, '0.1'):.1f}"}
    return f"{arrow} {format_value(size, unit)}"


@register.filter
def metric_change(change, key):
    """``{{ row.change|metric_change:row.key }}``: the arrow and the change in the metric's unit."""
    metric = METRICS.get(key)
    return format_change(change, metric.unit if metric else "")


@register.filter
def unit_value(value, unit):
    return format_value(value, unit)


@register.filter
def metric_label(key):
    metric = METRICS.get(key)
    return metric.label if metric else key


@register.filter
def metric_description(key):
    metric = METRICS.get(key)
    return metric.description if metric else ""


@register.filter
def change_class(change, key):
    """Green when the change is good for the company, red when bad."""
    metric = METRICS.get(key)
    try:
        number = Decimal(str(change))
    except (InvalidOperation, TypeError):
        return "text-muted"
    if number == 0 or metric is None:
        return "text-muted"
    good = (number > 0) == metric.higher_is_better
    return "text-success" if good else "text-danger"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_category(value):
    from performance.selectors import category_label

    return category_label(value)


@register.filter
def section_label(name):
    from performance.selectors import section_label as label

    return label(name)


@register.filter
def show_unit(item):
    """The card item's unit, unless the metric's formatting already shows it (%, ¥)."""
    metric = METRICS.get(item.metric)
    if metric is not None and metric.unit in ("pct", "yuan", "minutes", "hours"):
        return ""
    return item.unit
