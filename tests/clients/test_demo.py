import random

import pytest
from django.utils import timezone

from clients import demo
from clients.models import Client, ClientConsent, PrivacyRequest
from teams import demo as teams_demo
from teams.management.commands.seed_demo import DemoContext

pytestmark = pytest.mark.django_db


def _run():
    ctx = DemoContext(rng=random.Random(2026), now=timezone.now(), log=lambda *a: None)
    teams_demo.seed(ctx)
    demo.seed(ctx)


def test_the_demo_gives_the_privacy_desk_consents_and_requests_once():
    _run()
    assert ClientConsent.objects.count() > Client.objects.count() // 2
    assert set(PrivacyRequest.objects.values_list("state", flat=True)) == {"open", "answered"}
    counts = (Client.objects.count(), ClientConsent.objects.count(), PrivacyRequest.objects.count())
    _run()
    assert (Client.objects.count(), ClientConsent.objects.count(), PrivacyRequest.objects.count()) == counts
