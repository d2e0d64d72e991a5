"""Views of training (培训): sessions, attendance, feedback, a member's history."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from meetings import forms
from meetings import training as training_services
from meetings.models import Training
from meetings.views import MEETING_ROLES
from teams.access import get_visible_or_404, role_required
from teams.exports import ONE_DECIMAL, Figure, export_response, export_rows
from teams.models import User
from teams.roles import Role
from teams.submissions import submit_once


def _training(request, pk) -> Training:
    return get_visible_or_404(Training.objects.select_related("team", "created_by"), request.user, pk=pk)


@role_required(MEETING_ROLES)
def training_list(request):
    training_filter = training_services.training_list(user=request.user, params=request.GET)
    if request.GET.get("export") == "xlsx":
        rows = export_rows(
            training_filter.qs,
            "trainings",
            user=request.user,
            row=lambda t: (
                t.date,
                t.topic,
                t.trainer,
                t.get_trainer_kind_display(),
                str(t.team or _("Company-wide")),
                t.place,
                t.attended_count,
                Figure(t.rating_avg, ONE_DECIMAL) if t.rating_avg else None,
            ),
        )
        headers = [
            _("Date"),
            _("Topic"),
            _("Trainer"),
            _("Trainer is"),
            _("Team"),
            _("Place"),
            _("Attended"),
            _("Rating"),
        ]
        return export_response(
            request,
            kind="trainings",
            filename="trainings.xlsx",
            title=_("Trainings"),
            headers=headers,
            rows=rows,
            widths=(12, 30, 12, 12, 12, 16, 8, 8),
        )
    page = Paginator(training_filter.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/training/list.html",
        {
            "filter": training_filter,
            "page": page,
            "can_create": training_services.training_can_manage(training=None, user=request.user),
        },
    )


@role_required(MEETING_ROLES)
def training_edit(request, pk=None):
    training = _training(request, pk) if pk else Training()
    if not training_services.training_can_manage(training=training if pk else None, user=request.user):
        raise PermissionDenied
    form = forms.TrainingForm(request.POST or None, instance=training, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = submit_once(
            request, form, lambda: training_services.training_save(training=form.instance, by=request.user)
        )
        training = saved or form.instance
        messages.success(request, _("Training saved."))
        return redirect("meetings:training_detail", pk=training.pk)
    return render(request, "meetings/training/form.html", {"form": form, "training": training if pk else None})


@role_required(MEETING_ROLES)
def training_detail(request, pk):
    training = _training(request, pk)
    can_manage = training_services.training_can_manage(training=training, user=request.user)
    attendance = {a.member_id: a for a in training.attendance.select_related("member", "member__team")}
    roster = (
        [(m, attendance.get(m.pk)) for m in training_services.training_roster(training=training)] if can_manage else []
    )
    mine = attendance.get(request.user.pk)
    feedback_form = None
    if mine is not None and mine.attended:
        feedback_form = forms.FeedbackForm(initial={"rating": mine.rating, "feedback": mine.feedback})
    feedback = [a for a in attendance.values() if a.rating or a.feedback]
    return render(
        request,
        "meetings/training/detail.html",
        {
            "training": training,
            "can_manage": can_manage,
            "roster": roster,
            "mine": mine,
            "feedback_form": feedback_form,
            "feedback": feedback,
            "attended_count": sum(1 for a in attendance.values() if a.attended),
        },
    )


@require_POST
@role_required(MEETING_ROLES)
def training_attendance(request, pk):
    training = _training(request, pk)
    if not training_services.training_can_manage(training=training, user=request.user):
        raise PermissionDenied
    attended = {int(v) for v in request.POST.getlist("attended") if v.isdigit()}
    count = training_services.training_record_attendance(training=training, attended_ids=attended)
    messages.success(request, _("Attendance saved: %(count)s attended.") % {"count": count})
    return redirect("meetings:training_detail", pk=training.pk)


@require_POST
@role_required(MEETING_ROLES)
def training_feedback(request, pk):
    training = _training(request, pk)
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            training_services.training_give_feedback(
                training=training,
                member=request.user,
                rating=form.cleaned_data["rating"],
                feedback=form.cleaned_data["feedback"],
            )
        except ValidationError as exc:
            raise PermissionDenied(" ".join(exc.messages)) from exc
        messages.success(request, _("Thank you for your feedback."))
    else:
        messages.error(request, _("Please choose a rating from 1 to 5."))
    return redirect("meetings:training_detail", pk=training.pk)


@role_required(MEETING_ROLES)
def training_history(request):
    """A member's training history: your own; a consultant sees their team's members, the deputy GM everyone's."""
    member = request.user
    member_id = request.GET.get("member")
    if member_id and member_id != str(request.user.pk):
        if not member_id.isdigit():
            raise Http404
        candidates = User.objects.filter(pk=int(member_id), is_active=True)
        if not request.user.sees_all:
            if request.user.role != Role.CONSULTANT:
                raise Http404
            candidates = candidates.filter(team_id=request.user.team_id)
        member = candidates.first()
        if member is None:
            raise Http404
    history = list(training_services.training_history(member=member))
    return render(
        request,
        "meetings/training/history.html",
        {"member": member, "history": history, "attended": sum(1 for a in history if a.attended)},
    )
