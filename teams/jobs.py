"""Long work in the background with progress: start a job, run it once, show where it is.

- ``job_start`` writes a queued ``Job`` row and queues ``teams.tasks.run_job`` after commit.
  If the broker is down the row simply stays queued: ``run_queued_jobs`` (every minute,
  config/celery.py) picks it up. Nothing runs inline in the web request.
- ``job_run`` claims the row (``teams.editing.claim`` on ``started_at``), so a task
  delivered twice, a retry and the scan together run the work once.
- A double click starts one job: while a job of the same owner, kind and parameters is
  queued or running, ``job_start`` returns it (the partial unique constraint
  ``job_one_active_per_params`` decides between two concurrent requests).
- A worker that dies mid-run leaves a running row whose ``heartbeat_at`` (set at the claim
  and with each progress report) stops moving. After ``settings.JOB_STALE_MINUTES`` the scan
  takes it over with a conditional UPDATE (two scans cannot both win) and runs it again;
  after ``settings.JOB_MAX_TAKEOVERS`` takeovers it is marked failed and the owner told once.
- A runner is registered per kind (``register_job_runner``) by the app that owns the work;
  it gets the job and a ``report(done, total, message)`` callback, and returns the result
  file as ``(filename, file)``, the URL of a page showing the result, both as
  ``(filename, file, url)`` (the page reads the file), or None. Its
  ``ValidationError`` is shown to the owner as is; any other error as a generic message
  (details in the log).
- When done, the owner is told through ``teams.services.notify`` with the job's page, which
  holds the download link; the file is served only to the owner (``teams:job_download``).
"""

import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from config.celery import enqueue_on_commit
from teams import services, tasks
from teams.editing import claim
from teams.messages import Message
from teams.models import Job, NotificationKind, User
from teams.selectors import deputy_gms

logger = logging.getLogger(__name__)

Runner = Callable[[Job, Callable[..., None]], tuple[str, object] | tuple[str, object, str] | str | None]
RUNNERS: dict[str, Runner] = {}

# A queued job older than this is taken by the scan (its task was lost or never sent).
QUEUED_GRACE = timedelta(seconds=30)
# Progress is written at most this often (seconds): one UPDATE, not one per row.
REPORT_EVERY = 1.0


def register_job_runner(kind: str, runner: Runner) -> None:
    RUNNERS[kind] = runner


def params_hash(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, default=str).encode()).hexdigest()


ACTIVE = (Job.State.AWAITING, Job.State.QUEUED, Job.State.RUNNING)


def _active(owner: User, kind: str, digest: str) -> Job | None:
    return Job.objects.filter(owner=owner, kind=kind, params_hash=digest, state__in=ACTIVE).first()


def job_start(
    *,
    owner: User,
    kind: str,
    title: str,
    params: dict | None = None,
    context: dict | None = None,
    approval_rows: int | None = None,
) -> Job:
    """A queued job for ``owner``; its task is sent once the caller's transaction commits.

    The same owner, kind and parameters while such a job is waiting, queued or running: that job.
    With ``approval_rows`` (a big export of client data) the job waits for the deputy GM's approval
    (``job_approve``), who is notified; nothing runs before. ``context`` (where it was asked from: the
    address for the access log) is kept with the parameters but is not part of what makes two jobs the same:
    the same export asked from the phone and the desk PC is one job.
    """
    if kind not in RUNNERS:
        raise ValueError(f"No runner for job kind {kind!r}")
    params = params or {}
    digest = params_hash(params)
    if context:
        params = {**params, "context": context}
    for _attempt in range(3):
        existing = _active(owner, kind, digest)
        if existing is not None:
            return existing
        try:
            # A savepoint: losing the race to a concurrent request leaves the caller's transaction usable.
            with transaction.atomic():
                job = Job.objects.create(
                    owner=owner,
                    kind=kind,
                    title=title[:200],
                    params=params,
                    params_hash=digest,
                    language=translation.get_language() or "zh-hans",
                    state=Job.State.QUEUED if approval_rows is None else Job.State.AWAITING,
                    approval_rows=approval_rows,
                    message=_("Waiting to start…")
                    if approval_rows is None
                    else _("Waiting for the deputy GM's approval."),
                )
        except IntegrityError:
            continue  # the other request's job is there now (or already finished: then try again)
        if approval_rows is None:
            enqueue_on_commit(tasks.run_job, job.pk)
        else:
            services.notify(
                kind=NotificationKind.ACCOUNT,
                recipients=deputy_gms(),
                title=Message(
                    "An export of %(n)s rows waits for your approval: %(title)s (%(name)s)",
                    n=approval_rows,
                    title=job.title,
                    name=owner.full_name or owner.get_username(),
                ),
                url=reverse("teams:export_approvals"),
            )
        return job
    raise RuntimeError(f"Could not start a {kind!r} job for user {owner.pk}")


@transaction.atomic
def job_approve(*, job_id: int, by: User) -> bool:
    """The deputy GM approves a waiting export: it is queued and runs. False if no longer waiting."""
    now = timezone.now()
    if not Job.objects.filter(pk=job_id, state=Job.State.AWAITING).update(
        state=Job.State.QUEUED, decided_by=by, decided_at=now, message=_("Approved; waiting to start…")
    ):
        return False
    enqueue_on_commit(tasks.run_job, job_id)
    return True


@transaction.atomic
def job_refuse(*, job_id: int, by: User) -> bool:
    """The deputy GM refuses a waiting export: it fails and its owner is told. False if no longer waiting."""
    job = Job.objects.filter(pk=job_id, state=Job.State.AWAITING).select_related("owner").first()
    if job is None:
        return False
    with translation.override(job.language):
        message = _("The deputy GM did not approve this export. Narrow the filters, or ask them.")
    if not Job.objects.filter(pk=job_id, state=Job.State.AWAITING).update(
        state=Job.State.FAILED, decided_by=by, decided_at=timezone.now(), message=message, finished_at=timezone.now()
    ):
        return False
    services.notify(
        kind=NotificationKind.ACCOUNT,
        recipients=[job.owner],
        title=Message("Not approved: %(title)s", title=job.title),
        url=reverse("teams:job_detail", args=[job.pk]),
    )
    return True


def _stale_before(now):
    return now - timedelta(minutes=settings.JOB_STALE_MINUTES)


def jobs_queued(*, now) -> list[int]:
    """Queued jobs whose task has had time to arrive, and running jobs whose worker stopped
    reporting: the scan runs them (each claimed once)."""
    queued = Job.objects.filter(state=Job.State.QUEUED, created_at__lte=now - QUEUED_GRACE).order_by("created_at")
    stale = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lte=_stale_before(now)).order_by("heartbeat_at")
    return list(queued.values_list("pk", flat=True)[:20]) + list(stale.values_list("pk", flat=True)[:20])


class _Reporter:
    """The runner's ``report(done, total=None, message="")``: progress and a message, throttled."""

    def __init__(self, job: Job):
        self.job = job
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        now = time.monotonic()
        if now - self.last < REPORT_EVERY:
            return
        self.last = now
        values = {"message": message[:300]} if message else {}
        if total:
            # 100 is for a finished job only.
            values["progress"] = min(99, done * 100 // total)
        # Every report is a heartbeat, even without news; a superseded worker (taken over) writes nothing.
        values["heartbeat_at"] = timezone.now()
        Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING, takeovers=self.job.takeovers).update(**values)


def _take_over(job_id: int, now) -> str:
    """A running job whose worker stopped reporting: "taken" for the one caller that re-claimed it,
    "failed" when it has been taken over too often, "claimed" when it is not (or no longer) stale."""
    stale = Job.objects.filter(pk=job_id, state=Job.State.RUNNING, heartbeat_at__lte=_stale_before(now))
    job = stale.select_related("owner").first()
    if job is None:
        return "claimed"
    # Conditional UPDATEs: the row is re-checked under its lock, so of two scans only one wins.
    if job.takeovers >= settings.JOB_MAX_TAKEOVERS:
        with translation.override(job.language):
            message = _("This job stopped several times without finishing and was given up. Please start it again.")
            return _failed(job, message, rows=stale.filter(takeovers__gte=settings.JOB_MAX_TAKEOVERS))
    if stale.filter(takeovers=job.takeovers).update(
        heartbeat_at=now, started_at=now, takeovers=F("takeovers") + 1, progress=0, message=""
    ):
        logger.warning("Job %s taken over: its worker stopped reporting", job_id)
        return "taken"
    return "claimed"


def job_run(*, job_id: int) -> str:
    """Run one queued job, or take over a running one whose worker died; "claimed" if someone
    else already has it, "superseded" if it was taken over while this worker ran it."""
    now = timezone.now()
    if not claim(
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED),
        "started_at",
        now,
        state=Job.State.RUNNING,
        heartbeat_at=now,
        message="",
    ):
        taken = _take_over(job_id, now)
        if taken != "taken":
            return taken
    job = Job.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.language):
        try:
            output = RUNNERS[job.kind](job, _Reporter(job))
        except ValidationError as exc:
            return _failed(job, " ".join(exc.messages))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            return _failed(job, _("Something went wrong while preparing this. Please try again later."))
        return _done(job, output)


def _mine(job: Job):
    # The row as long as this worker still holds it: a worker that was slow, not dead, and was
    # taken over by the scan must not overwrite what the newer run writes.
    return Job.objects.filter(pk=job.pk, state=Job.State.RUNNING, takeovers=job.takeovers)


def _done(job: Job, output) -> str:
    with transaction.atomic():
        if isinstance(output, str):
            job.result_url = output
        elif output is not None:
            filename, content, *url = output
            job.result_url = url[0] if url else ""
            with content:
                content.seek(0)
                job.result.save(filename, File(content), save=False)
        finished = _mine(job).update(
            result=job.result.name or "",
            result_url=job.result_url,
            state=Job.State.DONE,
            progress=100,
            message="",
            finished_at=timezone.now(),
        )
        if not finished:
            if job.result:
                job.result.delete(save=False)
            return "superseded"
        services.notify(
            kind=NotificationKind.ACCOUNT,
            recipients=[job.owner],
            title=Message("Ready: %(title)s", title=job.title),
            url=reverse("teams:job_detail", args=[job.pk]),
        )
    return "done"


def _failed(job: Job, message: str, *, rows=None) -> str:
    with transaction.atomic():
        rows = _mine(job) if rows is None else rows
        if not rows.update(state=Job.State.FAILED, message=message[:300], finished_at=timezone.now()):
            return "superseded"
        services.notify(
            kind=NotificationKind.ACCOUNT,
            recipients=[job.owner],
            title=Message("Failed: %(title)s", title=job.title),
            body=message,
            url=reverse("teams:job_detail", args=[job.pk]),
        )
    return "failed"
