"""Seed the schedule template with the seven standard phases, and link existing schedules to it:
each standard phase points at its template row, and plumbing & electrical keeps gating the later phases."""

from django.db import migrations

from projects.defaults import STANDARD_PHASES, ensure_phase_template


def forward(apps, schema_editor):
    ensure_phase_template(apps)
    PhaseTemplate = apps.get_model("projects", "PhaseTemplate")
    SchedulePhase = apps.get_model("projects", "SchedulePhase")
    for row in PhaseTemplate.objects.exclude(kind="custom"):
        SchedulePhase.objects.filter(kind=row.kind, template=None).update(template=row, gates_later=row.gates_later)


def backward(apps, schema_editor):
    PhaseTemplate = apps.get_model("projects", "PhaseTemplate")
    SchedulePhase = apps.get_model("projects", "SchedulePhase")
    kinds = [kind for kind, _days, _gates in STANDARD_PHASES]
    SchedulePhase.objects.filter(template__kind__in=kinds).update(template=None)
    PhaseTemplate.objects.filter(kind__in=kinds).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_add_phase_template")]

    operations = [migrations.RunPython(forward, backward)]
