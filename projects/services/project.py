"""Project services: open, staff, phase changes, construction plan and schedule.

A signed contract opens its project through ``project_open_for_contract``, the
``contract_signed`` hook this app registers (projects/apps.py, teams/registry.py).
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    PHASE_TRANSITIONS,
    Crew,
    DesignPlan,
    MaintenanceRequest,
    PhaseTemplate,
    Project,
    SchedulePhase,
)
from projects.services.common import _event, _phase_name, _team_people
from projects.services.money import stages_link_gating_phase, stages_on_completion
from teams.audit import changes_against_db
from teams.calendar import calendar_exceptions, is_working_day
from teams.dates import not_in_future
from teams.editing import EditConflict, compare_and_set, versioned_update
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.services import notify

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
    facts_save(project)
    _event(project, None, Message.join([Message("Project opened"), f" ({contract})" if contract else ""], ""))
    if team.leader_id:
        notify(
            kind=NotificationKind.PROJECT,
            recipients=[team.leader],
            title=Message("New project %(name)s: assign designer, assistant and PM", name=project.name),
            url=project.get_absolute_url(),
        )
    return project


def project_open_for_contract(*, client, contract, by) -> Project:
    """The ``contract_signed`` hook (teams/registry.py): a signed contract opens its project."""
    return project_open(
        client=client,
        team=client.team,
        contract=contract,
        name=_("%(client)s's home") % {"client": client.name},
        address=contract.address or client.address,
        planned_start=contract.planned_start,
        planned_finish=contract.planned_finish,
    )


@transaction.atomic
def project_update(*, project: Project, by: User, version: int, data: dict) -> Project:
    """Edit the project's staff and dates (the consultant), refusing a stale form."""
    if not project.can_manage(by):
        raise PermissionDenied
    fields = ["name", "address", "project_manager", "planned_start", "planned_finish"]
    compare_and_set(project, expect={"version": version}, fields={"version": version + 1})
    changes = changes_against_db(project, data, [*fields, "designers", "assistants"])
    for field in fields:
        setattr(project, field, data[field])
    project.version = version + 1
    project.full_clean()
    facts_save(project, update_fields=fields)
    before = set(project.designers.values_list("pk", flat=True)) | set(project.assistants.values_list("pk", flat=True))
    project.designers.set(data["designers"])
    project.assistants.set(data["assistants"])
    newcomers = [u for u in [*data["designers"], *data["assistants"], data["project_manager"]] if u]
    newcomers = [u for u in newcomers if u.pk not in before]
    for change in changes:
        _event(project, by, change.message())
    if newcomers:
        notify(
            kind=NotificationKind.PROJECT,
            recipients=newcomers,
            title=Message("You are assigned to project %(name)s", name=project.name),
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
        # The project page annotates both (projects.selectors.project_for_page) and loads neither tab's records.
        confirmed = getattr(project, "has_confirmed_plan", None)
        if confirmed is None:
            confirmed = any(plan.status == DesignPlan.Status.CONFIRMED for plan in project.plans.all())
        if not confirmed:
            reasons.append(_("The client has not confirmed a design plan."))
        if not project.safety_plan.strip():
            reasons.append(_("The construction plan has no safety plan."))
        if not project.phases.all():
            reasons.append(_("The construction schedule has no phases."))
        disclosed = getattr(project, "has_disclosure", None)
        if disclosed is None:
            disclosed = bool(project.disclosures.all())
        if not disclosed:
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
        dates = list(project.phases.values_list("actual_start", "actual_finish"))
        changes["actual_finish"] = max((finish for _start, finish in dates if finish), default=today)
        # Phases recorded with earlier dates than the day the project moved into construction:
        # the project started with its first phase (and so never finishes before it started).
        starts = [start for start, _finish in dates if start]
        if starts and (project.actual_start is None or min(starts) < project.actual_start):
            changes["actual_start"] = min(starts)
    if to_phase == Project.Phase.WARRANTY:
        finished = project.actual_finish or today
        changes["warranty_until"] = finished.replace(year=finished.year + WARRANTY_YEARS)
    # Compare-and-set on the phase: two clicks, or two people, move it once.
    old = Project.Phase(project.phase).label
    with facts_write(Project, project.pk):
        compare_and_set(project, expect={"phase": project.phase}, fields=changes)
    new = Project.Phase(project.phase).label
    _event(project, by, Message("Phase: %(old)s → %(new)s", old=old, new=new))
    if to_phase == Project.Phase.COMPLETED:
        stages_on_completion(project=project, on=project.actual_finish or today, by=by)
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[*_team_people(project), project.team.leader],
        title=Message("%(name)s is now in phase %(phase)s", name=project.name, phase=new),
        url=project.get_absolute_url(),
    )
    return project


@transaction.atomic
def construction_plan_save(*, project: Project, by: User, version: int, method: str, safety_plan: str) -> Project:
    if not project.can_build(by):
        raise PermissionDenied
    if not safety_plan.strip():
        raise ValidationError({"safety_plan": _("The safety plan is mandatory.")})
    versioned_update(
        project, fields={"construction_method": method, "safety_plan": safety_plan}, expected_version=version
    )
    _event(project, by, Message("Construction plan saved"))
    return project


class _Calendar:
    """Working days (the company calendar, meetings) with its exceptions read in one query."""

    def __init__(self, start: date, days: int):
        end = start + timedelta(days=days * 2 + 60)
        self.exceptions = calendar_exceptions(start, end)

    def is_working(self, day: date) -> bool:
        return is_working_day(day, exceptions=self.exceptions)

    def span(self, start: date, duration: int, unit: str) -> tuple[date, date]:
        """First and last day of a phase of ``duration`` days from ``start`` (on or after it)."""
        if unit != PhaseTemplate.DurationUnit.WORKING:
            return start, start + timedelta(days=duration - 1)
        while not self.is_working(start):
            start += timedelta(days=1)
        finish, counted = start, 1
        while counted < duration:
            finish += timedelta(days=1)
            counted += self.is_working(finish)
        return start, finish


def _renumber(phases: list[SchedulePhase]) -> None:
    """Number the phases 1, 2, … in list order (saving only those that moved)."""
    moved = []
    for order, phase in enumerate(phases, start=1):
        if phase.order != order:
            phase.order = order
            moved.append(phase)
    SchedulePhase.objects.bulk_update(moved, ["order"])


@transaction.atomic
def schedule_apply_template(*, project: Project, by: User, start: date) -> list[SchedulePhase]:
    """Create the phases of the active template rows one after another from ``start``
    (rows already in the schedule are kept, with their slot in the sequence)."""
    if not project.can_build(by):
        raise PermissionDenied
    rows = list(PhaseTemplate.objects.filter(is_active=True).order_by("order", "pk"))
    existing = list(project.phases.select_for_update().order_by("order", "pk"))
    have_templates = {p.template_id for p in existing}
    have_kinds = {p.kind for p in existing} - {SchedulePhase.Kind.CUSTOM}
    calendar = _Calendar(start, sum(row.duration for row in rows))
    created = []
    cursor = start
    for order, row in enumerate(rows, start=1):
        first, finish = calendar.span(cursor, row.duration, row.duration_unit)
        if row.pk not in have_templates and row.kind not in have_kinds:
            created.append(
                SchedulePhase(
                    project=project,
                    kind=row.kind,
                    name=row.name,
                    template=row,
                    gates_later=row.gates_later,
                    order=order,
                    planned_start=first,
                    planned_finish=finish,
                )
            )
        cursor = finish + timedelta(days=1)
    with facts_write(SchedulePhase) as facts:
        SchedulePhase.objects.bulk_create(created)
        facts.add(*(phase.pk for phase in created))
    if created:
        if existing:  # custom phases added before: keep the sequence 1, 2, … without ties
            _renumber(sorted([*existing, *created], key=lambda p: (p.order, p.pk)))
        _event(project, by, Message("Schedule created from the template"))
        stages_link_gating_phase(project=project)
    return created


@transaction.atomic
def phase_add(
    *,
    project: Project,
    by: User,
    template: PhaseTemplate | None = None,
    name: str = "",
    gates_later: bool = False,
    after: SchedulePhase | None = None,
    at_start: bool = False,
    planned_start: date | None = None,
    planned_finish: date | None = None,
) -> SchedulePhase:
    """Add a phase to one project's schedule: a template row, or a custom phase by name.

    It goes after ``after`` (first with ``at_start``, else last); the dates default to the day
    after the phase before it and the template's default duration.
    """
    if not project.can_build(by):
        raise PermissionDenied
    phases = list(project.phases.select_for_update().order_by("order", "pk"))
    if template is not None:
        if not template.is_active:
            raise ValidationError({"template": _("This template phase is no longer in use.")})
        if any(p.template_id == template.pk for p in phases) or (
            template.kind != SchedulePhase.Kind.CUSTOM and any(p.kind == template.kind for p in phases)
        ):
            raise ValidationError({"template": _("This phase is already in the schedule.")})
        phase = SchedulePhase(
            project=project,
            kind=template.kind,
            name=template.name,
            template=template,
            gates_later=template.gates_later,
        )
    else:
        name = name.strip()
        if not name:
            raise ValidationError({"name": _("Choose a template phase or enter the name of a custom phase.")})
        if any(p.display_name.casefold() == name.casefold() for p in phases):
            raise ValidationError({"name": _("The schedule already has a phase with this name.")})
        phase = SchedulePhase(project=project, kind=SchedulePhase.Kind.CUSTOM, name=name, gates_later=gates_later)
    if after is not None and after.project_id != project.pk:
        raise ValidationError({"after": _("Choose a phase of this schedule.")})
    index = 0 if at_start else len(phases) if after is None else [p.pk for p in phases].index(after.pk) + 1
    before = phases[index - 1] if index > 0 else None
    if planned_start is None:
        planned_start = before.planned_finish + timedelta(days=1) if before else project.planned_start
        planned_start = planned_start or timezone.localdate()
    if planned_finish is None:
        if template is None:
            raise ValidationError({"planned_finish": _("Enter the planned finish.")})
        planned_start, planned_finish = _Calendar(planned_start, template.duration).span(
            planned_start, template.duration, template.duration_unit
        )
    if planned_finish < planned_start:
        raise ValidationError({"planned_finish": _("The planned finish is before the planned start.")})
    phase.planned_start, phase.planned_finish = planned_start, planned_finish
    phase.order = index + 1
    phase.full_clean()
    facts_save(phase)
    phases.insert(index, phase)
    _renumber(phases)
    _event(project, by, Message("Phase added to the schedule: %(phase)s", phase=_phase_name(phase)))
    return phase


@transaction.atomic
def phase_remove(*, phase: SchedulePhase, by: User) -> None:
    """Remove a phase that has not started and has no inspection or crew evaluation."""
    project = phase.project
    if not project.can_build(by):
        raise PermissionDenied
    locked = SchedulePhase.objects.select_for_update().filter(pk=phase.pk).first()
    if locked is None:
        raise EditConflict
    if locked.actual_start is not None:
        raise ValidationError(_("%(phase)s has started: it cannot be removed.") % {"phase": locked})
    if locked.inspections.exists() or locked.evaluations.exists():
        raise ValidationError(
            _("%(phase)s has an inspection or a crew evaluation: it cannot be removed.") % {"phase": locked}
        )
    with facts_write(SchedulePhase, locked.pk):
        locked.delete()
    _renumber(list(project.phases.order_by("order", "pk")))
    _event(project, by, Message("Phase removed from the schedule: %(phase)s", phase=_phase_name(locked)))


def _gate_blocking(phase: SchedulePhase) -> SchedulePhase | None:
    """The earlier phase whose inspection gates this one and has not passed yet (None: free to start).

    A phase gates the later ones when its ``gates_later`` flag is set (plumbing & electrical by default).
    """
    gates = (
        SchedulePhase.objects.filter(project_id=phase.project_id, gates_later=True, order__lt=phase.order)
        .exclude(pk=phase.pk)
        .prefetch_related("inspections")
        .order_by("order", "pk")
    )
    return next((gate for gate in gates if not gate.passed), None)


def not_in_future_field(name: str, value) -> None:
    """What happened cannot be dated after today: the project's finish is its last phase's."""
    try:
        not_in_future(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


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
    gate = _gate_blocking(phase) if actual_start and phase.actual_start is None else None
    if gate is not None:
        raise ValidationError(
            {"actual_start": _("%(phase)s must pass its inspection before the next phases start.") % {"phase": gate}}
        )
    for name, value in (("actual_start", actual_start), ("actual_finish", actual_finish)):
        not_in_future_field(name, value)
    if actual_finish and not actual_start:
        raise ValidationError({"actual_finish": _("Enter the actual start first.")})
    if planned_finish < planned_start:
        raise ValidationError({"planned_finish": _("The planned finish is before the planned start.")})
    if actual_start and actual_finish and actual_finish < actual_start:
        raise ValidationError({"actual_finish": _("The actual finish is before the actual start.")})
    compare_and_set(phase, expect={"version": version}, fields={"version": version + 1})
    data = {
        "planned_start": planned_start,
        "planned_finish": planned_finish,
        "actual_start": actual_start,
        "actual_finish": actual_finish,
        "crew": crew,
    }
    changes = changes_against_db(phase, data, data)
    phase.planned_start, phase.planned_finish = planned_start, planned_finish
    phase.actual_start, phase.actual_finish, phase.crew = actual_start, actual_finish, crew
    phase.version = version + 1
    phase.full_clean()
    facts_save(phase, update_fields=["planned_start", "planned_finish", "actual_start", "actual_finish", "crew"])
    for change in changes:
        line = Message("Schedule %(phase)s: %(change)s", phase=_phase_name(phase), change=change.message())
        _event(phase.project, by, line)
    return phase
