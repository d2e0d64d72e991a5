"""Pages of the performance app: dashboards and drill-downs, target cards,
team targets, highlights, monthly reports."""

import mimetypes
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints.models import Complaint
from performance import selectors, services
from performance.filters import CardFilter, ReportFilter
from performance.forms import (
    HighlightForm,
    NarrativeForm,
    PhotoForm,
    ReturnForm,
    ReviewForm,
    SelfAssessForm,
    TargetsForm,
    TeamTargetForm,
    VersionForm,
)
from performance.metrics import METRICS, Period, Scope
from performance.models import CardItem, Highlight, MonthlyReport, TargetCard, TeamTarget
from performance.rendering import report_context
from teams.access import ALL_ROLES, get_visible_or_404, role_required
from teams.exports import xlsx_response
from teams.models import Team, User
from teams.roles import Role

PAGE_SIZE = 25
LEADERS = (Role.CONSULTANT, Role.DEPUTY_GM)


# --- scope: whose figures a user may look at -----------------------------------------


def resolve_scope(user, *, team_id=None, person_id=None) -> Scope:
    """The scope asked for, if ``user`` may see it (404 otherwise, so ids do not leak).

    Deputy GM: anything. Consultant: the team, and each of its members. Others:
    their team and themselves. Without a choice: company (deputy GM), the team,
    or oneself (staff without a team).
    """
    try:
        team_id = int(team_id) if team_id else None
        person_id = int(person_id) if person_id else None
    except ValueError:
        raise Http404 from None
    if person_id:
        person = User.objects.filter(pk=person_id, is_active=True).only("pk", "team_id").first()
        if person is None:
            raise Http404
        if not (
            user.sees_all
            or person.pk == user.pk
            or (user.role == Role.CONSULTANT and user.team_id and person.team_id == user.team_id)
        ):
            raise Http404
        return Scope(person_id=person.pk)
    if team_id:
        if not (user.sees_all or team_id == user.team_id) or not Team.objects.filter(pk=team_id).exists():
            raise Http404
        return Scope(team_id=team_id)
    if user.sees_all:
        return Scope()
    if user.team_id:
        return Scope(team_id=user.team_id)
    return Scope(person_id=user.pk)


def scope_title(scope: Scope) -> str:
    if scope.person_id:
        return str(User.objects.get(pk=scope.person_id))
    if scope.team_id:
        return str(Team.objects.get(pk=scope.team_id))
    return _("Whole company")


def scope_params(scope: Scope) -> str:
    if scope.person_id:
        return f"&person={scope.person_id}"
    if scope.team_id:
        return f"&team={scope.team_id}"
    return ""


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404 from None


def _today():
    return timezone.localdate()


# --- dashboard -------------------------------------------------------------------------


@role_required(ALL_ROLES)
def dashboard(request):
    user = request.user
    scope = resolve_scope(user, team_id=request.GET.get("team"), person_id=request.GET.get("person"))
    period = Period.parse(request.GET.get("month"), _today())
    data = selectors.dashboard_data(period=period, scope=scope, money=selectors.sees_money(user))
    labels = {key: str(metric.label) for key, metric in METRICS.items()}
    trend_chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [labels[k] for k in data["trend"]["series"]]},
        "xAxis": {"type": "category", "data": data["trend"]["months"]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": labels[k], "type": "line", "data": [float(v) if v is not None else None for v in values]}
            for k, values in data["trend"]["series"].items()
        ],
    }
    category_chart = {
        "tooltip": {},
        "xAxis": {"type": "category", "data": [selectors.category_label(c) for c in data["categories"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": list(data["categories"].values()), "name": _("Complaints")}],
    }
    team_chart = None
    if data["teams"]:
        team_chart = {
            "tooltip": {"trigger": "axis"},
            "legend": {"data": [labels["signings"], labels["complaints_registered"]]},
            "xAxis": {"type": "category", "data": [t["name"] for t in data["teams"]]},
            "yAxis": {"type": "value", "minInterval": 1},
            "series": [
                {"name": labels[k], "type": "bar", "data": [t["values"].get(k) or 0 for t in data["teams"]]}
                for k in ("signings", "complaints_registered")
            ],
        }
    months = [Period.month_of(_today())]
    for _i in range(11):
        months.append(months[-1].previous())
    context = {
        "data": data,
        "scope": scope,
        "scope_title": scope_title(scope),
        "scope_params": scope_params(scope),
        "period": period,
        "previous": period.previous(),
        "months": months,
        "computed_at": parse_datetime(data["computed_at"]),
        "trend_chart": trend_chart,
        "category_chart": category_chart,
        "team_chart": team_chart,
        "teams": Team.objects.filter(is_active=True) if user.sees_all else Team.objects.none(),
        "team_keys": [k for k in selectors.DASHBOARD_KEYS if not data["teams"] or k in data["teams"][0]["values"]],
    }
    return render(request, "performance/dashboard.html", context)


# Columns of the drill-down list per model: (header, function of the row).
def _link(url_name, pk, text):
    try:
        return {"url": reverse(url_name, args=[pk]), "text": text}
    except NoReverseMatch:
        return text


def _dt(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


DRILL_COLUMNS = {
    "Client": (
        ["team", "consultant"],
        lambda: [_("Client"), _("Team"), _("Consultant"), _("Stage"), _("Created"), _("Lost at")],
        lambda o: [
            _link("clients:detail", o.pk, o.name),
            o.team.name,
            str(o.consultant or "—"),
            o.get_stage_display(),
            _dt(o.created_at),
            _dt(o.lost_at),
        ],
    ),
    "Contract": (
        ["team", "client", "signed_by"],
        lambda: [_("Contract"), _("Client"), _("Team"), _("Signed on"), _("Signed by"), _("Amount (yuan)")],
        lambda o: [
            o.number,
            o.client.name,
            o.team.name,
            str(o.signed_date),
            str(o.signed_by),
            f"{o.total_amount:,.2f}",
        ],
    ),
    "FollowUpVisit": (
        ["client", "team", "owner"],
        lambda: [_("Client"), _("Visit point"), _("Owner"), _("Due date"), _("Done at"), _("Satisfaction")],
        lambda o: [o.client.name, o.point, str(o.owner), str(o.due_date), _dt(o.done_at), o.satisfaction or "—"],
    ),
    "Complaint": (
        ["team", "handler", "client"],
        lambda: [
            _("Complaint"),
            _("Team"),
            _("Category"),
            _("Severity"),
            _("State"),
            _("Registered"),
            _("Resolve by"),
            _("Resolved at"),
        ],
        lambda o: [
            _link("complaints:detail", o.pk, f"#{o.pk} {o.caller_name}"),
            o.team.name,
            o.get_category_display(),
            o.get_severity_display(),
            o.get_state_display(),
            _dt(o.registered_at),
            _dt(o.resolve_due_at),
            _dt(o.resolved_at),
        ],
    ),
    "Project": (
        ["team", "project_manager"],
        lambda: [
            _("Project"),
            _("Team"),
            _("Project manager"),
            _("Planned finish"),
            _("Actual start"),
            _("Actual finish"),
        ],
        lambda o: [
            _link("projects:detail", o.pk, o.name),
            o.team.name,
            str(o.project_manager or "—"),
            str(o.planned_finish or "—"),
            str(o.actual_start or "—"),
            str(o.actual_finish or "—"),
        ],
    ),
    "DrawingTask": (
        ["project", "assignee"],
        lambda: [_("Drawing"), _("Project"), _("Assigned to"), _("Deadline"), _("Delivered at")],
        lambda o: [o.title, o.project.name, str(o.assignee), str(o.deadline), _dt(o.delivered_at)],
    ),
    "SchedulePhase": (
        ["project"],
        lambda: [_("Phase"), _("Project"), _("Planned finish"), _("Actual finish")],
        lambda o: [o.get_kind_display(), o.project.name, str(o.planned_finish), str(o.actual_finish or "—")],
    ),
    "Inspection": (
        ["phase__project", "inspector"],
        lambda: [_("Project"), _("Phase"), _("Inspector"), _("Inspected on"), _("Result")],
        lambda o: [
            o.phase.project.name,
            o.phase.get_kind_display(),
            str(o.inspector),
            str(o.inspected_on),
            o.get_result_display(),
        ],
    ),
    "CrewEvaluation": (
        ["crew", "phase__project", "evaluated_by"],
        lambda: [_("Crew"), _("Project"), _("Evaluated by"), _("Evaluated on")],
        lambda o: [o.crew.name, o.phase.project.name, str(o.evaluated_by), str(o.evaluated_on)],
    ),
    "Call": (
        ["logged_by", "forward_to", "forward_team"],
        lambda: [
            _("Caller"),
            _("Purpose"),
            _("Forwarded to"),
            _("Forwarded at"),
            _("Acknowledge by"),
            _("Acknowledged at"),
        ],
        lambda o: [
            o.caller_name,
            o.purpose,
            str(o.forward_to or o.forward_team or "—"),
            _dt(o.forwarded_at),
            _dt(o.ack_due_at),
            _dt(o.acknowledged_at),
        ],
    ),
    "Meeting": (
        ["team", "chair"],
        lambda: [_("Team"), _("Date"), _("Chair")],
        lambda o: [o.team.name, str(o.date), str(o.chair or "—")],
    ),
    "MeetingAttendance": (
        ["meeting__team", "member"],
        lambda: [_("Team"), _("Date"), _("Member"), _("Status"), _("Reason")],
        lambda o: [o.meeting.team.name, str(o.meeting.date), str(o.member), o.get_status_display(), o.reason],
    ),
    "ActionItem": (
        ["meeting__team", "owner"],
        lambda: [_("Action"), _("Team"), _("Owner"), _("Due date"), _("Done at")],
        lambda o: [o.text, o.meeting.team.name, str(o.owner), str(o.due_date or "—"), _dt(o.done_at)],
    ),
    "Training": (
        ["team"],
        lambda: [_("Topic"), _("Trainer"), _("Date"), _("Team")],
        lambda o: [o.topic, o.trainer, str(o.date), str(o.team or _("Company-wide"))],
    ),
    "TrainingAttendance": (
        ["training", "member"],
        lambda: [_("Topic"), _("Date"), _("Member")],
        lambda o: [o.training.topic, str(o.training.date), str(o.member)],
    ),
}


def drill_queryset(user, metric, period, scope, *, category=None, now=None):
    """Exactly the metric's records (same function, same filter), limited to what ``user`` may see."""
    qs = metric.queryset(period, scope, now=now)
    if category:
        if metric.model is not Complaint or category not in Complaint.Category.values:
            raise Http404
        qs = qs.filter(category=category)
    if hasattr(qs, "visible_to"):
        qs = qs.visible_to(user)
    return qs


@role_required(ALL_ROLES)
def drill(request, key):
    metric = METRICS.get(key)
    if metric is None:
        raise Http404
    user = request.user
    if metric.key in selectors.MONEY_KEYS and not selectors.sees_money(user):
        raise Http404
    scope = resolve_scope(user, team_id=request.GET.get("team"), person_id=request.GET.get("person"))
    if not metric.applies_to(scope):
        raise Http404
    period = Period.parse(request.GET.get("month"), _today())
    category = request.GET.get("category") or None
    related, headers, cells = DRILL_COLUMNS[metric.model.__name__]
    qs = drill_queryset(user, metric, period, scope, category=category).select_related(*related).order_by("-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"cells": cells(obj), "hit": getattr(obj, "metric_hit", None)} for obj in page]
    counted = metric.queryset(period, scope).filter(category=category).count() if category else None
    if counted is None:
        counted = metric.queryset(period, scope).count()
    return render(
        request,
        "performance/drill.html",
        {
            "metric": metric,
            "value": metric.value(period, scope) if not category else None,
            "period": period,
            "scope": scope,
            "scope_title": scope_title(scope),
            "scope_params": scope_params(scope),
            "category": selectors.category_label(category) if category else "",
            "headers": headers(),
            "rows": rows,
            "page": page,
            "is_ratio": metric.hit is not None,
            "hidden": counted - page.paginator.count,
        },
    )


# --- target cards -------------------------------------------------------------------


CARD_ROLES = ALL_ROLES


@role_required(CARD_ROLES)
def card_list(request):
    qs = TargetCard.objects.visible_to(request.user).select_related("member", "team")
    member_id = request.GET.get("member")
    history_of = None
    if member_id:
        try:
            history_of = get_object_or_404(User, pk=int(member_id))
        except ValueError:
            raise Http404 from None
        qs = qs.filter(member=history_of)
        if not qs.exists() and history_of != request.user:
            raise Http404
    filterset = CardFilter(request.GET, queryset=qs)
    if request.GET.get("format") == "xlsx":
        return _cards_sheet(filterset.qs)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    today = _today()
    return render(
        request,
        "performance/card_list.html",
        {
            "filter": filterset,
            "page": page,
            "history_of": history_of,
            "current": selectors.current_card(request.user, today),
            "to_review": TargetCard.objects.visible_to(request.user)
            .filter(state=_states_waiting_for(request.user))
            .exclude(member=request.user)
            .count()
            if request.user.role in LEADERS
            else 0,
        },
    )


def _cards_sheet(qs):
    """The filtered cards as a sheet (only what the user may see)."""
    rows = (
        (
            f"{c.month:%Y-%m}",
            c.member.full_name,
            c.team.name if c.team else "",
            c.get_state_display(),
            c.adjustment,
            c.final_score,
        )
        for c in qs
    )
    headers = [_("Month"), _("Member"), _("Team"), _("State"), _("Score adjustment"), _("Final score")]
    return xlsx_response("目标卡.xlsx", [(_("Target cards"), headers, rows)])


def _states_waiting_for(user):
    return TargetCard.State.REVIEWED if user.sees_all else TargetCard.State.SELF_ASSESSED


def _card_for(request, pk):
    return get_visible_or_404(
        TargetCard.objects.select_related("member", "team", "reviewed_by", "approved_by").prefetch_related(
            Prefetch("items", queryset=CardItem.objects.order_by("order", "pk"))
        ),
        request.user,
        pk=pk,
    )


def _card_context(request, card, **forms):
    user = request.user
    rows = selectors.card_progress(card)
    period = Period.month_of(card.month)
    is_member = card.member_id == user.pk
    is_leader = user.role == Role.CONSULTANT and user.team_id == card.team_id and not is_member
    state = TargetCard.State
    context = {
        "card": card,
        "rows": rows,
        "computed_total": selectors.card_total(rows),
        "total": card.final_score if card.is_locked else selectors.card_total(rows, card.adjustment),
        "days_left": period.days_left(_today()),
        "period": period,
        "events": card.events.select_related("actor"),
        "can_set_targets": card.state == state.DRAFT and (is_leader or user.sees_all),
        "can_confirm": card.state == state.DRAFT and is_member,
        "can_self_assess": card.state == state.CONFIRMED and is_member,
        "can_review": card.state == state.SELF_ASSESSED and (is_leader or user.sees_all),
        "can_approve": card.state == state.REVIEWED and user.sees_all,
    }
    if context["can_set_targets"]:
        context["targets_form"] = forms.get("targets_form") or TargetsForm(
            items=card.items.all(), initial={"version": card.version}
        )
    if context["can_self_assess"]:
        context["self_form"] = forms.get("self_form") or SelfAssessForm(
            manual_items=[i for i in card.items.all() if i.is_manual],
            initial={"version": card.version, "self_assessment": card.self_assessment},
        )
    if context["can_review"]:
        context["review_form"] = forms.get("review_form") or ReviewForm(initial={"version": card.version})
    if context["can_approve"]:
        context["approve_form"] = VersionForm(initial={"version": card.version})
        context["return_form"] = forms.get("return_form") or ReturnForm(initial={"version": card.version})
    if context["can_confirm"]:
        context["confirm_form"] = VersionForm(initial={"version": card.version})
    return context


@role_required(CARD_ROLES)
def card_detail(request, pk):
    card = _card_for(request, pk)
    return render(request, "performance/card_detail.html", _card_context(request, card))


def _card_action(request, pk, form_class, form_name, call, form_kwargs=None):
    """POST: validate, call one service; on error re-render with what the user typed."""
    card = _card_for(request, pk)
    form = form_class(request.POST, **(form_kwargs(card) if form_kwargs else {}))
    if form.is_valid():
        try:
            call(card, form)
        except services.StaleEdit:
            messages.error(request, _("Someone changed this card meanwhile. Reload it; what you typed is kept below."))
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("performance:card_detail", pk=card.pk)
    card.refresh_from_db()
    return render(
        request,
        "performance/card_detail.html",
        _card_context(request, card, **{form_name: form}),
        status=400 if form.errors else 409,
    )


@role_required(CARD_ROLES)
@require_POST
def card_targets(request, pk):
    return _card_action(
        request,
        pk,
        TargetsForm,
        "targets_form",
        lambda card, form: services.card_set_targets(
            card=card, user=request.user, version=form.cleaned_data["version"], targets=form.clean_targets()
        ),
        lambda card: {"items": card.items.all()},
    )


@role_required(CARD_ROLES)
@require_POST
def card_confirm(request, pk):
    return _card_action(
        request,
        pk,
        VersionForm,
        "confirm_form",
        lambda card, form: services.card_confirm(card=card, user=request.user, version=form.cleaned_data["version"]),
    )


@role_required(CARD_ROLES)
@require_POST
def card_self_assess(request, pk):
    return _card_action(
        request,
        pk,
        SelfAssessForm,
        "self_form",
        lambda card, form: services.card_self_assess(
            card=card,
            user=request.user,
            version=form.cleaned_data["version"],
            text=form.cleaned_data["self_assessment"],
            manual=form.clean_manual(),
        ),
        lambda card: {"manual_items": [i for i in card.items.all() if i.is_manual]},
    )


@role_required(Role.CONSULTANT, Role.DEPUTY_GM)
@require_POST
def card_review(request, pk):
    return _card_action(
        request,
        pk,
        ReviewForm,
        "review_form",
        lambda card, form: services.card_review(
            card=card,
            user=request.user,
            version=form.cleaned_data["version"],
            comment=form.cleaned_data["comment"],
            adjustment=form.cleaned_data["adjustment"],
            reason=form.cleaned_data["reason"],
        ),
    )


@role_required(Role.DEPUTY_GM)
@require_POST
def card_approve(request, pk):
    return _card_action(
        request,
        pk,
        VersionForm,
        "approve_form",
        lambda card, form: services.card_approve(card=card, user=request.user, version=form.cleaned_data["version"]),
    )


@role_required(Role.DEPUTY_GM)
@require_POST
def card_return(request, pk):
    return _card_action(
        request,
        pk,
        ReturnForm,
        "return_form",
        lambda card, form: services.card_return(
            card=card, user=request.user, version=form.cleaned_data["version"], comment=form.cleaned_data["comment"]
        ),
    )


# --- team targets ----------------------------------------------------------------------


@role_required(*LEADERS)
def team_targets(request):
    """The month's team targets; the deputy GM sets them with the consultant."""
    user = request.user
    period = Period.parse(request.GET.get("month") or request.POST.get("month"), _today())
    teams = Team.objects.filter(is_active=True)
    if not user.sees_all:
        teams = teams.filter(pk=user.team_id)
    existing = {t.team_id: t for t in TeamTarget.objects.visible_to(user).filter(month=period.start)}
    form, form_team = None, None
    if request.method == "POST":
        if not user.sees_all:
            raise PermissionDenied
        form_team = get_object_or_404(teams, pk=_int_or_404(request.POST.get("team")))
        form = TeamTargetForm(request.POST, instance=existing.get(form_team.pk))
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in TeamTargetForm.Meta.fields}
            try:
                services.team_target_save(
                    team=form_team, month=period.start, user=user, version=form.cleaned_data.get("version"), **values
                )
            except services.StaleEdit:
                messages.error(request, _("Someone changed these targets meanwhile. Check them and save again."))
            else:
                messages.success(request, _("Team targets saved."))
                return redirect(f"{reverse('performance:team_targets')}?month={period.key}")
    rows = []
    for team in teams:
        target = existing.get(team.pk)
        if form is not None and form_team == team:
            team_form = form
        else:
            team_form = TeamTargetForm(instance=target, initial={"version": target.version if target else None})
        rows.append({"team": team, "target": target, "form": team_form})
    return render(
        request,
        "performance/team_targets.html",
        {
            "rows": rows,
            "period": period,
            "previous": period.previous(),
            "next": period.next(),
            "editable": user.sees_all,
        },
        status=400 if form is not None and form.errors else 200,
    )


# --- highlights -------------------------------------------------------------------------


@role_required(*LEADERS)
def highlights(request):
    user = request.user
    qs = Highlight.objects.visible_to(user).select_related("team", "member", "given_by")
    team = None
    if user.role == Role.CONSULTANT:
        team = user.team
    elif request.GET.get("team") or request.POST.get("team"):
        team = get_object_or_404(Team, pk=_int_or_404(request.GET.get("team") or request.POST.get("team")))
    members = User.objects.filter(team=team, is_active=True) if team else User.objects.none()
    form = HighlightForm(request.POST or None, members=members)
    if request.method == "POST":
        if team is None:
            raise Http404
        if form.is_valid():
            services.highlight_give(team=team, given_by=user, **form.cleaned_data)
            messages.success(request, _("Highlight given."))
            return redirect("performance:highlights")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "performance/highlights.html",
        {
            "page": page,
            "form": form if team else None,
            "team": team,
            "teams": Team.objects.filter(is_active=True) if user.sees_all else [],
        },
        status=400 if form.errors else 200,
    )


# --- monthly reports ---------------------------------------------------------------------


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
        except services.StaleEdit:
            messages.error(request, _("Someone changed this report meanwhile. Your text is kept below; save again."))
            return _report_page(request, report, form, status=409)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
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
            services.report_add_photo(
                report=report, user=request.user, image=form.cleaned_data["image"], caption=form.cleaned_data["caption"]
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
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
    except services.StaleEdit:
        messages.error(request, _("The report changed meanwhile; read it again before approving."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Approved. The report is being sent to headquarters."))
    return redirect("performance:report_detail", pk=report.pk)


@role_required(*LEADERS)
@require_POST
def report_regenerate(request, pk):
    report = _report_for(request, pk)
    try:
        services.report_generate(team=report.team, month=report.month, user=request.user, regenerate=True)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The figures were computed again."))
    return redirect("performance:report_detail", pk=report.pk)


@role_required(*LEADERS)
def report_file(request, pk, kind):
    """The archived PDF or Excel, for those who may see the report."""
    report = _report_for(request, pk)
    field = {"pdf": report.pdf, "xlsx": report.xlsx}.get(kind)
    if not field:
        raise Http404
    filename = f"{report.team.name}-{report.month:%Y-%m}.{kind}"
    response = FileResponse(field.open("rb"), content_type=mimetypes.guess_type(filename)[0])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@role_required(*LEADERS)
def report_preview(request):
    """The current month's report as it would look now (nothing is stored)."""
    user = request.user
    if user.sees_all:
        team = (
            get_object_or_404(Team, pk=_int_or_404(request.GET["team"]))
            if request.GET.get("team")
            else Team.objects.filter(is_active=True).first()
        )
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
        "teams": Team.objects.filter(is_active=True) if user.sees_all else [],
    }
    return render(request, "performance/report_detail.html", context)
