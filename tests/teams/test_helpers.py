"""Service errors on forms, the shared form page, deputy_gms()."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from teams.editing import EditConflict
from teams.forms import add_service_errors
from teams.roles import Role
from teams.selectors import deputy_gms
from teams.views_helpers import form_page
from tests.teams.factories import UserFactory


class NameForm(forms.Form):
    name = forms.CharField()


def _valid_form():
    form = NameForm({"name": "张三"})
    assert form.is_valid()
    return form


def test_field_errors_go_on_their_field_unknown_fields_on_top():
    form = _valid_form()
    add_service_errors(form, ValidationError({"name": "重名", "phone": "号码已存在"}))
    assert form.errors["name"] == ["重名"]
    assert form.non_field_errors() == ["号码已存在"]


def test_plain_messages_go_on_top():
    form = _valid_form()
    add_service_errors(form, ValidationError(["一", "二"]))
    assert form.non_field_errors() == ["一", "二"]


def _post(data):
    request = RequestFactory().post("/x/", data)
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _page(request, save, **kwargs):
    return form_page(
        request, form=NameForm(request.POST), save=save, template="projects/form.html", done="/done/", **kwargs
    )


def test_form_page_saves_and_redirects():
    saved = []
    response = _page(_post({"name": "张三"}), lambda data: saved.append(data["name"]) or "ok", message=lambda r: r)
    assert response.status_code == 302 and response.url == "/done/"
    assert saved == ["张三"]


def test_form_page_shows_service_errors_with_what_was_typed(db):
    def save(data):
        raise ValidationError({"name": "不能用这个名字"})

    response = _page(_post({"name": "张三"}), save, context={"title": "T", "back": "/"})
    html = response.content.decode()
    assert response.status_code == 200 and "不能用这个名字" in html and "张三" in html


def test_form_page_shows_the_conflict_message(db):
    def save(data):
        raise EditConflict

    request = _post({"name": "张三"})
    response = _page(request, save, context={"title": "T", "back": "/"}, conflict="别人刚改过")
    assert response.status_code == 200 and "别人刚改过" in response.content.decode()
    assert not list(get_messages(request))


def test_deputy_gms_are_the_active_ones(db):
    active = UserFactory(role=Role.DEPUTY_GM, team=None)
    UserFactory(role=Role.DEPUTY_GM, team=None, is_active=False)
    UserFactory(role=Role.CONSULTANT)
    assert list(deputy_gms()) == [active]


@pytest.mark.parametrize("role", [Role.CONSULTANT, Role.FRONT_DESK])
def test_deputy_gms_leave_out_other_roles(db, role):
    UserFactory(role=role, team=None if role == Role.FRONT_DESK else UserFactory().team)
    assert not deputy_gms().exists()
