"""reception's part of the hand-over (teams/handover.py): calls forwarded to a person and not closed yet go
to a colleague, who is reminded again from now on (a call has no timeline of its own; the client's file
reads the call)."""

from django.utils.translation import gettext_lazy as _

from reception.models import Call
from teams.handover import HandoverGroup, register_handover_group, register_not_open_work
from teams.roles import ALL_ROLES


def _forwards(person):
    return Call.objects.filter(forward_to=person, forwarded_at__isnull=False, forward_closed_at__isnull=True)


def _move_forwards(*, records, person, to, by):
    pks = [c.pk for c in records]
    Call.objects.filter(pk__in=pks).update(forward_to=to)
    # Not acknowledged yet: the new recipient gets the reminder and escalation steps afresh.
    Call.objects.filter(pk__in=pks, acknowledged_at__isnull=True).update(
        forward_reminded_at=None, forward_escalated_at=None
    )


def register():
    register_handover_group(
        HandoverGroup(
            key="call_forwards",
            label=_("Calls forwarded, not closed"),
            fields=("reception.Call.forward_to",),
            open_for=_forwards,
            move=_move_forwards,
            receivers=frozenset(ALL_ROLES),
            order=50,
        )
    )
    register_not_open_work(
        {
            "reception.Call.logged_by": "who logged the call: a fact",
            "reception.Call.acknowledged_by": "who acknowledged: a fact",
            "reception.Call.forward_closed_by": "who closed the forward: a fact",
            "reception.Visit.host": "whom the visitor came to see: a fact",
            "reception.Visit.logged_by": "who logged the visit: a fact",
            "reception.Extension.user": "a desk phone: the admin maps it to whoever sits at the desk",
            "reception.PhoneCall.user": "whose phone rang: a fact",
            "reception.PhoneCall.handled_by": "who answered: a fact",
            "reception.Callback.by": "who called back: a fact",
        }
    )
