"""Clients' requests about their personal information: the deputy GM's desk, the export of everything held
about one client, correction, erasure (nothing of the name or phone left anywhere), reminders."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from clients.models import AccessLog, Client, PrivacyRequest, PrivacyRequestStep
from clients.services import consent_record, privacy_request_record, privacy_requests_remind
from complaints.services import complaint_register
from reception.models import CtiEvent, PhoneCall
from teams.models import Notification
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.projects.factories import SiteLogFactory
from tests.reception.factories import CallFactory, VisitFactory

NAME, PHONE, PHONE2 = "欧阳晓岚", "13987654321", "13987650000"
OTHER_NAME, OTHER_PHONE = "司马长风", "13711112222"


def person(team, consultant, front_desk, name, phone, phone2=""):
    """A client with a record of every kind that names them: calls, visits, complaint (registered through
    the service, so notifications and e-mails carry the name), project and site log, contract and payments,
    follow-up visit, consent, timeline."""
    client = ClientFactory(
        team=team, name=name, phone=phone, phone2=phone2, community=f"翠湖{phone[-4:]}", wechat=f"wx{phone}"
    )
    CallFactory(client=client, caller_name=name, phone=phone, summary=f"{name}来电问进度", logged_by=front_desk)
    VisitFactory(client=client, visitor_name=name, phone=phone, logged_by=front_desk)
    # The phone system's call and its raw event carry the number too (reception/services_cti.py).
    PhoneCall.objects.create(call_id=f"pbx-{client.pk}", from_number=phone, client=client)
    CtiEvent.objects.create(event="newCall", call_id=f"pbx-{client.pk}", payload={"from": phone}, outcome="applied")
    complaint_register(
        registered_by=front_desk,
        caller_name=name,
        caller_phone=phone,
        channel="phone",
        category="quality",
        severity="major",
        description=f"{name}说墙面开裂，请回电 {phone}",
        client=client,
    )
    SiteLogFactory(project__client=client, work_done=f"与{name}确认水电")
    ContractFactory(client=client)
    FollowUpVisitFactory(client=client)
    consent_record(client=client, by=consultant, method="verbal_call", purpose="service")
    return client


@pytest.fixture
def people(consultant, front_desk, gm):
    mine = person(consultant.team, consultant, front_desk, NAME, PHONE, PHONE2)
    other = person(consultant.team, consultant, front_desk, OTHER_NAME, OTHER_PHONE)
    request = privacy_request_record(client=mine, by=gm, kind="access", received_on=dt.date(2026, 3, 2))
    return mine, other, request


@pytest.mark.django_db
def test_gm_records_a_request_from_the_client_file_due_in_15_working_days(client, gm, consultant):
    row = ClientFactory(team=consultant.team)
    client.force_login(gm)
    page = client.get(reverse("clients:detail", args=[row.pk])).content.decode()
    assert reverse("clients:privacy_request_create", args=[row.pk]) in page
    response = client.post(
        reverse("clients:privacy_request_create", args=[row.pk]),
        {"kind": "delete", "received_on": "2026-03-02", "details": "不再需要服务"},
    )
    request = PrivacyRequest.objects.get(client=row)
    assert response["Location"] == reverse("clients:privacy_request_detail", args=[request.pk])
    assert request.due_on == dt.date(2026, 3, 23)  # 15 working days after Monday 2 March
    assert list(request.steps.values_list("action", flat=True)) == ["recorded"]
    listing = client.get(reverse("clients:privacy_requests")).content.decode()
    assert reverse("clients:privacy_request_detail", args=[request.pk]) in listing


@pytest.mark.django_db
def test_only_the_gm_opens_the_desk(client, consultant, people):
    _, _, request = people
    client.force_login(consultant)
    assert client.get(reverse("clients:privacy_requests")).status_code == 403
    assert client.get(reverse("clients:privacy_request_detail", args=[request.pk])).status_code == 403
    assert client.get(reverse("clients:privacy_request_export", args=[request.pk])).status_code == 403


@pytest.mark.django_db
def test_export_holds_every_record_kind_and_nothing_of_another_client(client, gm, people):
    mine, other, request = people
    client.force_login(gm)
    response = client.get(reverse("clients:privacy_request_export", args=[request.pk]) + "?format=json")
    assert response.status_code == 200
    body = response.content.decode()
    data = json.loads(body)
    expected = {
        "客户",
        "来电",
        "来访登记",
        "电话系统来电",
        "投诉",
        "投诉时间线",
        "项目",
        "工地日志",
        "合同",
        "回访",
        "授权记录",
        "动态",
        "个人信息权利请求",
        "请求步骤",
    }
    empty = {label for label in expected if not data.get(label)}
    assert empty == set(), f"no rows for {empty} (labels: {sorted(data)})"
    assert NAME in body and PHONE in body
    assert OTHER_NAME not in body and OTHER_PHONE not in body
    # The same as a workbook, one sheet per kind of record.
    xlsx = client.get(reverse("clients:privacy_request_export", args=[request.pk]) + "?format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert expected <= set(book.sheetnames)
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value)
    assert NAME in cells and OTHER_NAME not in cells and OTHER_PHONE not in cells
    # Each export is a step of the request and an entry of the access log.
    assert list(request.steps.values_list("action", flat=True)) == ["recorded", "exported", "exported"]
    assert AccessLog.objects.filter(user=gm, action="export", detail__contains=f"client {mine.pk}").count() == 2


TEXT_TYPES = {"CharField", "TextField", "JSONField"}


def text_columns():
    """(table, column) of every text column of every table, through Django's introspection, so the search
    runs on PostgreSQL (CI) and SQLite (the embedded default) alike."""
    introspection = connection.introspection
    with connection.cursor() as cursor:
        return [
            (table, column.name)
            for table in introspection.table_names(cursor)
            for column in introspection.get_table_description(cursor, table)
            if introspection.get_field_type(column.type_code, column) in TEXT_TYPES
        ]


def where_found(value: str) -> list[str]:
    """Every table.column of the whole database whose text holds ``value``."""
    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            sql = f"SELECT count(*) FROM {quote(table)} WHERE CAST({quote(column)} AS TEXT) LIKE %s"  # noqa: S608
            cursor.execute(sql, [f"%{value}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


@pytest.mark.django_db
def test_erase_leaves_no_name_or_phone_anywhere(client, gm, people):
    mine, other, request = people
    for value in (NAME, PHONE, PHONE2, OTHER_NAME):
        assert where_found(value), value  # the search sees them before
    assert Notification.objects.filter(title__contains=NAME).exists() or mail.outbox
    client.force_login(gm)
    client.get(reverse("clients:privacy_request_export", args=[request.pk]) + "?format=json")
    response = client.post(reverse("clients:privacy_request_erase", args=[request.pk]), {"confirm": "on"})
    assert response.status_code == 302
    for value in (NAME, PHONE, PHONE2, f"wx{PHONE}", f"翠湖{PHONE[-4:]}"):
        assert where_found(value) == [], value
    # Another client is untouched; the erased one keeps its row, contract and counts.
    assert Client.objects.get(pk=other.pk).name == OTHER_NAME
    assert where_found(OTHER_PHONE)
    erased = Client.objects.get(pk=mine.pk)
    assert erased.name == f"客户#{mine.pk}" and erased.contracts.count() == 1
    assert erased.calls.count() == 1 and erased.complaints.count() == 1
    assert PrivacyRequestStep.objects.filter(request=request, action="erased").exists()


@pytest.mark.django_db
def test_erase_needs_the_confirmation_and_a_post(client, gm, people):
    mine, _, request = people
    client.force_login(gm)
    assert client.get(reverse("clients:privacy_request_erase", args=[request.pk])).status_code == 405
    client.post(reverse("clients:privacy_request_erase", args=[request.pk]), {})
    assert Client.objects.get(pk=mine.pk).name == NAME


@pytest.mark.django_db
def test_correct_fields_is_logged_as_a_step(client, gm, people):
    mine, _, request = people
    client.force_login(gm)
    url = reverse("clients:privacy_request_correct", args=[request.pk])
    data = {
        "name": "欧阳小岚",
        "phone": PHONE,
        "phone2": "",
        "wechat": "",
        "district": "",
        "community": "新小区",
        "building": "",
        "version": mine.version,
    }
    assert client.post(url, data).status_code == 302
    mine.refresh_from_db()
    assert mine.name == "欧阳小岚" and mine.community == "新小区"
    step = request.steps.get(action="corrected")
    assert "姓名" in step.detail or "name" in step.detail


@pytest.mark.django_db
def test_answer_closes_the_request(client, gm, people):
    _, _, request = people
    client.force_login(gm)
    client.post(reverse("clients:privacy_request_answer", args=[request.pk]), {"answer": "已寄出全部资料"})
    request.refresh_from_db()
    assert request.state == "answered" and request.answered_at is not None


@pytest.mark.django_db
def test_deadline_reminds_the_gm_once_then_once_when_overdue(gm, people, time_machine):
    _, _, request = people  # due 2026-03-23
    time_machine.move_to(dt.datetime(2026, 3, 16, 10, tzinfo=dt.UTC))
    assert privacy_requests_remind() == 0
    time_machine.move_to(dt.datetime(2026, 3, 18, 10, tzinfo=dt.UTC))
    assert privacy_requests_remind() == 1
    assert privacy_requests_remind() == 0
    time_machine.move_to(dt.datetime(2026, 3, 24, 10, tzinfo=dt.UTC))
    assert privacy_requests_remind() == 1
    assert privacy_requests_remind() == 0
    notes = Notification.objects.filter(recipient=gm, url=reverse("clients:privacy_request_detail", args=[request.pk]))
    assert notes.count() == 2
    assert all(NAME not in note.title for note in notes)
