"""Forms on the pages people open all day print through ``teams/templatetags/ui.py`` (``form_field``,
``form_fields``), not crispy's templates: crispy's field template cost the call form three quarters of its
time (30 ms of CPU of 40 at 5,000 clients; 10 ms with ``form_field``). ``{{ form|crispy }}`` stays for a page
that is only its one form (sign-in, a create form)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from reception.forms import CallForm
from teams.templatetags.ui import form_fields

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))


def test_no_template_prints_a_field_through_crispy():
    found = [str(p) for p in TEMPLATES if "as_crispy_field" in p.read_text()]
    assert found == []


def test_crispy_only_prints_a_page_that_is_one_form():
    found = [str(p) for p in TEMPLATES if len(re.findall(r"\|crispy\b|\{% crispy ", p.read_text())) > 1]
    assert found == []


def test_no_template_loads_crispy_without_using_it():
    found = [
        str(p)
        for p in TEMPLATES
        if "crispy_forms_tags" in (text := p.read_text()) and not re.search(r"\|crispy\b|\{% crispy ", text)
    ]
    assert found == []


@pytest.mark.django_db
def test_form_fields_prints_errors_labels_and_the_typed_values():
    form = CallForm(data={"phone": "138 0000 0000", "summary": "<b>漏水</b>"})
    form.is_valid()
    form.add_error(None, "整体错误 <x>")
    assert set(form.errors) - {"__all__"}, "a field error to show"
    html = str(form_fields(form))
    assert '<div class="alert alert-block alert-danger"><ul class="m-0"><li>整体错误 &lt;x&gt;</li></ul></div>' in html
    assert 'value="138 0000 0000"' in html and "&lt;b&gt;漏水&lt;/b&gt;" in html
    for name, field in form.fields.items():
        if not field.widget.is_hidden:
            assert f'for="id_{name}"' in html
            assert f'name="{name}"' in html
    for name in form.errors:
        if name != "__all__":
            assert "is-invalid" in html and str(form.errors[name][0]) in html
