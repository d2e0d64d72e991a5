import io

import pytest
from django.apps import apps
from django.core.management import call_command

from teams.demo import DEMO_LOGINS
from teams.models import Team, User
from teams.roles import Role

pytestmark = pytest.mark.django_db


def _counts():
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"teams", "meetings", "clients", "projects", "reception", "complaints", "performance"}
    }


def test_seed_demo_builds_every_role_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    call_command("seed_demo", stdout=io.StringIO())

    assert _counts() == first
    assert {u.role for u in User.objects.all()} == set(Role)
    assert Team.objects.count() == 3
    for username, *_ in DEMO_LOGINS:
        assert username in out.getvalue()
        assert User.objects.get(username=username).check_password("demo1234")


@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_deterministic():
    call_command("seed_demo", seed=7, stdout=io.StringIO())
    phones = list(User.objects.order_by("username").values_list("phone", flat=True))
    call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", seed=7, stdout=io.StringIO())
    assert list(User.objects.order_by("username").values_list("phone", flat=True)) == phones
