import random

import pytest
from django.utils import timezone

from projects import demo
from projects.models import (
    Attachment,
    CrewEvaluation,
    DesignChange,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    Project,
    SiteLog,
)
from teams import demo as teams_demo
from teams.management.commands.seed_demo import DemoContext

pytestmark = pytest.mark.django_db


def _run():
    ctx = DemoContext(rng=random.Random(2026), now=timezone.now(), log=lambda *a: None)
    teams_demo.seed(ctx)
    demo.seed(ctx)
    return ctx


def test_demo_covers_every_phase_and_record_and_is_idempotent():
    ctx = _run()
    assert set(Project.objects.values_list("phase", flat=True)) == set(Project.Phase.values)
    today = ctx.today
    assert DrawingTask.objects.filter(delivered_at=None, deadline__lt=today).exists()  # some late
    assert SiteLog.objects.filter(photos__isnull=False).exists()
    assert Inspection.objects.filter(result="rectify").exists() and CrewEvaluation.objects.exists()
    assert DesignChange.objects.exists()
    assert MaintenanceRequest.objects.filter(status="open", promised_on__lt=today).exists()
    counts = (Project.objects.count(), Attachment.objects.count(), SiteLog.objects.count())
    _run()
    assert (Project.objects.count(), Attachment.objects.count(), SiteLog.objects.count()) == counts
