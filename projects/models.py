"""Projects opened by a signed contract: design, drawing tasks, schedule, inspections, crews.

Fields marked "spine" are read by other apps (clients, complaints, performance
metrics and the monthly report): keep their names and meaning.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.roles import Role


class ProjectQuerySet(models.QuerySet):
    def assigned_to(self, user):
        return self.filter(Q(designers=user) | Q(assistants=user) | Q(project_manager=user)).distinct()

    def visible_to(self, user):
        """The team, the people assigned, the deputy GM (DOMAIN.md); a budget
        clerk sees the projects with a budget request addressed to them."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all:
            return self.all()
        if user.role == Role.BUDGET_CLERK:
            return self.filter(Exists(BudgetRequest.objects.filter(project=OuterRef("pk"), clerk=user)))
        if user.team_id is not None:
            assigned = self.model.objects.assigned_to(user).values("pk")
            return self.filter(Q(team_id=user.team_id) | Q(pk__in=assigned))
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
        indexes = [models.Index(fields=["team", "phase"], name="project_team_phase")]

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

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.text


class DrawingTask(models.Model):
    """出图: a rendering (效果图) or construction drawing (施工图) with a deadline."""

    class Kind(models.TextChoices):
        RENDERING = "rendering", _("Rendering")
        CONSTRUCTION = "construction", _("Construction drawing")
        OTHER = "other", _("Other")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="drawing_tasks")  # spine
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned to"), on_delete=models.PROTECT, related_name="drawing_tasks"
    )  # spine
    deadline = models.DateField(_("deadline"))  # spine
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)  # spine
    revision_count = models.PositiveSmallIntegerField(_("revisions"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    # A revision task (after a design review or a design change) points at the drawing it revises.
    revision_of = models.ForeignKey(
        "self", verbose_name=_("revision of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review = models.ForeignKey(
        "DesignReview", verbose_name=_("design review"), on_delete=models.SET_NULL, null=True, blank=True
    )
    design_change = models.ForeignKey(
        "DesignChange",
        verbose_name=_("design change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revision_tasks",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Reminders claimed with a conditional update (tasks.remind_drawing_deadlines).
    reminded_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    reminded_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("drawing task")
        verbose_name_plural = _("drawing tasks")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["assignee", "deadline"], name="drawing_assignee_deadline"),
            # The reminder scan and "late" counts look at open tasks by deadline.
            models.Index(fields=["deadline"], condition=Q(delivered_at=None), name="drawing_open_deadline"),
        ]

    def __str__(self):
        return self.title

    @property
    def on_time(self) -> bool | None:
        if self.delivered_at is None:
            return None
        return timezone.localdate(self.delivered_at) <= self.deadline

    def is_overdue(self, today=None) -> bool:
        return self.delivered_at is None and self.deadline < (today or timezone.localdate())

    def is_due_soon(self, today=None, days: int = 2) -> bool:
        today = today or timezone.localdate()
        return self.delivered_at is None and today <= self.deadline <= today + timedelta(days=days)


class Crew(models.Model):
    """施工队: a construction crew, evaluated on each project phase."""

    name = models.CharField(_("name"), max_length=60)
    leader = models.CharField(_("crew leader"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    trade = models.CharField(_("trade"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("crew")
        verbose_name_plural = _("crews")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchedulePhase(models.Model):
    """One phase of the construction schedule (施工进度), planned vs actual."""

    class Kind(models.TextChoices):
        DEMOLITION = "demolition", _("Demolition")
        PLUMBING_ELECTRICAL = "plumbing_electrical", _("Plumbing & electrical")
        MASONRY_TILING = "masonry_tiling", _("Masonry & tiling")
        CARPENTRY = "carpentry", _("Carpentry")
        PAINTING = "painting", _("Painting")
        INSTALLATION = "installation", _("Installation")
        CLEANING = "cleaning", _("Cleaning")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")  # spine
    kind = models.CharField(_("phase"), max_length=30, choices=Kind.choices)  # spine
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    crew = models.ForeignKey(Crew, verbose_name=_("crew"), on_delete=models.SET_NULL, null=True, blank=True)
    planned_start = models.DateField(_("planned start"))  # spine
    planned_finish = models.DateField(_("planned finish"))  # spine
    actual_start = models.DateField(_("actual start"), null=True, blank=True)  # spine
    actual_finish = models.DateField(_("actual finish"), null=True, blank=True)  # spine
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("schedule phase")
        verbose_name_plural = _("schedule phases")
        ordering = ["project", "order"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_phase_kind_per_project")]

    def __str__(self):
        return self.get_kind_display()

    @property
    def on_schedule(self) -> bool | None:
        if self.actual_finish is None:
            return None
        return self.actual_finish <= self.planned_finish

    def is_late(self, today=None) -> bool:
        """Not finished after its planned finish, or finished after it."""
        today = today or timezone.localdate()
        if self.actual_finish is None:
            return self.planned_finish < today
        return self.actual_finish > self.planned_finish

    def latest_inspection(self):
        """The newest inspection (from prefetched ``inspections``, newest first)."""
        rows = list(self.inspections.all())
        return rows[0] if rows else None

    @property
    def passed(self) -> bool:
        latest = self.latest_inspection()
        return latest is not None and latest.result == Inspection.Result.PASS


class Inspection(models.Model):
    """验收 of a phase: pass, or rectify and inspect again."""

    class Result(models.TextChoices):
        PASS = "pass", _("Pass")
        RECTIFY = "rectify", _("Rectify")

    phase = models.ForeignKey(SchedulePhase, on_delete=models.CASCADE, related_name="inspections")  # spine
    inspected_on = models.DateField(_("inspected on"))  # spine
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("inspector"), on_delete=models.PROTECT, related_name="inspections"
    )  # spine
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)  # spine
    notes = models.TextField(_("notes"), blank=True)
    rectify_items = models.TextField(_("items to rectify"), blank=True, help_text=_("One item per line."))
    reinspect_by = models.DateField(_("re-inspect by"), null=True, blank=True)
    reinspection_of = models.ForeignKey(
        "self", verbose_name=_("re-inspection of"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.phase} {self.inspected_on} {self.get_result_display()}"

    @property
    def rectify_list(self) -> list[str]:
        return [line.strip() for line in self.rectify_items.splitlines() if line.strip()]


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class CrewEvaluation(models.Model):
    """施工队考核: a score card per crew and project phase (each score 1–5)."""

    crew = models.ForeignKey(Crew, on_delete=models.PROTECT, related_name="evaluations")  # spine
    phase = models.ForeignKey(SchedulePhase, on_delete=models.CASCADE, related_name="evaluations")  # spine
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluated by"),
        on_delete=models.PROTECT,
        related_name="crew_evaluations",
    )  # spine
    evaluated_on = models.DateField(_("evaluated on"))  # spine
    quality = models.PositiveSmallIntegerField(_("quality"), validators=SCORE)
    schedule = models.PositiveSmallIntegerField(_("schedule"), validators=SCORE)
    tidiness = models.PositiveSmallIntegerField(_("site tidiness"), validators=SCORE)
    safety = models.PositiveSmallIntegerField(_("safety"), validators=SCORE)
    cooperation = models.PositiveSmallIntegerField(_("cooperation"), validators=SCORE)
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("crew evaluation")
        verbose_name_plural = _("crew evaluations")
        ordering = ["-evaluated_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["crew", "phase"], name="one_evaluation_per_crew_phase")]

    def __str__(self):
        return f"{self.crew} · {self.phase}"

    @property
    def average(self) -> float:
        return round((self.quality + self.schedule + self.tidiness + self.safety + self.cooperation) / 5, 1)


class SiteLog(models.Model):
    """工地日志: the PM's daily entry from the site."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="site_logs")  # spine
    date = models.DateField(_("date"))  # spine
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="site_logs"
    )  # spine
    weather = models.CharField(_("weather"), max_length=40, blank=True)
    workers_on_site = models.PositiveSmallIntegerField(_("workers on site"), default=0)
    work_done = models.TextField(_("work done"))
    problems = models.TextField(_("problems"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("site log")
        verbose_name_plural = _("site logs")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="one_site_log_per_project_day")]

    def __str__(self):
        return f"{self.project} {self.date}"


class DesignPlan(models.Model):
    """方案: one version of the design plan, submitted to the client, then confirmed (or revised)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the client")
        CONFIRMED = "confirmed", _("Confirmed by the client")
        REVISE = "revise", _("Client asked for changes")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=120)
    summary = models.TextField(_("summary"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designer"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confirmed_on = models.DateField(_("confirmed on"), null=True, blank=True)
    confirmed_by = models.CharField(_("confirmed by (client)"), max_length=60, blank=True)
    client_notes = models.TextField(_("client's notes"), blank=True)

    class Meta:
        verbose_name = _("design plan")
        verbose_name_plural = _("design plans")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_plan_version_number")]

    def __str__(self):
        return f"{self.title} v{self.number}"


# Who may move a plan where: the designer submits, the client's answer is recorded.
PLAN_TRANSITIONS = {
    DesignPlan.Status.DRAFT: [DesignPlan.Status.SUBMITTED],
    DesignPlan.Status.SUBMITTED: [DesignPlan.Status.CONFIRMED, DesignPlan.Status.REVISE],
    DesignPlan.Status.REVISE: [],
    DesignPlan.Status.CONFIRMED: [],
}


class DesignConsultation(models.Model):
    """A client's design question and the designer's answer."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="consultations")
    date = models.DateField(_("date"))
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("design consultation")
        verbose_name_plural = _("design consultations")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.question[:40]


class DesignReview(models.Model):
    """方案会审: the team reviews the drawings; opinions can open revision tasks."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("date"))
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("attendees"), related_name="+")
    other_attendees = models.CharField(_("other attendees"), max_length=200, blank=True)
    opinions = models.TextField(_("opinions"))
    decisions = models.TextField(_("decisions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("design review")
        verbose_name_plural = _("design reviews")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.project} {self.date}"


class BudgetRequest(models.Model):
    """设计预算: the designer sends plan and quantities to a budget clerk, who returns the budget."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        RETURNED = "returned", _("Budget returned")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_requests")
    plan = models.ForeignKey(
        DesignPlan, verbose_name=_("design plan"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("budget clerk"),
        on_delete=models.PROTECT,
        related_name="budget_requests",
        limit_choices_to={"role": Role.BUDGET_CLERK, "is_active": True},
    )
    quantities = models.TextField(_("quantities"), help_text=_("Rooms, areas and main items to price."))
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    due_on = models.DateField(_("wanted by"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REQUESTED)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    amount = models.DecimalField(_("budget amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    clerk_notes = models.TextField(_("clerk's notes"), blank=True)

    class Meta:
        verbose_name = _("budget request")
        verbose_name_plural = _("budget requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["clerk", "status"], name="budget_clerk_status")]

    def __str__(self):
        return f"{self.project} · {self.requested_at:%Y-%m-%d}"

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.REQUESTED and self.due_on < (today or timezone.localdate())

    @property
    def turnaround(self):
        """Time from request to returned budget (None while waiting)."""
        return self.returned_at - self.requested_at if self.returned_at else None


class TechnicalDisclosure(models.Model):
    """技术交底 at the site before construction, confirmed by each attendee."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="disclosures")
    date = models.DateField(_("date"))
    designer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("designer"), on_delete=models.PROTECT, related_name="+"
    )
    project_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("project manager"), on_delete=models.PROTECT, related_name="+"
    )
    crew = models.ForeignKey(Crew, verbose_name=_("crew"), on_delete=models.SET_NULL, null=True, blank=True)
    crew_leader = models.CharField(_("crew leader"), max_length=60)
    points = models.TextField(_("points disclosed"))
    designer_confirmed_at = models.DateTimeField(_("designer confirmed"), null=True, blank=True)
    pm_confirmed_at = models.DateTimeField(_("PM confirmed"), null=True, blank=True)
    crew_confirmed_at = models.DateTimeField(_("crew leader confirmed"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("technical disclosure")
        verbose_name_plural = _("technical disclosures")
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.project} {self.date}"

    @property
    def fully_confirmed(self) -> bool:
        return bool(self.designer_confirmed_at and self.pm_confirmed_at and self.crew_confirmed_at)


class DesignChange(models.Model):
    """设计变更: reason, content, cost and schedule impact, approved by the client."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting client approval")
        APPROVED = "approved", _("Approved by the client")
        REJECTED = "rejected", _("Rejected by the client")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="design_changes")
    reason = models.TextField(_("reason"))
    content = models.TextField(_("content of the change"))
    cost_impact = models.DecimalField(_("cost impact (yuan)"), max_digits=12, decimal_places=2, default=0)
    schedule_impact_days = models.SmallIntegerField(_("schedule impact (days)"), default=0)
    affected_drawings = models.ManyToManyField(
        DrawingTask, verbose_name=_("affected drawings"), blank=True, related_name="changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_on = models.DateField(_("client decided on"), null=True, blank=True)
    client_signed_by = models.CharField(_("client signed by"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("design change")
        verbose_name_plural = _("design changes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.content[:40]


class CompletionItem(models.Model):
    """One line of the completion documents (竣工资料) checklist, collected by the designer or PM."""

    class Kind(models.TextChoices):
        AS_BUILT = "as_built", _("As-built drawings")
        INSPECTIONS = "inspections", _("Inspection records")
        WARRANTY_CARD = "warranty_card", _("Warranty card")
        MATERIALS = "materials", _("Material list")
        HANDOVER = "handover", _("Handover confirmation")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="completion_items")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("collected by"), on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("completion document")
        verbose_name_plural = _("completion documents")
        ordering = ["project", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_completion_item_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class MaintenanceRequest(models.Model):
    """工程维修 after completion: tracked to done and confirmed by the client; overdue escalates."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        CALL = "call", _("Call")
        SITE = "site", _("Found on site")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CONFIRMED = "confirmed", _("Confirmed by the client")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="maintenance_requests")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.CALL)
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.SET_NULL, null=True, blank=True
    )
    follow_up = models.ForeignKey(
        "clients.FollowUpVisit", verbose_name=_("follow-up visit"), on_delete=models.SET_NULL, null=True, blank=True
    )
    call = models.ForeignKey("reception.Call", verbose_name=_("call"), on_delete=models.SET_NULL, null=True, blank=True)
    description = models.TextField(_("description"))
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    crew = models.ForeignKey(
        Crew, verbose_name=_("assigned crew"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promised_on = models.DateField(_("promised date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    work_notes = models.TextField(_("work done"), blank=True)
    client_confirmed_on = models.DateField(_("client confirmed on"), null=True, blank=True)
    client_feedback = models.TextField(_("client's feedback"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Overdue: first the PM and the consultant are reminded, a day later the deputy GM (claimed once each).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("maintenance request")
        verbose_name_plural = _("maintenance requests")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["status", "promised_on"], name="maintenance_status_promised")]

    def __str__(self):
        return self.description[:40]

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.promised_on < (today or timezone.localdate())


MAINTENANCE_TRANSITIONS = {
    MaintenanceRequest.Status.OPEN: [MaintenanceRequest.Status.DONE],
    MaintenanceRequest.Status.DONE: [MaintenanceRequest.Status.CONFIRMED, MaintenanceRequest.Status.OPEN],
    MaintenanceRequest.Status.CONFIRMED: [],
}


def _upload_to(instance, filename):
    # The name is generated; the user's file name is kept in ``original_name`` only.
    return f"projects/{instance.project_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    """A photo (resized JPEG) or PDF of a project record, served only through ``projects:file``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # What it belongs to (exactly one, or none for a general project file).
    plan = models.ForeignKey(DesignPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    drawing = models.ForeignKey(DrawingTask, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    site_log = models.ForeignKey(SiteLog, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    budget = models.ForeignKey(BudgetRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    completion_item = models.ForeignKey(
        CompletionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    maintenance = models.ForeignKey(
        MaintenanceRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def get_absolute_url(self):
        return reverse("projects:file", args=[self.token])
