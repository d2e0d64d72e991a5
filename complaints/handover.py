"""complaints' part of the hand-over (teams/handover.py): the complaints a person handles or helps with and
that are not closed go to a member of the complaint's team (or the deputy GM), each with a line in the
complaint's timeline."""

from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.services import _event
from teams.editing import versioned_update
from teams.handover import HandoverGroup, handover_line, register_handover_group, register_not_open_work
from teams.roles import TEAM_ROLES, Role


def _not_closed(qs):
    return qs.exclude(state=Complaint.State.CLOSED)


def _handled(person):
    return _not_closed(Complaint.objects.filter(handler=person))


def _move_handled(*, records, person, to, by):
    for complaint in records:
        versioned_update(complaint, fields={"handler": to}, expected_version=complaint.version)
        complaint.helpers.remove(to)
        _event(
            complaint,
            by,
            "assign",
            comment=handover_line(what=Complaint._meta.get_field("handler").verbose_name, old=person, new=to),
        )


def _helped(person):
    return _not_closed(Complaint.objects.filter(helpers=person))


def _move_helped(*, records, person, to, by):
    for complaint in records:
        complaint.helpers.remove(person)
        if complaint.handler_id != to.pk:
            complaint.helpers.add(to)
        _event(complaint, by, "assign", comment=handover_line(what=_("helper"), old=person, new=to))


def register():
    receivers = frozenset({*TEAM_ROLES, Role.DEPUTY_GM})
    register_handover_group(
        HandoverGroup(
            key="complaints_handled",
            label=_("Complaints handled, not closed"),
            fields=("complaints.Complaint.handler",),
            open_for=_handled,
            move=_move_handled,
            receivers=receivers,
            team_of=lambda complaint: complaint.team_id,
            order=30,
        )
    )
    register_handover_group(
        HandoverGroup(
            key="complaints_helped",
            label=_("Complaints helped with, not closed"),
            fields=("complaints.Complaint.helpers",),
            open_for=_helped,
            move=_move_helped,
            receivers=frozenset(TEAM_ROLES),
            team_of=lambda complaint: complaint.team_id,
            order=31,
        )
    )
    register_not_open_work(
        {
            "complaints.Complaint.registered_by": "who registered it: a fact",
            "complaints.ComplaintResolution.resolved_by": "who resolved it: a fact",
            "complaints.ComplaintAttachment.uploaded_by": "who uploaded: a fact",
            "complaints.ComplaintEvent.actor": "who did it: a fact",
        }
    )
