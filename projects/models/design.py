"""Design: drawing tasks, plans, consultations, reviews, budget requests, disclosures, changes."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models.construction import Crew
from projects.models.project import Project
from teams.roles import Role


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
    returned_at = models.DateTimeField(pgettext_lazy("budget", "returned at"), null=True, blank=True)
    amount = models.DecimalField(_("budget amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    clerk_notes = models.TextField(_("clerk's notes"), blank=True)

    class Meta:
        verbose_name = _("budget request")
        verbose_name_plural = _("budget requests")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["clerk", "status"], name="budget_clerk_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message=_("The budget amount cannot be negative."),
            ),
        ]

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
