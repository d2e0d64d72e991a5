"""Target cards (目标卡) and appraisal: monthly creation, targets, confirmation, self-assessment,
review, approval or return, reopening, and the item score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from performance import selectors
from performance.metrics import round_half_up
from performance.models import CARD_TRANSITIONS, SCORE_CAP, CardEvent, CardItem, RoleTemplateItem, TargetCard
from teams.editing import versioned_update
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.roles import Role
from teams.selectors import deputy_gms
from teams.services import notify


def card_create_for_month(*, month: dt.date) -> int:
    """Create this month's card for every active member whose role has a template.

    Idempotent: the unique (member, month) constraint makes a second run add nothing.
    """
    month = month.replace(day=1)
    templates = {}
    for item in RoleTemplateItem.objects.all():
        templates.setdefault(item.role, []).append(item)
    created = 0
    members = User.objects.filter(is_active=True, role__in=list(templates)).exclude(target_cards__month=month)
    for member in members:
        try:
            with transaction.atomic():
                card = TargetCard.objects.create(member=member, team_id=member.team_id, month=month)
                CardItem.objects.bulk_create(
                    CardItem(
                        card=card,
                        label=item.label,
                        metric=item.metric,
                        unit=item.unit,
                        target=item.default_target,
                        weight=item.weight,
                        order=item.order,
                    )
                    for item in templates[member.role]
                )
                CardEvent.objects.create(card=card, action="created", to_state=card.state)
        except IntegrityError:  # created meanwhile by a second run
            continue
        created += 1
    return created


def _check_transition(card: TargetCard, to_state: str, user: User) -> None:
    allowed = CARD_TRANSITIONS.get(card.state, {})
    if to_state not in allowed:
        raise ValidationError(
            _("This card cannot go from “%(from)s” to that state.") % {"from": card.get_state_display()}
        )
    who = allowed[to_state]
    if who == "member":
        if card.member_id != user.pk:
            raise PermissionDenied
    elif who == Role.CONSULTANT:
        # The team's consultant reviews the members' cards; the deputy GM reviews the consultant's own.
        if user.sees_all:
            return
        if not (user.role == Role.CONSULTANT and user.team_id and user.team_id == card.team_id):
            raise PermissionDenied
        if card.member_id == user.pk:
            raise ValidationError(_("A consultant's own card is reviewed by the deputy GM."))
    elif not user.has_role(who):
        raise PermissionDenied


def _card_move(*, card: TargetCard, user: User, to_state: str, version: int, action: str, comment="", **fields):
    """Compare-and-set on state and version, then the timeline event, in one transaction."""
    _check_transition(card, to_state, user)
    with transaction.atomic():
        from_state = card.state
        versioned_update(
            card, fields={"state": to_state, **fields}, expected_version=version, expect={"state": from_state}
        )
        CardEvent.objects.create(
            card=card, actor=user, action=action, from_state=from_state, to_state=to_state, comment=comment
        )
    card.refresh_from_db()
    return card


def card_set_targets(*, card: TargetCard, user: User, version: int, targets: dict[int, Decimal]) -> TargetCard:
    """The consultant adjusts targets with the member while the card is a draft (tip 88)."""
    if card.state != TargetCard.State.DRAFT:
        raise ValidationError(_("Targets can only change before the member confirms the card."))
    if not (user.sees_all or (user.role == Role.CONSULTANT and user.team_id == card.team_id)):
        raise PermissionDenied
    with transaction.atomic():
        versioned_update(card, fields={}, expected_version=version)
        for item in card.items.all():
            if item.pk in targets and targets[item.pk] != item.target:
                item.target = targets[item.pk]
                item.full_clean()
                item.save(update_fields=["target"])
        CardEvent.objects.create(card=card, actor=user, action="targets_set")
    card.refresh_from_db()
    return card


def card_confirm(*, card: TargetCard, user: User, version: int) -> TargetCard:
    """The member agrees with the card's targets."""
    card = _card_move(
        card=card,
        user=user,
        to_state=TargetCard.State.CONFIRMED,
        version=version,
        action="confirmed",
        confirmed_at=timezone.now(),
    )
    return card


def card_self_assess(
    *, card: TargetCard, user: User, version: int, text: str, manual: dict[int, Decimal]
) -> TargetCard:
    """The member's self-assessment (and the actuals of manual items), once the month's
    working days are over."""
    opens = card.self_assessment_opens_on
    if timezone.localdate() < opens:
        raise ValidationError(
            _("Self-assessment opens on %(date)s, after the month's last working day.") % {"date": f"{opens:%Y-%m-%d}"}
        )
    if not text.strip():
        raise ValidationError(_("Write a few words about your month."))
    with transaction.atomic():
        for item in card.items.filter(metric="manual"):
            if item.pk in manual:
                item.actual = manual[item.pk]
                item.save(update_fields=["actual"])
        return _card_move(
            card=card,
            user=user,
            to_state=TargetCard.State.SELF_ASSESSED,
            version=version,
            action="self_assessed",
            self_assessment=text,
            self_assessed_at=timezone.now(),
        )


def card_review(
    *, card: TargetCard, user: User, version: int, comment: str, adjustment: Decimal, reason: str
) -> TargetCard:
    """The consultant's comment and score adjustment (a reason is required for any adjustment)."""
    if adjustment and not reason.strip():
        raise ValidationError(_("Give a reason for the score adjustment."))
    if abs(adjustment) > 20:
        raise ValidationError(_("An adjustment is at most 20 points either way."))
    card = _card_move(
        card=card,
        user=user,
        to_state=TargetCard.State.REVIEWED,
        version=version,
        action="reviewed",
        comment=comment,
        consultant_comment=comment,
        adjustment=adjustment,
        adjustment_reason=reason,
        reviewed_by=user,
        reviewed_at=timezone.now(),
    )
    notify(
        kind=NotificationKind.PERFORMANCE,
        recipients=deputy_gms(),
        title=Message("Appraisal to approve: %(card)s", card=card),
        url=card_url(card),
    )
    return card


def card_approve(*, card: TargetCard, user: User, version: int) -> TargetCard:
    """The deputy GM approves: actuals and the score are frozen, the card is locked."""
    rows = selectors.card_progress(card)
    with transaction.atomic():
        for row in rows:
            if not row["item"].is_manual:
                CardItem.objects.filter(pk=row["item"].pk).update(actual=row["actual"])
        total = selectors.card_total(rows, card.adjustment)
        card = _card_move(
            card=card,
            user=user,
            to_state=TargetCard.State.APPROVED,
            version=version,
            action="approved",
            approved_by=user,
            approved_at=timezone.now(),
            final_score=total,
        )
    notify(
        kind=NotificationKind.PERFORMANCE,
        recipients=[card.member],
        title=Message("Your appraisal for %(month)s is approved", month=f"{card.month:%Y-%m}"),
        url=card_url(card),
    )
    return card


def card_reopen(*, card: TargetCard, user: User, version: int, reason: str) -> TargetCard:
    """The deputy GM reopens an approved card, for a recorded reason: the frozen figures
    and the final score are cleared (the computed actuals are live again) and the card
    waits for the deputy GM's decision once more."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the card."))
    with transaction.atomic():
        card = _card_move(
            card=card,
            user=user,
            to_state=TargetCard.State.REVIEWED,
            version=version,
            action="reopened",
            comment=reason.strip(),
            approved_by=None,
            approved_at=None,
            final_score=None,
        )
        card.items.exclude(metric="manual").update(actual=None)
    notify(
        kind=NotificationKind.PERFORMANCE,
        recipients=[card.member],
        title=Message("Your appraisal for %(month)s was reopened", month=f"{card.month:%Y-%m}"),
        url=card_url(card),
    )
    return card


def card_return(*, card: TargetCard, user: User, version: int, comment: str) -> TargetCard:
    """The deputy GM sends a reviewed card back to the consultant."""
    return _card_move(
        card=card,
        user=user,
        to_state=TargetCard.State.SELF_ASSESSED,
        version=version,
        action="returned",
        comment=comment,
    )


def card_url(card: TargetCard) -> str:
    from django.urls import reverse

    return reverse("performance:card_detail", args=[card.pk])


def item_score(actual, target, weight) -> Decimal | None:
    """min(actual / target, SCORE_CAP) × weight; None without an actual."""
    if actual is None:
        return None
    if not target:
        return Decimal(weight) if actual else Decimal(0)
    share = min(Decimal(actual) / Decimal(target), SCORE_CAP)
    return round_half_up(max(share, Decimal(0)) * weight)
