"""Monthly report pages: list, preview, a report with its narrative and photos, approval,
regeneration and the generated files."""

import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from performance import selectors, services
from performance.filters import ReportFilter
from performance.forms import NarrativeForm, PhotoForm, VersionForm
from performance.metrics import Period
from performance.models import MonthlyReport
from performance.rendering import report_context
from performance.views.common import LEADERS, PAGE_SIZE, _int_or_404, _today
from teams.access import get_visible_or_404, role_required
from teams.editing import EditConflict
from teams.exports import attachment, export_check, export_log
from teams.forms import add_service_errors
from teams.models import Team
from teams.roles import Role
from teams.submissions import submit_once


@role_required(*LEADERS)
def report_list(request):
    qs = MonthlyReport.objects.visible_to(request.user).select_related("team", "approved_by")
    filterset = ReportFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    teams = Team.objects.filter(is_active=True)
    if not request.user.sees_all:
        teams = teams.filter(pk=request.user.team_id)
    return render(request, "performance/report_list.html", {"filter": filterset, "page": page, "teams": teams})


def _report_for(request, pk):
    return get_visible_or_404(MonthlyReport.objects.select_related("team", "approved_by"), request.user, pk=pk)


def _report_page(request, report, narrative_form=None, status=200, photo_form=None):
    user = request.user
    can_edit = report.state == MonthlyReport.State.DRAFT and (
        user.sees_all or timezone.now() < services.narrative_deadline(report.month)
    )
    context = {
        **report_context(report),
        "events": report.events.select_related("actor"),
        "can_edit": can_edit,
        "narrative_form": narrative_form
        or NarrativeForm(initial={"version": report.version, "narrative": report.narrative}),
        "photo_form": photo_form or PhotoForm(),
        "version_form": VersionForm(initial={"version": report.version}),
        "can_approve": user.sees_all and report.state == MonthlyReport.State.DRAFT,
        "can_regenerate": report.state == MonthlyReport.State.DRAFT,
        "narrative_deadline": services.narrative_deadline(report.month),
        "send_due_at": services.send_due_at(report.month),
        "preview": False,
    }
    return render(request, "performance/report_detail.html", context, status=status)


@role_required(*LEADERS)
def report_detail(request, pk):
    return _report_page(request, _report_for(request, pk))


@role_required(*LEADERS)
@require_POST
def report_narrative(request, pk):
    report = _report_for(request, pk)
    form = NarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.report_save_narrative(
                report=report,
                user=request.user,
                version=form.cleaned_data["version"],
                narrative=form.cleaned_data["narrative"],
            )
        except EditConflict:
            messages.error(request, _("Someone changed this report meanwhile. Your text is kept below; save again."))
            return _report_page(request, report, form, status=409)
        except ValidationError as exc:
            add_service_errors(form, exc)
            return _report_page(request, report, form, status=400)
        messages.success(request, _("Narrative saved."))
        return redirect("performance:report_detail", pk=report.pk)
    return _report_page(request, report, form, status=400)


@role_required(*LEADERS)
@require_POST
def report_photo_add(request, pk):
    report = _report_for(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            submit_once(
                request,
                form,
                lambda: services.report_add_photo(
                    report=report,
                    user=request.user,
                    image=form.cleaned_data["image"],
                    caption=form.cleaned_data["caption"],
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Photo added."))
            return redirect("performance:report_detail", pk=report.pk)
    return _report_page(request, report, status=400, photo_form=form)


@role_required(*LEADERS)
def report_photo(request, pk, photo_pk):
    """A report photo, shown inline (an image), for those who may see the report."""
    report = _report_for(request, pk)
    photo = get_object_or_404(report.photos.all(), pk=photo_pk)
    return FileResponse(photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0])


@role_required(Role.DEPUTY_GM)
@require_POST
def report_approve(request, pk):
    report = _report_for(request, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        return redirect("performance:report_detail", pk=report.pk)
    try:
        services.report_approve(report=report, user=request.user, version=form.cleaned_data["version"])
    except EditConflict:
        messages.error(request, _("The report changed meanwhile; read it again before approving."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved. The report is being sent to headquarters."))
    return redirect("performance:report_detail", pk=report.pk)


@role_required(*LEADERS)
@require_POST
def report_regenerate(request, pk):
    """The figures computed again, as a background job: its page shows the progress, then the report."""
    report = _report_for(request, pk)
    try:
        job = services.report_regenerate_start(report=report, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("performance:report_detail", pk=report.pk)
    return redirect("teams:job_detail", pk=job.pk)


@role_required(*LEADERS)
def report_file(request, pk, kind):
    """The archived PDF or Excel, for those who may see the report (an export: logged)."""
    export_check(request.user, "monthly_report")
    report = _report_for(request, pk)
    field = {"pdf": report.pdf, "xlsx": report.xlsx}.get(kind)
    if not field:
        raise Http404
    filename = f"{report.team.name}-{report.month:%Y-%m}.{kind}"
    response = attachment(FileResponse(field.open("rb"), content_type=mimetypes.guess_type(filename)[0]), filename)
    export_log(request, kind="monthly_report", row_count=None, filters={"report": report.pk, "file": kind})
    return response


@role_required(*LEADERS)
def report_preview(request):
    """The current month's report as it would look now (nothing is stored)."""
    user = request.user
    teams = list(Team.objects.filter(is_active=True)) if user.sees_all else []
    if user.sees_all:
        # The active teams are listed anyway: the chosen one comes from the list (an inactive one from its row).
        wanted = _int_or_404(request.GET["team"]) if request.GET.get("team") else None
        team = next((t for t in teams if wanted in (None, t.pk)), None)
        if wanted is not None and team is None:
            team = get_object_or_404(Team, pk=wanted)
    else:
        team = user.team
    if team is None:
        raise Http404
    period = Period.parse(request.GET.get("month"), _today())
    report = MonthlyReport(team=team, month=period.start)
    report.data = selectors.report_data(team=team, period=period)
    if request.GET.get("format") == "pdf":
        from performance.rendering import report_pdf

        response = HttpResponse(report_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'{team.name}-{period.key}.pdf')}"
        return response
    context = {
        **report_context(report),
        "preview": True,
        "teams": teams,
    }
    return render(request, "performance/report_detail.html", context)
