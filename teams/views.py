from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from teams import services
from teams.access import get_visible_or_404, safe_url
from teams.models import Notification
from teams.registry import panels_for


@login_required
def home(request):
    """The role's "my work today": each app contributes panels (teams.registry)."""
    panels = []
    for panel in panels_for(request.user):
        context = panel.context(request)
        if context is not None:
            panels.append({"panel": panel, "context": context})
    recent = Notification.objects.visible_to(request.user).unread()[:5]
    return render(request, "teams/home.html", {"panels": panels, "recent_notifications": recent})


@login_required
def notifications(request):
    page = Paginator(Notification.objects.visible_to(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "teams/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark one notification read, then follow its link (or refresh the row for htmx)."""
    note = get_visible_or_404(Notification, request.user, pk=pk)
    services.notification_mark_read(user=request.user, notification_id=pk)
    note.refresh_from_db(fields=["read_at"])
    if request.htmx:
        return render(request, "teams/partials/notification_row.html", {"note": note})
    return redirect(safe_url(request, note.url, "teams:notifications"))


@login_required
@require_POST
def notifications_read_all(request):
    services.notification_mark_read(user=request.user)
    return redirect("teams:notifications")
