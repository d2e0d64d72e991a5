"""The project (opened by a signed contract), its phase transitions and its timeline."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.messages import render_stored
from teams.roles import Role


def ends_after_start(prefix: str, start: str, finish: str, message) -> models.CheckConstraint:
    """``finish`` on or after ``start`` when both are set."""
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{finish}__isnull": True})
        | Q(**{f"{finish}__gte": F(start)}),
        name=f"{prefix}_{finish}_not_before_{start}",
        violation_error_message=message,
    )


class ProjectQuerySet(models.QuerySet):
    def _designing_assisting(self, user) -> tuple[models.QuerySet, models.QuerySet]:
        """The ids of the projects ``user`` designs and assists on, each read from its M2M table's user index."""
        designing = self.model.designers.through.objects.filter(user_id=user.pk).values("project_id")
        assisting = self.model.assistants.through.objects.filter(user_id=user.pk).values("project_id")
        return designing, assisting

    def assigned_ids(self, user) -> models.QuerySet:
        """The ids of the projects ``user`` works on, as designer, assistant or project manager: a UNION of
        three index reads (the PM column, the user column of each M2M table). The OR across both M2M joins
        with DISTINCT it replaces read every project: 170 ms of the team board at 100,000 clients (issue 14)."""
        managed = self.model._default_manager.filter(project_manager_id=user.pk).order_by().values("pk")
        return managed.union(*self._designing_assisting(user))

    def assigned_to(self, user):
        return self.filter(pk__in=self.assigned_ids(user))

    def visible_to(self, user):
        """The team, the people assigned, the deputy GM; a budget
        clerk sees the projects with a budget request addressed to them."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all:
            return self.all()
        if user.role == Role.BUDGET_CLERK:
            from projects.models.design import BudgetRequest

            return self.filter(Exists(BudgetRequest.objects.filter(project=OuterRef("pk"), clerk=user)))
        if user.team_id is not None:
            # Columns of the row and two small lookups by the user's id, ORed: cheap enough per row that a
            # query reaching projects from a few rows (the board's drawing tasks, its PMs' sites) visits them by
            # their index. (One subquery over all of the user's projects, the PM's hundreds included, is costed
            # once per row visited, and the planner then reads every project instead: issue 14.)
            designing, assisting = self._designing_assisting(user)
            return self.filter(
                Q(team_id=user.team_id) | Q(project_manager_id=user.pk) | Q(pk__in=designing) | Q(pk__in=assisting)
            )
        return self.none()


class Project(models.Model):
    class Phase(models.TextChoices):
        DESIGN = "design", _("Design")
        CONSTRUCTION = "construction", _("Construction")
        COMPLETED = "completed", _("Completed")
        WARRANTY = "warranty", _("Warranty")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    client = models.ForeignKey(
        "clients.Client", verbose_name=_("client"), on_delete=models.PROTECT, related_name="projects"
    )  # spine
    contract = models.OneToOneField(
        "clients.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project",
    )  # spine
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="projects"
    )  # spine
    address = models.CharField(_("address"), max_length=200, blank=True)
    designers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("designers"), blank=True, related_name="designed_projects"
    )  # spine
    assistants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assistant designers"), blank=True, related_name="assisted_projects"
    )  # spine
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("project manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_projects",
    )  # spine
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.DESIGN)  # spine
    planned_start = models.DateField(_("planned start"), null=True, blank=True)  # spine
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)  # spine
    actual_start = models.DateField(_("actual start"), null=True, blank=True)  # spine
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)  # spine
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # 施工方案 (construction plan): method notes and the mandatory safety plan; the schedule is SchedulePhase.
    construction_method = models.TextField(_("construction method"), blank=True)
    safety_plan = models.TextField(_("safety plan"), blank=True)
    warranty_until = models.DateField(_("warranty until"), null=True, blank=True)
    # 竣工资料: handed to the consultant, then archived by administration (clients' archive hand-over).
    completion_handed_over_at = models.DateTimeField(_("completion documents handed over"), null=True, blank=True)
    completion_handed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking for edits of the project form and of the construction plan.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "phase"], name="project_team_phase"),
            # The team board: each of the team's PMs' sites under construction (the missing site logs).
            models.Index(fields=["project_manager", "phase"], name="project_manager_phase"),
            # The month's figures company-wide (dashboard, monthly report): projects started, completed, or due
            # to finish in a month, each range read from its own index.
            models.Index(fields=["actual_start"], name="project_actual_start"),
            models.Index(fields=["actual_finish"], name="project_actual_finish"),
            models.Index(fields=["planned_finish"], name="project_planned_finish"),
        ]
        constraints = [
            ends_after_start(
                "project", "planned_start", "planned_finish", _("The planned finish is before the planned start.")
            ),
            ends_after_start(
                "project", "actual_start", "actual_finish", _("The actual finish is before the actual start.")
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    def is_assigned(self, user) -> bool:
        """``user`` is one of the project's designers, assistants or its PM (uses prefetched rows)."""
        if user.pk == self.project_manager_id:
            return True
        return any(u.pk == user.pk for u in self.designers.all()) or any(u.pk == user.pk for u in self.assistants.all())

    def is_team_lead(self, user) -> bool:
        return user.role == Role.CONSULTANT and user.team_id == self.team_id

    def can_manage(self, user) -> bool:
        """Assign staff, hand over documents, move the phase: the team's consultant (or a superuser)."""
        return user.is_superuser or self.is_team_lead(user)

    def can_design(self, user) -> bool:
        """Design records: the assigned designers and assistants, and the team's consultant."""
        if self.can_manage(user):
            return True
        return user.role in (Role.DESIGNER, Role.ASSISTANT_DESIGNER) and self.is_assigned(user)

    def can_build(self, user) -> bool:
        """Construction records (plan, schedule, logs, inspections, crews): the project's PM only
        (the consultant too, who stands in). A PM edits only their own projects."""
        if self.can_manage(user):
            return True
        return user.role == Role.PROJECT_MANAGER and user.pk == self.project_manager_id

    def can_edit(self, user) -> bool:
        return self.can_design(user) or self.can_build(user)

    PHASE_ORDER = ["design", "construction", "completed", "warranty", "closed"]

    @property
    def phase_index(self) -> int:
        return self.PHASE_ORDER.index(self.phase)

    @property
    def progress_steps(self):
        """The phases for the progress bar: (value, label, state) with state done / current / todo."""
        steps = []
        for index, (value, label) in enumerate(self.Phase.choices):
            state = "done" if index < self.phase_index else "current" if index == self.phase_index else "todo"
            steps.append((value, label, state))
        return steps


# Allowed phase transitions (the service checks its preconditions, see services.project_advance).
PHASE_TRANSITIONS = {
    Project.Phase.DESIGN: [Project.Phase.CONSTRUCTION],
    Project.Phase.CONSTRUCTION: [Project.Phase.COMPLETED],
    Project.Phase.COMPLETED: [Project.Phase.WARRANTY],
    Project.Phase.WARRANTY: [Project.Phase.CLOSED],
    Project.Phase.CLOSED: [],
}


class ProjectEvent(models.Model):
    """The project's timeline: phase changes and notable actions (who, when, what)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.CharField(_("what"), max_length=300)
    # ``text`` as msgid + parameters (teams/messages.py); empty on rows written before it.
    message = models.JSONField(_("message parameters"), null=True, blank=True)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.text

    @property
    def display_text(self) -> str:
        """What happened, in the reader's language (the stored text for older rows)."""
        return render_stored(self.message, self.text)
