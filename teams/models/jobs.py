"""Long work done in the background (a big export, a report), with its progress and result file."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the job's owner (and a superuser) sees it: another person's job answers 404."""
        if user.is_superuser:
            return self
        return self.filter(owner=user)

    def awaiting_approval(self, user):
        """Exports waiting for approval, for the deputy GM (and a superuser) who decides."""
        if user.is_superuser or user.role == "deputy_gm":
            return self.filter(state="awaiting")
        return self.none()


def _result_to(instance, filename):
    # Under MEDIA_ROOT, which is never served directly: teams:job_download checks the owner.
    return f"jobs/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class Job(models.Model):
    """One piece of long work started by a person; ``teams.jobs.job_run`` claims it once and runs it."""

    class State(models.TextChoices):
        # A big export of client data waits for the deputy GM's approval before it is queued.
        AWAITING = "awaiting", _("Awaiting approval")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    # What the runner needs to redo the work (for an export: the list's URL with its filters).
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True)
    # Where the result is when it is a page, not a file (a recomputed report).
    result_url = models.CharField(_("result link"), max_length=300, blank=True)
    result = models.FileField(_("result file"), upload_to=_result_to, max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Written when the job is claimed and with each progress report: a running job whose heartbeat
    # stopped lost its worker, and the scan takes it over (teams.jobs.jobs_queued).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    takeovers = models.PositiveSmallIntegerField(_("takeovers"), default=0)
    # Hash of ``params``: one active job per owner, kind and parameters (a double click starts one).
    params_hash = models.CharField(_("parameters hash"), max_length=64, blank=True)
    # An export over EXPORT_APPROVAL_ROWS: how many rows, and who approved (or refused) it when.
    approval_rows = models.PositiveIntegerField(_("rows to approve"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or refused by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or refused at"), null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["state", "created_at"], name="job_state_created"),
            models.Index(fields=["state", "heartbeat_at"], name="job_state_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
            models.UniqueConstraint(
                fields=["owner", "kind", "params_hash"],
                condition=models.Q(state__in=["awaiting", "queued", "running"]),
                name="job_one_active_per_params",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def result_days(self) -> int:
        return settings.JOB_RESULT_DAYS

    @property
    def result_expired(self) -> bool:
        """Done, its file deleted by the retention sweep (teams/retention.py) JOB_RESULT_DAYS after it was made."""
        if self.state != self.State.DONE or self.result or self.result_url or self.finished_at is None:
            return False
        return self.finished_at < timezone.now() - timedelta(days=settings.JOB_RESULT_DAYS)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
