"""The data migrations' rows survive a transactional test's flush (tests/seeds.py)."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython

from clients.models import LostReason, PrivacyNotice, VisitTemplate
from complaints.models import StandardAnswer
from performance.models import RoleTemplateItem
from projects.models import PhaseTemplate
from tests import seeds


def test_every_data_migration_is_replayed_or_reviewed_as_a_transformation():
    listed = {(app, name) for app, name, _ in seeds.SEEDS} | seeds.TRANSFORMS
    ours = {"teams", "clients", "complaints", "projects", "reception", "performance", "meetings", "portal"}
    found = {
        key
        for key, migration in MigrationLoader(None, ignore_no_migrations=True).disk_migrations.items()
        if key[0] in ours and any(isinstance(op, RunPython) for op in migration.operations)
    }
    assert found - listed == set(), "a new data migration: add it to tests/seeds.py SEEDS or TRANSFORMS"


@pytest.mark.django_db(transaction=True)
def test_a_flush_writes_the_reference_rows_again():
    call_command("flush", interactive=False, verbosity=0)
    assert Group.objects.filter(name="deputy_gm").exists()
    assert PrivacyNotice.current() is not None
    assert LostReason.objects.exists() and VisitTemplate.objects.exists()
    assert StandardAnswer.objects.exists()
    assert RoleTemplateItem.objects.exists()
    assert PhaseTemplate.objects.exists()
    assert Group.objects.get(name="deputy_gm").permissions.filter(codename="change_standardanswer").exists()
