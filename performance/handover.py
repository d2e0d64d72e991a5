"""performance's fields for the hand-over (teams/handover.py): none is open work that moves to a colleague.

A target card measures its own member's month: it stays theirs, and the consultant and the deputy GM finish
its review and approval without the member (``performance/services``); the review itself follows the team's
leadership, which the hand-over moves (``teams_led``)."""

from django.utils.translation import gettext_lazy as _

from performance.models import TargetCard
from teams.handover import HandoverNote, register_handover_note, register_not_open_work


def _open_cards(person):
    return TargetCard.objects.filter(member=person).exclude(state=TargetCard.State.APPROVED)


def register():
    register_handover_note(
        HandoverNote(
            key="target_cards",
            label=_(
                "Target cards not approved yet (they stay with the member; the leader and the deputy GM finish them)"
            ),
            open_for=_open_cards,
        )
    )
    register_not_open_work(
        {
            "performance.TargetCard.member": "the member's own month: the card stays theirs",
            "performance.TargetCard.reviewed_by": "who reviewed: a fact",
            "performance.TargetCard.approved_by": "who approved: a fact",
            "performance.CardEvent.actor": "who did it: a fact",
            "performance.TeamTarget.set_by": "who set the target: a fact",
            "performance.Highlight.member": "whose success it was: a fact",
            "performance.Highlight.given_by": "who gave it: a fact",
            "performance.MonthlyReport.approved_by": "who approved: a fact",
            "performance.ReportEvent.actor": "who did it: a fact",
            "performance.ReportPhoto.uploaded_by": "who uploaded: a fact",
        }
    )
