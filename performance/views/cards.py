"""Target card pages: the list, a card, and each step of its appraisal (targets, confirm,
self-assess, review, approve, return, reopen)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from performance import selectors, services
from performance.filters import CardFilter
from performance.forms import ReopenForm, ReturnForm, ReviewForm, SelfAssessForm, TargetsForm, VersionForm
from performance.metrics import Period
from performance.models import CardItem, TargetCard
from performance.views.common import LEADERS, PAGE_SIZE, _today
from teams.access import ALL_ROLES, get_visible_or_404, role_required
from teams.editing import EditConflict
from teams.exports import MONTH, TWO_DECIMALS, Figure, export_response, export_rows
from teams.forms import add_service_errors
from teams.models import User
from teams.roles import Role

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
        return _cards_sheet(request, filterset.qs)
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


def _cards_sheet(request, qs):
    """The filtered cards as a sheet (only what the user may see)."""
    rows = export_rows(
        qs,
        "target_cards",
        user=request.user,
        row=lambda c: (
            Figure(c.month, MONTH),
            c.member.full_name,
            c.team.name if c.team else "",
            c.get_state_display(),
            Figure(c.adjustment, TWO_DECIMALS),
            Figure(c.final_score, TWO_DECIMALS),
        ),
    )
    headers = [_("Month"), _("Member"), _("Team"), _("State"), _("Score adjustment"), _("Final score")]
    return export_response(
        request,
        kind="target_cards",
        filename="目标卡.xlsx",
        title=_("Target cards"),
        headers=headers,
        rows=rows,
        widths=(10, 12, 12, 12, 12, 12),
    )


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
    events = list(card.events.select_related("actor"))
    opens_on = card.self_assessment_opens_on
    context = {
        "card": card,
        "rows": rows,
        "computed_total": selectors.card_total(rows),
        "total": card.final_score if card.is_locked else selectors.card_total(rows, card.adjustment),
        "days_left": period.days_left(_today()),
        "period": period,
        "events": events,
        "reopened": next((e for e in reversed(events) if e.action == "reopened"), None)
        if card.state == state.REVIEWED
        else None,
        "self_assessment_opens_on": opens_on,
        "self_assessment_waits": card.state == state.CONFIRMED and is_member and _today() < opens_on,
        "can_set_targets": card.state == state.DRAFT and (is_leader or user.sees_all),
        "can_confirm": card.state == state.DRAFT and is_member,
        "can_self_assess": card.state == state.CONFIRMED and is_member and _today() >= opens_on,
        "can_review": card.state == state.SELF_ASSESSED and (is_leader or user.sees_all),
        "can_approve": card.state == state.REVIEWED and user.sees_all,
        "can_reopen": card.is_locked and user.has_role(Role.DEPUTY_GM),
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
    if context["can_reopen"]:
        context["reopen_form"] = forms.get("reopen_form") or ReopenForm(initial={"version": card.version})
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
        except EditConflict:
            messages.error(request, _("Someone changed this card meanwhile. Reload it; what you typed is kept below."))
        except ValidationError as exc:
            add_service_errors(form, exc)
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


@role_required(Role.DEPUTY_GM)
@require_POST
def card_reopen(request, pk):
    return _card_action(
        request,
        pk,
        ReopenForm,
        "reopen_form",
        lambda card, form: services.card_reopen(
            card=card, user=request.user, version=form.cleaned_data["version"], reason=form.cleaned_data["reason"]
        ),
    )
