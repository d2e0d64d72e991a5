from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from teams import handover, health, jobs, services
from teams.access import NotVisible, get_visible_or_404, role_required, safe_url
from teams.forms import HandoverForm, NotificationSettingsForm, add_service_errors
from teams.models import Delivery, Job, Notification, StaffChange, User
from teams.pagination import CappedPaginator
from teams.registry import panels_for, search_providers_for
from teams.roles import Role
from teams.search import HITS_PER_KIND, SearchTerms
from teams.selectors import personal_channels


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


@login_required
def notification_settings(request):
    """Which kinds of notification reach the person by e-mail and by WeCom; in the app they always do."""
    columns = personal_channels(request.user)
    # Unticking every box posts no field at all: an empty POST is still a choice (all off).
    data = request.POST if request.method == "POST" else None
    form = NotificationSettingsForm(data, user=request.user, columns=columns)
    if request.method == "POST" and form.is_valid():
        usable = [column["channel"] for column in columns if column["available"]]
        services.notification_channels_set(user=request.user, channels=usable, wanted=form.wanted())
        messages.success(request, _("Your notification settings are saved."))
        return redirect("teams:notification_settings")
    return render(request, "teams/notification_settings.html", {"form": form, "columns": columns})


@role_required(Role.DEPUTY_GM)
def failed_deliveries(request):
    """E-mails, WeCom messages and group messages given up for good, so none is silently dropped."""
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
    """The job's fragment alone; while it runs the fragment polls itself every second. The poll
    that sees a job with a result page finish opens that page (the result in place)."""
    job = get_visible_or_404(Job, request.user, pk=pk)
    response = render(request, "teams/partials/job_status.html", {"job": job})
    if request.htmx and job.state == Job.State.DONE and job.result_url:
        response["HX-Redirect"] = job.result_url
    return response


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


@require_POST
def language_set(request):
    """Django's ``set_language``, and the choice remembered on the account: the person's
    e-mails are written in it (teams.services.notify)."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(settings.LANGUAGES) and user.language != language:
        User.objects.filter(pk=user.pk).update(language=language)
    return response


@never_cache
@require_GET
def healthz(request):
    """For a monitor, without login: each part ok or failed; 200 when all are ok, else 503."""
    results = health.report()
    return JsonResponse(results, status=200 if all(v == "ok" for v in results.values()) else 503)


@role_required(Role.DEPUTY_GM)
@require_GET
def export_approvals(request):
    """The deputy GM's list of big client-data exports waiting for approval (teams/exports.py)."""
    waiting = Job.objects.awaiting_approval(request.user).select_related("owner").order_by("created_at")
    return render(request, "teams/export_approvals.html", {"jobs": list(waiting[:100])})


def _awaiting_or_404(request, pk) -> Job:
    job = Job.objects.awaiting_approval(request.user).select_related("owner").filter(pk=pk).first()
    if job is None:
        raise NotVisible(target=f"teams.job pk={pk}")
    return job


@role_required(Role.DEPUTY_GM)
@require_POST
def job_approve(request, pk):
    job = _awaiting_or_404(request, pk)
    if jobs.job_approve(job_id=job.pk, by=request.user):
        messages.success(request, _("Approved: the export is being written for %(name)s.") % {"name": job.owner})
    return redirect("teams:export_approvals")


@role_required(Role.DEPUTY_GM)
@require_POST
def job_refuse(request, pk):
    job = _awaiting_or_404(request, pk)
    if jobs.job_refuse(job_id=job.pk, by=request.user):
        messages.success(request, _("Refused; %(name)s is told.") % {"name": job.owner})
    return redirect("teams:export_approvals")


@role_required(Role.DEPUTY_GM)
@require_GET
def staff_history(request):
    """Who changed whose role, team, active flag, admin rights or permissions, when, from what to what."""
    changes = StaffChange.objects.visible_to(request.user).select_related("user", "changed_by")
    person = request.GET.get("user", "")
    if person.isdigit():
        changes = changes.filter(user_id=int(person))
    page = CappedPaginator(changes, 50).get_page(request.GET.get("page"))
    people = list(User.objects.order_by("full_name").only("pk", "full_name", "username", "is_active"))
    chosen = next((p for p in people if str(p.pk) == person), None)
    return render(
        request, "teams/staff_history.html", {"page": page, "people": people, "person": person, "chosen": chosen}
    )


@role_required(Role.DEPUTY_GM)
def staff_handover(request, pk):
    """离职交接: the deputy GM gives each group of a person's open work to a colleague, then the account is
    deactivated (teams/handover.py). GET shows the groups and their counts; POST moves them, all or nothing."""
    person = User.objects.filter(pk=pk, is_active=True).select_related("team").first()
    if person is None:
        raise NotVisible(target=f"teams.user pk={pk}")
    counts = handover.handover_open_counts(person)
    rows = [
        (group, counts[group.key], handover.handover_candidates(group, person))
        for group in handover.handover_groups()
        if counts[group.key]
    ]
    form = HandoverForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            result = handover.handover_perform(
                person=person,
                by=request.user,
                assignments=form.cleaned_data["assignments"],
                seen=form.cleaned_data["seen_counts"],
                deactivate=form.cleaned_data["deactivate"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            moved = sum(result.moved.values())
            if result.deactivated:
                text = _("%(name)s's open work (%(n)s records) was handed over and the account deactivated.")
            else:
                text = _("%(name)s's open work (%(n)s records) was handed over; the account stays active.")
            messages.success(request, text % {"name": person, "n": moved})
            return redirect(f"{reverse('teams:staff_history')}?user={person.pk}")
    notes = handover.handover_notes(person)
    return render(request, "teams/staff_handover.html", {"person": person, "form": form, "rows": rows, "notes": notes})
