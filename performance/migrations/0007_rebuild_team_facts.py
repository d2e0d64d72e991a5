"""Rebuild every rollup cell, daily and monthly, from the facts already stored: complaints, payment stages and
forwarded calls are counted now, and the monthly cells are new (rewrites rows only: a recount)."""

from django.db import migrations


def rebuild(apps, schema_editor):
    from performance.rollups import rollups_rebuild

    rollups_rebuild(apps=apps)


def empty(apps, schema_editor):
    apps.get_model("performance", "MonthlyTeamFact").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0006_add_monthly_team_facts"),
        ("clients", "0021_add_payment_stage_receivable_index"),
        ("complaints", "0016_add_complaint_open_state_indexes"),
        ("meetings", "0002_rename_team_life_tables"),
        ("portal", "0001_initial"),
        ("projects", "0014_attachment_client_visible"),
        ("reception", "0011_add_call_caller_name_trigram_index"),
    ]

    operations = [migrations.RunPython(rebuild, empty)]
