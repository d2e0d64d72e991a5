"""meetings' part of the hand-over (teams/handover.py): open action items and the planned meetings a person
was to chair go to a member of the same team. A chair turn that moves is recorded as a chair swap (the
meeting's history); an action item, which has no history, is told to its new owner."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import ActionItem, ChairSwap, Meeting
from teams.facts import facts_write
from teams.handover import HandoverGroup, register_handover_group, register_not_open_work
from teams.roles import TEAM_ROLES


def _action_items(person):
    return ActionItem.objects.filter(owner=person, done_at__isnull=True).select_related("meeting")


def _move_action_items(*, records, person, to, by):
    pks = [item.pk for item in records]
    with facts_write(ActionItem, *pks):
        ActionItem.objects.filter(pk__in=pks).update(owner=to)


def _chair_turns(person):
    return Meeting.objects.filter(chair=person, held=False, date__gte=timezone.localdate())


def _move_chair_turns(*, records, person, to, by):
    pks = [m.pk for m in records]
    with facts_write(Meeting, *pks):
        Meeting.objects.filter(pk__in=pks).update(chair=to)
    ChairSwap.objects.bulk_create(
        [
            ChairSwap(meeting=meeting, from_chair=person, to_chair=to, swapped_by=by, reason=_("Hand-over: has left"))
            for meeting in records
        ]
    )


def register():
    register_handover_group(
        HandoverGroup(
            key="action_items",
            label=_("Open action items"),
            fields=("meetings.ActionItem.owner",),
            open_for=_action_items,
            move=_move_action_items,
            receivers=frozenset(TEAM_ROLES),
            team_of=lambda item: item.meeting.team_id,
            order=60,
        )
    )
    register_handover_group(
        HandoverGroup(
            key="chair_turns",
            label=_("Daily meetings to chair"),
            fields=("meetings.Meeting.chair",),
            open_for=_chair_turns,
            move=_move_chair_turns,
            receivers=frozenset(TEAM_ROLES),
            team_of=lambda meeting: meeting.team_id,
            order=61,
        )
    )
    register_not_open_work(
        {
            "meetings.MemberLeave.member": "the person's own leave",
            "meetings.MemberLeave.recorded_by": "who recorded: a fact",
            "meetings.Meeting.rotation_turn": "whose turn it was: the rotation skips people who have left",
            "meetings.Meeting.minutes_by": "who wrote the minutes: a fact",
            "meetings.AgendaItem.author": "who added the item: a fact",
            "meetings.ChairSwap.from_chair": "who chaired before: a fact",
            "meetings.ChairSwap.to_chair": "who chaired after a swap: a fact",
            "meetings.ChairSwap.swapped_by": "who swapped: a fact",
            "meetings.MeetingAttendance.member": "who attended: a fact",
            "meetings.MeetingAttendance.recorded_by": "who recorded: a fact",
            "meetings.ActionItem.done_by": "who closed it: a fact",
            "meetings.ActionItem.created_by": "who recorded it: a fact",
            "meetings.Training.created_by": "who planned the training: a fact",
            "meetings.TrainingAttendance.member": "who attended: a fact",
        }
    )
