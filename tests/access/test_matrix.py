"""Every URL × every role × GET/POST answers what tests/access/matrix.py says.

A new URL without a row fails here, so nobody adds a page without deciding who may open it. Rows come from the
demo company (tests/access/world.py); ``MATRIX_RECORD=1 pytest tests/access`` prints the observed table for review.
"""

import os

import pytest
from django.db import transaction
from django.urls import reverse

from teams.models import User
from tests.access.matrix import EXPECTED
from tests.access.world import PEOPLE, build_world, url_names, walk

NAMES = url_names()
KEYS = {name: keys for name, _, keys in walk()}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo company, seeded once for the module and rolled back at its end."""
    from django.conf import settings

    old_media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.MEDIA_ROOT = old_media


def observe(client, world, name) -> tuple[str, str]:
    path = reverse(name, kwargs=world.kwargs(name, KEYS[name]))
    answers = {"get": [], "post": []}
    for username in PEOPLE:
        client.force_login(User.objects.get(username=username))
        answers["get"].append(str(client.get(path).status_code))
        answers["post"].append(str(client.post(path).status_code))
    return " ".join(answers["get"]), " ".join(answers["post"])


def test_every_url_has_a_row_and_every_row_a_url():
    assert sorted(set(NAMES) - set(EXPECTED)) == [], "add these URLs to tests/access/matrix.py"
    assert sorted(set(EXPECTED) - set(NAMES)) == [], "these rows name URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("name", NAMES)
def test_each_role_gets_what_the_matrix_says(client, world, name, django_assert_max_num_queries):
    observed = observe(client, world, name)
    if os.environ.get("MATRIX_RECORD"):
        print(f'\nROW    "{name}": ("{observed[0]}", "{observed[1]}"),')
        return
    assert observed == EXPECTED.get(name), f"{name}: GET/POST by {' '.join(PEOPLE)}"
