"""Backfill the daily rollups from the facts already stored (rewrites rows only: a recount)."""

from django.db import migrations


def fill(apps, schema_editor):
    from performance.rollups import rollups_rebuild

    rollups_rebuild(apps=apps)


def empty(apps, schema_editor):
    apps.get_model("performance", "DailyTeamFact").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0004_add_daily_team_facts"),
        ("clients", "0018_fill_client_search_keys"),
        ("projects", "0013_add_search_trigram_indexes"),
        ("meetings", "0002_rename_team_life_tables"),
        ("reception", "0009_add_forward_outcome"),
    ]

    operations = [migrations.RunPython(fill, empty)]
