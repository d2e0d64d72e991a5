"""Consent and purpose on each client, the privacy notice in the admin."""

import pytest
from django.urls import reverse

from clients.models import ClientConsent, ClientEvent, PrivacyNotice
from tests.clients.factories import ClientFactory


@pytest.fixture
def client_row(consultant):
    return ClientFactory(team=consultant.team, name="陈先生")


@pytest.mark.django_db
def test_consultant_records_consent_with_method_purpose_notice_and_recorder(client, consultant, client_row):
    notice = PrivacyNotice.objects.create(version=99, text="告知文本")
    client.force_login(consultant)
    response = client.post(
        reverse("clients:consent_record", args=[client_row.pk]),
        {"method": "verbal_call", "purpose": "service", "agreed_on": "2026-01-05"},
    )
    assert response.status_code == 302
    consent = ClientConsent.objects.get(client=client_row)
    assert consent.method == "verbal_call" and consent.purpose == "service"
    assert consent.recorded_by == consultant and consent.notice == notice
    assert consent.agreed_at.date().isoformat() == "2026-01-05"
    assert ClientEvent.objects.filter(client=client_row, kind=ClientEvent.Kind.PRIVACY).exists()
    page = client.get(reverse("clients:detail", args=[client_row.pk])).content.decode()
    assert "2026-01-05" in page and "告知文本" in page


@pytest.mark.django_db
def test_client_file_warns_when_no_consent_is_recorded(client, consultant, client_row):
    client.force_login(consultant)
    page = client.get(reverse("clients:detail", args=[client_row.pk])).content.decode()
    assert 'data-testid="consent-save"' in page
    assert "未记录授权" in page or "No consent recorded" in page


@pytest.mark.django_db
def test_a_future_date_is_refused(client, consultant, client_row):
    client.force_login(consultant)
    client.post(
        reverse("clients:consent_record", args=[client_row.pk]),
        {"method": "written", "purpose": "service", "agreed_on": "2999-01-01"},
    )
    assert not ClientConsent.objects.exists()


@pytest.mark.django_db
def test_other_team_gets_404_and_gm_only_reads(client, outsider, gm, client_row):
    client.force_login(outsider)
    data = {"method": "written", "purpose": "service", "agreed_on": "2026-01-05"}
    assert client.post(reverse("clients:consent_record", args=[client_row.pk]), data).status_code == 404
    client.force_login(gm)
    assert client.post(reverse("clients:consent_record", args=[client_row.pk]), data).status_code == 403
    assert client.get(reverse("clients:consent_record", args=[client_row.pk])).status_code == 403
    assert not ClientConsent.objects.exists()


@pytest.mark.django_db
def test_editing_the_notice_in_the_admin_publishes_a_new_version(client, db):
    from tests.teams.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True, role="deputy_gm", team=None)
    client.force_login(admin)
    first = PrivacyNotice.current()
    assert first is not None and first.version == 1  # the data migration's text
    response = client.post(reverse("admin:clients_privacynotice_change", args=[first.pk]), {"text": "新文本"})
    assert response.status_code == 302
    assert PrivacyNotice.current().version == 2 and PrivacyNotice.current().text == "新文本"
    first.refresh_from_db()
    assert first.text != "新文本"  # the old version stays as it was
    assert PrivacyNotice.current().published_by == admin


@pytest.mark.django_db
def test_a_new_lead_records_how_the_client_agreed(client, consultant):
    client.force_login(consultant)
    form = client.get(reverse("clients:create")).content.decode()
    assert 'name="consent_method"' in form
    client.post(
        reverse("clients:create"),
        {"name": "钱女士", "phone": "13900002222", "property_type": "apartment", "intent": "medium",
         "source": "walk_in", "consultant": consultant.pk, "consent_method": "verbal_visit"},
    )  # fmt: skip
    consent = ClientConsent.objects.get(client__name="钱女士")
    assert consent.method == "verbal_visit" and consent.recorded_by == consultant
    # Not asked yet: no consent, and the client file asks for it.
    client.post(
        reverse("clients:create"),
        {"name": "孙先生", "phone": "13900003333", "property_type": "apartment", "intent": "medium",
         "source": "walk_in", "consultant": consultant.pk, "consent_method": ""},
    )  # fmt: skip
    assert not ClientConsent.objects.filter(client__name="孙先生").exists()
    edit = client.get(reverse("clients:edit", args=[ClientConsent.objects.get().client_id])).content.decode()
    assert 'name="consent_method"' not in edit
