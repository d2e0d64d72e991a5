import datetime as dt
import io
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from complaints.models import Complaint, ComplaintAttachment, ComplaintResolution, WeeklySummary
from teams.models import Notification
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import ProjectFactory
from tests.reception.factories import CallFactory
from tests.sheets import table

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script>'
ROLES = ["consultant", "designer", "assistant", "pm", "gm", "front_desk", "outsider", "admin_clerk", "budget_clerk"]


@pytest.fixture
def complaint(the_client, consultant, front_desk):
    return ComplaintFactory(client=the_client, handler=consultant, registered_by=front_desk)


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


# --- Permission matrix ---------------------------------------------------------------------

DETAIL_EXPECTED = {
    "consultant": 200,
    "designer": 200,
    "assistant": 200,
    "pm": 200,
    "gm": 200,
    "front_desk": 200,  # registered it
    "outsider": 404,
    "admin_clerk": 403,
    "budget_clerk": 403,
}


@pytest.mark.parametrize("who", ROLES)
def test_detail_permission_matrix(request, login, complaint, who):
    user = request.getfixturevalue(who)
    response = login(user).get(reverse("complaints:detail", args=[complaint.pk]))
    assert response.status_code == DETAIL_EXPECTED[who]


def test_other_front_desk_clerk_gets_404(login, complaint):
    from tests.teams.factories import UserFactory

    clerk = UserFactory(role="front_desk", team=None)
    assert login(clerk).get(reverse("complaints:detail", args=[complaint.pk])).status_code == 404


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["complaints:list", "complaints:register"])
def test_list_and_register_permission_matrix(request, login, who, name):
    user = request.getfixturevalue(who)
    expected = 403 if who in ("admin_clerk", "budget_clerk") else 200
    assert login(user).get(reverse(name)).status_code == expected


@pytest.mark.parametrize("who", ROLES)
def test_weekly_summary_permission_matrix(request, login, who):
    user = request.getfixturevalue(who)
    summary = WeeklySummary.objects.create(week_start=dt.date(2026, 11, 16), data=_figures())
    expected = 200 if who in ("gm", "front_desk") else 403
    client = login(user)
    assert client.get(reverse("complaints:weekly_summary")).status_code == expected
    assert client.get(reverse("complaints:weekly_summary_detail", args=[summary.pk])).status_code == expected


@pytest.mark.parametrize("name", ["complaints:edit", "complaints:detail"])
def test_anonymous_is_sent_to_login(client, complaint, name):
    response = client.get(reverse(name, args=[complaint.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_list_shows_only_visible_complaints(login, complaint, outsider, front_desk, gm):
    other = ComplaintFactory(client=ClientFactory(team=outsider.team), description="别组的投诉")
    html = login(outsider).get(reverse("complaints:list")).content.decode()
    assert "别组的投诉" in html and f"#{complaint.pk}<" not in html
    html = login(gm).get(reverse("complaints:list") + "?scope=all").content.decode()
    assert f"#{complaint.pk}<" in html and f"#{other.pk}<" in html


def test_list_scope_mine_for_designer(login, designer, the_client):
    mine = ComplaintFactory(client=the_client, handler=designer, description="交给我的")
    ComplaintFactory(client=the_client, description="队里别人的")
    html = login(designer).get(reverse("complaints:list") + "?scope=mine").content.decode()
    assert f"#{mine.pk}<" in html and "队里别人的" not in html


# --- Registration form ---------------------------------------------------------------------


def form_data(**overrides):
    data = {
        "submission_token": str(uuid.uuid4()),
        "caller_name": "王美丽",
        "caller_phone": "138 1234 5678",
        "channel": "phone",
        "category": "quality",
        "severity": "normal",
        "description": "卫生间渗水",
    }
    data.update(overrides)
    return data


def test_front_desk_registers_for_a_client_and_sees_it(login, front_desk, the_client, consultant):
    response = login(front_desk).post(reverse("complaints:register"), form_data(client=the_client.pk))
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:detail", args=[complaint.pk])
    assert complaint.team == the_client.team and complaint.caller_phone == "13812345678"
    assert Notification.objects.filter(recipient=consultant).count() == 1
    assert login(front_desk).get(response.url).status_code == 200


def test_register_double_submit_creates_one(login, front_desk, the_client):
    data = form_data(client=the_client.pk)
    client = login(front_desk)
    client.post(reverse("complaints:register"), data)
    second = client.post(reverse("complaints:register"), data)
    assert Complaint.objects.count() == 1
    assert second.status_code == 302


def test_register_errors_keep_what_was_typed_in_chinese(login, front_desk):
    response = login(front_desk).post(reverse("complaints:register"), form_data(caller_phone="12", description=""))
    html = response.content.decode()
    assert response.status_code == 200 and Complaint.objects.count() == 0
    assert "王美丽" in html
    assert "这个字段是必填项" in html or "必填" in html
    assert "请为尚未成为客户的来电人选择团队" in html or "团队" in html


def test_register_new_caller_with_team(login, front_desk, team, consultant):
    login(front_desk).post(reverse("complaints:register"), form_data(team=team.pk))
    complaint = Complaint.objects.get()
    assert complaint.client is None and complaint.team == team


def test_register_prefilled_from_a_call(login, front_desk, the_client):
    call = CallFactory(caller_name="来电的王女士", phone="13812345678", client=the_client, logged_by=front_desk)
    html = login(front_desk).get(reverse("complaints:register") + f"?call={call.pk}&channel=phone").content.decode()
    assert "来电的王女士" in html and f'value="{call.pk}"' in html
    login(front_desk).post(reverse("complaints:register"), form_data(call=call.pk, client=the_client.pk))
    assert Complaint.objects.get().call == call


def test_register_prefill_ignores_invisible_client(login, outsider, the_client):
    html = login(outsider).get(reverse("complaints:register") + f"?client={the_client.pk}").content.decode()
    assert the_client.name not in html
    response = login(outsider).post(reverse("complaints:register"), form_data(client=the_client.pk))
    assert response.status_code == 200 and Complaint.objects.count() == 0


def test_register_prefill_with_client_and_project(login, consultant, the_client):
    project = ProjectFactory(client=the_client, name="静安公寓")
    url = reverse("complaints:register") + f"?client={the_client.pk}&project={project.pk}&channel=visit"
    html = login(consultant).get(url).content.decode()
    assert "静安公寓" in html and the_client.name in html


def test_project_options_only_for_findable_clients(login, outsider, front_desk, the_client):
    ProjectFactory(client=the_client, name="静安公寓")
    url = reverse("complaints:project_options") + f"?client={the_client.pk}"
    assert "静安公寓" in login(front_desk).get(url).content.decode()
    assert "静安公寓" not in login(outsider).get(url).content.decode()


def test_register_with_photo_and_rejects_fake_image(login, front_desk, the_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("../../evil.png", png_bytes(), content_type="image/png")
    login(front_desk).post(reverse("complaints:register"), {**form_data(client=the_client.pk), "attachments": photo})
    attachment = ComplaintAttachment.objects.get()
    assert attachment.content_type == "image/png"
    assert "evil" not in attachment.file.name and ".." not in attachment.file.name
    fake = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    response = login(front_desk).post(
        reverse("complaints:register"), {**form_data(client=the_client.pk), "attachments": fake}
    )
    assert response.status_code == 200 and ComplaintAttachment.objects.count() == 1
    assert "photo.jpg" in response.content.decode()


def test_attachment_size_limit(login, consultant, complaint, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.ATTACHMENT_MAX_BYTES = 100
    pdf = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * 200, content_type="application/pdf")
    response = login(consultant).post(reverse("complaints:attach", args=[complaint.pk]), {"attachments": pdf})
    assert response.status_code == 200 and not ComplaintAttachment.objects.exists()


def test_attachments_served_only_to_who_may_see_the_complaint(
    login, consultant, outsider, complaint, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = login(consultant)
    pdf = SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf")
    photo = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    client.post(reverse("complaints:attach", args=[complaint.pk]), {"attachments": [pdf, photo]})
    pdf_row, photo_row = ComplaintAttachment.objects.order_by("pk")
    response = client.get(reverse("complaints:attachment", args=[complaint.pk, pdf_row.pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    response = client.get(reverse("complaints:attachment", args=[complaint.pk, photo_row.pk]))
    assert response["Content-Disposition"].startswith("inline")
    assert login(outsider).get(reverse("complaints:attachment", args=[complaint.pk, pdf_row.pk])).status_code == 404
    other = ComplaintFactory(client=ClientFactory(team=outsider.team))
    url = reverse("complaints:attachment", args=[other.pk, pdf_row.pk])
    assert login(outsider).get(url).status_code == 404  # not through another complaint either


# --- Lifecycle through the page ------------------------------------------------------------


def test_transition_is_post_only(login, consultant, complaint):
    response = login(consultant).get(reverse("complaints:transition", args=[complaint.pk, "acknowledge"]))
    assert response.status_code == 405


def test_consultant_acknowledges_from_the_page(login, consultant, complaint):
    url = reverse("complaints:transition", args=[complaint.pk, "acknowledge"])
    response = login(consultant).post(url, {"version": 1, "comment": "已联系客户"})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.state == "acknowledged" and complaint.acknowledged_at is not None
    assert complaint.events.get(action="acknowledge").comment == "已联系客户"


def test_outsider_transition_gets_404(login, outsider, complaint):
    url = reverse("complaints:transition", args=[complaint.pk, "acknowledge"])
    assert login(outsider).post(url, {"version": 1}).status_code == 404
    complaint.refresh_from_db()
    assert complaint.state == "registered"


def test_designer_without_assignment_cannot_acknowledge(login, designer, complaint):
    url = reverse("complaints:transition", args=[complaint.pk, "acknowledge"])
    login(designer).post(url, {"version": 1})
    complaint.refresh_from_db()
    assert complaint.state == "registered"


def test_resolve_without_cause_keeps_typed_text(login, consultant, complaint):
    complaint.state = "in_progress"
    complaint.save()
    url = reverse("complaints:transition", args=[complaint.pk, "resolve"])
    response = login(consultant).post(url, {"version": 1, "resolution": "已返工"})
    assert response.status_code == 200 and "已返工" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == "in_progress"


def test_reopen_without_a_reason_is_refused_with_a_chinese_message(login, consultant, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(state="resolved", resolved_at=timezone.now())
    url = reverse("complaints:transition", args=[complaint.pk, "reopen"])
    response = login(consultant).post(url, {"version": 1, "comment": ""})
    assert response.status_code == 200 and "说明重新打开的原因" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.state == "resolved"


def test_page_shows_every_resolution_newest_first_and_the_reopen_reason(login, consultant, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(state="in_progress")
    browser = login(consultant)
    base = reverse("complaints:transition", args=[complaint.pk, "resolve"]).removesuffix("resolve/")
    cause = {"cause_category": "workmanship", "preventive_action": ""}
    browser.post(base + "resolve/", {"version": 1, "resolution": "第一次返工", "cause_analysis": "砂浆不饱满", **cause})
    browser.post(base + "reopen/", {"version": 2, "comment": "客户说仍然空鼓"})
    browser.post(base + "resolve/", {"version": 3, "resolution": "整面重贴", "cause_analysis": "基层未处理", **cause})
    html = browser.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert html.count('data-testid="resolution"') == 2
    assert html.index("整面重贴") < html.index("第一次返工") < html.index("客户说仍然空鼓")
    complaint.refresh_from_db()
    assert complaint.state == "resolved" and complaint.current_resolution.resolution == "整面重贴"


def test_stale_transition_gets_a_clear_message_and_keeps_the_comment(login, consultant, complaint):
    Complaint.objects.filter(pk=complaint.pk).update(version=2)
    url = reverse("complaints:transition", args=[complaint.pk, "acknowledge"])
    response = login(consultant).post(url, {"version": 1, "comment": "我的备注"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的备注" in html and "有人修改了这条投诉" in html
    complaint.refresh_from_db()
    assert complaint.state == "registered"


def test_edit_conflict_keeps_what_the_user_typed(login, consultant, complaint):
    url = reverse("complaints:edit", args=[complaint.pk])
    data = {
        "version": 1,
        "caller_name": complaint.caller_name,
        "caller_phone": "13812345678",
        "channel": "phone",
        "category": "quality",
        "severity": "normal",
        "description": "第一个人的修改",
        "demand": "",
    }
    assert login(consultant).post(url, data).status_code == 302
    response = login(consultant).post(url, {**data, "description": "第二个人的修改"})
    assert response.status_code == 200 and "第二个人的修改" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.description == "第一个人的修改"


def test_edit_form_shows_the_caller_phone_only_through_the_logged_show(login, consultant, complaint, outsider):
    from clients.models import AccessLog

    complaint.caller_phone = "13912345678"
    complaint.save(update_fields=["caller_phone"])
    c = login(consultant)
    html = c.get(reverse("complaints:edit", args=[complaint.pk])).content.decode()
    assert "13912345678" not in html and "139****5678" in html
    assert not AccessLog.objects.filter(action=AccessLog.Action.REVEAL).exists()
    url = reverse("complaints:reveal_phone", args=[complaint.pk])
    assert c.get(url).status_code == 405
    assert "13912345678" in c.post(url).content.decode()
    entry = AccessLog.objects.get(action=AccessLog.Action.REVEAL)
    assert entry.user == consultant and entry.client == complaint.client and f"#{complaint.pk}" in entry.detail
    assert login(outsider).post(url).status_code == 404


def test_edit_with_the_phone_left_empty_keeps_it(login, consultant, complaint):
    complaint.caller_phone = "13912345678"
    complaint.save(update_fields=["caller_phone"])
    data = {"version": complaint.version, "caller_name": "新名字", "caller_phone": "", "channel": "phone"}
    data.update(category="quality", severity="normal", description="改了", demand="")
    assert login(consultant).post(reverse("complaints:edit", args=[complaint.pk]), data).status_code == 302
    complaint.refresh_from_db()
    assert complaint.caller_name == "新名字" and complaint.caller_phone == "13912345678"


def test_edit_by_designer_gets_404(login, designer, complaint):
    assert login(designer).get(reverse("complaints:edit", args=[complaint.pk])).status_code == 404


def test_assign_through_the_page(login, consultant, pm, complaint):
    url = reverse("complaints:assign", args=[complaint.pk])
    assert login(consultant).post(url, {"version": 1, "handler": pm.pk}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.handler == pm


def test_comment_added_to_timeline(login, consultant, complaint):
    login(consultant).post(reverse("complaints:comment", args=[complaint.pk]), {"comment": "客户下午再来电"})
    assert complaint.events.get(action="comment").comment == "客户下午再来电"


# --- XSS and export ------------------------------------------------------------------------


def test_xss_is_escaped_on_list_detail_and_email(
    login, front_desk, consultant, the_client, gm, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(front_desk).post(
            reverse("complaints:register"),
            form_data(client=the_client.pk, caller_name=XSS, description=XSS, demand=XSS),
        )
    complaint = Complaint.objects.get()
    for page in (reverse("complaints:list") + "?scope=all", reverse("complaints:detail", args=[complaint.pk])):
        html = login(gm).get(page).content.decode()
        assert XSS not in html and "&lt;script&gt;" in html
    email = mail.outbox[0]
    assert email.content_subtype == "plain" and not email.alternatives  # plain text: nothing is rendered


def test_export_is_scoped_and_writes_formulas_as_text(login, consultant, the_client, outsider):
    ComplaintFactory(client=the_client, description='=HYPERLINK("http://evil")', caller_name="@SUM(A1)")
    ComplaintFactory(client=ClientFactory(team=outsider.team), description="别组的")
    response = login(consultant).get(reverse("complaints:list") + "?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = table(sheet)
    assert len(rows) == 2  # header + our team's one complaint
    assert rows[1][9] == '=HYPERLINK("http://evil")' and sheet.cell(3, 10).data_type == "s"
    assert rows[1][2] == "@SUM(A1)" and sheet.cell(3, 3).quotePrefix


def test_export_columns_as_the_reader_sees_them(login, consultant, the_client, django_assert_max_num_queries):
    """Every column of the export (read as values, not models): labels in Chinese, the handler's name, overdue
    as at the export, the current resolution's cause, analysis and prevention; a fixed number of queries."""
    late = ComplaintFactory(
        client=the_client,
        handler=consultant,
        registered_at=dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC),
        ack_due_at=dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC),
        channel=Complaint.Channel.VISIT,
        severity=Complaint.Severity.MAJOR,
    )
    resolved = ComplaintFactory(
        client=the_client, state=Complaint.State.RESOLVED, resolved_at=timezone.now(), demand="返工"
    )
    resolved.current_resolution = ComplaintResolution.objects.create(
        complaint=resolved,
        resolution="重新铺贴",
        cause_category=Complaint.Cause.WORKMANSHIP,
        cause_analysis="水泥砂浆不饱满",
        preventive_action="",
    )
    resolved.save(update_fields=["current_resolution"])
    client = login(consultant)
    url = reverse("complaints:list") + "?export=xlsx&scope=team"
    with django_assert_max_num_queries(30) as few:
        rows = {row[0]: row for row in table(load_workbook(io.BytesIO(client.get(url).content)).active)[1:]}
    assert rows[late.pk][1:9] == (
        dt.datetime(2026, 11, 2, 9, 0),
        "王美丽",
        "静安一组",
        "来访",
        "施工质量",
        "重大事件",
        "已登记",
        "张伟",
    )
    assert rows[late.pk][11] == dt.datetime(2026, 11, 2, 9, 30) and rows[late.pk][15:] == ("是", None, None, None)
    assert rows[resolved.pk][7:9] == ("已解决", None) and rows[resolved.pk][10] == "返工"
    assert rows[resolved.pk][14] is not None and rows[resolved.pk][15:] == (None, "施工工艺", "水泥砂浆不饱满", None)
    ComplaintFactory.create_batch(10, client=the_client, handler=consultant)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(table(load_workbook(io.BytesIO(client.get(url).content)).active)) == 13


# --- Filters and query counts --------------------------------------------------------------


def test_filter_overdue_and_search(login, consultant, the_client):
    late = ComplaintFactory(client=the_client, ack_due_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), caller_name="迟到")
    ComplaintFactory(client=the_client, caller_name="准时")
    html = login(consultant).get(reverse("complaints:list") + "?overdue=yes").content.decode()
    assert "迟到" in html and "准时" not in html and 'class="overdue"' in html
    html = login(consultant).get(reverse("complaints:list") + f"?q=%23{late.pk}").content.decode()
    assert "迟到" in html and "准时" not in html


def test_ordering_param_is_allowlisted(login, consultant, complaint):
    response = login(consultant).get(reverse("complaints:list") + "?ordering=client__contracts__construction_amount")
    assert response.status_code == 200


def test_list_runs_fixed_queries(login, gm, the_client, django_assert_max_num_queries):
    client = login(gm)
    ComplaintFactory.create_batch(3, client=the_client)
    # session, user, count, page, teams of the filter, unread badge, the heartbeat (banner)
    # (+ the session save of a fresh login)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("complaints:list") + "?scope=all")
    ComplaintFactory.create_batch(30, client=the_client)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("complaints:list") + "?scope=all")


def test_detail_runs_fixed_queries(login, consultant, designer, complaint, django_assert_max_num_queries):
    from complaints.models import ComplaintEvent

    complaint.helpers.set([designer])
    complaint.project = ProjectFactory(client=complaint.client)
    complaint.call = CallFactory(client=complaint.client)
    complaint.save(update_fields=["project", "call"])
    client = login(consultant)
    # user, complaint, helpers, attachments, timeline, resolutions, other complaints, team members (one query
    # for both assignment controls), unread badge, the session (in the database) and its save after a fresh login
    with django_assert_max_num_queries(13) as small:
        client.get(reverse("complaints:detail", args=[complaint.pk]))
    ComplaintEvent.objects.bulk_create(
        [ComplaintEvent(complaint=complaint, action="comment", comment=str(i), actor=designer) for i in range(30)]
    )
    ComplaintFactory.create_batch(5, client=complaint.client)
    with django_assert_max_num_queries(len(small.captured_queries)):
        html = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert complaint.project.name in html and str(designer) in html and complaint.client.name in html


# --- Summary pages and home panels ----------------------------------------------------------


def _figures():
    from complaints.selectors import summary_figures

    return summary_figures(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))


def test_summary_on_demand_for_any_period(login, gm, the_client):
    ComplaintFactory(client=the_client, registered_at=dt.datetime(2026, 10, 5, 3, tzinfo=dt.UTC), severity="major")
    html = login(gm).get(reverse("complaints:weekly_summary") + "?start=2026-10-01&end=2026-10-31").content.decode()
    assert 'data-testid="summary-total">1<' in html and the_client.team.name in html


def test_summary_detail_shows_labels_in_chinese(login, gm, the_client):
    ComplaintFactory(client=the_client, registered_at=dt.datetime(2026, 11, 18, 3, tzinfo=dt.UTC))
    summary = WeeklySummary.objects.create(week_start=dt.date(2026, 11, 16), data=_figures())
    html = login(gm).get(reverse("complaints:weekly_summary_detail", args=[summary.pk])).content.decode()
    assert "施工质量" in html


def test_home_panels_for_consultant_and_gm(login, consultant, gm, the_client):
    ComplaintFactory(client=the_client, handler=consultant, severity="major", caller_name="重大客户")
    html = login(consultant).get(reverse("teams:home")).content.decode()
    assert 'data-testid="panel-complaints_mine"' in html and "重大客户" in html
    html = login(gm).get(reverse("teams:home")).content.decode()
    assert 'data-testid="panel-complaints_gm"' in html and "重大客户" in html


EDIT_EXPECTED = {
    "consultant": 200,
    "gm": 200,
    "designer": 404,
    "assistant": 404,
    "pm": 404,
    "front_desk": 404,
    "outsider": 404,
    "admin_clerk": 403,
    "budget_clerk": 403,
}


@pytest.mark.parametrize("who", ROLES)
def test_edit_permission_matrix(request, login, complaint, who):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse("complaints:edit", args=[complaint.pk])).status_code == EDIT_EXPECTED[who]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ["complaints:assign", "complaints:comment", "complaints:attach"])
def test_post_actions_are_post_only_and_hidden_from_other_teams(request, login, complaint, who, name):
    user = request.getfixturevalue(who)
    client = login(user)
    url = reverse(name, args=[complaint.pk])
    expected_get = 403 if who in ("admin_clerk", "budget_clerk") else 405
    assert client.get(url).status_code == expected_get
    if who == "outsider":
        assert client.post(url, {"version": 1, "comment": "x"}).status_code == 404


def test_front_desk_list_shows_what_it_registered(login, front_desk, complaint, the_client):
    ComplaintFactory(client=the_client, caller_name="别人登记的")
    html = login(front_desk).get(reverse("complaints:list")).content.decode()
    assert f"#{complaint.pk}<" in html and "别人登记的" not in html


def test_designer_sees_complaints_about_their_projects_in_another_team(login, designer, outsider):
    project = ProjectFactory(client=ClientFactory(team=outsider.team), designers=[designer])
    complaint = ComplaintFactory(client=project.client, project=project)
    assert login(designer).get(reverse("complaints:detail", args=[complaint.pk])).status_code == 200


def test_team_member_not_working_on_it_cannot_comment(login, designer, complaint):
    url = reverse("complaints:comment", args=[complaint.pk])
    assert login(designer).post(url, {"comment": "路过"}).status_code == 404
    assert not complaint.events.filter(action="comment").exists()


def test_front_desk_who_registered_may_add_a_note(login, front_desk, complaint):
    login(front_desk).post(reverse("complaints:comment", args=[complaint.pk]), {"comment": "客户再次来电催促"})
    assert complaint.events.get(action="comment").actor == front_desk


def test_complaint_page_links_its_project_and_a_prefilled_maintenance_request(login, consultant):
    from tests.clients.factories import ClientFactory
    from tests.complaints.factories import ComplaintFactory
    from tests.projects.factories import ProjectFactory

    client_record = ClientFactory(team=consultant.team)
    project = ProjectFactory(client=client_record)
    complaint = ComplaintFactory(client=client_record, project=project)
    html = login(consultant).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert reverse("projects:detail", args=[project.pk]) in html
    assert (
        f"{reverse('projects:maintenance_add', args=[project.pk])}?source=complaint&amp;complaint={complaint.pk}"
        in html
    )


# --- Rendering kept cheap (plain fields, limited choices, only the forms the user may use) -------


def test_gm_handler_filter_lists_the_chosen_teams_staff_only(login, gm, consultant, designer, outsider, the_client):
    handled = ComplaintFactory(client=the_client, handler=designer, caller_name="王美丽")
    ComplaintFactory(client=the_client, handler=consultant, caller_name="赵刚")
    client = login(gm)

    unfiltered = client.get(reverse("complaints:list") + "?scope=all").content.decode()
    assert f'<option value="{designer.pk}"' not in unfiltered
    assert f'<option value="{outsider.pk}"' not in unfiltered

    by_team = client.get(reverse("complaints:list"), {"scope": "all", "team": the_client.team_id}).content.decode()
    assert f'<option value="{designer.pk}"' in by_team and f'<option value="{consultant.pk}"' in by_team
    assert f'<option value="{outsider.pk}"' not in by_team

    # A handler chosen without a team still filters, and stays selected.
    by_handler = client.get(reverse("complaints:list"), {"scope": "all", "handler": designer.pk}).content.decode()
    assert f'<option value="{designer.pk}" selected>' in by_handler
    assert "王美丽" in by_handler and "赵刚" not in by_handler
    assert f'href="/complaints/{handled.pk}/"' in by_handler


def test_list_row_shows_state_overdue_and_link(login, consultant, the_client):
    late = ComplaintFactory(
        client=the_client,
        caller_name="王美丽",
        description="墙" * 80,
        registered_at=timezone.now() - dt.timedelta(days=5),
        ack_due_at=timezone.now() - dt.timedelta(days=4),
        resolve_due_at=timezone.now() - dt.timedelta(days=1),
    )
    html = login(consultant).get(reverse("complaints:list") + "?scope=team").content.decode()
    assert f'<tr class="overdue"><td class="cell-extra"><a href="/complaints/{late.pk}/">#{late.pk}</a></td>' in html
    assert "墙" * 49 + "…" in html and "墙" * 50 not in html
    assert 'data-testid="overdue-badge"' in html and 'data-testid="state"' in html


def test_registrar_sees_comment_and_upload_but_no_step_or_assignment_forms(login, front_desk, the_client):
    complaint = ComplaintFactory(client=the_client, registered_by=front_desk)
    html = login(front_desk).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'action="/complaints/{complaint.pk}/comment/"' in html
    assert f'action="/complaints/{complaint.pk}/attach/"' in html
    assert 'id="transition-form"' not in html and 'data-testid="resolve-form"' not in html
    assert f'action="/complaints/{complaint.pk}/assign/"' not in html


def test_resolve_form_only_when_resolving_is_possible(login, consultant, complaint):
    url = reverse("complaints:detail", args=[complaint.pk])
    client = login(consultant)
    assert 'data-testid="resolve-form"' not in client.get(url).content.decode()  # registered: acknowledge first
    Complaint.objects.filter(pk=complaint.pk).update(state=Complaint.State.ACKNOWLEDGED)
    html = client.get(url).content.decode()
    assert 'data-testid="resolve-form"' in html
    assert (
        '<textarea name="resolution" cols="40" rows="3" class="form-control" required id="resolve_resolution">' in html
    )
    assert f'formaction="/complaints/{complaint.pk}/start/"' in html


def test_assignment_lists_team_members_once_each_control(login, consultant, designer, outsider, complaint):
    html = login(consultant).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert f'<option value="{designer.pk}">{designer}</option>' in html
    assert f'name="helpers" value="{designer.pk}"' in html
    assert f'value="{outsider.pk}"' not in html


# --- The form's corrections in the timeline, field by field --------------------------------------------------

EDITS = {
    "caller_name": ("王女士", "王美丽", "王女士"),
    "caller_phone": ("13900001111", None, None),  # named only: the number stays out of the timeline
    "channel": ("visit", Complaint.Channel.PHONE.label, Complaint.Channel.VISIT.label),
    "category": ("design", Complaint.Category.QUALITY.label, Complaint.Category.DESIGN.label),
    "severity": ("major", Complaint.Severity.NORMAL.label, Complaint.Severity.MAJOR.label),
    "description": ("墙砖空鼓三处", "卫生间墙砖空鼓", "墙砖空鼓三处"),
    "demand": ("返工", "", "返工"),
}


def test_every_editable_complaint_field_is_in_the_table():
    from complaints.services import EDITABLE_FIELDS

    assert set(EDITS) == set(EDITABLE_FIELDS)


@pytest.mark.parametrize("field", list(EDITS))
def test_edit_records_each_changed_field_with_old_and_new_value(login, consultant, complaint, field):
    from complaints.forms import ComplaintEditForm
    from tests.forms import shown_values

    Complaint.objects.filter(pk=complaint.pk).update(
        caller_name="王美丽", channel="phone", category="quality", description="卫生间墙砖空鼓", demand=""
    )
    complaint.refresh_from_db()
    value, old, new = EDITS[field]
    form = ComplaintEditForm(instance=complaint, initial={"version": complaint.version})
    response = login(consultant).post(
        reverse("complaints:edit", args=[complaint.pk]), {**shown_values(form), field: value}
    )
    assert response.status_code == 302
    comment = complaint.events.get(action="edit").comment
    name = str(Complaint._meta.get_field(field).verbose_name)
    if new is None:
        assert comment == f"{name}已修改"
    else:
        assert comment == f"{name}：{old or '—'} → {new}"
