"""Home-page panels: team members' open and overdue complaints; the deputy GM's major incidents and overdue."""

from django.db.models import Count, Q
from django.utils import timezone

from complaints import selectors
from complaints.models import Complaint


def team_complaints(request):
    user = request.user
    now = timezone.now()
    counts = selectors.panel_counts(user=user, now=now)
    if not any(counts.values()):
        return {"counts": counts, "rows": []}
    rows = list(
        Complaint.objects.visible_to(user)
        .open()
        .filter(Q(handler=user) | Q(team_id=user.team_id))
        .select_related("team", "handler")
        .order_by("resolve_due_at")[:8]
    )
    return {"counts": counts, "rows": rows, "now": now}


def gm_complaints(request):
    user = request.user
    now = timezone.now()
    base = Complaint.objects.visible_to(user).select_related("team", "handler")
    majors = list(base.open().filter(severity=Complaint.Severity.MAJOR).order_by("-registered_at")[:8])
    overdue = list(base.overdue(now).order_by("resolve_due_at")[:10])
    counts = Complaint.objects.visible_to(user).aggregate(
        open=Count("pk", filter=Q(state__in=["registered", "acknowledged", "in_progress"])),
    )
    return {"majors": majors, "overdue": overdue, "open_count": counts["open"], "now": now}
