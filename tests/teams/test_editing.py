"""The shared safe writes: versioned update, compare-and-set, claim-once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.models import Client
from teams.editing import EditConflict, claim, compare_and_set, versioned_update
from teams.models import Notification
from tests.clients.factories import ClientFactory
from tests.teams.factories import NotificationFactory

NOW = timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0))


@pytest.fixture
def lead(consultant):
    return ClientFactory(team=consultant.team, name="王先生")


def test_versioned_update_saves_fields_and_bumps_version(lead):
    read = lead.version
    versioned_update(lead, fields={"name": "王女士"}, expected_version=read)
    assert lead.name == "王女士" and lead.version == read + 1
    lead.refresh_from_db()
    assert lead.name == "王女士" and lead.version == read + 1


def test_versioned_update_takes_field_names_from_the_instance(lead):
    lead.name = "李先生"
    versioned_update(lead, fields=["name"], expected_version=lead.version)
    assert Client.objects.get(pk=lead.pk).name == "李先生"


def test_stale_version_raises_edit_conflict_and_writes_nothing(lead):
    stale = lead.version
    versioned_update(lead, fields={"name": "第一次"}, expected_version=stale)
    with pytest.raises(EditConflict):
        versioned_update(lead, fields={"name": "第二次"}, expected_version=stale)
    lead.refresh_from_db()
    assert lead.name == "第一次" and lead.version == stale + 1


def test_versioned_update_also_checks_expected_columns(lead):
    with pytest.raises(EditConflict):
        versioned_update(lead, fields={"name": "x"}, expected_version=lead.version, expect={"stage": "signed"})
    assert Client.objects.get(pk=lead.pk).name == "王先生"


def test_edit_conflict_is_a_validation_error_with_a_message():
    assert isinstance(EditConflict(), ValidationError)
    assert EditConflict().messages and EditConflict("已被他人修改").messages == ["已被他人修改"]


def test_compare_and_set_moves_only_from_the_expected_state(lead):
    compare_and_set(lead, expect={"stage": "new"}, fields={"stage": "contacted"})
    assert lead.stage == "contacted" and Client.objects.get(pk=lead.pk).stage == "contacted"
    with pytest.raises(EditConflict, match="再试"):
        compare_and_set(lead, expect={"stage": "new"}, fields={"stage": "measured"}, message="再试")
    assert Client.objects.get(pk=lead.pk).stage == "contacted"


def test_claim_a_row_once(db):
    note = NotificationFactory()
    assert claim(note, "read_at", NOW) is True
    assert note.read_at == NOW
    assert claim(Notification.objects.get(pk=note.pk), "read_at", NOW + dt.timedelta(minutes=1)) is False
    assert Notification.objects.get(pk=note.pk).read_at == NOW


def test_claim_writes_further_fields_in_the_same_update(db):
    note = NotificationFactory(title="旧")
    assert claim(note, "read_at", NOW, title="新")
    note.refresh_from_db()
    assert note.title == "新" and note.read_at == NOW


def test_claim_through_a_queryset_keeps_its_conditions(db):
    note = NotificationFactory(title="甲")
    assert claim(Notification.objects.filter(pk=note.pk, title="乙"), "read_at", NOW) is False
    assert claim(Notification.objects.filter(pk=note.pk, title="甲"), "read_at", NOW) is True
    assert claim(Notification.objects.filter(pk=note.pk), "read_at", NOW) is False
