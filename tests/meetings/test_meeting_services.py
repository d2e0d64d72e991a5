"""The daily meeting's rules, with a frozen clock (Asia/Shanghai)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from meetings import selectors, services
from meetings.models import ChairSwap, Meeting, MeetingAttendance
from meetings.tasks import plan_meetings, send_meeting_agendas, send_meeting_reminders
from teams.calendar import is_working_day
from teams.editing import EditConflict
from teams.models import Notification
from teams.roles import Role
from tests.meetings.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingScheduleFactory,
    MemberLeaveFactory,
)
from tests.teams.factories import CalendarDayFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


@pytest.fixture
def crew():
    """A team of four, created in rotation order."""
    team = TeamFactory(name="静安一组")
    people = [
        UserFactory(role=Role.CONSULTANT, team=team, full_name="张伟"),
        UserFactory(role=Role.DESIGNER, team=team, full_name="刘洋"),
        UserFactory(role=Role.ASSISTANT_DESIGNER, team=team, full_name="陈静"),
        UserFactory(role=Role.PROJECT_MANAGER, team=team, full_name="杨强"),
    ]
    team.leader = people[0]
    team.save(update_fields=["leader"])
    MeetingScheduleFactory(team=team)
    return team, people


@pytest.fixture
def mid_autumn():
    """2026: Friday 25 September is the Mid-Autumn holiday; Sunday 20 September is a moved working day."""
    CalendarDayFactory(date=dt.date(2026, 9, 25), is_working_day=False, name="中秋节")
    CalendarDayFactory(date=dt.date(2026, 9, 20), is_working_day=True, name="国庆节调休上班")


def test_is_working_day_follows_the_week_and_the_calendar(mid_autumn):
    assert is_working_day(dt.date(2026, 9, 24))  # Thursday
    assert not is_working_day(dt.date(2026, 9, 19))  # Saturday
    assert not is_working_day(dt.date(2026, 9, 25))  # holiday on a Friday
    assert is_working_day(dt.date(2026, 9, 20))  # Sunday, moved working day


def test_occurrences_across_a_week_with_a_holiday_and_a_moved_workday(crew, mid_autumn):
    team, _people = crew
    day = dt.date(2026, 9, 18)
    while day <= dt.date(2026, 9, 27):
        with time_machine.travel(at(day.year, day.month, day.day, 0, 5), tick=False):
            plan_meetings()
            plan_meetings()  # a second beat creates nothing more
        day += dt.timedelta(days=1)
    dates = list(Meeting.objects.filter(team=team).order_by("date").values_list("date", flat=True))
    assert [d.day for d in dates] == [18, 20, 21, 22, 23, 24, 28, 29]  # the 27th plans the next two
    first = Meeting.objects.get(team=team, date=dt.date(2026, 9, 21))
    assert first.starts_at == at(2026, 9, 21, 8, 30)
    assert first.agenda_cutoff_at == at(2026, 9, 20, 18, 0)
    assert first.remind_at == at(2026, 9, 21, 8, 15)


def test_first_use_creates_the_meeting_once_and_not_on_a_weekend(crew):
    team, _people = crew
    monday = dt.date(2026, 9, 21)
    first = services.meeting_for_day(team=team, date=monday)
    again = services.meeting_for_day(team=team, date=monday)
    assert first.pk == again.pk
    assert services.meeting_for_day(team=team, date=dt.date(2026, 9, 26)) is None
    assert Meeting.objects.filter(team=team).count() == 1


def test_a_planned_meeting_on_a_new_holiday_is_dropped(crew):
    team, _people = crew
    with time_machine.travel(at(2026, 9, 24, 0, 5), tick=False):
        plan_meetings()
        assert Meeting.objects.filter(team=team, date=dt.date(2026, 9, 25)).exists()
        CalendarDayFactory(date=dt.date(2026, 9, 25), is_working_day=False, name="中秋节")
        plan_meetings()
    assert not Meeting.objects.filter(team=team, date=dt.date(2026, 9, 25)).exists()


def test_chair_rotates_in_turn_and_skips_people_on_leave(crew):
    team, (zhang, liu, chen, yang) = crew
    MemberLeaveFactory(member=chen, start_date=dt.date(2026, 9, 23), end_date=dt.date(2026, 9, 23))
    chairs = []
    for day in (21, 22, 23, 24, 25, 28):
        chairs.append(services.meeting_for_day(team=team, date=dt.date(2026, 9, day)).chair)
    assert chairs == [zhang, liu, yang, zhang, liu, chen]


def test_leave_recorded_later_hands_the_chair_to_the_next_member(crew):
    team, (zhang, liu, chen, _yang) = crew
    services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))  # 张伟
    tuesday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    assert tuesday.chair == liu
    services.leave_record(
        member=liu,
        start_date=dt.date(2026, 9, 22),
        end_date=dt.date(2026, 9, 22),
        reason="病假",
        by=zhang,
        today=dt.date(2026, 9, 21),
    )
    tuesday.refresh_from_db()
    assert tuesday.chair == chen
    assert ChairSwap.objects.filter(meeting=tuesday, from_chair=liu, to_chair=chen).exists()
    assert Notification.objects.filter(recipient=chen).count() == 1


def test_chair_swap_notification_reads_in_each_readers_language(crew):
    team, (zhang, liu, _chen, _yang) = crew
    monday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    with translation.override("en"):
        services.meeting_swap_chair(meeting=monday, to_chair=liu, by=zhang, reason="周一外出量房")

    note = Notification.objects.get(recipient=liu)
    with translation.override("zh-hans"):
        assert note.display_body == (
            f"2026-09-21 的例会主持人：{zhang} → {liu}。 作为交换，{zhang} 主持 2026-09-22 的例会。"
        )
    with translation.override("en"):
        assert note.display_title == "Meeting chair changed"
        assert note.display_body == (
            f"{zhang} → {liu} for the meeting on 2026-09-21. In exchange {zhang} chairs on 2026-09-22."
        )


def test_swap_exchanges_with_the_new_chairs_later_meeting_and_is_recorded(crew):
    team, (zhang, liu, _chen, _yang) = crew
    monday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    tuesday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    swap = services.meeting_swap_chair(meeting=monday, to_chair=liu, by=zhang, reason="周一外出量房")
    monday.refresh_from_db()
    tuesday.refresh_from_db()
    assert (monday.chair, tuesday.chair) == (liu, zhang)
    assert swap.other_meeting == tuesday and swap.from_chair == zhang
    # The rotation continues from whose turn it was, not from the swap.
    wednesday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 23))
    assert wednesday.rotation_turn.full_name == "陈静"


def test_swap_to_someone_on_leave_or_outside_the_team_is_refused(crew, outsider):
    team, (zhang, liu, _chen, _yang) = crew
    monday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    MemberLeaveFactory(member=liu, start_date=dt.date(2026, 9, 21))
    with pytest.raises(ValidationError):
        services.meeting_swap_chair(meeting=monday, to_chair=liu, by=zhang)
    with pytest.raises(ValidationError):
        services.meeting_swap_chair(meeting=monday, to_chair=outsider, by=zhang)
    monday.refresh_from_db()
    assert monday.chair == zhang


def test_agenda_items_close_at_the_cut_off(crew):
    team, (zhang, liu, _chen, _yang) = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    services.agenda_item_add(meeting=meeting, author=liu, text="效果图排期", now=at(2026, 9, 21, 17, 59))
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, author=liu, text="太晚了", now=at(2026, 9, 21, 18, 0))
    assert [i.text for i in meeting.agenda_items.all()] == ["效果图排期"]


def test_agenda_is_sent_at_the_cut_off_once_to_every_member(crew):
    team, people = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    AgendaItemFactory(meeting=meeting, author=people[1], text="瓷砖到货延误")
    with time_machine.travel(at(2026, 9, 21, 17, 59), tick=False):
        assert send_meeting_agendas() == 0
    with time_machine.travel(at(2026, 9, 21, 18, 0, 30), tick=False):
        assert send_meeting_agendas() == 1
        assert send_meeting_agendas() == 0
    notes = Notification.objects.filter(title__contains="2026-09-22")
    assert sorted(n.recipient_id for n in notes) == sorted(p.pk for p in people)
    assert "瓷砖到货延误" in notes.first().body


def test_reminder_task_run_twice_sends_once(crew):
    team, people = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    with time_machine.travel(at(2026, 9, 22, 8, 10), tick=False):
        assert send_meeting_reminders() == 0  # too early (lead time 15 minutes)
    with time_machine.travel(at(2026, 9, 22, 8, 16), tick=False):
        assert send_meeting_reminders() == 1
        assert send_meeting_reminders() == 0
        assert services.meeting_reminder_send(meeting_id=meeting.pk) is False  # a retry of the per-meeting send
    reminders = Notification.objects.filter(title__contains="08:30")
    assert reminders.count() == len(people)
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at == at(2026, 9, 22, 8, 16)


def test_a_late_task_does_not_send_a_stale_reminder(crew):
    team, _people = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    with time_machine.travel(at(2026, 9, 22, 8, 31), tick=False):
        assert send_meeting_reminders() == 0
        assert send_meeting_agendas() == 0
    assert not Notification.objects.exists()
    meeting.refresh_from_db()
    assert meeting.reminder_sent_at is None


def test_open_action_items_carry_over_until_done(crew):
    team, (zhang, liu, _chen, _yang) = crew
    monday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    tuesday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 22))
    wednesday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 23))
    item = services.action_item_add(meeting=monday, by=zhang, text="确认橱柜尺寸", owner=liu)
    assert selectors.meeting_agenda(meeting=monday).carried == []
    assert selectors.meeting_agenda(meeting=tuesday).carried == [item]
    services.action_item_complete(item=item, by=liu, now=at(2026, 9, 22, 15, 0))
    # Tuesday's agenda (as it was) still lists it; Wednesday's does not.
    assert selectors.meeting_agenda(meeting=tuesday).carried == [item]
    assert selectors.meeting_agenda(meeting=wednesday).carried == []
    assert list(selectors.my_open_action_items(user=liu)) == []


def test_only_owner_or_chair_closes_an_action_item(crew):
    team, (zhang, liu, chen, _yang) = crew
    monday = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    item = ActionItemFactory(meeting=monday, owner=liu)
    with pytest.raises(ValidationError):
        services.action_item_complete(item=item, by=chen)
    assert services.action_item_complete(item=item, by=liu) is True
    assert services.action_item_complete(item=item, by=liu) is False  # a second click changes nothing
    item.refresh_from_db()
    assert item.done_at is not None and item.done_by == liu


def test_attendance_marks_the_meeting_held_and_flags_an_unexcused_absence_once(crew):
    team, (zhang, liu, chen, yang) = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    entries = [
        services.AttendanceEntry(zhang, MeetingAttendance.Status.PRESENT),
        services.AttendanceEntry(liu, MeetingAttendance.Status.LATE, "堵车"),
        services.AttendanceEntry(chen, MeetingAttendance.Status.ABSENT, ""),
        services.AttendanceEntry(yang, MeetingAttendance.Status.ABSENT, "在工地"),
    ]
    services.meeting_record_attendance(meeting=meeting, by=zhang, entries=entries)
    services.meeting_record_attendance(meeting=meeting, by=zhang, entries=entries)  # corrected and saved again
    meeting.refresh_from_db()
    assert meeting.held
    assert dict(meeting.attendance.values_list("member__full_name", "status")) == {
        "张伟": "present",
        "刘洋": "late",
        "陈静": "absent",
        "杨强": "absent",
    }
    flags = Notification.objects.filter(recipient=zhang, title__contains="Absent") | Notification.objects.filter(
        recipient=zhang, title__contains="缺席"
    )
    assert flags.count() == 1
    assert "陈静" in flags.get().body and "杨强" not in flags.get().body


def test_attendance_for_someone_outside_the_team_is_refused(crew, outsider):
    team, (zhang, *_rest) = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    with pytest.raises(ValidationError):
        services.meeting_record_attendance(
            meeting=meeting, by=zhang, entries=[services.AttendanceEntry(outsider, MeetingAttendance.Status.PRESENT)]
        )
    assert not MeetingAttendance.objects.exists()


def test_minutes_saved_by_two_people_the_second_gets_a_conflict(crew):
    team, (zhang, liu, *_rest) = crew
    meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
    services.meeting_save_minutes(meeting=meeting, by=zhang, minutes="第一版", version=0)
    with pytest.raises(EditConflict):
        services.meeting_save_minutes(meeting=meeting, by=liu, minutes="第二版", version=0)
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_by, meeting.version, meeting.held) == ("第一版", zhang, 1, True)


def test_schedule_change_moves_upcoming_meetings(crew):
    team, _people = crew
    schedule = services.schedule_for(team=team)
    with time_machine.travel(at(2026, 9, 21, 7, 0), tick=False):
        meeting = services.meeting_for_day(team=team, date=dt.date(2026, 9, 21))
        services.schedule_update(schedule=schedule, data={"time": dt.time(9, 0), "reminder_minutes": 10})
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2026, 9, 21, 9, 0)
    assert meeting.remind_at == at(2026, 9, 21, 8, 50)


def test_concurrent_first_use_returns_the_meeting_the_other_request_created(crew, monkeypatch):
    team, (zhang, *_rest) = crew
    monday = dt.date(2026, 9, 21)
    real_rotation = services._rotation_for
    created = {}

    def racing(*, team, date):
        # Another request (or the planner) creates the meeting while this one picks the chair.
        created["meeting"] = Meeting.objects.create(team=team, date=date, starts_at=at(2026, 9, 21, 8, 30), chair=zhang)
        return real_rotation(team=team, date=date)

    monkeypatch.setattr(services, "_rotation_for", racing)
    meeting = services.meeting_for_day(team=team, date=monday)
    assert meeting.pk == created["meeting"].pk
    assert Meeting.objects.filter(team=team, date=monday).count() == 1
