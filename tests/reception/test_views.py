import pytest
from django.urls import reverse

from reception.models import Call, Visit
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory, VisitFactory
from tests.sheets import table

pytestmark = pytest.mark.django_db

ROLES = ["consultant", "designer", "assistant", "pm", "gm", "front_desk", "outsider", "admin_clerk", "budget_clerk"]
XSS = "<img src=x onerror=alert(1)>"


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["reception:call_create", "reception:visit_create"])
def test_only_front_desk_and_gm_log(request, login, who, name):
    user = request.getfixturevalue(who)
    expected = 200 if who in ("front_desk", "gm") else 403
    assert login(user).get(reverse(name)).status_code == expected


@pytest.mark.parametrize("who", ROLES)
def test_call_detail_matrix(request, login, front_desk, designer, who):
    call = CallFactory(logged_by=front_desk, forward_to=designer)
    user = request.getfixturevalue(who)
    expected = 200 if who in ("front_desk", "gm", "designer") else 404
    assert login(user).get(reverse("reception:call_detail", args=[call.pk])).status_code == expected


def test_call_list_front_desk_sees_all_and_members_only_theirs(login, front_desk, designer, outsider):
    CallFactory(caller_name="转给刘洋", forward_to=designer)
    CallFactory(caller_name="普通来电")
    assert "普通来电" in login(front_desk).get(reverse("reception:call_list")).content.decode()
    html = login(designer).get(reverse("reception:call_list")).content.decode()
    assert "转给刘洋" in html and "普通来电" not in html
    assert "转给刘洋" not in login(outsider).get(reverse("reception:call_list")).content.decode()


def test_log_a_forwarded_call(login, front_desk, designer):
    response = login(front_desk).post(
        reverse("reception:call_create"),
        {
            "caller_name": "王先生",
            "phone": "139 0000 1111",
            "caller_type": "client",
            "purpose": "催工期",
            "important": "on",
            "forward_to": designer.pk,
            "save": "",
        },
    )
    assert response.status_code == 302
    call = Call.objects.get()
    assert call.phone == "13900001111" and call.important and call.forward_to == designer
    assert call.ack_due_at is not None


def test_save_and_register_complaint_opens_the_prefilled_form(login, front_desk, the_client):
    response = login(front_desk).post(
        reverse("reception:call_create"),
        {
            "caller_name": "王美丽",
            "phone": "13812345678",
            "caller_type": "client",
            "client": the_client.pk,
            "purpose": "投诉墙砖空鼓",
            "complaint": "",
        },
    )
    call = Call.objects.get()
    assert call.client == the_client
    assert response.url == reverse("complaints:register") + f"?call={call.pk}&channel=phone"
    html = login(front_desk).get(response.url).content.decode()
    assert "王美丽" in html and f'name="client" value="{the_client.pk}"' in html


def test_call_form_errors_keep_input(login, front_desk):
    response = login(front_desk).post(reverse("reception:call_create"), {"caller_name": "赵先生", "phone": "123"})
    html = response.content.decode()
    assert response.status_code == 200 and "赵先生" in html and not Call.objects.exists()


def test_acknowledge_from_the_page_by_htmx(login, front_desk, designer):
    call = CallFactory(logged_by=front_desk, forward_to=designer)
    from django.utils import timezone

    Call.objects.filter(pk=call.pk).update(forwarded_at=timezone.now(), ack_due_at=timezone.now())
    url = reverse("reception:call_acknowledge", args=[call.pk])
    assert login(designer).get(url).status_code == 405
    response = login(designer).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'data-testid="forward-state"' in response.content.decode()
    call.refresh_from_db()
    assert call.acknowledged_by == designer


def test_outsider_acknowledge_gets_404(login, outsider, designer):
    call = CallFactory(forward_to=designer)
    assert login(outsider).post(reverse("reception:call_acknowledge", args=[call.pk])).status_code == 404


def test_lookup_shows_only_name_masked_phone_team_and_open_complaints(login, front_desk, the_client):
    ComplaintFactory(client=the_client)
    ComplaintFactory(client=the_client, state="closed")
    html = login(front_desk).get(reverse("reception:client_lookup") + "?q=5678").content.decode()
    assert "王美丽" in html and "138****5678" in html and "13812345678" not in html
    assert the_client.team.name in html and "1 件未结投诉" in html
    html = login(front_desk).get(reverse("reception:client_lookup") + "?q=王美").content.decode()
    assert "王美丽" in html


def test_lookup_for_a_consultant_is_limited_to_their_clients(login, outsider, the_client):
    html = login(outsider).get(reverse("reception:client_lookup") + "?q=5678").content.decode()
    assert "王美丽" not in html


def test_lookup_escapes_names(login, front_desk, team):
    ClientFactory(team=team, name=XSS, phone="13600009999")
    html = login(front_desk).get(reverse("reception:client_lookup") + "?q=9999").content.decode()
    assert XSS not in html and "&lt;img" in html


def test_call_export_escapes_formulas_and_masks_phones(login, gm):
    import io

    from openpyxl import load_workbook

    CallFactory(caller_name="=cmd|' /C calc'!A0", phone="13812345678", summary="+1")
    response = login(gm).get(reverse("reception:call_list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = table(sheet)
    assert rows[1][1].startswith("=") and sheet.cell(3, 2).data_type == "s" and sheet.cell(3, 2).quotePrefix
    assert rows[1][2] == "138****5678" and rows[1][5] == "+1" and sheet.cell(3, 6).quotePrefix


def test_call_list_xss_escaped(login, front_desk):
    CallFactory(caller_name=XSS, purpose=XSS)
    html = login(front_desk).get(reverse("reception:call_list")).content.decode()
    assert XSS not in html


def test_make_lead_from_call_page(login, front_desk, team, consultant):
    call = CallFactory(caller_type="prospect", phone="13700002222")
    response = login(front_desk).post(reverse("reception:call_lead", args=[call.pk]), {"team": team.pk})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.lead is not None and call.lead.team == team


def test_the_front_desk_records_the_callers_consent_with_the_lead(login, front_desk, team, consultant):
    browser = login(front_desk)
    asked = CallFactory(caller_type="prospect", phone="13700002223")
    browser.post(reverse("reception:call_lead", args=[asked.pk]), {"team": team.pk, "consented": "on"})
    not_asked = CallFactory(caller_type="prospect", phone="13700002224")
    browser.post(reverse("reception:call_lead", args=[not_asked.pk]), {"team": team.pk})
    walk_in = VisitFactory(phone="13700002225")
    browser.post(reverse("reception:visit_lead", args=[walk_in.pk]), {"team": team.pk, "consented": "on"})
    asked.refresh_from_db(), not_asked.refresh_from_db(), walk_in.refresh_from_db()
    consent = asked.lead.consents.get()
    assert (consent.method, consent.recorded_by) == ("verbal_call", front_desk)
    assert not not_asked.lead.consents.exists()
    assert walk_in.lead.consents.get().method == "verbal_visit"
    VisitFactory(phone="13700002226")  # a visitor still to make a lead of: the form asks about the notice
    assert 'name="consented"' in browser.get(reverse("reception:visit_list")).content.decode()


def test_log_visit_leave_and_lead(login, front_desk, team, consultant):
    client = login(front_desk)
    client.post(
        reverse("reception:visit_create"),
        {"visitor_name": "李女士", "phone": "13700003333", "party_size": 2, "purpose": "了解套餐"},
    )
    visit = Visit.objects.get()
    assert visit.party_size == 2
    client.post(reverse("reception:visit_leave", args=[visit.pk]))
    client.post(reverse("reception:visit_lead", args=[visit.pk]), {"team": team.pk})
    visit.refresh_from_db()
    assert visit.left_at is not None and visit.lead.team == team


def test_visit_lead_by_consultant_forbidden(login, consultant, team):
    visit = VisitFactory()
    assert (
        login(consultant).post(reverse("reception:visit_lead", args=[visit.pk]), {"team": team.pk}).status_code == 403
    )


def test_front_desk_home_runs_fixed_queries(login, front_desk, designer, the_client, django_assert_max_num_queries):
    client = login(front_desk)
    CallFactory(logged_by=front_desk, forward_to=designer)
    with django_assert_max_num_queries(40) as small:
        response = client.get(reverse("teams:home"))
    assert 'data-testid="panel-front_desk_today"' in response.content.decode()
    for _ in range(15):
        CallFactory(logged_by=front_desk, forward_to=designer)
        VisitFactory(logged_by=front_desk)
        ComplaintFactory(client=the_client, registered_by=front_desk)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("teams:home"))


def test_forwards_panel_for_the_recipient(login, front_desk, designer):
    from django.utils import timezone

    call = CallFactory(logged_by=front_desk, forward_to=designer, caller_name="找刘洋的客户")
    Call.objects.filter(pk=call.pk).update(forwarded_at=timezone.now(), ack_due_at=timezone.now())
    html = login(designer).get(reverse("teams:home")).content.decode()
    assert 'data-testid="panel-forwards_for_me"' in html and "找刘洋的客户" in html


def test_forwards_panel_hides_other_peoples_forwards_from_the_gm(login, gm, designer):
    from django.utils import timezone

    call = CallFactory(forward_to=designer, caller_name="找刘洋的客户")
    Call.objects.filter(pk=call.pk).update(forwarded_at=timezone.now(), ack_due_at=timezone.now())
    html = login(gm).get(reverse("teams:home")).content.decode()
    assert "找刘洋的客户" not in html


def test_lookup_asks_for_more_digits(login, front_desk, the_client):
    html = login(front_desk).get(reverse("reception:client_lookup") + "?q=138").content.decode()
    assert "王美丽" not in html and "至少" in html


def test_typing_the_phone_field_searches(login, front_desk, the_client):
    html = login(front_desk).get(reverse("reception:call_create")).content.decode()
    assert 'hx-get="/reception/lookup/"' in html and 'name="phone"' in html
    html = login(front_desk).get(reverse("reception:client_lookup") + "?phone=138 1234 5678").content.decode()
    assert "王美丽" in html


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["reception:call_list", "reception:visit_list", "reception:client_lookup"])
def test_lists_answer_every_role_with_their_scope(request, login, who, name):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["reception:visit_leave", "reception:visit_lead", "reception:call_lead"])
def test_desk_actions_matrix(request, login, front_desk, team, who, name):
    user = request.getfixturevalue(who)
    obj = (
        VisitFactory(logged_by=front_desk)
        if "visit" in name
        else CallFactory(logged_by=front_desk, phone="13700001234")
    )
    response = login(user).post(reverse(name, args=[obj.pk]), {"team": team.pk})
    assert response.status_code == (302 if who in ("front_desk", "gm") else 403)
