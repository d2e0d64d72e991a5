"""Project services: open, staff, phase changes, construction plan and schedule.

``project_open`` is the entry point the clients app calls when a contract is signed
(inside its transaction); keep its signature.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    PHASE_TRANSITIONS,
    Crew,
    DesignPlan,
    MaintenanceRequest,
    Project,
    SchedulePhase,
)
from projects.services.common import StaleEdit, _event, _team_people
from teams.models import User
from teams.services import notify

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


def _phases_with_inspections(project: Project) -> list:
    """The project's phases with their inspections: the prefetched ones, else two queries."""
    if "phases" in getattr(project, "_prefetched_objects_cache", {}):
        return list(project.phases.all())
    return list(project.phases.prefetch_related("inspections"))


def project_blockers(project: Project, to_phase: str) -> list[str]:
    """Why the project cannot move to ``to_phase`` yet (empty: it can)."""
    reasons = []
    if to_phase not in PHASE_TRANSITIONS.get(project.phase, []):
        return [_("This phase change is not allowed.")]
    # From the records the project page prefetched (one query each when they were not).
    if to_phase == Project.Phase.CONSTRUCTION:
        if not any(plan.status == DesignPlan.Status.CONFIRMED for plan in project.plans.all()):
            reasons.append(_("The client has not confirmed a design plan."))
        if not project.safety_plan.strip():
            reasons.append(_("The construction plan has no safety plan."))
        if not project.phases.all():
            reasons.append(_("The construction schedule has no phases."))
        if not project.disclosures.all():
            reasons.append(_("No technical disclosure has been recorded."))
        if project.project_manager_id is None:
            reasons.append(_("No project manager is assigned."))
    elif to_phase == Project.Phase.COMPLETED:
        phases = _phases_with_inspections(project)
        for phase in phases:
            if phase.actual_finish is None:
                reasons.append(_("%(phase)s is not finished.") % {"phase": phase})
            elif not phase.passed:
                reasons.append(_("%(phase)s has not passed its inspection.") % {"phase": phase})
        if not phases:
            reasons.append(_("The construction schedule has no phases."))
    elif to_phase == Project.Phase.WARRANTY:
        if project.completion_handed_over_at is None:
            reasons.append(_("The completion documents have not been handed to the consultant."))
    elif to_phase == Project.Phase.CLOSED:
        if any(r.status != MaintenanceRequest.Status.CONFIRMED for r in project.maintenance_requests.all()):
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
