"""Rows the data migrations write, written again after a transactional test flushes every table.

A transactional test (live_server, `transaction=True`) ends with a flush, which empties the tables the data
migrations filled; the next test in the same worker would then see no role groups, privacy notice, standard
answers... and pass or fail by the order tests were dealt to workers. The flush emits `post_migrate` without a
plan (a real migrate passes one), so the seeds are replayed there, once, after the last app's permissions exist.
`tests/test_seeds.py` fails when a data migration is neither replayed here nor listed as a transformation."""

import functools
import importlib

from django.apps import apps as global_apps
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

# (app, migration, forward function) in dependency order: each writes reference rows an empty database needs.
SEEDS = [
    ("teams", "0002_role_groups", "create_role_groups"),
    ("clients", "0005_seed_lost_reasons_and_visit_template", "forward"),
    ("clients", "0013_first_privacy_notice", "forwards"),
    ("complaints", "0013_grant_and_seed_standard_answers", "forwards"),
    ("performance", "0002_default_role_templates", "create"),
    ("projects", "0009_seed_phase_template", "forward"),
]

# Data migrations that only rewrite existing rows: nothing to replay on empty tables.
TRANSFORMS = {
    ("clients", "0010_contract_events_without_amounts"),
    ("clients", "0018_fill_client_search_keys"),
    ("complaints", "0005_copy_resolutions_to_history"),
    ("meetings", "0002_rename_team_life_tables"),
    ("performance", "0005_fill_daily_team_facts"),
    ("performance", "0007_rebuild_team_facts"),
    ("teams", "0011_job_heartbeat_and_one_active"),
    ("teams", "0020_hash_recovery_codes"),
}


@functools.cache
def _state_apps(alias):
    """The models as the last migrations leave them (historical models: the seeds may touch app registries)."""
    return MigrationLoader(connections[alias]).project_state().apps


def replay(using="default"):
    state = _state_apps(using)
    for app, name, function in SEEDS:
        getattr(importlib.import_module(f"{app}.migrations.{name}"), function)(state, None)


def _after_flush(sender, using, **kwargs):
    if "plan" in kwargs:  # a real migrate: the migrations themselves wrote the rows
        return
    if sender is not [c for c in global_apps.get_app_configs() if c.models_module is not None][-1]:
        return
    replay(using)


def connect():
    post_migrate.connect(_after_flush, dispatch_uid="tests.seeds.after_flush")
