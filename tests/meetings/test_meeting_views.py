"""Meeting pages: who may see and do what, and what they see."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from meetings import services
from meetings.models import ActionItem, AgendaItem, ChairSwap, Meeting, MeetingAttendance
from teams.models import Notification
from tests.meetings.factories import ActionItemFactory, AgendaItemFactory, MeetingScheduleFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.date(2026, 9, 21)
TUESDAY = dt.date(2026, 9, 22)


@pytest.fixture(autouse=True)
def clock():
    """Monday 21 September 2026, 10:00 in Shanghai."""
    with time_machine.travel(dt.datetime(2026, 9, 21, 10, 0, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def meeting(team, consultant, designer, pm):
    """Tuesday's meeting of the team, chaired by the consultant (first in the rotation)."""
    MeetingScheduleFactory(team=team)
    return services.meeting_for_day(team=team, date=TUESDAY)


def test_list_needs_login(client):
    response = client.get(reverse("meetings:meeting_list"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("consultant", 200),
        ("designer", 200),
        ("assistant", 200),
        ("pm", 200),
        ("gm", 200),
        ("front_desk", 403),
        ("admin_clerk", 403),
        ("budget_clerk", 403),
    ],
)
def test_meeting_list_permission_matrix(request, login, meeting, who, status):
    response = login(request.getfixturevalue(who)).get(reverse("meetings:meeting_list"))
    assert response.status_code == status


def test_members_see_their_teams_meetings_and_the_gm_all(login, meeting, designer, outsider, gm):
    other = services.meeting_for_day(team=outsider.team, date=TUESDAY)
    own_page = login(designer).get(reverse("meetings:meeting_list")).content.decode()
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in own_page
    assert reverse("meetings:meeting_detail", args=[other.pk]) not in own_page
    gm_page = login(gm).get(reverse("meetings:meeting_list")).content.decode()
    assert reverse("meetings:meeting_detail", args=[meeting.pk]) in gm_page
    assert reverse("meetings:meeting_detail", args=[other.pk]) in gm_page


def test_other_team_gets_404(login, meeting, outsider):
    client = login(outsider)
    assert client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).status_code == 404
    assert client.post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("meetings:meeting_attendance", args=[meeting.pk])).status_code == 404
    assert not AgendaItem.objects.exists()


def test_detail_shows_chair_agenda_and_carried_items_in_chinese(login, meeting, consultant, designer):
    monday = services.meeting_for_day(team=meeting.team, date=MONDAY)
    ActionItemFactory(meeting=monday, owner=designer, text="确认橱柜尺寸")
    AgendaItemFactory(meeting=meeting, author=designer, text="瓷砖到货延误")
    html = login(designer).get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "议程" in html
    assert consultant.full_name in html
    assert "瓷砖到货延误" in html
    assert "确认橱柜尺寸" in html  # carried over from Monday


def test_member_adds_an_agenda_item(login, meeting, designer):
    response = login(designer).post(reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"text": "效果图排期"})
    assert response.status_code == 302
    assert AgendaItem.objects.get().author == designer


def test_agenda_add_with_htmx_returns_the_fragment(login, meeting, designer):
    response = login(designer).post(
        reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"text": "量房安排"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="agenda"' in html and "量房安排" in html and "<html" not in html


def test_agenda_after_the_cut_off_is_refused_and_keeps_the_text(login, meeting, designer):
    with time_machine.travel(dt.datetime(2026, 9, 21, 18, 5, tzinfo=SH), tick=False):
        response = login(designer).post(
            reverse("meetings:meeting_agenda_add", args=[meeting.pk]), {"text": "太晚的议题"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "议程已于 2026-09-21 18:00 截止" in html and "太晚的议题" in html
    assert not AgendaItem.objects.exists()


def test_post_only_views_answer_405_to_get(login, meeting, designer):
    client = login(designer)
    assert client.get(reverse("meetings:meeting_agenda_add", args=[meeting.pk])).status_code == 405
    assert client.get(reverse("meetings:meeting_minutes", args=[meeting.pk])).status_code == 405


def test_only_the_chair_or_consultant_takes_attendance(login, meeting, designer, consultant):
    assert login(designer).get(reverse("meetings:meeting_attendance", args=[meeting.pk])).status_code == 403
    assert login(consultant).get(reverse("meetings:meeting_attendance", args=[meeting.pk])).status_code == 200


def test_chair_takes_attendance(login, meeting, consultant, designer, pm):
    data = {
        f"m{consultant.pk}-status": "present",
        f"m{designer.pk}-status": "late",
        f"m{designer.pk}-reason": "堵车",
        f"m{pm.pk}-status": "absent",
    }
    response = login(consultant).post(reverse("meetings:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held
    assert MeetingAttendance.objects.get(meeting=meeting, member=pm).status == "absent"
    assert Notification.objects.filter(recipient=consultant, body__contains=pm.full_name).exists()


def test_attendance_with_a_missing_status_keeps_the_form(login, meeting, consultant, designer, pm):
    data = {f"m{consultant.pk}-status": "present", f"m{designer.pk}-status": "late", f"m{designer.pk}-reason": "堵车"}
    response = login(consultant).post(reverse("meetings:meeting_attendance", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "堵车" in response.content.decode()
    assert not MeetingAttendance.objects.exists()


def test_minutes_conflict_keeps_what_the_user_typed(login, meeting, consultant):
    services.meeting_save_minutes(meeting=meeting, by=consultant, minutes="别人先保存的纪要", version=0)
    response = login(consultant).post(
        reverse("meetings:meeting_minutes", args=[meeting.pk]), {"minutes": "我写的纪要", "version": 0}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "我写的纪要" in html and "别人先保存的纪要" in html
    meeting.refresh_from_db()
    assert meeting.minutes == "别人先保存的纪要"


def test_designer_cannot_write_minutes(login, meeting, designer):
    response = login(designer).post(
        reverse("meetings:meeting_minutes", args=[meeting.pk]), {"minutes": "x", "version": 0}
    )
    assert response.status_code == 403


def test_chair_adds_an_action_item_and_the_owner_is_told(login, meeting, consultant, designer):
    response = login(consultant).post(
        reverse("meetings:meeting_action_add", args=[meeting.pk]),
        {"text": "联系材料商", "owner": designer.pk, "due_date": "2026-09-24"},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.due_date, item.created_by) == (designer, TUESDAY + dt.timedelta(days=2), consultant)
    assert Notification.objects.filter(recipient=designer, title__contains="联系材料商").exists()


def test_action_item_owner_must_be_in_the_team(login, meeting, consultant, outsider):
    response = login(consultant).post(
        reverse("meetings:meeting_action_add", args=[meeting.pk]), {"text": "x", "owner": outsider.pk}
    )
    assert response.status_code == 200
    assert not ActionItem.objects.exists()


def test_owner_closes_their_item_from_the_home_page(login, meeting, designer):
    item = ActionItemFactory(meeting=meeting, owner=designer, text="补齐水电图")
    client = login(designer)
    home = client.get(reverse("teams:home")).content.decode()
    assert "补齐水电图" in home
    response = client.post(reverse("meetings:action_item_done", args=[item.pk]), {"next": reverse("teams:home")})
    assert response.status_code == 302 and response.url == reverse("teams:home")
    item.refresh_from_db()
    assert item.done_at is not None
    assert 'data-testid="my-action-items"' not in client.get(reverse("teams:home")).content.decode()


def test_next_parameter_cannot_redirect_off_site(login, meeting, designer):
    item = ActionItemFactory(meeting=meeting, owner=designer)
    response = login(designer).post(
        reverse("meetings:action_item_done", args=[item.pk]), {"next": "https://evil.example"}
    )
    assert response.url == reverse("meetings:meeting_detail", args=[meeting.pk])


def test_another_member_cannot_close_someone_elses_item(login, meeting, designer, pm, outsider):
    item = ActionItemFactory(meeting=meeting, owner=designer)
    assert login(pm).post(reverse("meetings:action_item_done", args=[item.pk])).status_code == 403
    assert login(outsider).post(reverse("meetings:action_item_done", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.done_at is None


def test_chair_swap_is_recorded(login, meeting, consultant, pm):
    response = login(consultant).post(
        reverse("meetings:meeting_swap_chair", args=[meeting.pk]), {"to_chair": pm.pk, "reason": "外出"}
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.chair == pm
    assert ChairSwap.objects.get().from_chair == consultant


def test_home_shows_todays_meeting_and_tomorrows_chair(login, team, consultant, designer, pm):
    MeetingScheduleFactory(team=team)
    html = login(designer).get(reverse("teams:home")).content.decode()
    today = Meeting.objects.get(team=team, date=MONDAY)
    assert reverse("meetings:meeting_detail", args=[today.pk]) in html
    assert "今天的例会" in html


def test_list_runs_a_fixed_number_of_queries(login, team, consultant, designer, django_assert_max_num_queries):
    MeetingScheduleFactory(team=team)
    for offset in range(30):
        day = MONDAY - dt.timedelta(days=offset)
        m = Meeting.objects.create(
            team=team, date=day, starts_at=dt.datetime.combine(day, dt.time(8, 30), tzinfo=SH), chair=consultant
        )
        AgendaItemFactory(meeting=m, author=designer)
        ActionItemFactory(meeting=m, owner=designer)
    client = login(designer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("meetings:meeting_list"))
    assert response.status_code == 200


def test_detail_runs_a_fixed_number_of_queries(login, meeting, consultant, designer, django_assert_max_num_queries):
    monday = services.meeting_for_day(team=meeting.team, date=MONDAY)
    for _n in range(20):
        AgendaItemFactory(meeting=meeting, author=designer)
        ActionItemFactory(meeting=monday, owner=designer)
        ActionItemFactory(meeting=meeting, owner=consultant)
    client = login(consultant)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("meetings:meeting_detail", args=[meeting.pk]))
    assert response.status_code == 200


def test_list_exports_excel_for_the_leader_only(login, meeting, consultant, designer):
    assert login(designer).get(reverse("meetings:meeting_list") + "?export=xlsx").status_code == 403
    response = login(consultant).get(reverse("meetings:meeting_list") + "?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_consultant_edits_the_schedule_others_cannot(login, team, consultant, designer, outsider):
    MeetingScheduleFactory(team=team)
    assert login(designer).get(reverse("meetings:meeting_schedule")).status_code == 403
    assert login(outsider).get(reverse("meetings:meeting_schedule") + f"?team={team.pk}").status_code == 404
    response = login(consultant).post(
        reverse("meetings:meeting_schedule"),
        {
            "time": "09:00",
            "weekdays": ["1", "2", "3", "4", "5", "6"],
            "place": "2楼洽谈室",
            "reminder_minutes": 10,
            "agenda_cutoff": "17:30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    team.meeting_schedule.refresh_from_db()
    assert team.meeting_schedule.weekdays == "123456" and team.meeting_schedule.time == dt.time(9, 0)


def test_leave_by_a_member_for_someone_else_is_refused(login, team, designer, pm):
    response = login(designer).post(
        reverse("meetings:leave_add"),
        {"team": team.pk, "member": pm.pk, "start_date": "2026-09-22", "end_date": "2026-09-22"},
    )
    assert response.status_code == 302
    assert not pm.leaves.exists()


def test_author_removes_their_agenda_item_before_the_cut_off(login, meeting, designer, pm):
    item = AgendaItemFactory(meeting=meeting, author=designer)
    assert login(pm).post(reverse("meetings:meeting_agenda_delete", args=[item.pk])).status_code == 302
    assert AgendaItem.objects.filter(pk=item.pk).exists()  # not theirs: refused with a message
    assert login(designer).post(reverse("meetings:meeting_agenda_delete", args=[item.pk])).status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
