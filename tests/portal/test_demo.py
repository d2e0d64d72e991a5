"""seed_demo (run by ``make run``) gives a demo project a link and prints it; a second run changes nothing."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from portal.models import PortalLink

pytestmark = pytest.mark.django_db


def test_seed_demo_prints_a_link_that_opens(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    url = re.search(r"http://testserver(/p/[^/\s]+/)", out.getvalue()).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert b'data-testid="portal-photo"' in response.content
    again = StringIO()
    call_command("seed_demo", stdout=again)
    assert url in again.getvalue()
    assert PortalLink.objects.count() == 1
