"""Backfilled the daily rollups from the facts already stored. Superseded by 0007, which rebuilds every cell (daily and
monthly) once the tables of every counted source exist: the rebuild counts with the current sources (complaints,
payment stages, forwarded calls too), which this migration's dependencies do not cover."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0004_add_daily_team_facts"),
        ("clients", "0018_fill_client_search_keys"),
        ("projects", "0013_add_search_trigram_indexes"),
        ("meetings", "0002_rename_team_life_tables"),
        ("reception", "0009_add_forward_outcome"),
    ]

    operations = []
