"""projects' part of the hand-over (teams/handover.py): the projects a person manages or designs, their
drawing tasks not delivered, the technical disclosures awaiting their confirmation and the budget requests
waiting for a budget clerk, each with a line in the project's timeline."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from projects.models import BudgetRequest, DrawingTask, Project, TechnicalDisclosure
from projects.services.common import _event
from teams.facts import facts_write
from teams.handover import HandoverGroup, handover_line, register_handover_group, register_not_open_work
from teams.roles import Role

_OPEN_PHASES_EXCLUDED = [Project.Phase.CLOSED]


def _pm_projects(person):
    return Project.objects.filter(project_manager=person).exclude(phase__in=_OPEN_PHASES_EXCLUDED)


def _move_pm(*, records, person, to, by):
    pks = [p.pk for p in records]
    with facts_write(Project, *pks):
        Project.objects.filter(pk__in=pks).update(project_manager=to, version=F("version") + 1)
    for project in records:
        _event(project, by, handover_line(what=_("project manager"), old=person, new=to))


def _m2m_group(relation: str, what):
    def open_for(person):
        return Project.objects.filter(**{relation: person}).exclude(phase__in=_OPEN_PHASES_EXCLUDED)

    def move(*, records, person, to, by):
        for project in records:
            people = getattr(project, relation)
            people.remove(person)
            people.add(to)
            _event(project, by, handover_line(what=what, old=person, new=to))
        Project.objects.filter(pk__in=[p.pk for p in records]).update(version=F("version") + 1)

    return open_for, move


def _drawings(person):
    return DrawingTask.objects.filter(assignee=person, delivered_at__isnull=True).select_related("project")


def _move_drawings(*, records, person, to, by):
    pks = [t.pk for t in records]
    with facts_write(DrawingTask, *pks):
        DrawingTask.objects.filter(pk__in=pks).update(assignee=to, reminded_before_at=None, reminded_due_at=None)
    for task in records:
        if to.role == Role.ASSISTANT_DESIGNER:
            task.project.assistants.add(to)
        what = _("drawing “%(title)s”, assigned to") % {"title": task.title}
        _event(task.project, by, handover_line(what=what, old=person, new=to))


def _disclosure_group(field: str, confirmed: str, what):
    def open_for(person):
        return TechnicalDisclosure.objects.filter(**{field: person, f"{confirmed}__isnull": True}).select_related(
            "project"
        )

    def move(*, records, person, to, by):
        TechnicalDisclosure.objects.filter(pk__in=[d.pk for d in records]).update(**{field: to})
        for disclosure in records:
            _event(disclosure.project, by, handover_line(what=what, old=person, new=to))

    return open_for, move


def _budgets(person):
    return BudgetRequest.objects.filter(clerk=person, status=BudgetRequest.Status.REQUESTED).select_related("project")


def _move_budgets(*, records, person, to, by):
    BudgetRequest.objects.filter(pk__in=[b.pk for b in records]).update(clerk=to)
    for request in records:
        _event(request.project, by, handover_line(what=_("budget request, clerk"), old=person, new=to))


def register():
    designers_open, designers_move = _m2m_group("designers", _("designer"))
    assistants_open, assistants_move = _m2m_group("assistants", _("assistant designer"))
    disc_designer_open, disc_designer_move = _disclosure_group(
        "designer", "designer_confirmed_at", _("technical disclosure, designer")
    )
    disc_pm_open, disc_pm_move = _disclosure_group(
        "project_manager", "pm_confirmed_at", _("technical disclosure, project manager")
    )
    team = lambda project: project.team_id  # noqa: E731
    groups = [
        (
            "projects_pm",
            _("Projects as project manager"),
            "projects.Project.project_manager",
            _pm_projects,
            _move_pm,
            {Role.PROJECT_MANAGER},
            team,
            40,
        ),
        (
            "projects_designer",
            _("Projects as designer"),
            "projects.Project.designers",
            designers_open,
            designers_move,
            {Role.DESIGNER},
            team,
            41,
        ),
        (
            "projects_assistant",
            _("Projects as assistant designer"),
            "projects.Project.assistants",
            assistants_open,
            assistants_move,
            {Role.ASSISTANT_DESIGNER},
            team,
            42,
        ),
        (
            "drawings",
            _("Drawing tasks not delivered"),
            "projects.DrawingTask.assignee",
            _drawings,
            _move_drawings,
            {Role.ASSISTANT_DESIGNER, Role.DESIGNER},
            lambda t: t.project.team_id,
            43,
        ),
        (
            "disclosures_designer",
            _("Technical disclosures awaiting the designer"),
            "projects.TechnicalDisclosure.designer",
            disc_designer_open,
            disc_designer_move,
            {Role.DESIGNER},
            lambda d: d.project.team_id,
            44,
        ),
        (
            "disclosures_pm",
            _("Technical disclosures awaiting the project manager"),
            "projects.TechnicalDisclosure.project_manager",
            disc_pm_open,
            disc_pm_move,
            {Role.PROJECT_MANAGER},
            lambda d: d.project.team_id,
            45,
        ),
        (
            "budgets",
            _("Budget requests awaiting the budget clerk"),
            "projects.BudgetRequest.clerk",
            _budgets,
            _move_budgets,
            {Role.BUDGET_CLERK},
            None,
            46,
        ),
    ]
    for key, label, name, open_for, move, receivers, team_of, order in groups:
        register_handover_group(
            HandoverGroup(
                key=key,
                label=label,
                fields=(name,),
                open_for=open_for,
                move=move,
                receivers=frozenset(receivers),
                team_of=team_of,
                order=order,
            )
        )
    register_not_open_work(
        {
            "projects.Project.completion_handed_to": "who received the completion documents: a fact",
            "projects.ProjectEvent.actor": "who did it: a fact",
            "projects.Inspection.inspector": "who inspected: a fact",
            "projects.CrewEvaluation.evaluated_by": "who evaluated: a fact",
            "projects.SiteLog.author": "who wrote the log: a fact",
            "projects.DrawingTask.created_by": "who asked for the drawing: a fact",
            "projects.DesignPlan.created_by": "who drew the plan version: a fact (the project's designers move)",
            "projects.DesignConsultation.recorded_by": "who recorded: a fact",
            "projects.DesignReview.recorded_by": "who recorded: a fact",
            "projects.DesignReview.attendees": "who attended: a fact",
            "projects.BudgetRequest.requested_by": "who asked: a fact (the project's designers move)",
            "projects.TechnicalDisclosure.recorded_by": "who recorded: a fact",
            "projects.DesignChange.requested_by": "who asked: a fact",
            "projects.CompletionItem.collected_by": "who collected the document: a fact",
            "projects.MaintenanceRequest.created_by": "who recorded the request: a fact (the PM moves)",
            "projects.Attachment.uploaded_by": "who uploaded: a fact",
            "projects.ChangeOrder.created_by": "who wrote the change order: a fact",
            "projects.ChangeOrder.approved_by": "who approved: a fact",
        }
    )
