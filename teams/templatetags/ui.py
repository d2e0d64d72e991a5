from django import template
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
