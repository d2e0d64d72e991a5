"""Projects opened by a signed contract: design, drawing tasks, schedule, inspections, crews.

Fields marked "spine" are read by other apps (clients, complaints, performance
metrics and the monthly report): keep their names and meaning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.roles import Role


class ProjectQuerySet(models.QuerySet):
    def assigned_to(self, user):
        return self.filter(Q(designers=user) | Q(assistants=user) | Q(project_manager=user)).distinct()

    def visible_to(self, user):
        """The team, the people assigned, the deputy GM (DOMAIN.md)."""
        if user.sees_all:
            return self.all()
        if user.team_id is not None and user.role == Role.CONSULTANT:
            return self.filter(team_id=user.team_id)
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

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "phase"], name="project_team_phase")]

    def __str__(self):
        return self.name


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

    class Meta:
        verbose_name = _("drawing task")
        verbose_name_plural = _("drawing tasks")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["assignee", "deadline"], name="drawing_assignee_deadline")]

    def __str__(self):
        return self.title

    @property
    def on_time(self) -> bool | None:
        if self.delivered_at is None:
            return None
        return timezone.localdate(self.delivered_at) <= self.deadline


class Crew(models.Model):
    """施工队: a construction crew, evaluated on each project phase."""

    name = models.CharField(_("name"), max_length=60)
    leader = models.CharField(_("crew leader"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    trade = models.CharField(_("trade"), max_length=60, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

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

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-pk"]

    def __str__(self):
        return f"{self.phase} {self.inspected_on} {self.get_result_display()}"


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
    quality = models.PositiveSmallIntegerField(_("quality"))
    schedule = models.PositiveSmallIntegerField(_("schedule"))
    tidiness = models.PositiveSmallIntegerField(_("site tidiness"))
    safety = models.PositiveSmallIntegerField(_("safety"))
    cooperation = models.PositiveSmallIntegerField(_("cooperation"))
    comments = models.TextField(_("comments"), blank=True)

    class Meta:
        verbose_name = _("crew evaluation")
        verbose_name_plural = _("crew evaluations")
        ordering = ["-evaluated_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["crew", "phase"], name="one_evaluation_per_crew_phase")]

    def __str__(self):
        return f"{self.crew} · {self.phase}"


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

    class Meta:
        verbose_name = _("site log")
        verbose_name_plural = _("site logs")
        ordering = ["-date", "-pk"]
        constraints = [models.UniqueConstraint(fields=["project", "date"], name="one_site_log_per_project_day")]

    def __str__(self):
        return f"{self.project} {self.date}"
