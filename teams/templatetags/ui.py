import uuid

import django_filters
from django import forms, template
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from teams import wecom
from teams.exports import export_allowed
from teams.phones import mask_phone as _mask_phone

register = template.Library()


@register.filter
def can_export(user, kind):
    """``{% if request.user|can_export:"calls" %}``: the export button only for who may use it."""
    return export_allowed(user, kind)


@register.filter
def mask_phone(value):
    return _mask_phone(value or "")


def when_text(value, now=None) -> str:
    """A moment as people read it: "今天 09:10" today, "12-03 09:10" another day this year, "2027-01-04 09:10"
    another year — never a bare time that could be any day."""
    if value is None:
        return ""
    now = timezone.localtime(now or timezone.now())
    local = timezone.localtime(value)
    if local.date() == now.date():
        return gettext("today %(time)s") % {"time": f"{local:%H:%M}"}
    if local.year == now.year:
        return f"{local:%m-%d %H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


@register.filter
def when(value):
    """``{{ call.acknowledged_at|when }}``: see ``when_text``."""
    return when_text(value)


@register.filter
def deadline(value, now=None):
    """``{{ call.ack_due_at|deadline }}``: the deadline with its day (``when_text``), and a countdown when
    less than an hour is left ("还剩 35 分钟")."""
    if value is None:
        return ""
    now = now or timezone.now()
    text = when_text(value, now)
    left = (value - now).total_seconds()
    if 0 < left < 3600:
        minutes = max(1, int(left // 60))
        text += " · " + ngettext("%(n)s minute left", "%(n)s minutes left", minutes) % {"n": minutes}
    return text


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


def _attrs_html(attrs) -> str:
    """django/forms/widgets/attrs.html in Python."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(w) -> str:
    value = f' value="{conditional_escape(w["value"])}"' if w["value"] is not None else ""
    return f'<input type="{w["type"]}" name="{conditional_escape(w["name"])}"{value}{_attrs_html(w["attrs"])}>'


def _textarea_html(w) -> str:
    value = conditional_escape(w["value"]) if w["value"] else ""
    return f'<textarea name="{conditional_escape(w["name"])}"{_attrs_html(w["attrs"])}>\n{value}</textarea>'


def _select_html(w) -> str:
    parts = [f'<select name="{conditional_escape(w["name"])}"{_attrs_html(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        parts.extend(
            f'\n  <option value="{conditional_escape(o["value"])}"{_attrs_html(o["attrs"])}>'
            f"{conditional_escape(o['label'])}</option>"
            for o in group_choices
        )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WIDGETS = "django/forms/widgets/"
_PYTHON_WIDGETS = {
    **{
        f"{_WIDGETS}{name}.html": _input_html
        for name in ("input", "text", "date", "number", "email", "hidden", "url", "tel", "search", "time", "datetime")
    },
    f"{_WIDGETS}textarea.html": _textarea_html,
    f"{_WIDGETS}select.html": _select_html,
}


class _PythonWidgetRenderer:
    """A form renderer that prints the common widgets (inputs, text areas, selects) in Python — the same
    markup as Django's widget templates, without a template (and an include per <option>) each — and hands
    every other template to the form's own renderer."""

    def __init__(self, fallback):
        self.fallback = fallback

    def render(self, template_name, context, request=None):
        fast = _PYTHON_WIDGETS.get(template_name)
        if fast is None or "widget" not in context:
            return self.fallback.render(template_name, context, request=request)
        return mark_safe(fast(context["widget"]))  # noqa: S308 - every value is escaped above

    def __getattr__(self, name):
        return getattr(self.fallback, name)


def _widget_html(field, css: str):
    form = field.form
    if not isinstance(form.renderer, _PythonWidgetRenderer):
        form.renderer = _PythonWidgetRenderer(form.renderer)
    return field.as_widget(attrs={"class": css} if css else None)


@register.simple_tag
def form_field(field, compact=False):
    """A form field as Bootstrap markup (label, control, help, errors), without crispy's template machinery,
    its common widgets printed in Python (_PythonWidgetRenderer).

    For forms rendered on busy pages (the complaint page renders several); hidden fields render bare.
    ``compact=True``: a filter row's small label + control, like ``filter_field``.
    """
    widget = field.field.widget
    if widget.is_hidden:
        return _widget_html(field, "")
    if compact:
        css = _widget_class(widget) + (" is-invalid" if field.errors else "")
        errors = " ".join(field.errors)
        return format_html(
            '<label class="form-label" for="{}">{}</label>{}{}',
            field.id_for_label or "",
            field.label,
            _widget_html(field, css),
            format_html('<div class="invalid-feedback d-block">{}</div>', errors) if errors else "",
        )
    errors = (
        format_html('<div class="invalid-feedback d-block">{}</div>', " ".join(field.errors)) if field.errors else ""
    )
    help_text = format_html('<div class="form-text">{}</div>', field.help_text) if field.help_text else ""
    label = field.label
    if field.field.required:
        label = format_html('{}<span class="asteriskField">*</span>', label)
    if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
        items = format_html_join(
            "",
            '<div class="form-check"><input class="form-check-input{}" type="{}" name="{}" value="{}" id="{}"{}>'
            '<label class="form-check-label" for="{}">{}</label></div>',
            (
                (
                    " is-invalid" if field.errors else "",
                    sub.data["type"],
                    sub.data["name"],
                    sub.data["value"],
                    sub.id_for_label,
                    mark_safe(" checked") if sub.data["selected"] else "",
                    sub.id_for_label,
                    sub.choice_label,
                )
                for sub in field.subwidgets
            ),
        )
        return format_html(
            '<fieldset class="mb-3"><legend class="form-label fs-6">{}</legend>{}{}{}</fieldset>',
            label,
            items,
            help_text,
            errors,
        )
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input" + (" is-invalid" if field.errors else "")
        return format_html(
            '<div class="mb-3 form-check">{}<label class="form-check-label" for="{}">{}</label>{}{}</div>',
            _widget_html(field, css),
            field.id_for_label or "",
            label,
            help_text,
            errors,
        )
    css = "form-select" if isinstance(widget, (forms.Select, forms.SelectMultiple)) else "form-control"
    if field.errors:
        css += " is-invalid"
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}</label>{}{}{}</div>',
        field.id_for_label or "",
        label,
        _widget_html(field, css),
        help_text,
        errors,
    )


@register.simple_tag
def form_fields(form):
    """A whole form as ``{{ form|crispy }}`` prints it (its non-field errors, then each field), through
    ``form_field``: for a form on a record's page, printed on every view of the record (the client file, the
    meeting, the target card). A page that is only a form keeps crispy (tests/teams/test_form_markup.py)."""
    errors = form.non_field_errors()
    head = (
        format_html(
            '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
        )
        if errors
        else ""
    )
    return format_html("{}{}", head, format_html_join("", "{}", ((form_field(field),) for field in form)))


@register.simple_tag
def submission_token():
    """The one-time token of a create form written by hand in a template (``teams.forms.SubmitOnce``)."""
    return format_html('<input type="hidden" name="submission_token" value="{}">', uuid.uuid4())


def _is_set(value) -> bool:
    """A submitted filter value that narrows the list: multi-value widgets (date ranges) give lists."""
    if isinstance(value, (list, tuple)):
        return any(_is_set(v) for v in value)
    return value not in (None, "", "unknown")


@register.simple_tag
def active_filter_count(filterset) -> int:
    """How many of a FilterSet's filters the request sets (the 筛选 button's badge); sorting is not a filter.

    Read from the bound data through each widget, so a date range (two inputs) counts once."""
    if filterset is None or not filterset.is_bound:
        return 0
    form = filterset.form
    count = 0
    for name, field in form.fields.items():
        if isinstance(filterset.filters.get(name), django_filters.OrderingFilter):
            continue
        if _is_set(field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))):
            count += 1
    return count


@register.simple_tag
def wecom_enabled() -> bool:
    """``{% wecom_enabled as on %}``: WeCom is configured (the login page's WeCom button, README "WeCom")."""
    return wecom.enabled()
