"""Design services: plans, consultations, drawing tasks, reviews, budget requests, disclosures, changes."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    PLAN_TRANSITIONS,
    BudgetRequest,
    Crew,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Project,
    TechnicalDisclosure,
)
from projects.services.common import _attach, _event, _team_people
from teams.editing import EditConflict, claim, compare_and_set
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.roles import Role
from teams.services import notify


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
    _event(project, by, Message("Design plan v%(n)s added", n=number))
    return plan


def _plan_move(plan: DesignPlan, to: str, **changes) -> None:
    if to not in PLAN_TRANSITIONS[plan.status]:
        raise ValidationError(_("This plan cannot be moved to “%(status)s”.") % {"status": DesignPlan.Status(to).label})
    compare_and_set(plan, expect={"status": plan.status}, fields={"status": to, **changes})


@transaction.atomic
def plan_submit(*, plan: DesignPlan, by: User) -> DesignPlan:
    if not plan.project.can_design(by):
        raise PermissionDenied
    _plan_move(plan, DesignPlan.Status.SUBMITTED, submitted_at=timezone.now())
    _event(plan.project, by, Message("Design plan v%(n)s submitted to the client", n=plan.number))
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
        _event(project, by, Message("The client confirmed design plan v%(n)s", n=plan.number))
        notify(
            kind=NotificationKind.PROJECT,
            recipients=[*_team_people(project), project.team.leader],
            title=Message("%(name)s: the client confirmed design plan v%(n)s", name=project.name, n=plan.number),
            url=project.get_absolute_url() + "#design",
        )
    else:
        _event(project, by, Message("The client asked for changes to design plan v%(n)s", n=plan.number))
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
    facts_save(task)
    if not project.assistants.filter(pk=assignee.pk).exists() and assignee.role == Role.ASSISTANT_DESIGNER:
        project.assistants.add(assignee)
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[assignee],
        title=Message("Drawing task: %(title)s, due %(date)s", title=title, date=deadline),
        url=project.get_absolute_url() + "#drawings",
    )
    return task


@transaction.atomic
def drawing_task_deliver(*, task: DrawingTask, by: User, files=(), notes: str = "") -> DrawingTask:
    """The assistant delivers the drawing (with its files); on time if on or before the deadline."""
    if not (by.pk == task.assignee_id or task.project.can_design(by)):
        raise PermissionDenied
    now = timezone.now()
    with facts_write(DrawingTask, task.pk):
        delivered = claim(task, "delivered_at", now)
    if not delivered:
        raise EditConflict
    if notes:
        task.notes = (task.notes + "\n" + notes).strip()
        task.save(update_fields=["notes"])
    _attach(task.project, by, files, drawing=task)
    _event(task.project, by, Message("Drawing delivered: %(title)s", title=task.title))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=list(task.project.designers.all()),
        title=Message("Drawing delivered: %(title)s", title=task.title),
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
    _event(project, by, Message("Design review recorded (%(date)s)", date=date))
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
    _event(project, by, Message("Budget requested from %(clerk)s", clerk=clerk))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[clerk],
        title=Message("Budget request: %(name)s, wanted by %(date)s", name=project.name, date=due_on),
        url=project.get_absolute_url() + "#budget",
    )
    return request


@transaction.atomic
def budget_return(*, request: BudgetRequest, by: User, amount: Decimal, notes: str = "", files=()) -> BudgetRequest:
    """The budget clerk returns the budget (amount and file) to the designer."""
    if not (by.is_superuser or by.pk == request.clerk_id):
        raise PermissionDenied
    now = timezone.now()
    compare_and_set(
        request,
        expect={"status": BudgetRequest.Status.REQUESTED},
        fields={"status": BudgetRequest.Status.RETURNED, "returned_at": now, "amount": amount, "clerk_notes": notes},
    )
    _attach(request.project, by, files, budget=request)
    _event(request.project, by, Message("Budget returned: %(amount)s yuan", amount=amount))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[request.requested_by],
        title=Message("Budget returned for %(name)s: %(amount)s yuan", name=request.project.name, amount=amount),
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
    _event(project, by, Message("Technical disclosure recorded (%(date)s)", date=date))
    notify(
        kind=NotificationKind.PROJECT,
        recipients=[designer, project_manager],
        title=Message("Please confirm the technical disclosure of %(name)s", name=project.name),
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
    _event(project, by, Message("Design change proposed"))
    return change


@transaction.atomic
def change_decide(
    *, change: DesignChange, by: User, approved: bool, on: date, client_name: str, revision_deadline: date | None
) -> DesignChange:
    """Record the client's approval (or rejection); approval opens revision tasks for the affected drawings."""
    if not change.project.can_edit(by):
        raise PermissionDenied
    status = DesignChange.Status.APPROVED if approved else DesignChange.Status.REJECTED
    compare_and_set(
        change,
        expect={"status": DesignChange.Status.PROPOSED},
        fields={"status": status, "decided_on": on, "client_signed_by": client_name},
    )
    if approved:
        deadline = revision_deadline or on + timedelta(days=3)
        for drawing in change.affected_drawings.select_related("project", "assignee", "revision_of"):
            drawing_task_revise(task=drawing, by=by, deadline=deadline, reason=change.content, design_change=change)
        _event(change.project, by, Message("The client approved a design change"))
    else:
        _event(change.project, by, Message("The client rejected a design change"))
    return change
