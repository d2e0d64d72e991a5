"""Home-page panels ("my work today") of the projects app; each runs a fixed number of queries."""

from django.utils import timezone

from projects import selectors


def drawings_due(request):
    """Assistant designer (and designer): my drawing tasks overdue or due within three days."""
    today = timezone.localdate()
    tasks = list(selectors.drawings_due_for(user=request.user, today=today)[:10])
    return {"tasks": tasks, "today": today}


def designer_work(request):
    plans = list(selectors.plans_awaiting_confirmation(user=request.user)[:10])
    budgets = list(selectors.budget_requests_of_designer(user=request.user)[:10])
    return {"plans": plans, "budgets": budgets, "today": timezone.localdate()}


def pm_work(request):
    today = timezone.localdate()
    return {**selectors.pm_today(user=request.user, today=today), "today": today}


def budget_waiting(request):
    requests = list(selectors.budget_requests_waiting(clerk=request.user)[:10])
    return {"requests": requests, "today": timezone.localdate()}
