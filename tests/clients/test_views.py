import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from clients.models import AccessLog, ArchiveHandover, Client, ClientEvent, FollowUpVisit, LostReason
from projects.models import Project
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import ProjectFactory
from tests.reception.factories import CallFactory, VisitFactory
from tests.teams.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["consultant", "designer", "assistant", "pm", "gm", "front_desk", "admin_clerk", "budget_clerk", "outsider"]


@pytest.fixture
def lead(consultant):
    return ClientFactory(team=consultant.team, consultant=consultant, stage="quoted", phone="13812345678")


# --- Permission matrix ---------------------------------------------------------------------------------------------

# page → roles that get 200 (others: 403 for a role not allowed, 404 for a record not visible)
PAGES = {
    "clients:list": {"consultant", "designer", "assistant", "pm", "gm", "admin_clerk", "outsider"},
    "clients:pipeline": {"consultant", "gm", "outsider"},
    "clients:lost_report": {"consultant", "gm", "outsider"},
    "clients:visit_list": {"consultant", "gm", "outsider"},
    "clients:access_log": {"gm"},
    "clients:archive": {"consultant", "gm", "admin_clerk", "outsider"},
    "clients:create": {"consultant", "outsider"},
    "clients:import": {"consultant", "outsider"},
}


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_permission_matrix(request, login, lead, who, page):
    user = request.getfixturevalue(who)
    response = login(user).get(reverse(page))
    assert response.status_code == (200 if who in PAGES[page] else 403)


def test_pages_need_login(client):
    response = client.get(reverse("clients:list"))
    assert response.status_code == 302 and "/login/" in response.url


# detail of the lead: 200 for its team, the GM; 404 for outsiders, for project roles not on a project,
# for the admin clerk before hand-over; 403 for roles that have no client pages.
DETAIL = {"consultant": 200, "gm": 200, "outsider": 404, "designer": 404, "assistant": 404, "pm": 404,
          "admin_clerk": 404, "front_desk": 403, "budget_clerk": 403}  # fmt: skip


@pytest.mark.parametrize("who", ROLES)
def test_client_detail_permission_matrix(request, login, lead, who):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse("clients:detail", args=[lead.pk])).status_code == DETAIL[who]


def test_other_team_gets_404_on_every_client_page(login, lead, outsider):
    contract = ContractFactory(client=lead)
    visit = FollowUpVisitFactory(client=lead)
    c = login(outsider)
    for name, args in [
        ("clients:detail", [lead.pk]),
        ("clients:edit", [lead.pk]),
        ("clients:lost", [lead.pk]),
        ("clients:contract_sign", [lead.pk]),
        ("clients:contract_detail", [contract.pk]),
        ("clients:contract_edit", [contract.pk]),
        ("clients:visit_record", [visit.pk]),
    ]:
        assert c.get(reverse(name, args=args)).status_code == 404, name
    for name in [
        "clients:move",
        "clients:reveal_phone",
        "clients:tier",
        "clients:archive_hand_over",
        "clients:visit_create",
    ]:
        assert c.post(reverse(name, args=[lead.pk]), {"stage": "contacted"}).status_code == 404, name
    lead.refresh_from_db()
    assert lead.stage == "quoted"
    assert not AccessLog.objects.filter(client=lead).exists()


def test_designer_sees_only_clients_of_their_projects(login, lead, designer, consultant):
    other = ClientFactory(team=consultant.team)
    ProjectFactory(client=lead, designers=[designer])
    c = login(designer)
    assert c.get(reverse("clients:detail", args=[lead.pk])).status_code == 200
    assert c.get(reverse("clients:detail", args=[other.pk])).status_code == 404
    page = c.get(reverse("clients:list")).content.decode()
    assert lead.name in page and other.name not in page


def test_designer_sees_no_contract_amounts(login, lead, designer):
    contract = ContractFactory(client=lead, construction_amount=Decimal("345678"))
    ProjectFactory(client=lead, designers=[designer])
    c = login(designer)
    assert "345678" not in c.get(reverse("clients:detail", args=[lead.pk])).content.decode()
    assert c.get(reverse("clients:contract_detail", args=[contract.pk])).status_code == 403


def test_pm_cannot_change_a_lead(login, lead, pm):
    ProjectFactory(client=lead, project_manager=pm)
    c = login(pm)
    assert c.post(reverse("clients:move", args=[lead.pk]), {"stage": "proposal"}).status_code == 403


def test_admin_clerk_sees_handed_over_clients_only(login, lead, consultant, admin_clerk):
    other = ClientFactory(team=consultant.team)
    ArchiveHandover.objects.create(client=lead, handed_by=consultant, documents=["contract"])
    c = login(admin_clerk)
    assert c.get(reverse("clients:detail", args=[lead.pk])).status_code == 200
    assert c.get(reverse("clients:detail", args=[other.pk])).status_code == 404


def test_front_desk_sees_no_client_pages(login, lead, front_desk):
    c = login(front_desk)
    assert c.get(reverse("clients:list")).status_code == 403
    assert c.get(reverse("clients:detail", args=[lead.pk])).status_code == 403


# --- Confidentiality -------------------------------------------------------------------------------------------------


def test_phone_is_masked_and_opening_is_logged(login, lead, consultant):
    response = login(consultant).get(reverse("clients:detail", args=[lead.pk]), REMOTE_ADDR="10.0.0.8")
    html = response.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.client, entry.ip_address) == (consultant, "open", lead, "10.0.0.8")


def test_opening_a_file_is_logged_once_per_person_client_and_half_hour(login, lead, consultant, gm):
    url = reverse("clients:detail", args=[lead.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(consultant).get(url)
        login(gm).get(url)
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        login(consultant).get(url)
    assert AccessLog.objects.filter(action="open", user=consultant).count() == 1
    assert AccessLog.objects.filter(action="open", user=gm).count() == 1
    with time_machine.travel(start + dt.timedelta(minutes=31), tick=False):
        login(consultant).get(url)
    assert AccessLog.objects.filter(action="open", user=consultant).count() == 2


def test_refused_record_is_logged_with_user_and_id_only(login, lead, outsider, front_desk):
    response = login(outsider).get(reverse("clients:detail", args=[lead.pk]), {"q": "13812345678"})
    assert response.status_code == 404
    entry = AccessLog.objects.get(action=AccessLog.Action.REFUSED)
    assert entry.user == outsider and entry.client is None
    assert f"pk={lead.pk}" in entry.detail and "clients:detail" in entry.detail and "404" in entry.detail
    assert lead.name not in entry.detail and "13812345678" not in entry.detail
    # A role refused (403) is logged too.
    assert login(front_desk).get(reverse("clients:detail", args=[lead.pk])).status_code == 403
    refusal = AccessLog.objects.get(action=AccessLog.Action.REFUSED, user=front_desk)
    assert refusal.detail.startswith("403") and f"pk={lead.pk}" in refusal.detail


def test_a_missing_page_is_not_a_refusal(login, consultant):
    assert login(consultant).get("/no-such-page/").status_code == 404
    assert not AccessLog.objects.exists()


def test_reveal_phone_is_post_only_and_logged(login, lead, consultant):
    c = login(consultant)
    assert c.get(reverse("clients:reveal_phone", args=[lead.pk])).status_code == 405
    response = c.post(reverse("clients:reveal_phone", args=[lead.pk]), HTTP_HX_REQUEST="true")
    assert "13812345678" in response.content.decode()
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL, client=lead, user=consultant).count() == 1


def test_list_masks_phones(login, lead, consultant):
    html = login(consultant).get(reverse("clients:list")).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_export_is_logged_and_scoped(login, lead, consultant, outsider):
    ClientFactory(team=outsider.team, name="外组客户")
    response = login(consultant).get(reverse("clients:list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")

    from tests.sheets import open_table

    rows = open_table(response.content)
    names = [r[0] for r in rows[1:]]
    assert names == [lead.name]
    assert rows[1][1] == "138****5678"
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=consultant).count() == 1


def test_designer_cannot_export(login, lead, designer):
    ProjectFactory(client=lead, designers=[designer])
    assert login(designer).get(reverse("clients:list"), {"export": "xlsx"}).status_code == 403
    assert not AccessLog.objects.filter(action="export").exists()
    assert AccessLog.objects.filter(action="refused", user=designer).exists()


def test_access_log_filters_by_action(login, gm, consultant, lead):
    AccessLog.objects.create(user=consultant, action="open", client=lead, ip_address="10.0.0.1")
    AccessLog.objects.create(user=consultant, action="export", detail="导出标记", ip_address="10.0.0.2")
    html = login(gm).get(reverse("clients:access_log"), {"action": "export"}).content.decode()
    assert "导出标记" in html and "10.0.0.1" not in html


BASIC = {"property_type": "apartment", "intent": "medium", "source": "hotline"}


# --- Actions ---------------------------------------------------------------------------------------------------------


def test_create_lead_via_form(login, consultant):
    response = login(consultant).post(
        reverse("clients:create"),
        {"name": "赵女士", "phone": "13900001111", "property_type": "villa", "intent": "high", "budget": "gt80",
         "floor_area": "220", "source": "hotline", "consultant": consultant.pk},
    )  # fmt: skip
    client = Client.objects.get(name="赵女士")
    assert response.status_code == 302 and response.url == reverse("clients:detail", args=[client.pk])
    assert client.team == consultant.team and client.value_tier == "A"


def test_create_duplicate_keeps_input_and_explains(login, consultant, lead):
    response = login(consultant).post(reverse("clients:create"), {"name": "重复客户", "phone": "13812345678", **BASIC})
    html = response.content.decode()
    assert response.status_code == 200
    assert "重复客户" in html and lead.name in html
    assert Client.objects.count() == 1


def test_referral_needs_referrer(login, consultant):
    response = login(consultant).post(
        reverse("clients:create"), {"name": "甲", "phone": "13900001112", **BASIC, "source": "referral"}
    )
    assert response.status_code == 200 and not Client.objects.exists()


def test_stale_edit_keeps_what_was_typed(login, consultant, lead):
    Client.objects.filter(pk=lead.pk).update(version=5)
    response = login(consultant).post(
        reverse("clients:edit", args=[lead.pk]),
        {"name": "我的修改", "phone": lead.phone, **BASIC, "version": 1},
    )
    assert response.status_code == 200
    assert "我的修改" in response.content.decode()
    lead.refresh_from_db()
    assert lead.name != "我的修改"


def test_move_via_htmx_renders_board(login, consultant):
    client = ClientFactory(team=consultant.team, stage="new")
    response = login(consultant).post(
        reverse("clients:move", args=[client.pk]), {"stage": "contacted"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="column-contacted"' in response.content.decode()
    client.refresh_from_db()
    assert client.stage == "contacted"
    assert client.events.filter(kind=ClientEvent.Kind.STAGE).count() == 1


def test_move_is_post_only(login, consultant, lead):
    assert login(consultant).get(reverse("clients:move", args=[lead.pk])).status_code == 405


def test_lost_form_requires_reason(login, consultant, lead):
    c = login(consultant)
    response = c.post(reverse("clients:lost", args=[lead.pk]), {"competitor": "X"})
    assert response.status_code == 200
    lead.refresh_from_db()
    assert lead.stage == "quoted"
    reason = LostReason.objects.get(code="price")
    response = c.post(reverse("clients:lost", args=[lead.pk]), {"reason": reason.pk, "competitor": "X"})
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "lost" and lead.lost_reason == reason


def test_sign_contract_via_form(login, consultant, lead):
    today = timezone.localdate()
    response = login(consultant).post(
        reverse("clients:contract_sign", args=[lead.pk]),
        {
            "signed_date": today,
            "design_fee": "8000",
            "construction_amount": "160000",
            "planned_start": today + dt.timedelta(days=7),
            "planned_finish": today + dt.timedelta(days=90),
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "signed"
    assert Project.objects.filter(client=lead).count() == 1
    assert FollowUpVisit.objects.filter(client=lead).count() == 7


def test_sign_contract_with_finish_before_start_is_refused(login, consultant, lead):
    today = timezone.localdate()
    response = login(consultant).post(
        reverse("clients:contract_sign", args=[lead.pk]),
        {
            "signed_date": today,
            "design_fee": "8000",
            "construction_amount": "160000",
            "planned_start": today + dt.timedelta(days=7),
            "planned_finish": today,
        },
    )
    assert response.status_code == 200
    assert not Project.objects.exists()


def test_record_visit_with_complaint_opens_complaint_form(login, consultant, lead):
    visit = FollowUpVisitFactory(client=lead)
    response = login(consultant).post(
        reverse("clients:visit_record", args=[visit.pk]),
        {"channel": "phone", "outcome": "客户反映墙面开裂", "satisfaction": "2", "raised_complaint": "on"},
    )
    assert response.status_code == 302
    assert response.url == f"/complaints/register/?client={lead.pk}&channel=phone"
    visit.refresh_from_db()
    assert visit.done_at and visit.satisfaction == 2 and visit.raised_complaint


def test_contract_attachment_checks_content(login, consultant, lead, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    contract = ContractFactory(client=lead)
    c = login(consultant)
    c.post(reverse("clients:contract_attach", args=[contract.pk]), {"file": SimpleUploadedFile("a.pdf", b"not a pdf")})
    assert contract.attachments.count() == 0
    c.post(
        reverse("clients:contract_attach", args=[contract.pk]),
        {"file": SimpleUploadedFile("合同.pdf", b"%PDF-1.4 ...")},
    )
    attachment = contract.attachments.get()
    assert attachment.original_name == "合同.pdf" and "合同" not in attachment.file.name
    response = c.get(reverse("clients:contract_attachment", args=[contract.pk, attachment.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_lost_report_saves_conclusions(login, consultant):
    c = login(consultant)
    response = c.post(
        reverse("clients:lost_report") + "?month=2026-10", {"conclusions": "价格偏高", "actions": "推出套餐"}
    )
    assert response.status_code == 302
    report = consultant.team.lost_reports.get()
    assert report.month == dt.date(2026, 10, 1) and report.written_by == consultant


def test_gm_cannot_write_conclusions(login, gm, team):
    response = login(gm).post(reverse("clients:lost_report") + f"?month=2026-10&team={team.pk}", {"conclusions": "x"})
    assert response.status_code == 404


def test_archive_receive_by_clerk(login, consultant, admin_clerk, lead):
    handover = ArchiveHandover.objects.create(client=lead, handed_by=consultant, documents=["contract"])
    response = login(admin_clerk).post(reverse("clients:archive_receive", args=[handover.pk]), {"shelf_mark": "B-2"})
    assert response.status_code == 302
    handover.refresh_from_db()
    assert handover.received_by == admin_clerk and handover.shelf_mark == "B-2"


# --- Query budgets ---------------------------------------------------------------------------------------------------


def _many(consultant, n=30):
    reason = LostReason.objects.first()
    now = timezone.now()
    for i in range(n):
        client = ClientFactory(
            team=consultant.team, stage=["new", "contacted", "measured", "proposal", "quoted", "lost"][i % 6]
        )
        if client.stage == "lost":
            Client.objects.filter(pk=client.pk).update(
                lost_reason=reason, lost_at=now - dt.timedelta(days=i), lost_stage="quoted"
            )
        FollowUpVisitFactory(client=client, due_date=timezone.localdate() - dt.timedelta(days=i % 3))
        ClientEvent.objects.create(client=client, kind="stage", text="x")


# Each page's budget on the first request after login (which also saves the session: 3 queries).
@pytest.mark.parametrize(
    "page,budget",
    [
        ("clients:list", 9),
        ("clients:pipeline", 12),
        ("clients:lost_report", 16),
        ("clients:visit_list", 9),
        ("clients:archive", 7),
    ],
)
def test_pages_run_a_fixed_number_of_queries(login, consultant, django_assert_max_num_queries, page, budget):
    c = login(consultant)
    _many(consultant, 6)
    with django_assert_max_num_queries(budget) as few:
        c.get(reverse(page))
    _many(consultant, 40)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse(page)).status_code == 200


def test_client_file_runs_a_fixed_number_of_queries(login, consultant, lead, django_assert_max_num_queries):
    c = login(consultant)
    url = reverse("clients:detail", args=[lead.pk])
    # One query per timeline provider (calls, office visits, complaints, projects: each app's own
    # scoping), plus the complaints tab and the first project for the service phases; contracts are
    # read once; the archive comes with the client. +4: the session (in the database) and its save;
    # +2: the access log's "opened in the last half hour?" and its entry; +2: the latest consent and the
    # current privacy notice.
    with django_assert_max_num_queries(21) as few:
        c.get(url)
    for i in range(20):
        ClientEvent.objects.create(client=lead, kind="stage", text=f"e{i}")
        FollowUpVisitFactory(client=lead)
        CallFactory(client=lead, forward_team=lead.team)
    for _ in range(3):
        VisitFactory(client=lead)
        ComplaintFactory(client=lead, team=lead.team)
        ProjectFactory(client=lead)
    ContractFactory(client=lead)
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        assert c.get(url).status_code == 200


def test_client_file_shows_only_the_calls_and_projects_each_app_lets_the_user_see(
    login, consultant, lead, other_team, gm
):
    """A designer of another team assigned to the client's project sees the client file, but not a
    call forwarded to the client's team: the call answers 404 to them, so its text stays out."""
    stranger = UserFactory(role="designer", team=other_team)
    ProjectFactory(client=lead, team=other_team, name="别组项目", designers=[stranger])
    ProjectFactory(client=lead, name="本组项目")
    call = CallFactory(client=lead, purpose="投诉邻居噪音的来电", forward_team=consultant.team)
    url = reverse("clients:detail", args=[lead.pk])

    assert login(stranger).get(reverse("reception:call_detail", args=[call.pk])).status_code == 404
    html = login(stranger).get(url).content.decode()
    assert "投诉邻居噪音的来电" not in html
    assert "别组项目" in html and "本组项目" not in html
    for user in (consultant, gm):
        html = login(user).get(url).content.decode()
        assert "投诉邻居噪音的来电" in html and "本组项目" in html


def test_home_panels_for_consultant_and_clerk(login, consultant, admin_clerk, lead):
    FollowUpVisitFactory(client=lead, due_date=timezone.localdate() - dt.timedelta(days=2), point="逾期回访")
    html = login(consultant).get(reverse("teams:home")).content.decode()
    assert "逾期回访" in html and 'data-testid="panel-client-visits"' in html
    ArchiveHandover.objects.create(client=lead, handed_by=consultant, documents=["contract"])
    html = login(admin_clerk).get(reverse("teams:home")).content.decode()
    assert lead.name in html and 'data-testid="panel-client-archive"' in html


def test_contract_edit_keeps_history_and_refuses_stale_version(login, consultant, lead):
    contract = ContractFactory(client=lead)
    data = {"number": contract.number, "signed_date": contract.signed_date, "design_fee": "8000",
            "construction_amount": "175000", "version": 1}  # fmt: skip
    c = login(consultant)
    assert c.post(reverse("clients:contract_edit", args=[contract.pk]), data).status_code == 302
    contract.refresh_from_db()
    assert contract.construction_amount == Decimal("175000") and contract.changes.count() == 1
    response = c.post(reverse("clients:contract_edit", args=[contract.pk]), {**data, "construction_amount": "1"})
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.construction_amount == Decimal("175000")


def test_payment_stage_on_a_fixed_date_via_form(login, consultant, lead):
    contract = ContractFactory(client=lead)
    c = login(consultant)
    response = c.post(
        reverse("clients:payment_add", args=[contract.pk]),
        {"name": "二期", "amount": "50000", "trigger": "fixed_date", "fixed_date": "2026-11-20", "days_to_pay": "5"},
    )
    assert response.status_code == 302
    stage = contract.payments.get()
    # Due only when the daily scan reaches its date; paid only by receipts.
    assert (stage.fixed_date, stage.due_date, stage.paid_date) == (dt.date(2026, 11, 20), None, None)
    assert contract.changes.count() == 5  # name, amount, trigger, fixed date, days to pay


def test_client_file_shows_complaints_archive_and_service_phases_from_one_read(login, consultant, lead, admin_clerk):
    from tests.complaints.factories import ComplaintFactory

    for _ in range(3):
        ComplaintFactory(client=lead, team=lead.team)
    ContractFactory(client=lead, signed_date=timezone.localdate() - dt.timedelta(days=30))
    ArchiveHandover.objects.create(client=lead, handed_by=consultant, documents=["contract"])
    response = login(consultant).get(reverse("clients:detail", args=[lead.pk]))
    assert len(response.context["complaints"]) == 3
    assert sum(i["icon"] == "exclamation-triangle" for i in response.context["timeline"]) == 3
    # Registered today, after the contract: 售中.
    assert sum(i["icon"] == "exclamation-triangle" for i in response.context["phases"]["in"]) == 3
    assert response.context["archive"].handed_by == consultant
    assert "已移交档案" in response.content.decode()


# --- The archive clerk keeps the file list, not the money --------------------------------------------------------

ARCHIVE_CLERK_PAGES = [
    ("clients:list", {}),
    ("clients:archive", {}),
    ("clients:archive", {"state": "all"}),
    ("teams:home", {}),
    ("performance:dashboard", {}),
    ("reception:call_list", {}),
]


def test_archive_clerk_sees_no_amounts_anywhere(login, consultant, admin_clerk, lead):
    from clients import services

    lead.budget = Client.Budget.B20_40
    lead.save(update_fields=["budget"])
    today = timezone.localdate()
    data = {
        "design_fee": Decimal("12345"),
        "construction_amount": Decimal("187654"),
        "signed_date": today,
        "planned_start": today + dt.timedelta(days=10),
        "planned_finish": today + dt.timedelta(days=100),
        "address": "静安区 静安花园 3-1201",
    }
    contract = services.contract_sign(client=lead, by=consultant, data=data)
    handover = services.archive_hand_over(client=lead, by=consultant, documents=["contract"], handed_on=today)
    services.archive_receive(handover=handover, by=admin_clerk, shelf_mark="A-1")
    money = [
        str(contract.total_amount).split(".")[0],
        "199999",
        "199,999",
        "187654",
        "12345",
        str(Client.Budget.B20_40.label),
    ]
    clerk = login(admin_clerk)
    pages = [(reverse(name), query) for name, query in ARCHIVE_CLERK_PAGES]
    pages.append((reverse("clients:detail", args=[lead.pk]), {}))
    for url, query in pages:
        response = clerk.get(url, query)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not [m for m in money if m in html], url
    # The file itself is there: contract number and documents, handed over and received.
    html = clerk.get(reverse("clients:detail", args=[lead.pk])).content.decode()
    assert contract.number in html and "A-1" in html
    # The consultant still reads the budget in the client file.
    assert (
        str(Client.Budget.B20_40.label)
        in login(consultant).get(reverse("clients:detail", args=[lead.pk])).content.decode()
    )
