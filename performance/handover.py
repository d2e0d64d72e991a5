"""performance's fields for the hand-over (teams/handover.py): none is open work that moves to a colleague.

A target card measures its own member's month: it stays theirs, and the consultant and the deputy GM finish
its review and approval without the member (``performance/services``); the review itself follows the team's
leadership, which the hand-over moves (``teams_led``)."""

from teams.handover import register_not_open_work


def register():
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
