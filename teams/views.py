from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from teams import health, services
from teams.access import get_visible_or_404, role_required, safe_url
from teams.models import Delivery, Job, Notification
from teams.registry import panels_for, search_providers_for
from teams.roles import Role
from teams.search import HITS_PER_KIND, SearchTerms


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
@require_GET
def search(request):
    """The search box: every app's hits for the query, grouped by kind, each scoped by that app's
    ``visible_to`` (teams/search.py); htmx asks for the results alone (the navigation's drop-down)."""
    query = request.GET.get("q", "")
    terms = SearchTerms.parse(query)
    groups = []
    if terms.searchable:
        for provider in search_providers_for(request.user):
            hits = provider.search(request.user, terms, HITS_PER_KIND)
            if hits:
                groups.append({"kind": provider.kind, "label": provider.label, "hits": hits})
    context = {"query": terms.text, "groups": groups, "searched": terms.searchable}
    if request.htmx:
        return render(request, "teams/partials/search_results.html", context)
    return render(request, "teams/search.html", context)


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


@role_required(Role.DEPUTY_GM)
def failed_deliveries(request):
    """E-mails and group messages given up for good, so none is silently dropped."""
    page = Paginator(Delivery.objects.failed().order_by("-failed_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "teams/failed_deliveries.html", {"page": page})


@role_required(Role.DEPUTY_GM)
@require_POST
def delivery_retry(request, pk):
    if services.delivery_retry(delivery_id=pk):
        messages.success(request, _("The notification will be sent again."))
    return redirect("teams:failed_deliveries")


@login_required
@require_GET
def job_detail(request, pk):
    """A background job's page: the progress, then the result link or the error, in place."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    return render(request, "teams/job_detail.html", {"job": job})


@login_required
@require_GET
@never_cache
def job_status(request, pk):
    """The job's fragment alone; while it runs the fragment polls itself every second."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    return render(request, "teams/partials/job_status.html", {"job": job})


@login_required
@require_GET
def job_download(request, pk):
    """The result file, to its owner only, never kept by a browser or proxy cache."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    if job.state != Job.State.DONE or not job.result:
        raise Http404
    # Stored as jobs/<yyyy>/<mm>/<pk>-<name>: the person gets <name>.
    name = job.result.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    response = FileResponse(job.result.open("rb"), as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@require_GET
def healthz(request):
    """For a monitor, without login: each part ok or failed; 200 when all are ok, else 503."""
    results = health.report()
    return JsonResponse(results, status=200 if all(v == "ok" for v in results.values()) else 503)
