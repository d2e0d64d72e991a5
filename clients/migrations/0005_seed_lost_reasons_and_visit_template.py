"""Seed the editable lists: lost reasons and the default follow-up visit plan (clients/defaults.py)."""

from django.db import migrations

from clients.defaults import DEFAULT_PLAN_NAME, ensure_defaults


def forward(apps, schema_editor):
    ensure_defaults(apps)


def backward(apps, schema_editor):
    apps.get_model("clients", "VisitTemplate").objects.filter(name=DEFAULT_PLAN_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_add_client_file_contracts_visits_archive")]

    operations = [migrations.RunPython(forward, backward)]
