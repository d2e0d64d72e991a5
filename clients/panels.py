"""Home-page panels (teams.registry): each runs a fixed number of queries."""

from clients import selectors


def visits_panel(request):
    return selectors.visits_for_home(user=request.user)


def slipping_panel(request):
    return {"leads": selectors.slipping_leads(user=request.user)}


def archive_panel(request):
    return {"waiting": list(selectors.archive_list(user=request.user, waiting_only=True)[:10])}


def receivables_panel(request):
    return selectors.overdue_stages_for_home(user=request.user)
