"""Construction and after-sale services: site logs, inspections, crews, completion documents, maintenance."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    MAINTENANCE_TRANSITIONS,
    CompletionItem,
    Crew,
    CrewEvaluation,
    Inspection,
    MaintenanceRequest,
    Project,
    SchedulePhase,
    SiteLog,
)
from projects.services.common import _attach, _event, _phase_name
from projects.services.money import stages_on_inspection_passed
from teams.editing import EditConflict, claim, compare_and_set, versioned_update
from teams.facts import facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.roles import Role
from teams.services import notify


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
            kind=NotificationKind.PROJECT,
            recipients=[project.team.leader, *project.designers.all()],
            title=Message("Site problem at %(name)s", name=project.name),
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
    versioned_update(
        log,
        fields={"weather": weather, "workers_on_site": workers_on_site, "work_done": work_done, "problems": problems},
        expected_version=version,
    )
    log.full_clean()  # an invalid log rolls the update back with the transaction
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
    # Which inspection is a phase's first depends on its others: the phase's are recounted (teams/facts.py).
    with facts_write(SchedulePhase, phase.pk):
        inspection.save()
    _attach(project, by, photos, inspection=inspection)
    _event(
        project,
        by,
        Message(
            "Inspection of %(phase)s: %(result)s",
            phase=_phase_name(phase),
            result=Inspection.Result(inspection.result).label,
        ),
    )
    if result == Inspection.Result.PASS:
        stages_on_inspection_passed(phase=phase, on=inspected_on)
    if phase.gates_later and result == Inspection.Result.PASS:
        notify(
            kind=NotificationKind.PROJECT,
            recipients=[*project.designers.all(), project.team.leader],
            title=Message(
                "%(name)s: %(phase)s accepted, the next phases may start", name=project.name, phase=_phase_name(phase)
            ),
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
    if not claim(project, "completion_handed_over_at", timezone.now(), completion_handed_to=consultant):
        raise EditConflict
    project.refresh_from_db(fields=["completion_handed_over_at", "completion_handed_to"])
    _event(project, by, Message("Completion documents handed to %(who)s", who=consultant))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[consultant],
        title=Message("Completion documents of %(name)s handed over: please archive them", name=project.name),
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
    _event(project, by, Message("Maintenance request registered"))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[project.project_manager, project.team.leader],
        title=Message("Maintenance at %(name)s, promised by %(date)s", name=project.name, date=promised_on),
        body=description,
        url=project.get_absolute_url() + "#maintenance",
    )
    return request


def _maintenance_move(request: MaintenanceRequest, to: str, **changes) -> None:
    if to not in MAINTENANCE_TRANSITIONS[request.status]:
        raise ValidationError(_("This maintenance request cannot be moved there."))
    compare_and_set(request, expect={"status": request.status}, fields={"status": to, **changes})


@transaction.atomic
def maintenance_done(*, request: MaintenanceRequest, by: User, done_on: date, work_notes: str, photos=()):
    if not request.project.can_build(by):
        raise PermissionDenied
    _maintenance_move(request, MaintenanceRequest.Status.DONE, done_on=done_on, work_notes=work_notes)
    _attach(request.project, by, photos, maintenance=request)
    _event(request.project, by, Message("Maintenance done"))
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
        _event(request.project, by, Message("The client confirmed the maintenance"))
    else:
        _maintenance_move(request, MaintenanceRequest.Status.OPEN, done_on=None, client_feedback=feedback)
        _event(request.project, by, Message("The client was not satisfied; maintenance reopened"))
    return request
