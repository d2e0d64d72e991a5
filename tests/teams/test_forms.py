"""One-line text fields refuse control characters, on every form of the product."""

import importlib
import inspect

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from reception.models import Call
from teams.forms import SingleLineMixin, validate_single_line

APPS = ["clients", "complaints", "meetings", "performance", "projects", "reception", "teams"]
BAD = ["\x00", "\x1b", "\u2028"]
MESSAGE = "请删除其中的控制字符或换行"


def product_forms():
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_form_of_the_product_checks_its_one_line_fields():
    unchecked = [cls.__qualname__ for cls in product_forms() if not issubclass(cls, SingleLineMixin)]
    # Sign-in and password reset: a password may hold anything, and the e-mail field is validated as one.
    assert unchecked == ["LoginForm", "OutboxPasswordResetForm"]


@pytest.mark.parametrize("char", BAD, ids=["NUL", "ESC", "LINE-SEPARATOR"])
def test_a_caller_name_with_a_control_character_is_refused_in_chinese(login, front_desk, char):
    response = login(front_desk).post(
        reverse("reception:call_create"),
        {"caller_name": f"王{char}先生", "caller_type": "client", "purpose": "催工期"},
    )
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert not Call.objects.exists()


@pytest.mark.parametrize("char", BAD, ids=["NUL", "ESC", "LINE-SEPARATOR"])
def test_a_complaint_title_field_with_a_control_character_is_refused(login, front_desk, team, char):
    data = {"caller_name": f"王{char}美丽", "caller_phone": "13812345678", "channel": "phone"}
    data |= {"category": "quality", "severity": "normal", "description": "渗水", "team": team.pk}
    response = login(front_desk).post(reverse("complaints:register"), data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()


def test_a_multi_line_field_keeps_its_line_breaks(login, front_desk):
    data = {"caller_name": "王先生", "caller_type": "client", "purpose": "催工期", "summary": "第一行\n第二行\t备注"}
    assert login(front_desk).post(reverse("reception:call_create"), data).status_code == 302
    assert Call.objects.get().summary == "第一行\n第二行\t备注"


@pytest.mark.parametrize("text", ["王先生", "Zhang Wei · 张伟", "😀 家装", ""])
def test_plain_text_passes(text):
    validate_single_line(text)


@pytest.mark.parametrize("text", ["a\nb", "a\tb", "a\x7fb", "a\x85b", "a\u2029b", *BAD])
def test_controls_and_line_separators_do_not(text):
    with pytest.raises(ValidationError):
        validate_single_line(text)
