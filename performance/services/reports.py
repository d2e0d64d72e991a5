"""The monthly report to headquarters: generation, narrative and photos, approval, and sending
(claimed once, retried on failure)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from config.celery import enqueue_on_commit
from performance import selectors
from performance.metrics import Period
from performance.models import REPORT_TRANSITIONS, MonthlyReport, ReportEvent, ReportPhoto
from teams import jobs
from teams.channels import stable_message_id
from teams.editing import claim, versioned_update
from teams.messages import Message
from teams.models import Job, NotificationKind, Team, User
from teams.selectors import deputy_gms
from teams.services import notify

# The logger keeps the name it had before the services became a package.
logger = logging.getLogger("performance.services")

# Someone working on a report longer than this has died: the claim may be taken over.
SEND_CLAIM_TIMEOUT = dt.timedelta(minutes=15)


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


REGENERATE_JOB = "report_regenerate"


def report_regenerate_start(*, report: MonthlyReport, user: User) -> Job:
    """Recompute a draft's figures in the background (slow at company scale); the job shows progress."""
    if report.state != MonthlyReport.State.DRAFT:
        raise ValidationError(_("Only a draft can be regenerated."))
    return jobs.job_start(
        owner=user,
        kind=REGENERATE_JOB,
        title=_("Monthly report %(team)s %(month)s: figures computed again")
        % {"team": report.team.name, "month": f"{report.month:%Y-%m}"},
        params={"report": report.pk},
    )


def run_report_regenerate(job: Job, report) -> str:
    """The job's runner: the report as its owner may see it now, recomputed; the result is its page."""
    from django.urls import reverse

    row = MonthlyReport.objects.visible_to(job.owner).select_related("team").filter(pk=job.params["report"]).first()
    if row is None:
        raise ValidationError(_("This report is no longer available."))
    report(0, message=_("Computing the figures…"))
    report_generate(team=row.team, month=row.month, user=job.owner, regenerate=True)
    return reverse("performance:report_detail", args=[row.pk])


def report_generate_all(*, month: dt.date) -> list[MonthlyReport]:
    """A draft per active team for ``month`` (idempotent).

    The consultant hears about the draft once, when it is first generated."""
    month = month.replace(day=1)
    existing = set(MonthlyReport.objects.filter(month=month).values_list("team_id", flat=True))
    return [
        _generate_and_announce(team=team, month=month, new=team.pk not in existing)
        for team in Team.objects.filter(is_active=True).select_related("leader")
    ]


def reports_generate_missing(*, today: dt.date) -> list[MonthlyReport]:
    """Every past month's draft that should exist and does not, from the rows, not from a calendar.

    A team's reports run without gaps from its first report (or, for a team with none, from
    last month) to last month. Run hourly, so a lost beat schedule, a stopped worker or a
    server down on the 1st delays the drafts by an hour at most, and never skips a month.
    Costs two queries when nothing is missing."""
    from django.db.models import Min

    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    first_by_team = dict(
        MonthlyReport.objects.values("team_id").annotate(first=Min("month")).values_list("team_id", "first")
    )
    existing = set(
        MonthlyReport.objects.filter(month__gte=min([last_month, *first_by_team.values()])).values_list(
            "team_id", "month"
        )
    )
    created = []
    for team in Team.objects.filter(is_active=True).select_related("leader"):
        month = min(first_by_team.get(team.pk, last_month), last_month)
        while month <= last_month:
            if (team.pk, month) not in existing:
                created.append(_generate_and_announce(team=team, month=month, new=True))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    return created


def _generate_and_announce(*, team: Team, month: dt.date, new: bool) -> MonthlyReport:
    from django.urls import reverse

    report = report_generate(team=team, month=month)
    if new and team.responsible() is not None:
        notify(
            kind=NotificationKind.PERFORMANCE,
            recipients=[team.responsible()],
            title=Message("The monthly report draft for %(month)s is ready", month=f"{report.month:%Y-%m}"),
            body=Message(
                "Add the narrative before %(when)s.",
                when=f"{narrative_deadline(report.month):%Y-%m-%d}",
            ),
            url=reverse("performance:report_detail", args=[report.pk]),
        )
    return report


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
        versioned_update(
            report,
            fields={"narrative": narrative},
            expected_version=version,
            expect={"state__in": [MonthlyReport.State.DRAFT, MonthlyReport.State.APPROVED]},  # not sent meanwhile
        )
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
        versioned_update(
            report,
            fields={"state": MonthlyReport.State.APPROVED, "approved_by": user, "approved_at": timezone.now()},
            expected_version=version,
            expect={"state": MonthlyReport.State.DRAFT},
        )
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
            # The same on a resend after a crash, so headquarters sees one report, not two.
            headers={"Message-ID": stable_message_id("monthly-report", report.pk, f"{report.month:%Y%m}")},
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
    if not claim(MonthlyReport.objects.filter(pk=report_id, sent_at__isnull=True), "failure_alerted_at", now):
        return
    report = MonthlyReport.objects.select_related("team").get(pk=report_id)
    from django.urls import reverse

    notify(
        kind=NotificationKind.PERFORMANCE,
        recipients=deputy_gms(),
        title=Message("The monthly report %(report)s could not be sent to headquarters", report=report),
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
