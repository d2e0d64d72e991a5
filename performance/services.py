"""Writes of the performance app: cards and appraisals, team targets,
highlights, and the monthly report's generation, approval and sending."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from config.celery import enqueue_on_commit
from performance import selectors
from performance.metrics import Period
from performance.models import (
    CARD_TRANSITIONS,
    REPORT_TRANSITIONS,
    SCORE_CAP,
    CardEvent,
    CardItem,
    Highlight,
    MonthlyReport,
    ReportEvent,
    ReportPhoto,
    RoleTemplateItem,
    TargetCard,
    TeamTarget,
)
from teams.models import Team, User
from teams.roles import Role
from teams.services import notify

logger = logging.getLogger(__name__)

# Someone working on a report longer than this has died: the claim may be taken over.
SEND_CLAIM_TIMEOUT = dt.timedelta(minutes=15)


def _say(message: str, **params) -> str:
    """A notification text in the site's language (zh-Hans): notifications are stored
    text, and a beat task or management command has no request language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params


class StaleEdit(Exception):
    """Somebody else changed the record first (optimistic locking)."""


# --- target cards ----------------------------------------------------------------


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
        updated = TargetCard.objects.filter(pk=card.pk, state=card.state, version=version).update(
            state=to_state, version=F("version") + 1, **fields
        )
        if updated != 1:
            raise StaleEdit
        CardEvent.objects.create(
            card=card, actor=user, action=action, from_state=card.state, to_state=to_state, comment=comment
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
        if TargetCard.objects.filter(pk=card.pk, version=version).update(version=F("version") + 1) != 1:
            raise StaleEdit
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
    """The member's self-assessment (and the actuals of manual items)."""
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
        recipients=User.objects.filter(role=Role.DEPUTY_GM, is_active=True),
        title=_say(gettext_noop("Appraisal to approve: %(card)s"), card=card),
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
        recipients=[card.member],
        title=_say(gettext_noop("Your appraisal for %(month)s is approved"), month=f"{card.month:%Y-%m}"),
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
    ratio = min(Decimal(actual) / Decimal(target), SCORE_CAP)
    return (max(ratio, Decimal(0)) * weight).quantize(Decimal("0.01"))


# --- team targets and highlights ------------------------------------------------------


def team_target_save(*, team: Team, month: dt.date, user: User, version: int | None, **values) -> TeamTarget:
    """Set (or change) a team's targets for a month; a stale version is refused."""
    month = month.replace(day=1)
    with transaction.atomic():
        target = TeamTarget.objects.select_for_update().filter(team=team, month=month).first()
        if target is None:
            target = TeamTarget(team=team, month=month, set_by=user, **values)
            target.full_clean()
            target.save()
            return target
        if version is not None and version != target.version:
            raise StaleEdit
        for name, value in values.items():
            setattr(target, name, value)
        target.set_by = user
        target.updated_at = timezone.now()
        target.version += 1
        target.full_clean()
        target.save(update_fields=[*values, "set_by", "updated_at", "version"])
    return target


def highlight_give(*, team: Team, member: User | None, title: str, story: str, given_by: User) -> Highlight:
    if member is not None and member.team_id != team.pk:
        raise ValidationError(_("The member must belong to the team."))
    highlight = Highlight(team=team, member=member, title=title, story=story, given_by=given_by)
    highlight.full_clean()
    highlight.save()
    if member is not None:
        notify(
            recipients=[member],
            title=_say(gettext_noop("Recognition: %(title)s"), title=title),
            body=story,
            team_channel=team,
        )
    return highlight


# --- monthly report ----------------------------------------------------------------


def report_snapshot(*, team: Team, month: dt.date, now: dt.datetime | None = None) -> dict:
    """The figures of a team's report (and the company summary), as stored JSON."""
    return selectors.report_data(team=team, period=Period.month_of(month), now=now)


def report_generate(*, team: Team, month: dt.date, user: User | None = None, regenerate: bool = False) -> MonthlyReport:
    """Create the team's draft for ``month`` once; regenerate a draft on request (recorded)."""
    month = month.replace(day=1)
    with transaction.atomic():
        report, created = MonthlyReport.objects.get_or_create(
            team=team, month=month, defaults={"data": report_snapshot(team=team, month=month)}
        )
        if created:
            ReportEvent.objects.create(report=report, actor=user, action="generated")
            return report
        if not regenerate:
            return report
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if report.state != MonthlyReport.State.DRAFT:
            raise ValidationError(_("Only a draft can be regenerated."))
        report.data = report_snapshot(team=team, month=month)
        report.generated_at = timezone.now()
        report.generation_count += 1
        report.version += 1
        report.save(update_fields=["data", "generated_at", "generation_count", "version"])
        ReportEvent.objects.create(report=report, actor=user, action="regenerated")
    return report


def report_generate_all(*, month: dt.date) -> list[MonthlyReport]:
    """The 1st of the month: a draft per active team for the previous month (idempotent).

    The consultant hears about the draft once, when it is first generated."""
    from django.urls import reverse

    reports = []
    for team in Team.objects.filter(is_active=True).select_related("leader"):
        existed = MonthlyReport.objects.filter(team=team, month=month.replace(day=1)).exists()
        report = report_generate(team=team, month=month)
        reports.append(report)
        if not existed and team.leader is not None:
            notify(
                recipients=[team.leader],
                title=_say(
                    gettext_noop("The monthly report draft for %(month)s is ready"), month=f"{report.month:%Y-%m}"
                ),
                body=_say(
                    gettext_noop("Add the narrative before %(when)s."),
                    when=f"{narrative_deadline(report.month):%Y-%m-%d}",
                ),
                url=reverse("performance:report_detail", args=[report.pk]),
            )
    return reports


def narrative_deadline(month: dt.date) -> dt.datetime:
    """The consultant may edit the narrative until the end of this day of the next month."""
    next_month = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    day = next_month.replace(day=settings.PERFORMANCE_NARRATIVE_DAY)
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def send_due_at(month: dt.date) -> dt.datetime:
    """When an unapproved report goes out as it is (default: the 5th, 10:00)."""
    next_month = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    day = next_month.replace(day=settings.PERFORMANCE_REPORT_SEND_DAY)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(settings.PERFORMANCE_REPORT_SEND_HOUR)))


def report_save_narrative(*, report: MonthlyReport, user: User, version: int, narrative: str) -> MonthlyReport:
    """The consultant's stories, until the configured day; the report is fixed once approved."""
    if report.state != MonthlyReport.State.DRAFT:
        raise ValidationError(_("The report is approved and can no longer change."))
    if not user.sees_all and timezone.now() >= narrative_deadline(report.month):
        raise ValidationError(
            _("The narrative could be edited until %(when)s.")
            % {"when": f"{narrative_deadline(report.month):%Y-%m-%d}"}
        )
    with transaction.atomic():
        updated = (
            MonthlyReport.objects.filter(pk=report.pk, version=version)
            .exclude(state=MonthlyReport.State.SENT)
            .update(narrative=narrative, version=F("version") + 1)
        )
        if updated != 1:
            raise StaleEdit
        ReportEvent.objects.create(report=report, actor=user, action="narrative")
    report.refresh_from_db()
    return report


def report_add_photo(*, report: MonthlyReport, user: User, image, caption: str) -> ReportPhoto:
    """A photo for the report's stories, while the narrative may still be edited."""
    if report.state != MonthlyReport.State.DRAFT:
        raise ValidationError(_("The report is approved and can no longer change."))
    if not user.sees_all and timezone.now() >= narrative_deadline(report.month):
        raise ValidationError(
            _("The narrative could be edited until %(when)s.")
            % {"when": f"{narrative_deadline(report.month):%Y-%m-%d}"}
        )
    photo = ReportPhoto(report=report, image=image, caption=caption, uploaded_by=user)
    photo.full_clean()
    photo.save()
    ReportEvent.objects.create(report=report, actor=user, action="photo", comment=caption)
    return photo


def report_approve(*, report: MonthlyReport, user: User, version: int) -> MonthlyReport:
    """The deputy GM approves; the report is then rendered and sent (after commit)."""
    if not user.sees_all:
        raise PermissionDenied
    if MonthlyReport.State.APPROVED not in REPORT_TRANSITIONS[report.state]:
        raise ValidationError(_("Only a draft can be approved."))
    with transaction.atomic():
        updated = MonthlyReport.objects.filter(pk=report.pk, version=version, state=MonthlyReport.State.DRAFT).update(
            state=MonthlyReport.State.APPROVED, approved_by=user, approved_at=timezone.now(), version=F("version") + 1
        )
        if updated != 1:
            raise StaleEdit
        ReportEvent.objects.create(report=report, actor=user, action="approved")
        from performance.tasks import send_report

        enqueue_on_commit(send_report, report.pk)
    report.refresh_from_db()
    return report


def report_claim(*, report_id: int, now: dt.datetime) -> bool:
    """Take the right to send: only one worker at a time, a dead worker's claim expires."""
    from django.db.models import Q

    return (
        MonthlyReport.objects.filter(pk=report_id, sent_at__isnull=True)
        .filter(Q(send_claimed_at__isnull=True) | Q(send_claimed_at__lt=now - SEND_CLAIM_TIMEOUT))
        .update(send_claimed_at=now, send_attempts=F("send_attempts") + 1)
        == 1
    )


def report_send(*, report_id: int) -> str:
    """Render the PDF and Excel, archive them, e-mail headquarters: "sent", "skipped" or raises.

    Exactly once: the claim (a conditional update) lets one worker through; the
    row is marked sent in the same breath as the SMTP call succeeds. On an error
    the claim is released so the retry can take it again.
    """
    from performance import rendering

    now = timezone.now()
    if not report_claim(report_id=report_id, now=now):
        return "skipped"
    report = MonthlyReport.objects.select_related("team").get(pk=report_id)
    try:
        pdf_bytes = rendering.report_pdf(report)
        xlsx_bytes = rendering.report_xlsx(report)
        name = f"{report.team.name}-{report.month:%Y-%m}"
        # The archive holds exactly what is sent (a retry replaces an earlier attempt's files).
        for field in (report.pdf, report.xlsx):
            if field:
                field.delete(save=False)
        report.pdf.save("report.pdf", ContentFile(pdf_bytes), save=False)
        report.xlsx.save("report.xlsx", ContentFile(xlsx_bytes), save=False)
        MonthlyReport.objects.filter(pk=report.pk).update(pdf=report.pdf.name, xlsx=report.xlsx.name)
        unapproved = report.state == MonthlyReport.State.DRAFT
        subject = _("Monthly report %(month)s · %(team)s") % {
            "month": f"{report.month:%Y-%m}",
            "team": report.team.name,
        }
        if unapproved:
            subject += " " + _("(not approved)")
        message = EmailMessage(
            subject=subject,
            body=rendering.report_email_body(report, unapproved=unapproved),
            to=[settings.HQ_REPORT_EMAIL],
        )
        message.attach(f"{name}.pdf", pdf_bytes, "application/pdf")
        message.attach(f"{name}.xlsx", xlsx_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        message.send()
    except Exception as exc:
        MonthlyReport.objects.filter(pk=report_id, send_claimed_at=now).update(
            send_claimed_at=None, last_error=repr(exc)[:2000]
        )
        raise
    with transaction.atomic():
        MonthlyReport.objects.filter(pk=report_id).update(
            state=MonthlyReport.State.SENT,
            sent_at=timezone.now(),
            sent_unapproved=unapproved,
            last_error="",
            version=F("version") + 1,
        )
        ReportEvent.objects.create(report=report, action="sent_unapproved" if unapproved else "sent")
    return "sent"


def report_send_failed(*, report_id: int) -> None:
    """After the last retry: tell the deputy GM (once)."""
    now = timezone.now()
    if (
        MonthlyReport.objects.filter(pk=report_id, sent_at__isnull=True, failure_alerted_at__isnull=True).update(
            failure_alerted_at=now
        )
        != 1
    ):
        return
    report = MonthlyReport.objects.select_related("team").get(pk=report_id)
    from django.urls import reverse

    notify(
        recipients=User.objects.filter(role=Role.DEPUTY_GM, is_active=True),
        title=_say(gettext_noop("The monthly report %(report)s could not be sent to headquarters"), report=report),
        body=report.last_error,
        url=reverse("performance:report_detail", args=[report.pk]),
    )
    ReportEvent.objects.create(report=report, action="send_failed", comment=report.last_error)


def reports_due_for_sending(*, now: dt.datetime) -> list[int]:
    """Approved reports not yet sent, and drafts past their send time."""
    ids = []
    for report in MonthlyReport.objects.filter(sent_at__isnull=True).exclude(state=MonthlyReport.State.SENT):
        if report.state == MonthlyReport.State.APPROVED or now >= send_due_at(report.month):
            ids.append(report.pk)
    return ids
