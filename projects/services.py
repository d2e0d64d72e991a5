"""Project services: every write of the projects app.

``project_open`` is the entry point the clients app calls when a contract is
signed (inside its transaction); keep its signature.
"""

import secrets
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    MAINTENANCE_TRANSITIONS,
    PHASE_TRANSITIONS,
    PLAN_TRANSITIONS,
    Attachment,
    BudgetRequest,
    CompletionItem,
    Crew,
    CrewEvaluation,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    Project,
    ProjectEvent,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)
from projects.uploads import ProcessedFile
from teams.models import User
from teams.roles import Role
from teams.services import notify

# The schedule template: phase kind and working days, in order (editable per project afterwards).
SCHEDULE_TEMPLATE = [
    (SchedulePhase.Kind.DEMOLITION, 3),
    (SchedulePhase.Kind.PLUMBING_ELECTRICAL, 10),
    (SchedulePhase.Kind.MASONRY_TILING, 15),
    (SchedulePhase.Kind.CARPENTRY, 15),
    (SchedulePhase.Kind.PAINTING, 12),
    (SchedulePhase.Kind.INSTALLATION, 7),
    (SchedulePhase.Kind.CLEANING, 2),
]
WARRANTY_YEARS = 2


class StaleEdit(Exception):
    """Someone else saved the record since the form was opened (optimistic locking)."""


def _event(project: Project, actor: User | None, text: str) -> None:
    ProjectEvent.objects.create(project=project, actor=actor, text=text[:300])


def _team_people(project: Project) -> list[User]:
    people = list(project.designers.all()) + list(project.assistants.all())
    if project.project_manager_id:
        people.append(project.project_manager)
    return people


def _attach(project: Project, by: User, files: Iterable[ProcessedFile], **owner) -> list[Attachment]:
    saved = []
    for item in files or []:
        token = secrets.token_hex(16)
        attachment = Attachment(
            project=project,
            token=token,
            extension=item.extension,
            original_name=item.name,
            content_type=item.content_type,
            size=len(item.content),
            uploaded_by=by,
            **owner,
        )
        attachment.file.save(f"{token}{item.extension}", ContentFile(item.content), save=False)
        attachment.save()
        saved.append(attachment)
    return saved


# --- Project -----------------------------------------------------------------------------------------


@transaction.atomic
def project_open(
    *, client, team, contract=None, name: str = "", address: str = "", planned_start=None, planned_finish=None
) -> Project:
    """Open the project of a signed contract (or one created by hand); the consultant assigns the staff."""
    project = Project(
        client=client,
        team=team,
        contract=contract,
        name=name or str(client),
        address=address,
        planned_start=planned_start,
        planned_finish=planned_finish,
    )
    project.full_clean()
    project.save()
    _event(project, None, _("Project opened") + (f" ({contract})" if contract else ""))
    if team.leader_id:
        notify(
            recipients=[team.leader],
            title=_("New project %(name)s: assign designer, assistant and PM") % {"name": project.name},
            url=project.get_absolute_url(),
        )
    return project


@transaction.atomic
def project_update(*, project: Project, by: User, version: int, data: dict) -> Project:
    """Edit the project's staff and dates (the consultant), refusing a stale form."""
    if not project.can_manage(by):
        raise PermissionDenied
    fields = ["name", "address", "project_manager", "planned_start", "planned_finish"]
    updated = Project.objects.filter(pk=project.pk, version=version).update(version=F("version") + 1)
    if updated != 1:
        raise StaleEdit
    for field in fields:
        setattr(project, field, data[field])
    project.version = version + 1
    project.full_clean()
    project.save(update_fields=fields)
    before = set(project.designers.values_list("pk", flat=True)) | set(project.assistants.values_list("pk", flat=True))
    project.designers.set(data["designers"])
    project.assistants.set(data["assistants"])
    newcomers = [u for u in [*data["designers"], *data["assistants"], data["project_manager"]] if u]
    newcomers = [u for u in newcomers if u.pk not in before]
    _event(project, by, _("Project details and staff updated"))
    if newcomers:
        notify(
            recipients=newcomers,
            title=_("You are assigned to project %(name)s") % {"name": project.name},
            url=project.get_absolute_url(),
        )
    return project


def project_blockers(project: Project, to_phase: str) -> list[str]:
    """Why the project cannot move to ``to_phase`` yet (empty: it can)."""
    reasons = []
    if to_phase not in PHASE_TRANSITIONS.get(project.phase, []):
        return [_("This phase change is not allowed.")]
    if to_phase == Project.Phase.CONSTRUCTION:
        if not project.plans.filter(status=DesignPlan.Status.CONFIRMED).exists():
            reasons.append(_("The client has not confirmed a design plan."))
        if not project.safety_plan.strip():
            reasons.append(_("The construction plan has no safety plan."))
        if not project.phases.exists():
            reasons.append(_("The construction schedule has no phases."))
        if not project.disclosures.exists():
            reasons.append(_("No technical disclosure has been recorded."))
        if project.project_manager_id is None:
            reasons.append(_("No project manager is assigned."))
    elif to_phase == Project.Phase.COMPLETED:
        for phase in project.phases.prefetch_related("inspections"):
            if phase.actual_finish is None:
                reasons.append(_("%(phase)s is not finished.") % {"phase": phase})
            elif not phase.passed:
                reasons.append(_("%(phase)s has not passed its inspection.") % {"phase": phase})
        if not project.phases.exists():
            reasons.append(_("The construction schedule has no phases."))
    elif to_phase == Project.Phase.WARRANTY:
        if project.completion_handed_over_at is None:
            reasons.append(_("The completion documents have not been handed to the consultant."))
    elif to_phase == Project.Phase.CLOSED:
        if project.maintenance_requests.exclude(status=MaintenanceRequest.Status.CONFIRMED).exists():
            reasons.append(_("Maintenance requests are still open."))
        if project.warranty_until and project.warranty_until > timezone.localdate():
            reasons.append(_("The warranty has not ended yet."))
    return reasons


@transaction.atomic
def project_advance(*, project: Project, to_phase: str, by: User) -> Project:
    """Move the project to its next phase, if its preconditions hold; writes the timeline event."""
    if not project.can_edit(by):
        raise PermissionDenied
    reasons = project_blockers(project, to_phase)
    if reasons:
        raise ValidationError(reasons)
    today = timezone.localdate()
    changes = {"phase": to_phase}
    if to_phase == Project.Phase.CONSTRUCTION and project.actual_start is None:
        changes["actual_start"] = today
    if to_phase == Project.Phase.COMPLETED:
        finishes = [d for d in project.phases.values_list("actual_finish", flat=True) if d]
        changes["actual_finish"] = max(finishes, default=today)
    if to_phase == Project.Phase.WARRANTY:
        finished = project.actual_finish or today
        changes["warranty_until"] = finished.replace(year=finished.year + WARRANTY_YEARS)
    # Compare-and-set on the phase: two clicks, or two people, move it once.
    if Project.objects.filter(pk=project.pk, phase=project.phase).update(**changes) != 1:
        raise StaleEdit
    old = project.get_phase_display()
    for field, value in changes.items():
        setattr(project, field, value)
    _event(project, by, _("Phase: %(old)s → %(new)s") % {"old": old, "new": project.get_phase_display()})
    notify(
        recipients=[*_team_people(project), project.team.leader],
        title=_("%(name)s is now in phase %(phase)s") % {"name": project.name, "phase": project.get_phase_display()},
        url=project.get_absolute_url(),
    )
    return project


@transaction.atomic
def construction_plan_save(*, project: Project, by: User, version: int, method: str, safety_plan: str) -> Project:
    if not project.can_build(by):
        raise PermissionDenied
    if not safety_plan.strip():
        raise ValidationError({"safety_plan": _("The safety plan is mandatory.")})
    if Project.objects.filter(pk=project.pk, version=version).update(version=F("version") + 1) != 1:
        raise StaleEdit
    project.construction_method = method
    project.safety_plan = safety_plan
    project.version = version + 1
    project.save(update_fields=["construction_method", "safety_plan"])
    _event(project, by, _("Construction plan saved"))
    return project


@transaction.atomic
def schedule_apply_template(*, project: Project, by: User, start: date) -> list[SchedulePhase]:
    """Create the phases of the template one after another from ``start`` (kinds already there are kept)."""
    if not project.can_build(by):
        raise PermissionDenied
    existing = set(project.phases.values_list("kind", flat=True))
    created = []
    cursor = start
    for order, (kind, days) in enumerate(SCHEDULE_TEMPLATE, start=1):
        finish = cursor + timedelta(days=days - 1)
        if kind not in existing:
            created.append(
                SchedulePhase(project=project, kind=kind, order=order, planned_start=cursor, planned_finish=finish)
            )
        cursor = finish + timedelta(days=1)
    SchedulePhase.objects.bulk_create(created)
    if created:
        _event(project, by, _("Schedule created from the template"))
    return created


def _gate_blocks(phase: SchedulePhase) -> bool:
    """Phases after plumbing & electrical start only once it has passed its inspection."""
    if phase.kind in (SchedulePhase.Kind.DEMOLITION, SchedulePhase.Kind.PLUMBING_ELECTRICAL):
        return False
    gate = (
        SchedulePhase.objects.filter(project_id=phase.project_id, kind=SchedulePhase.Kind.PLUMBING_ELECTRICAL)
        .prefetch_related("inspections")
        .first()
    )
    return gate is not None and phase.order > gate.order and not gate.passed


@transaction.atomic
def phase_update(
    *,
    phase: SchedulePhase,
    by: User,
    version: int,
    planned_start: date,
    planned_finish: date,
    actual_start: date | None,
    actual_finish: date | None,
    crew: Crew | None,
) -> SchedulePhase:
    if not phase.project.can_build(by):
        raise PermissionDenied
    if actual_start and phase.actual_start is None and _gate_blocks(phase):
        raise ValidationError(
            {"actual_start": _("Plumbing & electrical must pass its inspection before the next phases start.")}
        )
    if actual_finish and not actual_start:
        raise ValidationError({"actual_finish": _("Enter the actual start first.")})
    if planned_finish < planned_start:
        raise ValidationError({"planned_finish": _("The planned finish is before the planned start.")})
    if actual_start and actual_finish and actual_finish < actual_start:
        raise ValidationError({"actual_finish": _("The actual finish is before the actual start.")})
    if SchedulePhase.objects.filter(pk=phase.pk, version=version).update(version=F("version") + 1) != 1:
        raise StaleEdit
    phase.planned_start, phase.planned_finish = planned_start, planned_finish
    phase.actual_start, phase.actual_finish, phase.crew = actual_start, actual_finish, crew
    phase.version = version + 1
    phase.full_clean()
    phase.save(update_fields=["planned_start", "planned_finish", "actual_start", "actual_finish", "crew"])
    _event(phase.project, by, _("Schedule updated: %(phase)s") % {"phase": phase})
    return phase


# --- Design ------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, project: Project, by: User, title: str, summary: str, files=()) -> DesignPlan:
    if not project.can_design(by):
        raise PermissionDenied
    # Lock the project row so two designers never get the same version number.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    number = (project.plans.aggregate(n=Max("number"))["n"] or 0) + 1
    plan = DesignPlan(project=project, number=number, title=title, summary=summary, created_by=by)
    plan.full_clean()
    plan.save()
    _attach(project, by, files, plan=plan)
    _event(project, by, _("Design plan v%(n)s added") % {"n": number})
    return plan


def _plan_move(plan: DesignPlan, to: str, **changes) -> None:
    if to not in PLAN_TRANSITIONS[plan.status]:
        raise ValidationError(_("This plan cannot be moved to “%(status)s”.") % {"status": DesignPlan.Status(to).label})
    if DesignPlan.objects.filter(pk=plan.pk, status=plan.status).update(status=to, **changes) != 1:
        raise StaleEdit
    plan.status = to
    for field, value in changes.items():
        setattr(plan, field, value)


@transaction.atomic
def plan_submit(*, plan: DesignPlan, by: User) -> DesignPlan:
    if not plan.project.can_design(by):
        raise PermissionDenied
    _plan_move(plan, DesignPlan.Status.SUBMITTED, submitted_at=timezone.now())
    _event(plan.project, by, _("Design plan v%(n)s submitted to the client") % {"n": plan.number})
    return plan


@transaction.atomic
def plan_record_answer(
    *, plan: DesignPlan, by: User, confirmed: bool, on: date, client_name: str, notes: str = ""
) -> DesignPlan:
    """Record the client's answer to a submitted plan: confirmed (date, by whom, notes) or changes wanted."""
    if not plan.project.can_design(by):
        raise PermissionDenied
    to = DesignPlan.Status.CONFIRMED if confirmed else DesignPlan.Status.REVISE
    _plan_move(plan, to, confirmed_on=on if confirmed else None, confirmed_by=client_name, client_notes=notes)
    project = plan.project
    if confirmed:
        _event(project, by, _("The client confirmed design plan v%(n)s") % {"n": plan.number})
        notify(
            recipients=[*_team_people(project), project.team.leader],
            title=_("%(name)s: the client confirmed design plan v%(n)s") % {"name": project.name, "n": plan.number},
            url=project.get_absolute_url() + "#design",
        )
    else:
        _event(project, by, _("The client asked for changes to design plan v%(n)s") % {"n": plan.number})
    return plan


@transaction.atomic
def consultation_record(*, project: Project, by: User, date: date, question: str, answer: str) -> DesignConsultation:
    if not project.can_design(by):
        raise PermissionDenied
    row = DesignConsultation(project=project, recorded_by=by, date=date, question=question, answer=answer)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def drawing_task_create(
    *,
    project: Project,
    by: User,
    kind: str,
    title: str,
    assignee: User,
    deadline: date,
    notes: str = "",
    revision_of: DrawingTask | None = None,
    review: DesignReview | None = None,
    design_change: DesignChange | None = None,
) -> DrawingTask:
    if not project.can_design(by):
        raise PermissionDenied
    if assignee.role != Role.ASSISTANT_DESIGNER and assignee.role != Role.DESIGNER:
        raise ValidationError({"assignee": _("Drawings are assigned to an assistant designer or a designer.")})
    task = DrawingTask(
        project=project,
        kind=kind,
        title=title,
        assignee=assignee,
        deadline=deadline,
        notes=notes,
        revision_of=revision_of,
        review=review,
        design_change=design_change,
        created_by=by,
    )
    task.full_clean()
    task.save()
    if not project.assistants.filter(pk=assignee.pk).exists() and assignee.role == Role.ASSISTANT_DESIGNER:
        project.assistants.add(assignee)
    notify(
        recipients=[assignee],
        title=_("Drawing task: %(title)s, due %(date)s") % {"title": title, "date": deadline},
        url=project.get_absolute_url() + "#drawings",
    )
    return task


@transaction.atomic
def drawing_task_deliver(*, task: DrawingTask, by: User, files=(), notes: str = "") -> DrawingTask:
    """The assistant delivers the drawing (with its files); on time if on or before the deadline."""
    if not (by.pk == task.assignee_id or task.project.can_design(by)):
        raise PermissionDenied
    now = timezone.now()
    if DrawingTask.objects.filter(pk=task.pk, delivered_at=None).update(delivered_at=now) != 1:
        raise StaleEdit
    task.delivered_at = now
    if notes:
        task.notes = (task.notes + "\n" + notes).strip()
        task.save(update_fields=["notes"])
    _attach(task.project, by, files, drawing=task)
    _event(task.project, by, _("Drawing delivered: %(title)s") % {"title": task.title})
    notify(
        recipients=list(task.project.designers.all()),
        title=_("Drawing delivered: %(title)s") % {"title": task.title},
        url=task.project.get_absolute_url() + "#drawings",
    )
    return task


def drawing_task_revise(
    *, task: DrawingTask, by: User, deadline: date, reason: str, review=None, design_change=None
) -> DrawingTask:
    """Open a revision task for a drawing; the original drawing counts one more revision."""
    original = task.revision_of or task
    with transaction.atomic():
        DrawingTask.objects.filter(pk=original.pk).update(revision_count=F("revision_count") + 1)
        original.refresh_from_db(fields=["revision_count"])
        return drawing_task_create(
            project=task.project,
            by=by,
            kind=task.kind,
            title=_("%(title)s (revision %(n)s)") % {"title": original.title, "n": original.revision_count},
            assignee=task.assignee,
            deadline=deadline,
            notes=reason,
            revision_of=original,
            review=review,
            design_change=design_change,
        )


@transaction.atomic
def review_record(
    *,
    project: Project,
    by: User,
    date: date,
    attendees: Iterable[User],
    other_attendees: str,
    opinions: str,
    decisions: str,
) -> DesignReview:
    if not project.can_design(by):
        raise PermissionDenied
    review = DesignReview(
        project=project,
        recorded_by=by,
        date=date,
        other_attendees=other_attendees,
        opinions=opinions,
        decisions=decisions,
    )
    review.full_clean()
    review.save()
    review.attendees.set(attendees)
    _event(project, by, _("Design review recorded (%(date)s)") % {"date": date})
    return review


@transaction.atomic
def budget_request_create(
    *, project: Project, by: User, clerk: User, quantities: str, due_on: date, plan: DesignPlan | None = None
) -> BudgetRequest:
    if not project.can_design(by):
        raise PermissionDenied
    request = BudgetRequest(
        project=project, requested_by=by, clerk=clerk, quantities=quantities, due_on=due_on, plan=plan
    )
    request.full_clean()
    request.save()
    _event(project, by, _("Budget requested from %(clerk)s") % {"clerk": clerk})
    notify(
        recipients=[clerk],
        title=_("Budget request: %(name)s, wanted by %(date)s") % {"name": project.name, "date": due_on},
        url=project.get_absolute_url() + "#budget",
    )
    return request


@transaction.atomic
def budget_return(*, request: BudgetRequest, by: User, amount: Decimal, notes: str = "", files=()) -> BudgetRequest:
    """The budget clerk returns the budget (amount and file) to the designer."""
    if not (by.is_superuser or by.pk == request.clerk_id):
        raise PermissionDenied
    now = timezone.now()
    updated = BudgetRequest.objects.filter(pk=request.pk, status=BudgetRequest.Status.REQUESTED).update(
        status=BudgetRequest.Status.RETURNED, returned_at=now, amount=amount, clerk_notes=notes
    )
    if updated != 1:
        raise StaleEdit
    request.status, request.returned_at, request.amount, request.clerk_notes = "returned", now, amount, notes
    _attach(request.project, by, files, budget=request)
    _event(request.project, by, _("Budget returned: %(amount)s yuan") % {"amount": amount})
    notify(
        recipients=[request.requested_by],
        title=_("Budget returned for %(name)s: %(amount)s yuan") % {"name": request.project.name, "amount": amount},
        url=request.project.get_absolute_url() + "#budget",
    )
    return request


@transaction.atomic
def disclosure_record(
    *,
    project: Project,
    by: User,
    date: date,
    designer: User,
    project_manager: User,
    crew: Crew | None,
    crew_leader: str,
    points: str,
) -> TechnicalDisclosure:
    if not project.can_edit(by):
        raise PermissionDenied
    row = TechnicalDisclosure(
        project=project,
        recorded_by=by,
        date=date,
        designer=designer,
        project_manager=project_manager,
        crew=crew,
        crew_leader=crew_leader,
        points=points,
    )
    row.full_clean()
    row.save()
    _event(project, by, _("Technical disclosure recorded (%(date)s)") % {"date": date})
    notify(
        recipients=[designer, project_manager],
        title=_("Please confirm the technical disclosure of %(name)s") % {"name": project.name},
        url=project.get_absolute_url() + "#disclosure",
    )
    return row


@transaction.atomic
def disclosure_confirm(*, disclosure: TechnicalDisclosure, by: User, crew_leader: bool = False) -> TechnicalDisclosure:
    """An attendee confirms; the PM records the crew leader's confirmation on site."""
    now = timezone.now()
    if crew_leader:
        if by.pk != disclosure.project_manager_id and not disclosure.project.can_manage(by):
            raise PermissionDenied
        field = "crew_confirmed_at"
    elif by.pk == disclosure.designer_id:
        field = "designer_confirmed_at"
    elif by.pk == disclosure.project_manager_id:
        field = "pm_confirmed_at"
    else:
        raise PermissionDenied
    TechnicalDisclosure.objects.filter(pk=disclosure.pk, **{field: None}).update(**{field: now})
    disclosure.refresh_from_db()
    return disclosure


@transaction.atomic
def change_propose(
    *,
    project: Project,
    by: User,
    reason: str,
    content: str,
    cost_impact: Decimal,
    schedule_impact_days: int,
    affected_drawings: Iterable[DrawingTask] = (),
) -> DesignChange:
    if not project.can_edit(by):
        raise PermissionDenied
    change = DesignChange(
        project=project,
        requested_by=by,
        reason=reason,
        content=content,
        cost_impact=cost_impact,
        schedule_impact_days=schedule_impact_days,
    )
    change.full_clean()
    change.save()
    change.affected_drawings.set(affected_drawings)
    _event(project, by, _("Design change proposed"))
    return change


@transaction.atomic
def change_decide(
    *, change: DesignChange, by: User, approved: bool, on: date, client_name: str, revision_deadline: date | None
) -> DesignChange:
    """Record the client's approval (or rejection); approval opens revision tasks for the affected drawings."""
    if not change.project.can_edit(by):
        raise PermissionDenied
    status = DesignChange.Status.APPROVED if approved else DesignChange.Status.REJECTED
    updated = DesignChange.objects.filter(pk=change.pk, status=DesignChange.Status.PROPOSED).update(
        status=status, decided_on=on, client_signed_by=client_name
    )
    if updated != 1:
        raise StaleEdit
    change.status, change.decided_on, change.client_signed_by = status, on, client_name
    if approved:
        deadline = revision_deadline or on + timedelta(days=3)
        for drawing in change.affected_drawings.select_related("project", "assignee", "revision_of"):
            drawing_task_revise(task=drawing, by=by, deadline=deadline, reason=change.content, design_change=change)
        _event(change.project, by, _("The client approved a design change"))
    else:
        _event(change.project, by, _("The client rejected a design change"))
    return change


# --- Construction ------------------------------------------------------------------------------------


@transaction.atomic
def site_log_write(
    *,
    project: Project,
    by: User,
    date: date,
    weather: str,
    workers_on_site: int,
    work_done: str,
    problems: str = "",
    photos=(),
) -> SiteLog:
    if not project.can_build(by):
        raise PermissionDenied
    if SiteLog.objects.filter(project=project, date=date).exists():
        raise ValidationError({"date": _("There is already a site log for this day.")})
    log = SiteLog(
        project=project,
        author=by,
        date=date,
        weather=weather,
        workers_on_site=workers_on_site,
        work_done=work_done,
        problems=problems,
    )
    log.full_clean()
    log.save()
    _attach(project, by, photos, site_log=log)
    if problems.strip() and project.team.leader_id:
        notify(
            recipients=[project.team.leader, *project.designers.all()],
            title=_("Site problem at %(name)s") % {"name": project.name},
            body=problems,
            url=project.get_absolute_url() + "#logs",
        )
    return log


@transaction.atomic
def site_log_update(
    *,
    log: SiteLog,
    by: User,
    version: int,
    weather: str,
    workers_on_site: int,
    work_done: str,
    problems: str = "",
    photos=(),
) -> SiteLog:
    """Correct a site log or add photos to it later in the day (refusing a stale form)."""
    if not log.project.can_build(by):
        raise PermissionDenied
    if SiteLog.objects.filter(pk=log.pk, version=version).update(version=F("version") + 1) != 1:
        raise StaleEdit
    log.weather, log.workers_on_site, log.work_done, log.problems = weather, workers_on_site, work_done, problems
    log.version = version + 1
    log.full_clean()
    log.save(update_fields=["weather", "workers_on_site", "work_done", "problems"])
    _attach(log.project, by, photos, site_log=log)
    return log


@transaction.atomic
def inspection_record(
    *,
    phase: SchedulePhase,
    by: User,
    inspected_on: date,
    result: str,
    notes: str = "",
    rectify_items: str = "",
    reinspect_by: date | None = None,
    photos=(),
) -> Inspection:
    """Record an inspection; a rectify result lists its items and a re-inspection date."""
    project = phase.project
    if not project.can_build(by):
        raise PermissionDenied
    if result == Inspection.Result.RECTIFY and not rectify_items.strip():
        raise ValidationError({"rectify_items": _("List what must be rectified.")})
    if result == Inspection.Result.RECTIFY and reinspect_by is None:
        raise ValidationError({"reinspect_by": _("Set the re-inspection date.")})
    previous = phase.inspections.order_by("-inspected_on", "-pk").first()
    inspection = Inspection(
        phase=phase,
        inspector=by,
        inspected_on=inspected_on,
        result=result,
        notes=notes,
        rectify_items=rectify_items if result == Inspection.Result.RECTIFY else "",
        reinspect_by=reinspect_by if result == Inspection.Result.RECTIFY else None,
        reinspection_of=previous if previous and previous.result == Inspection.Result.RECTIFY else None,
    )
    inspection.full_clean()
    inspection.save()
    _attach(project, by, photos, inspection=inspection)
    _event(
        project,
        by,
        _("Inspection of %(phase)s: %(result)s") % {"phase": phase, "result": inspection.get_result_display()},
    )
    if phase.kind == SchedulePhase.Kind.PLUMBING_ELECTRICAL and result == Inspection.Result.PASS:
        notify(
            recipients=[*project.designers.all(), project.team.leader],
            title=_("%(name)s: plumbing & electrical accepted, the next phases may start") % {"name": project.name},
            url=project.get_absolute_url() + "#schedule",
        )
    return inspection


@transaction.atomic
def crew_save(*, crew: Crew | None, by: User, data: dict) -> Crew:
    if not by.has_role(Role.PROJECT_MANAGER, Role.CONSULTANT, Role.DEPUTY_GM):
        raise PermissionDenied
    crew = crew or Crew()
    for field in ("name", "leader", "phone", "trade", "is_active", "notes"):
        setattr(crew, field, data[field])
    crew.full_clean()
    crew.save()
    return crew


@transaction.atomic
def crew_evaluate(
    *, phase: SchedulePhase, by: User, evaluated_on: date, scores: dict, comments: str = ""
) -> CrewEvaluation:
    """Score the crew of a phase (quality, schedule, tidiness, safety, cooperation: 1–5)."""
    if not phase.project.can_build(by):
        raise PermissionDenied
    if phase.crew_id is None:
        raise ValidationError(_("Assign a crew to this phase first."))
    if CrewEvaluation.objects.filter(crew_id=phase.crew_id, phase=phase).exists():
        raise ValidationError(_("This crew has already been evaluated for this phase."))
    evaluation = CrewEvaluation(
        crew_id=phase.crew_id, phase=phase, evaluated_by=by, evaluated_on=evaluated_on, comments=comments, **scores
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


# --- Completion and maintenance ----------------------------------------------------------------------


@transaction.atomic
def completion_collect(*, project: Project, by: User, kind: str, notes: str = "", files=()) -> CompletionItem:
    """Tick a completion document as collected (designer or PM), with its file."""
    if not project.can_edit(by):
        raise PermissionDenied
    if project.completion_handed_over_at:
        raise ValidationError(_("The completion documents have already been handed over."))
    item, created = CompletionItem.objects.get_or_create(
        project=project, kind=kind, defaults={"collected_by": by, "notes": notes}
    )
    if not created:
        raise ValidationError(_("This document has already been collected."))
    _attach(project, by, files, completion_item=item)
    return item


@transaction.atomic
def completion_hand_over(*, project: Project, by: User) -> Project:
    """Hand the complete checklist to the team's consultant, who archives it with administration."""
    if not project.can_edit(by):
        raise PermissionDenied
    have = set(project.completion_items.values_list("kind", flat=True))
    missing = [label for value, label in CompletionItem.Kind.choices if value not in have]
    if missing:
        raise ValidationError(_("Missing: %(items)s") % {"items": "、".join(str(m) for m in missing)})
    consultant = project.team.leader
    updated = Project.objects.filter(pk=project.pk, completion_handed_over_at=None).update(
        completion_handed_over_at=timezone.now(), completion_handed_to=consultant
    )
    if updated != 1:
        raise StaleEdit
    project.refresh_from_db(fields=["completion_handed_over_at", "completion_handed_to"])
    _event(project, by, _("Completion documents handed to %(who)s") % {"who": consultant})
    notify(
        recipients=[consultant],
        title=_("Completion documents of %(name)s handed over: please archive them") % {"name": project.name},
        url=project.get_absolute_url() + "#completion",
    )
    return project


@transaction.atomic
def maintenance_create(
    *,
    project: Project,
    by: User,
    source: str,
    description: str,
    promised_on: date,
    crew: Crew | None = None,
    complaint=None,
    follow_up=None,
    call=None,
    photos=(),
) -> MaintenanceRequest:
    if not (project.can_build(by) or project.can_manage(by)):
        raise PermissionDenied
    if project.phase not in (Project.Phase.COMPLETED, Project.Phase.WARRANTY):
        raise ValidationError(_("Maintenance requests are for completed projects."))
    request = MaintenanceRequest(
        project=project,
        created_by=by,
        source=source,
        description=description,
        promised_on=promised_on,
        crew=crew,
        complaint=complaint,
        follow_up=follow_up,
        call=call,
    )
    request.full_clean()
    request.save()
    _attach(project, by, photos, maintenance=request)
    _event(project, by, _("Maintenance request registered"))
    notify(
        recipients=[project.project_manager, project.team.leader],
        title=_("Maintenance at %(name)s, promised by %(date)s") % {"name": project.name, "date": promised_on},
        body=description,
        url=project.get_absolute_url() + "#maintenance",
    )
    return request


def _maintenance_move(request: MaintenanceRequest, to: str, **changes) -> None:
    if to not in MAINTENANCE_TRANSITIONS[request.status]:
        raise ValidationError(_("This maintenance request cannot be moved there."))
    updated = MaintenanceRequest.objects.filter(pk=request.pk, status=request.status).update(status=to, **changes)
    if updated != 1:
        raise StaleEdit
    request.status = to
    for field, value in changes.items():
        setattr(request, field, value)


@transaction.atomic
def maintenance_done(*, request: MaintenanceRequest, by: User, done_on: date, work_notes: str, photos=()):
    if not request.project.can_build(by):
        raise PermissionDenied
    _maintenance_move(request, MaintenanceRequest.Status.DONE, done_on=done_on, work_notes=work_notes)
    _attach(request.project, by, photos, maintenance=request)
    _event(request.project, by, _("Maintenance done"))
    return request


@transaction.atomic
def maintenance_confirm(*, request: MaintenanceRequest, by: User, satisfied: bool, on: date, feedback: str = ""):
    """The client's confirmation; if not satisfied the request reopens."""
    if not (request.project.can_build(by) or request.project.can_manage(by)):
        raise PermissionDenied
    if satisfied:
        _maintenance_move(
            request, MaintenanceRequest.Status.CONFIRMED, client_confirmed_on=on, client_feedback=feedback
        )
        _event(request.project, by, _("The client confirmed the maintenance"))
    else:
        _maintenance_move(request, MaintenanceRequest.Status.OPEN, done_on=None, client_feedback=feedback)
        _event(request.project, by, _("The client was not satisfied; maintenance reopened"))
    return request


# --- Scheduled scans ---------------------------------------------------------------------------------


def drawing_reminders_send(*, now: datetime | None = None) -> int:
    """Remind assignees the day before a drawing's deadline and on the day; each once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    plans = [
        ("reminded_before_at", today + timedelta(days=1), _("Drawing due tomorrow: %(title)s")),
        ("reminded_due_at", today, _("Drawing due today: %(title)s")),
    ]
    for field, deadline, title in plans:
        due = DrawingTask.objects.filter(deadline=deadline, delivered_at=None, **{field: None}).select_related(
            "assignee", "project"
        )
        for task in due:
            with transaction.atomic():
                claimed = DrawingTask.objects.filter(pk=task.pk, **{field: None}).update(**{field: now})
                if claimed != 1:
                    continue
                notify(
                    recipients=[task.assignee],
                    title=title % {"title": task.title},
                    body=str(task.project),
                    url=task.project.get_absolute_url() + "#drawings",
                )
                sent += 1
    return sent


def maintenance_escalate(*, now: datetime | None = None) -> int:
    """Overdue maintenance: remind the PM and consultant, then a day later the deputy GM; each once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    overdue = MaintenanceRequest.objects.filter(status=MaintenanceRequest.Status.OPEN, promised_on__lt=today)
    for request in overdue.filter(reminded_at=None).select_related("project__team__leader", "project__project_manager"):
        with transaction.atomic():
            if MaintenanceRequest.objects.filter(pk=request.pk, reminded_at=None).update(reminded_at=now) != 1:
                continue
            project = request.project
            notify(
                recipients=[project.project_manager, project.team.leader],
                title=_("Maintenance overdue at %(name)s (promised %(date)s)")
                % {"name": project.name, "date": request.promised_on},
                body=request.description,
                url=project.get_absolute_url() + "#maintenance",
                team_channel=project.team,
            )
            sent += 1
    escalate = overdue.filter(escalated_at=None, promised_on__lt=today - timedelta(days=1))
    gms = list(User.objects.filter(role=Role.DEPUTY_GM, is_active=True))
    for request in escalate.select_related("project"):
        with transaction.atomic():
            if MaintenanceRequest.objects.filter(pk=request.pk, escalated_at=None).update(escalated_at=now) != 1:
                continue
            notify(
                recipients=gms,
                title=_("Escalation: maintenance overdue at %(name)s (promised %(date)s)")
                % {"name": request.project.name, "date": request.promised_on},
                body=request.description,
                url=request.project.get_absolute_url() + "#maintenance",
            )
            sent += 1
    return sent
