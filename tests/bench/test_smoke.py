"""The benchmark suite at a tiny scale, so that it cannot rot: seeding (COPY on PostgreSQL, bulk_create on
SQLite), every page of bench/pages.py that resolves measured twice, the JSON written. No timing assertions."""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from bench.management.commands.seed_scale import Command as SeedScale
from bench.measure import run
from bench.pages import PAGES
from bench.scale_seed import TABLES

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    # The command object itself: the test settings do not install the bench app.
    call_command(SeedScale(), scale=200, verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return True


def test_scale_seed_loads_every_table_with_consistent_keys_and_states_by_age(seeded):
    from clients.models import Client
    from complaints.models import Complaint, ComplaintEvent
    from meetings.models import Meeting
    from reception.models import Call

    assert Client.objects.count() >= 200
    assert Complaint.objects.count() >= 600
    assert ComplaintEvent.objects.count() >= 2000
    assert Call.objects.count() >= 2000
    from reception.models import PhoneCall

    # The phone system's record of the last year's calls, each answered one tied to its call log entry.
    assert PhoneCall.objects.filter(state="ended", logged_call__isnull=False).exists()
    assert PhoneCall.objects.filter(state="missed").exists()
    assert Meeting.objects.exists()
    # Every foreign key points at a row (on PostgreSQL this fires the deferred FK checks now).
    connection.check_constraints()
    closed = Complaint.objects.filter(state="closed")
    assert closed.exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not Complaint.objects.filter(state="registered", acknowledged_at__isnull=False).exists()
    # Contract money: stages, receipts that add up to each stage's received, approved change orders
    # carried into their contract's current value.
    from django.db.models import F, Sum

    from clients.models import Contract, PaymentStage, Receipt
    from projects.models import ChangeOrder

    assert Receipt.objects.exists() and ChangeOrder.objects.filter(status="approved").exists()
    assert PaymentStage.objects.filter(due_date__isnull=False, received__lt=F("amount")).exists()
    for stage in PaymentStage.objects.annotate(got=Sum("receipts__amount"))[:200]:
        assert stage.received == (stage.got or 0)
    for contract in Contract.objects.filter(change_orders__status="approved").distinct()[:50]:
        approved = contract.change_orders.filter(status="approved").aggregate(t=Sum("total"))["t"]
        assert contract.approved_changes == approved


def test_every_table_entry_names_real_columns():
    from django.apps import apps

    for label, table in TABLES.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            assert table.optional, f"{label} is not optional but its model does not exist"
            continue
        names = {f.attname for f in model._meta.concrete_fields}
        assert set(table.columns) <= names or table.optional, f"{label}: {set(table.columns) - names}"


def test_measurement_of_every_resolving_page_writes_the_json(seeded, tmp_path, settings):
    settings.ROOT_URLCONF = "bench.urls"  # the bench's own views: the bare view, the dashboard computed
    # As under bench.settings: the second factor is enforced, so a page measured as a redirect to enrolment
    # (what every deputy-GM and consultant page was before bench/benchlib.py sign_in) fails here.
    settings.TWO_FACTOR_ENFORCE = True
    call_command("recount_rollups", rebuild=True, stdout=open("/dev/null", "w"))  # noqa: SIM115 -- as bench/run.sh
    out = tmp_path / "inprocess.json"
    run(out, n=2, warmup=0, capture=1, explain=connection.vendor == "postgresql", log=lambda msg: None)

    doc = json.loads(out.read_text())
    assert set(doc["results"]) == {p.key for p in PAGES}
    assert doc["data"]["complaints.Complaint"] >= 600
    for key, entry in doc["results"].items():
        assert entry["status"] in ("measured", "not built") or entry["status"].startswith("no data"), key
        if entry["status"] == "measured":
            assert entry["n"] == 2 and entry["queries"], key
            # A page measured is the page itself: not an error, not a redirect to sign-in or enrolment.
            assert entry["status_codes"] == {"200": 2}, f"{key} answered {entry['status_codes']}"
    # The foundation's home page exists from the start: logging in as the page's role works end to end.
    assert doc["results"]["frontdesk_home"]["status_codes"] == {"200": 2}
    # The dashboard as served and computed: the same page, the second with its cache bypassed.
    served, computed = doc["results"]["dashboard_month"], doc["results"]["dashboard_month_computed"]
    assert served["status_codes"] == computed["status_codes"] == {"200": 2}
    assert computed["queries_max"] > served["queries_max"]
    # The client's page (issue 17) is measured as the client opens it: by its link, nobody signed in.
    page = doc["results"]["client_page"]
    assert page["status"] == "measured" and page["user"] is None
    assert page["queries_max"] <= 10
