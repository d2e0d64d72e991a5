"""Home and team-board panels (a fixed number of queries each)."""

from django.utils import timezone

from performance import selectors
from performance.metrics import METRICS, Period, Scope, figures
from performance.models import Highlight, MonthlyReport, TargetCard

HEADLINE_KEYS = ["signings", "contract_value", "complaints_open", "complaints_overdue"]


def my_card(request):
    """Every member: this month's card, progress and days left."""
    today = timezone.localdate()
    card = selectors.current_card(request.user, today)
    if card is None:
        return None
    rows = selectors.card_progress(card)
    return {"card": card, "rows": rows, "days_left": Period.month_of(today).days_left(today)}


def consultant_todo(request):
    """The consultant: cards to review or still unconfirmed, and the report draft to complete."""
    user = request.user
    cards = TargetCard.objects.filter(team_id=user.team_id).exclude(member=user)
    return {
        "to_review": cards.filter(state=TargetCard.State.SELF_ASSESSED).select_related("member")[:10],
        "unconfirmed": cards.filter(state=TargetCard.State.DRAFT, month=timezone.localdate().replace(day=1)).count(),
        "drafts": MonthlyReport.objects.filter(team_id=user.team_id, state=MonthlyReport.State.DRAFT)[:3],
    }


def gm_todo(request):
    """The deputy GM: appraisals and reports awaiting approval, company headline figures."""
    period = Period.month_of(timezone.localdate())
    values = figures([METRICS[k] for k in HEADLINE_KEYS], {"c": period}, Scope())
    return {
        "appraisals": TargetCard.objects.filter(state=TargetCard.State.REVIEWED).count(),
        "reports": MonthlyReport.objects.filter(state=MonthlyReport.State.DRAFT).select_related("team")[:5],
        "headline": [{"key": k, "value": values[("c", k)]} for k in HEADLINE_KEYS],
        "period": period,
    }


def board_highlights(request, team=None):
    """The team board: the team's latest recognitions (tip 30)."""
    if team is None:
        return None
    return {"highlights": Highlight.objects.filter(team=team).select_related("member")[:5], "team": team}
