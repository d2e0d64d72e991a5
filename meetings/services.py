"""Writes of the daily meeting: occurrences, rotation, agenda, reminders, attendance, minutes, action items.

Scheduled sends claim their row with a conditional update inside the same
transaction as the in-app notifications, so a second beat, a retry or a
restarted worker never sends an agenda or a reminder twice.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from meetings import selectors
from meetings.models import (
    ActionItem,
    AgendaItem,
    ChairSwap,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
)
from teams.calendar import calendar_exceptions, is_working_day, working_days
from teams.editing import claim, versioned_update
from teams.facts import facts_write
from teams.messages import Message
from teams.models import NotificationKind, Team, User
from teams.services import notify

logger = logging.getLogger(__name__)

# How many meeting days ahead the planner creates (today's and the next one, so
# tomorrow's chair shows today).
PLAN_AHEAD = 2


# --- Schedule and occurrences ---------------------------------------------------------------------


def schedule_for(*, team: Team) -> MeetingSchedule:
    """The team's schedule, created with the defaults (08:30, Monday–Friday) on first use."""
    schedule, _created = MeetingSchedule.objects.get_or_create(team=team)
    return schedule


def schedule_update(*, schedule: MeetingSchedule, data: dict, now: dt.datetime | None = None) -> MeetingSchedule:
    """Save a schedule and move the times of the occurrences that have not started yet."""
    now = now or timezone.now()
    for name, value in data.items():
        setattr(schedule, name, value)
    schedule.full_clean()
    with transaction.atomic():
        schedule.save()
        upcoming = Meeting.objects.filter(team_id=schedule.team_id, starts_at__gt=now, held=False)
        for meeting in upcoming:
            meeting.starts_at = schedule.starts_at(meeting.date)
            meeting.agenda_cutoff_at = schedule.agenda_cutoff_at(meeting.date)
            meeting.remind_at = schedule.remind_at(meeting.date)
            meeting.place = schedule.place
            meeting.online_link = schedule.online_link
            meeting.save(update_fields=["starts_at", "agenda_cutoff_at", "remind_at", "place", "online_link"])
    return schedule


def meeting_day(*, schedule: MeetingSchedule, date: dt.date, exceptions: dict | None = None) -> bool:
    return schedule.is_active and is_working_day(date, weekdays=schedule.weekdays, exceptions=exceptions)


def next_meeting_days(*, schedule: MeetingSchedule, start: dt.date, count: int) -> list[dt.date]:
    if not schedule.is_active:
        return []
    return working_days(start, count, weekdays=schedule.weekdays)


def rotation_pick(*, members: list[User], after: User | None, on_leave: set[int]) -> User | None:
    """The next member after ``after`` in the rotation (ordered members, cyclic), skipping people on leave."""
    if not members:
        return None
    start = 0
    if after is not None:
        pks = [m.pk for m in members]
        if after.pk in pks:
            start = pks.index(after.pk) + 1
        else:  # left the team: continue with whoever came after them
            start = next((i for i, m in enumerate(members) if m.pk > after.pk), 0)
    for step in range(len(members)):
        candidate = members[(start + step) % len(members)]
        if candidate.pk not in on_leave:
            return candidate
    return None


def _rotation_for(*, team: Team, date: dt.date) -> User | None:
    previous = (
        Meeting.objects.filter(team=team, date__lt=date, rotation_turn__isnull=False)
        .select_related("rotation_turn")
        .order_by("-date")
        .first()
    )
    members = selectors.rotation_members(team=team)
    return rotation_pick(
        members=members,
        after=previous.rotation_turn if previous else None,
        on_leave=selectors.members_on_leave(team=team, date=date),
    )


def meeting_for_day(*, team: Team, date: dt.date, schedule: MeetingSchedule | None = None) -> Meeting | None:
    """The team's meeting on ``date``, created (with its chair) if it is a meeting day; never a duplicate."""
    existing = Meeting.objects.filter(team=team, date=date).first()
    if existing is not None:
        return existing
    schedule = schedule or schedule_for(team=team)
    if not meeting_day(schedule=schedule, date=date):
        return None
    turn = _rotation_for(team=team, date=date)
    try:
        with transaction.atomic():
            return Meeting.objects.create(
                team=team,
                date=date,
                starts_at=schedule.starts_at(date),
                agenda_cutoff_at=schedule.agenda_cutoff_at(date),
                remind_at=schedule.remind_at(date),
                place=schedule.place,
                online_link=schedule.online_link,
                chair=turn,
                rotation_turn=turn,
            )
    except IntegrityError:  # created at the same moment by the planner or another request
        return Meeting.objects.get(team=team, date=date)


def meetings_plan(*, today: dt.date | None = None, ahead: int = PLAN_AHEAD) -> int:
    """Create the next ``ahead`` occurrences of every active team; drop planned ones on days that became holidays."""
    today = today or timezone.localdate()
    created = 0
    for team in Team.objects.filter(is_active=True).order_by("pk"):
        schedule = schedule_for(team=team)
        days = next_meeting_days(schedule=schedule, start=today, count=ahead)
        before = Meeting.objects.filter(team=team, date__gte=today).count()
        for date in days:
            meeting_for_day(team=team, date=date, schedule=schedule)
        created += Meeting.objects.filter(team=team, date__gte=today).count() - before
        _drop_cancelled(team=team, schedule=schedule, today=today)
        _replace_departed_chairs(team=team, today=today)
    return created


def _replace_departed_chairs(*, team: Team, today: dt.date) -> None:
    """A planned meeting whose chair has left passes to the next active member in the rotation."""
    orphaned = Meeting.objects.filter(team=team, date__gte=today, held=False, chair__is_active=False)
    members = None
    for meeting in orphaned.select_related("chair"):
        members = members if members is not None else selectors.rotation_members(team=team)
        departed = meeting.chair
        meeting.chair = rotation_pick(
            members=members, after=departed, on_leave=selectors.members_on_leave(team=team, date=meeting.date)
        )
        meeting.save(update_fields=["chair"])
        if meeting.chair is not None:
            ChairSwap.objects.create(
                meeting=meeting, from_chair=departed, to_chair=meeting.chair, reason=_("Has left the company")
            )


def _drop_cancelled(*, team: Team, schedule: MeetingSchedule, today: dt.date) -> None:
    """A planned meeting on a day the calendar (or the schedule) no longer has: delete it if nothing was recorded."""
    planned = list(
        Meeting.objects.filter(team=team, date__gte=today, held=False)
        .filter(agenda_items__isnull=True, attendance__isnull=True, action_items__isnull=True)
        .values_list("pk", "date")
    )
    if not planned:
        return
    exceptions = calendar_exceptions(min(d for _, d in planned), max(d for _, d in planned))
    gone = [pk for pk, date in planned if not meeting_day(schedule=schedule, date=date, exceptions=exceptions)]
    if gone:
        Meeting.objects.filter(pk__in=gone).delete()


# --- Chair: swaps and leave -----------------------------------------------------------------------


def meeting_swap_chair(*, meeting: Meeting, to_chair: User, by: User, reason: str = "") -> ChairSwap:
    """Hand the chair to ``to_chair``; if they already chair a later planned meeting, the two exchange."""
    if meeting.held:
        raise ValidationError(_("The meeting has been held; its chair can no longer change."))
    if to_chair.team_id != meeting.team_id or not to_chair.is_active:
        raise ValidationError(_("The new chair must be an active member of the team."))
    if to_chair.pk == meeting.chair_id:
        raise ValidationError(_("%(name)s already chairs this meeting.") % {"name": to_chair})
    if to_chair.pk in selectors.members_on_leave(team=meeting.team, date=meeting.date):
        raise ValidationError(_("%(name)s is on leave that day.") % {"name": to_chair})
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        from_chair = locked.chair
        other = (
            Meeting.objects.select_for_update()
            .filter(team_id=meeting.team_id, date__gt=meeting.date, held=False, chair=to_chair)
            .order_by("date")
            .first()
        )
        if other is not None and from_chair is not None:
            other.chair = from_chair
            other.save(update_fields=["chair"])
        else:
            other = None
        locked.chair = to_chair
        locked.save(update_fields=["chair"])
        swap = ChairSwap.objects.create(
            meeting=locked, from_chair=from_chair, to_chair=to_chair, other_meeting=other, swapped_by=by, reason=reason
        )
        parts = [
            Message(
                "%(from)s → %(to)s for the meeting on %(date)s.",
                **{"from": from_chair or "—", "to": to_chair, "date": meeting.date.isoformat()},
            )
        ]
        if other is not None:
            parts.append(
                Message(
                    "In exchange %(from)s chairs on %(date)s.", **{"from": from_chair, "date": other.date.isoformat()}
                )
            )
        body = Message.join(parts, " ")
        notify(
            kind=NotificationKind.MEETING,
            recipients=[u for u in (from_chair, to_chair) if u is not None and u.pk != by.pk],
            title=Message("Meeting chair changed"),
            body=body,
            url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        )
    meeting.refresh_from_db()
    return swap


def leave_record(
    *, member: User, start_date: dt.date, end_date: dt.date, reason: str, by: User, today: dt.date | None = None
) -> MemberLeave:
    """Record leave; planned meetings the member would chair pass to the next member in the rotation."""
    today = today or timezone.localdate()
    leave = MemberLeave(member=member, start_date=start_date, end_date=end_date, reason=reason, recorded_by=by)
    leave.full_clean()
    with transaction.atomic():
        leave.save()
        affected = Meeting.objects.filter(
            chair=member, held=False, date__range=(max(start_date, today), end_date)
        ).select_related("team")
        for meeting in affected:
            members = selectors.rotation_members(team=meeting.team)
            substitute = rotation_pick(
                members=members,
                after=member,
                on_leave=selectors.members_on_leave(team=meeting.team, date=meeting.date),
            )
            meeting.chair = substitute
            meeting.save(update_fields=["chair"])
            if substitute is not None:
                ChairSwap.objects.create(
                    meeting=meeting, from_chair=member, to_chair=substitute, swapped_by=by, reason=_("On leave")
                )
                notify(
                    kind=NotificationKind.MEETING,
                    recipients=[substitute],
                    title=Message("You chair the meeting on %(date)s", date=meeting.date.isoformat()),
                    body=Message("%(name)s is on leave.", name=member),
                    url=reverse("meetings:meeting_detail", args=[meeting.pk]),
                )
    return leave


# --- Agenda ---------------------------------------------------------------------------------------


def agenda_item_add(*, meeting: Meeting, author: User, text: str, now: dt.datetime | None = None) -> AgendaItem:
    now = now or timezone.now()
    if not meeting.agenda_open(now):
        raise ValidationError(_("The agenda closed at %(time)s.") % {"time": _local(meeting.agenda_cutoff_at)})
    item = AgendaItem(meeting=meeting, author=author, text=text.strip(), created_at=now)
    item.full_clean()
    item.save()
    return item


def agenda_item_delete(*, item: AgendaItem, by: User, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if item.author_id != by.pk and not item.meeting.can_run(by):
        raise ValidationError(_("Only the author or the chair can remove an agenda item."))
    if not item.meeting.agenda_open(now):
        raise ValidationError(_("The agenda has closed."))
    item.delete()


def _local(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def meeting_agenda_send(*, meeting_id: int, now: dt.datetime | None = None) -> bool:
    """Send the agenda (topics and the open action items carried over) to every member, once."""
    now = now or timezone.now()
    with transaction.atomic():
        if not claim(Meeting.objects.filter(pk=meeting_id, starts_at__gt=now), "agenda_sent_at", now):
            return False
        meeting = Meeting.objects.select_related("team", "chair").get(pk=meeting_id)
        agenda = selectors.meeting_agenda(meeting=meeting)
        lines = [f"{i}. {item.text}（{item.author}）" for i, item in enumerate(agenda.items, 1)]
        if agenda.carried:
            lines.append(Message("Open action items:"))
            lines += [f"- {item.text}（{item.owner}）" for item in agenda.carried]
        if not lines:
            lines.append(Message("No topics were raised."))
        header = Message(
            "%(time)s, chaired by %(chair)s, %(place)s",
            time=_local(meeting.starts_at),
            chair=meeting.chair or "—",
            place=meeting.place or meeting.online_link or "—",
        )
        notify(
            kind=NotificationKind.MEETING,
            recipients=selectors.team_members(team=meeting.team),
            title=Message("Agenda of the meeting on %(date)s", date=meeting.date.isoformat()),
            body=Message.join([header, "", *lines]),
            url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        )
    return True


def meeting_reminder_send(*, meeting_id: int, now: dt.datetime | None = None) -> bool:
    """Remind every member shortly before the meeting, once; never after it started."""
    now = now or timezone.now()
    with transaction.atomic():
        if not claim(Meeting.objects.filter(pk=meeting_id, starts_at__gt=now), "reminder_sent_at", now):
            return False
        meeting = Meeting.objects.select_related("team", "chair").get(pk=meeting_id)
        notify(
            kind=NotificationKind.MEETING,
            recipients=selectors.team_members(team=meeting.team),
            title=Message("Daily meeting at %(time)s", time=timezone.localtime(meeting.starts_at).strftime("%H:%M")),
            body=Message(
                "Chair: %(chair)s. Place: %(place)s.",
                chair=meeting.chair or "—",
                place=meeting.place or meeting.online_link or "—",
            ),
            url=reverse("meetings:meeting_detail", args=[meeting.pk]),
        )
    return True


def meetings_due_for_agenda(*, now: dt.datetime) -> list[int]:
    return list(
        Meeting.objects.filter(agenda_sent_at=None, agenda_cutoff_at__lte=now, starts_at__gt=now).values_list(
            "pk", flat=True
        )
    )


def meetings_due_for_reminder(*, now: dt.datetime) -> list[int]:
    return list(
        Meeting.objects.filter(reminder_sent_at=None, remind_at__lte=now, starts_at__gt=now).values_list(
            "pk", flat=True
        )
    )


# --- Attendance, minutes, action items ------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceEntry:
    member: User
    status: str
    reason: str = ""


def meeting_record_attendance(
    *, meeting: Meeting, by: User, entries: list[AttendanceEntry], now: dt.datetime | None = None
) -> list[MeetingAttendance]:
    """Save the roll call (the meeting is then held); an absence without reason is flagged to the consultant once."""
    now = now or timezone.now()
    team_ids = {m.pk for m in selectors.team_members(team=meeting.team)}
    rows = []
    # The meeting and its attendance are counted facts (teams/facts.py): the roll call makes it held.
    with facts_write(Meeting, meeting.pk):
        existing = {a.member_id: a for a in meeting.attendance.all()}
        for entry in entries:
            if entry.member.pk not in team_ids and entry.member.pk not in existing:
                raise ValidationError(_("%(name)s is not a member of the team.") % {"name": entry.member})
            row = existing.get(entry.member.pk) or MeetingAttendance(meeting=meeting, member=entry.member)
            row.status = entry.status
            row.reason = entry.reason.strip()
            row.recorded_by = by
            row.recorded_at = now
            row.full_clean(exclude=["meeting", "member"])
            row.save()
            rows.append(row)
        Meeting.objects.filter(pk=meeting.pk).update(held=True)
        meeting.held = True
        unexcused = [r for r in rows if r.unexcused and r.flagged_at is None]
        flagged = []
        for row in unexcused:
            if claim(row, "flagged_at", now):
                flagged.append(row)
        leader = meeting.team.responsible()
        if flagged and leader is not None:
            notify(
                kind=NotificationKind.MEETING,
                recipients=[leader],
                title=Message("Absent without reason from the meeting on %(date)s", date=meeting.date.isoformat()),
                body="、".join(str(r.member) for r in flagged),
                url=reverse("meetings:meeting_detail", args=[meeting.pk]),
            )
    return rows


def meeting_save_minutes(*, meeting: Meeting, by: User, minutes: str, version: int) -> Meeting:
    """Save the minutes unless someone else saved since ``version`` was read (then EditConflict)."""
    versioned_update(meeting, fields={"minutes": minutes, "minutes_by": by, "held": True}, expected_version=version)
    meeting.refresh_from_db()
    return meeting


def action_item_add(
    *, meeting: Meeting, by: User, text: str, owner: User, due_date: dt.date | None = None
) -> ActionItem:
    if owner.team_id != meeting.team_id:
        raise ValidationError(_("The owner must be a member of the team."))
    item = ActionItem(meeting=meeting, text=text.strip(), owner=owner, due_date=due_date, created_by=by)
    item.full_clean()
    with transaction.atomic():
        item.save()
        if owner.pk != by.pk:
            notify(
                kind=NotificationKind.MEETING,
                recipients=[owner],
                title=Message("New action item: %(text)s", text=item.text),
                body=Message("Due %(date)s.", date=due_date.isoformat() if due_date else "—"),
                url=reverse("meetings:meeting_detail", args=[meeting.pk]),
            )
    return item


def action_item_can_close(*, item: ActionItem, user: User) -> bool:
    return user.pk == item.owner_id or item.meeting.can_run(user)


def action_item_complete(*, item: ActionItem, by: User, now: dt.datetime | None = None) -> bool:
    """Mark done (idempotent: a second click changes nothing)."""
    if not action_item_can_close(item=item, user=by):
        raise ValidationError(_("Only the owner or the chair can close an action item."))
    now = now or timezone.now()
    with facts_write(ActionItem, item.pk):
        done = claim(item, "done_at", now, done_by=by)
    item.refresh_from_db()
    return done


def action_item_reopen(*, item: ActionItem, by: User) -> None:
    if not action_item_can_close(item=item, user=by):
        raise ValidationError(_("Only the owner or the chair can reopen an action item."))
    with facts_write(ActionItem, item.pk):
        ActionItem.objects.filter(pk=item.pk).update(done_at=None, done_by=None)
    item.refresh_from_db()
