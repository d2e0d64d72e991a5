import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from clients import services
from clients.models import Client, ClientEvent, Contract, ContractChange, FollowUpVisit, LostLeadReport, LostReason
from projects.models import Project
from teams.editing import EditConflict
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory

pytestmark = pytest.mark.django_db


def test_lead_create_rates_tier_and_writes_timeline(team, consultant):
    client = services.lead_create(
        name="王先生", phone="138 1234 5678", team=team, source=Client.Source.HOTLINE, created_by=consultant
    )
    client.refresh_from_db()
    assert client.phone == "13812345678"
    assert client.consultant == consultant
    assert client.value_tier == "C"
    assert client.events.get().kind == ClientEvent.Kind.CREATED


def test_lead_create_refuses_a_phone_already_known_in_any_team(team, consultant, outsider):
    ClientFactory(team=outsider.team, phone="13812345678")
    with pytest.raises(ValidationError) as exc:
        services.lead_create(name="李", phone="13812345678", team=team, source="hotline", created_by=consultant)
    assert exc.value.error_dict["phone"][0].code == "duplicate_phone"
    assert Client.objects.filter(team=team).count() == 0


def test_duplicate_phone_of_another_team_names_the_team_and_whom_to_ask_not_the_client(team, consultant, outsider):
    ClientFactory(team=outsider.team, phone="13812345678", phone2="13900001111", name="秘密客户")
    for phone in ("13812345678", "13900001111"):
        with pytest.raises(ValidationError) as exc:
            services.lead_create(name="李", phone=phone, team=team, source="hotline", created_by=consultant)
        message = exc.value.error_dict["phone"][0].messages[0]
        assert "秘密客户" not in message
        assert "浦东二组" in message and "周杰" in message


def test_duplicate_phone_of_own_team_names_the_client(team, consultant):
    existing = ClientFactory(team=team, phone="13812345678", name="王先生")
    other = ClientFactory(team=team, phone="13912345678")
    with pytest.raises(ValidationError) as exc:
        services.client_update(client=other, by=consultant, version=other.version, data={"phone": "13812345678"})
    assert existing.name in exc.value.error_dict["phone"][0].messages[0]


def test_lead_create_refuses_a_bad_phone(team, consultant):
    with pytest.raises(ValidationError):
        services.lead_create(name="李", phone="12345", team=team, source="hotline", created_by=consultant)


def test_move_to_measured_records_date_and_event(consultant):
    client = ClientFactory(team=consultant.team, stage="contacted")
    services.lead_move(client=client, stage="measured", by=consultant, measured_on=dt.date(2026, 11, 20))
    client.refresh_from_db()
    assert client.stage == "measured"
    assert client.measured_on == dt.date(2026, 11, 20)
    event = client.events.get()
    assert event.kind == ClientEvent.Kind.STAGE and "2026-11-20" in event.text


def test_stage_change_timeline_line_reads_in_each_readers_language(consultant):
    client = ClientFactory(team=consultant.team, stage="contacted")
    with translation.override("en"):
        services.lead_move(client=client, stage="measured", by=consultant, measured_on=dt.date(2026, 11, 20))

    event = client.events.get()
    assert event.text == "已联系 → 已量房 · 量房日期 2026-11-20"
    with translation.override("zh-hans"):
        assert event.display_text == event.text
    with translation.override("en"):
        assert event.display_text == "Contacted → Site measured · measured on 2026-11-20"


def test_move_not_allowed_is_refused(consultant):
    client = ClientFactory(team=consultant.team, stage="new")
    with pytest.raises(ValidationError):
        services.lead_move(client=client, stage="quoted", by=consultant)
    with pytest.raises(ValidationError):
        services.lead_move(client=client, stage="signed", by=consultant)
    client.refresh_from_db()
    assert client.stage == "new"


def test_concurrent_move_loses_with_a_clear_error(consultant):
    client = ClientFactory(team=consultant.team, stage="new")
    stale = Client.objects.get(pk=client.pk)
    services.lead_move(client=client, stage="contacted", by=consultant)
    with pytest.raises(EditConflict):
        services.lead_move(client=stale, stage="measured", by=consultant)


def test_lost_needs_a_reason(consultant):
    client = ClientFactory(team=consultant.team, stage="quoted")
    with pytest.raises(ValidationError):
        services.lead_mark_lost(client=client, by=consultant, reason=None)
    client.refresh_from_db()
    assert client.stage == "quoted"


def test_lost_keeps_stage_reason_competitor(consultant):
    client = ClientFactory(team=consultant.team, stage="proposal")
    reason = LostReason.objects.get(code="competitor")
    services.lead_mark_lost(client=client, by=consultant, reason=reason, competitor="某某装饰")
    client.refresh_from_db()
    assert (client.stage, client.lost_stage, client.lost_reason, client.competitor) == (
        "lost",
        "proposal",
        reason,
        "某某装饰",
    )
    assert client.lost_at is not None
    assert client.events.filter(kind=ClientEvent.Kind.LOST).exists()


def test_tier_override_needs_reason_and_survives_edits(consultant):
    client = ClientFactory(team=consultant.team, value_tier="C")
    with pytest.raises(ValidationError):
        services.client_set_tier(client=client, by=consultant, tier="A", reason=" ")
    services.client_set_tier(client=client, by=consultant, tier="A", reason="老客户介绍，别墅")
    services.client_update(client=client, by=consultant, version=client.version, data={"notes": "改了备注"})
    client.refresh_from_db()
    assert client.value_tier == "A" and client.tier_overridden


def test_client_update_with_stale_version_is_refused(consultant):
    client = ClientFactory(team=consultant.team)
    services.client_update(client=Client.objects.get(pk=client.pk), by=consultant, version=1, data={"name": "甲"})
    with pytest.raises(EditConflict):
        services.client_update(client=Client.objects.get(pk=client.pk), by=consultant, version=1, data={"name": "乙"})
    client.refresh_from_db()
    assert client.name == "甲"


def _contract_data(**extra):
    today = timezone.localdate()
    return {
        "design_fee": Decimal("10000"),
        "construction_amount": Decimal("200000"),
        "signed_date": today,
        "planned_start": today + dt.timedelta(days=10),
        "planned_finish": today + dt.timedelta(days=100),
        "address": "静安区 静安花园 3-1201",
        **extra,
    }


def test_contract_sign_opens_project_and_visit_plan(consultant):
    client = ClientFactory(team=consultant.team, stage="quoted")
    contract = services.contract_sign(client=client, by=consultant, data=_contract_data())
    client.refresh_from_db()
    assert client.stage == "signed"
    assert contract.number.startswith(f"HT-{timezone.localdate():%Y%m}-")
    project = Project.objects.get(contract=contract)
    assert project.client == client and project.planned_start == contract.planned_start
    visits = FollowUpVisit.objects.filter(contract=contract).order_by("due_date")
    assert visits.count() == 7
    assert (
        visits.first().due_date == contract.signed_date + dt.timedelta(days=14)
        or visits.first().due_date == contract.planned_start
    )
    assert all(v.owner == consultant for v in visits)
    assert contract.payments.count() == 3


def test_contract_sign_failure_leaves_neither_contract_project_nor_visits(consultant):
    # The contract_signed hook projects registers opens the project with project_open.
    client = ClientFactory(team=consultant.team, stage="quoted")
    with (
        mock.patch("projects.services.project.project_open", side_effect=ValidationError("boom")),
        pytest.raises(ValidationError),
    ):
        services.contract_sign(client=client, by=consultant, data=_contract_data())
    client.refresh_from_db()
    assert client.stage == "quoted"
    assert not Contract.objects.exists()
    assert not Project.objects.exists()
    assert not FollowUpVisit.objects.exists()


def test_contract_numbers_run_within_the_month(consultant):
    ContractFactory(number="HT-202611-0007")
    assert services.contract_next_number(signed_date=dt.date(2026, 11, 3)) == "HT-202611-0008"
    assert services.contract_next_number(signed_date=dt.date(2026, 12, 1)) == "HT-202612-0001"


def test_contract_amount_change_is_kept_in_history(consultant):
    contract = ContractFactory(client=ClientFactory(team=consultant.team))
    services.contract_update(
        contract=contract, by=consultant, version=1, data={"construction_amount": Decimal("190000")}
    )
    change = ContractChange.objects.get()
    assert change.changed_by == consultant
    assert change.old_value == "180000.00" and change.new_value == "190000.00"
    with pytest.raises(EditConflict):
        services.contract_update(
            contract=Contract.objects.get(pk=contract.pk), by=consultant, version=1, data={"style": "x"}
        )


def test_payment_days_to_pay_is_kept_in_history_and_moves_the_due_date(consultant):
    contract = ContractFactory(client=ClientFactory(team=consultant.team))
    payment = services.payment_save(contract=contract, by=consultant, name="首期", amount=Decimal(1000))
    assert payment.due_date == contract.signed_date + dt.timedelta(days=7)  # due at signing
    services.payment_save(
        contract=contract, by=consultant, payment=payment, name="首期", amount=Decimal(1000), days_to_pay=10
    )
    # Created with a name, an amount, a trigger and days to pay (four entries), then the days (one more).
    latest = ContractChange.objects.filter(contract=contract).first()
    assert ContractChange.objects.filter(contract=contract).count() == 5
    assert (latest.old_value, latest.new_value) == ("7", "10")
    payment.refresh_from_db()
    assert payment.due_date == contract.signed_date + dt.timedelta(days=10)


def test_visit_record_once(consultant):
    visit = FollowUpVisitFactory(client=ClientFactory(team=consultant.team))
    services.visit_record(visit=visit, by=consultant, channel="phone", outcome="满意", satisfaction=5)
    visit.refresh_from_db()
    assert visit.done_at and visit.satisfaction == 5
    with pytest.raises(EditConflict):
        services.visit_record(
            visit=FollowUpVisit.objects.get(pk=visit.pk), by=consultant, channel="phone", outcome="x", satisfaction=1
        )
    visit.refresh_from_db()
    assert visit.satisfaction == 5


def test_visit_satisfaction_out_of_range_is_refused(consultant):
    visit = FollowUpVisitFactory(client=ClientFactory(team=consultant.team))
    with pytest.raises(ValidationError):
        services.visit_record(visit=visit, by=consultant, channel="phone", outcome="x", satisfaction=6)


def test_lost_report_save_is_one_per_team_month(consultant):
    month = dt.date(2026, 10, 15)
    services.lost_report_save(team=consultant.team, month=month, by=consultant, conclusions="价格")
    services.lost_report_save(
        team=consultant.team, month=month, by=consultant, conclusions="价格与工期", actions="推出套餐"
    )
    report = LostLeadReport.objects.get()
    assert report.month == dt.date(2026, 10, 1) and report.conclusions == "价格与工期"


def test_archive_hand_over_receive_lend_return(consultant, admin_clerk):
    client = ClientFactory(team=consultant.team, stage="signed")
    handover = services.archive_hand_over(
        client=client, by=consultant, documents=["contract", "drawings"], handed_on=timezone.localdate()
    )
    assert admin_clerk.notifications.count() == 1
    services.archive_receive(handover=handover, by=admin_clerk, shelf_mark="A-3")
    with pytest.raises(EditConflict):
        services.archive_receive(handover=handover, by=admin_clerk)
    loan = services.archive_lend(handover=handover, by=admin_clerk, borrower="刘洋")
    with pytest.raises(ValidationError):
        services.archive_lend(handover=handover, by=admin_clerk, borrower="杨强")
    services.archive_return(loan=loan, by=admin_clerk)
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert client.events.filter(kind=ClientEvent.Kind.ARCHIVE).count() == 4
