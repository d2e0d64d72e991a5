from django import forms, template
from django.utils.html import format_html
from django.utils.http import urlencode

from teams.phones import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(value):
    return _mask_phone(value or "")


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some keys replaced (pagination, sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True)


def _widget_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, (forms.Select, forms.SelectMultiple)):
        return "form-select form-select-sm"
    return "form-control form-control-sm"


@register.simple_tag
def filter_field(field):
    """A filter form field as a Bootstrap label + control.

    Lists render their filter form on every request; this plain rendering costs a
    fraction of crispy's template machinery (measured on the complaint list).
    """
    widget = field.field.widget
    css = _widget_class(widget)
    if field.errors:
        css += " is-invalid"
    control = field.as_widget(attrs={"class": css})
    errors = (
        format_html('<div class="invalid-feedback d-block">{}</div>', " ".join(field.errors)) if field.errors else ""
    )
    return format_html(
        '<label class="form-label" for="{}">{}</label>{}{}', field.id_for_label or "", field.label, control, errors
    )
