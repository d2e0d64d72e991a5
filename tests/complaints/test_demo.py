import random

import pytest
from django.utils import timezone

from complaints import demo as complaints_demo
from complaints.models import Complaint, WeeklySummary
from reception import demo as reception_demo
from reception.models import Call, Visit
from teams import demo as teams_demo
from teams.management.commands.seed_demo import DemoContext

pytestmark = pytest.mark.django_db


def run():
    ctx = DemoContext(rng=random.Random(7), now=timezone.now())
    for module in (teams_demo, reception_demo, complaints_demo):
        module.seed(ctx)


def test_demo_covers_every_state_and_is_idempotent():
    run()
    counts = (Complaint.objects.count(), Call.objects.count(), Visit.objects.count(), WeeklySummary.objects.count())
    assert set(Complaint.objects.values_list("state", flat=True)) == set(Complaint.State.values)
    assert Complaint.objects.filter(severity="major").exists()
    assert Complaint.objects.overdue().exists()
    assert Call.objects.filter(forwarded_at__isnull=False, acknowledged_at=None).exists()
    resolved = Complaint.objects.filter(state__in=["resolved", "confirmed", "closed"])
    assert not resolved.filter(current_resolution=None).exists()
    run()
    assert counts == (
        Complaint.objects.count(),
        Call.objects.count(),
        Visit.objects.count(),
        WeeklySummary.objects.count(),
    )
