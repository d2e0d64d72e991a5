"""Views of the daily meeting and the team board. Thin: fetch (scoped), validate, call a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from meetings import forms, selectors, services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingAttendance, MemberLeave
from teams.access import get_visible_or_404, role_required, safe_next
from teams.editing import EditConflict
from teams.exports import export_response, export_rows
from teams.forms import add_service_errors
from teams.models import Team
from teams.registry import panels_for
from teams.roles import TEAM_ROLES, Role
from teams.submissions import submit_once

MEETING_ROLES = frozenset(TEAM_ROLES | {Role.DEPUTY_GM})


def _meeting(request, pk) -> Meeting:
    return get_visible_or_404(Meeting.objects.select_related("team", "chair", "minutes_by"), request.user, pk=pk)


def _action_item(request, pk) -> ActionItem:
    meetings = Meeting.objects.visible_to(request.user)
    return get_object_or_404(ActionItem.objects.select_related("meeting", "owner"), meeting__in=meetings, pk=pk)


def _back(request, default: str):
    return redirect(safe_next(request, default))


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@role_required(MEETING_ROLES)
def meeting_list(request):
    meeting_filter = selectors.meeting_list(user=request.user, params=request.GET)
    if request.GET.get("export") == "xlsx":
        rows = export_rows(
            meeting_filter.qs,
            "meetings",
            user=request.user,
            row=lambda m: (
                m.date,
                str(m.team),
                str(m.chair or ""),
                _("Yes") if m.held else _("No"),
                m.agenda_count,
                m.present_count,
                m.attendance_count,
                m.action_count,
                m.minutes,
            ),
        )
        headers = [_("Date"), _("Team"), _("Chair"), _("Held"), _("Topics"), _("Present"), _("Expected")]
        headers += [pgettext("action items", "Actions"), _("Minutes")]
        return export_response(
            request,
            kind="meetings",
            filename="meetings.xlsx",
            title=_("Daily meetings"),
            headers=headers,
            rows=rows,
            widths=(12, 12, 12, 8, 8, 8, 8, 8, 50),
        )
    today_meeting = None
    if request.user.team_id:
        today_meeting = services.meeting_for_day(team=request.user.team, date=timezone.localdate())
    page = Paginator(meeting_filter.qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "meetings/list.html",
        {"filter": meeting_filter, "page": page, "today_meeting": today_meeting, "today": timezone.localdate()},
    )


def _detail_context(request, meeting: Meeting, **forms_override) -> dict:
    now = timezone.now()
    members = selectors.team_members(team=meeting.team)
    agenda = selectors.meeting_agenda(meeting=meeting)
    attendance = {a.member_id: a for a in meeting.attendance.select_related("member")}
    roster = [(member, attendance.get(member.pk)) for member in members]
    roster += [(a.member, a) for pk, a in attendance.items() if pk not in {m.pk for m in members}]
    on_leave = selectors.members_on_leave(team=meeting.team, date=meeting.date)
    next_meeting = (
        Meeting.objects.filter(team_id=meeting.team_id, date__gt=meeting.date)
        .select_related("chair")
        .order_by("date")
        .first()
    )
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "roster": roster,
        "on_leave": on_leave,
        "action_items": list(meeting.action_items.select_related("owner")),
        "swaps": list(meeting.chair_swaps.select_related("from_chair", "to_chair", "swapped_by", "other_meeting")),
        "next_meeting": next_meeting,
        "can_run": meeting.can_run(request.user),
        "agenda_open": meeting.agenda_open(now),
        "today": timezone.localdate(),
        "agenda_form": forms.AgendaItemForm(),
        "minutes_form": forms.MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version}),
        "action_form": forms.ActionItemForm(members=members),
        "swap_form": forms.ChairSwapForm(members=[m for m in members if m.pk != meeting.chair_id]),
    }
    context.update(forms_override)
    return context


@role_required(MEETING_ROLES)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


@require_POST
@role_required(MEETING_ROLES)
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    form = forms.AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            submit_once(
                request,
                form,
                lambda: services.agenda_item_add(meeting=meeting, author=request.user, text=form.cleaned_data["text"]),
            )
            form = forms.AgendaItemForm()
        except ValidationError as exc:
            add_service_errors(form, exc)
    if request.htmx:
        context = _detail_context(request, meeting, agenda_form=form)
        return render(request, "meetings/partials/agenda.html", context)
    if form.errors:
        return render(request, "meetings/detail.html", _detail_context(request, meeting, agenda_form=form))
    messages.success(request, _("Topic added to the agenda."))
    return redirect("meetings:meeting_detail", pk=meeting.pk)


@require_POST
@role_required(MEETING_ROLES)
def agenda_delete(request, pk):
    meetings = Meeting.objects.visible_to(request.user)
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), meeting__in=meetings, pk=pk)
    try:
        services.agenda_item_delete(item=item, by=request.user)
        messages.success(request, _("Topic removed."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("meetings:meeting_detail", pk=item.meeting_id)


@role_required(MEETING_ROLES)
def meeting_attendance(request, pk):
    """The chair's roll call: one line per member, a few taps on a phone."""
    meeting = _meeting(request, pk)
    if not meeting.can_run(request.user):
        raise PermissionDenied
    members = selectors.team_members(team=meeting.team)
    existing = {a.member_id: a for a in meeting.attendance.all()}
    on_leave = selectors.members_on_leave(team=meeting.team, date=meeting.date)
    rows = []
    for member in members:
        row = existing.get(member.pk)
        default = MeetingAttendance.Status.LEAVE if member.pk in on_leave else MeetingAttendance.Status.PRESENT
        initial = {"status": row.status if row else default, "reason": row.reason if row else ""}
        data = request.POST if request.method == "POST" else None
        rows.append((member, forms.AttendanceRowForm(data, prefix=f"m{member.pk}", initial=initial)))
    if request.method == "POST" and all(form.is_valid() for _member, form in rows):
        entries = [
            services.AttendanceEntry(
                member=member, status=form.cleaned_data["status"], reason=form.cleaned_data["reason"]
            )
            for member, form in rows
        ]
        try:
            services.meeting_record_attendance(meeting=meeting, by=request.user, entries=entries)
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Attendance saved."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/attendance.html", {"meeting": meeting, "rows": rows, "on_leave": on_leave})


@require_POST
@role_required(MEETING_ROLES)
def meeting_minutes(request, pk):
    meeting = _meeting(request, pk)
    if not meeting.can_run(request.user):
        raise PermissionDenied
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_save_minutes(
                meeting=meeting,
                by=request.user,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
            )
        except EditConflict:
            meeting.refresh_from_db()
            form = forms.MinutesForm(
                initial={"minutes": form.cleaned_data["minutes"], "version": meeting.version},
            )
            messages.error(
                request,
                _(
                    "%(name)s saved the minutes while you were writing. Your text is kept below; "
                    "the saved version is shown above it. Merge and save again."
                )
                % {"name": meeting.minutes_by or _("Someone")},
            )
            context = _detail_context(request, meeting, minutes_form=form, minutes_conflict=True)
            return render(request, "meetings/detail.html", context, status=409)
        messages.success(request, _("Minutes saved."))
        return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, minutes_form=form))


@require_POST
@role_required(MEETING_ROLES)
def action_item_add(request, pk):
    meeting = _meeting(request, pk)
    if not meeting.can_run(request.user):
        raise PermissionDenied
    members = selectors.team_members(team=meeting.team)
    form = forms.ActionItemForm(request.POST, members=members)
    if form.is_valid():
        try:
            submit_once(
                request, form, lambda: services.action_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Action item added."))
            return redirect(reverse("meetings:meeting_detail", args=[meeting.pk]) + "#actions")
    return render(request, "meetings/detail.html", _detail_context(request, meeting, action_form=form))


@require_POST
@role_required(MEETING_ROLES)
def action_item_done(request, pk):
    item = _action_item(request, pk)
    try:
        services.action_item_complete(item=item, by=request.user)
    except ValidationError as exc:
        raise PermissionDenied(_errors(exc)) from exc
    if request.htmx:
        return render(request, "meetings/partials/action_row.html", {"item": item, "today": timezone.localdate()})
    messages.success(request, _("Action item done: %(text)s") % {"text": item.text})
    return _back(request, reverse("meetings:meeting_detail", args=[item.meeting_id]))


@require_POST
@role_required(MEETING_ROLES)
def action_item_reopen(request, pk):
    item = _action_item(request, pk)
    try:
        services.action_item_reopen(item=item, by=request.user)
    except ValidationError as exc:
        raise PermissionDenied(_errors(exc)) from exc
    messages.info(request, _("Action item reopened."))
    return _back(request, reverse("meetings:meeting_detail", args=[item.meeting_id]))


@require_POST
@role_required(MEETING_ROLES)
def meeting_swap_chair(request, pk):
    meeting = _meeting(request, pk)
    if not meeting.can_run(request.user):
        raise PermissionDenied
    members = selectors.team_members(team=meeting.team)
    form = forms.ChairSwapForm(request.POST, members=members)
    if form.is_valid():
        try:
            services.meeting_swap_chair(
                meeting=meeting,
                to_chair=form.cleaned_data["to_chair"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The chair has changed."))
            return redirect("meetings:meeting_detail", pk=meeting.pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, swap_form=form))


@role_required(Role.CONSULTANT, Role.DEPUTY_GM)
def meeting_schedule(request):
    team = selectors.team_for_board(user=request.user, team_id=request.GET.get("team"))
    if team is None:
        raise Http404
    schedule = services.schedule_for(team=team)
    form = forms.ScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        services.schedule_update(schedule=schedule, data=form.cleaned_data)
        messages.success(request, _("Meeting schedule saved."))
        return redirect(reverse("meetings:board") + f"?team={team.pk}")
    return render(request, "meetings/schedule.html", {"form": form, "team": team})


# --- Team board -------------------------------------------------------------------------------------


def _can_manage_team(user, team) -> bool:
    return user.sees_all or (user.role == Role.CONSULTANT and user.team_id == team.pk)


@role_required(MEETING_ROLES)
def board(request):
    """The team page: members, today's meeting, open actions, what each member has due today, other apps' panels."""
    team = selectors.team_for_board(user=request.user, team_id=request.GET.get("team"))
    if team is None:
        raise Http404
    today = timezone.localdate()
    schedule = services.schedule_for(team=team)
    # Today's and the next meeting in one query; today's is created on first use if missing.
    meetings = list(Meeting.objects.filter(team=team, date__gte=today).select_related("chair").order_by("date")[:2])
    if meetings and meetings[0].date == today:
        today_meeting = meetings[0]
    else:
        today_meeting = services.meeting_for_day(team=team, date=today, schedule=schedule)
    upcoming = next((m for m in meetings if m.date > today), None)
    members = selectors.team_members(team=team)
    agenda = selectors.meeting_agenda(meeting=today_meeting, carried_rows=False) if today_meeting else None
    panels = []
    for panel in panels_for(request.user, page="board"):
        context = panel.context(request, team=team)
        if context is not None:
            panels.append({"panel": panel, "context": context})
    manager = _can_manage_team(request.user, team)
    leaves = list(
        MemberLeave.objects.filter(member__team=team, end_date__gte=today)
        .select_related("member")
        .order_by("start_date")
    )
    leave_members = members if manager else [m for m in members if m.pk == request.user.pk]
    context = {
        "team": team,
        "teams": Team.objects.filter(is_active=True) if request.user.sees_all else [],
        "schedule": schedule,
        "members": members,
        "on_leave": {leave.member_id for leave in leaves if leave.start_date <= today},
        "today_meeting": today_meeting,
        "agenda": agenda,
        "upcoming": upcoming,
        "open_items": list(selectors.team_open_action_items(team=team)),
        "due": selectors.due_today(team=team, members=members, user=request.user, today=today),
        "panels": panels,
        "today": today,
        "can_manage": manager,
        "leave_form": forms.LeaveForm(members=leave_members, initial={"start_date": today, "end_date": today})
        if leave_members
        else None,
        "leaves": leaves,
    }
    return render(request, "meetings/board/board.html", context)


@require_POST
@role_required(MEETING_ROLES)
def leave_add(request):
    team = selectors.team_for_board(user=request.user, team_id=request.POST.get("team"))
    if team is None:
        raise Http404
    members = selectors.team_members(team=team)
    if not _can_manage_team(request.user, team):
        members = [m for m in members if m.pk == request.user.pk]
    form = forms.LeaveForm(request.POST, members=members)
    if form.is_valid():
        try:
            submit_once(request, form, lambda: services.leave_record(by=request.user, **form.cleaned_data))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, _("Leave recorded."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("meetings:board") + f"?team={team.pk}")
