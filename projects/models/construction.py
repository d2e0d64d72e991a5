"""Construction: crews, the schedule (施工进度), inspections, crew evaluations, site logs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models.project import Project, ends_after_start


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
        # A phase of the company's own (from an added template row) or of one project only.
        CUSTOM = "custom", _("Custom phase")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")  # spine
    kind = models.CharField(_("phase"), max_length=30, choices=Kind.choices)  # spine
    # The name users see, copied from the template row (or typed for a custom phase) when the
    # phase is created, so later template edits leave existing schedules alone. Empty: the kind's label.
    name = models.CharField(_("name"), max_length=60, blank=True)
    template = models.ForeignKey(
        "PhaseTemplate",
        verbose_name=_("template phase"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phases",
    )
    gates_later = models.BooleanField(
        _("gates later phases"),
        default=False,
        help_text=_("The phases after it may start only once its inspection has passed."),
    )
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
        constraints = [
            # Each standard kind at most once per project (other apps count phases by kind);
            # custom phases may repeat the kind, each template row is used at most once.
            models.UniqueConstraint(
                fields=["project", "kind"], condition=~Q(kind="custom"), name="one_phase_kind_per_project"
            ),
            models.UniqueConstraint(
                fields=["project", "template"],
                condition=Q(template__isnull=False),
                name="one_phase_per_template_per_project",
            ),
            models.CheckConstraint(
                condition=~Q(kind="custom") | ~Q(name=""),
                name="custom_phase_has_a_name",
                violation_error_message=_("A custom phase needs a name."),
            ),
            models.CheckConstraint(
                condition=Q(planned_finish__gte=F("planned_start")),
                name="phase_planned_finish_not_before_start",
                violation_error_message=_("The planned finish is before the planned start."),
            ),
            ends_after_start(
                "phase", "actual_start", "actual_finish", _("The actual finish is before the actual start.")
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name users see: the template's or custom name, else the kind's label."""
        return self.name or str(dict(self.Kind.choices).get(self.kind, self.kind))

    def get_kind_display(self) -> str:
        """The display name, so other apps that show ``get_kind_display()`` (performance
        drill-downs) show a renamed or custom phase by its name too."""
        return self.display_name

    @property
    def removable(self) -> bool:
        """Offer to remove it: not started, no inspection, no crew evaluation. Reads only prefetched
        rows (a page that does not prefetch the evaluations leaves them to ``phase_remove``, which checks)."""
        if self.actual_start is not None or self.inspections.all():
            return False
        prefetched = getattr(self, "_prefetched_objects_cache", {})
        return "evaluations" not in prefetched or not prefetched["evaluations"]

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


class PhaseTemplate(models.Model):
    """One phase of the construction schedule template (施工进度模板), edited in the admin.

    A new schedule is built from the active rows in order; phases copy the name and the
    gate flag, so editing the template changes the next schedules, not existing ones.
    """

    class DurationUnit(models.TextChoices):
        CALENDAR = "calendar", _("calendar days")
        WORKING = "working", _("working days")

    name = models.CharField(
        _("name"),
        max_length=60,
        blank=True,
        help_text=_("Shown to users. Empty: the standard name of the kind, in the user's language."),
    )
    kind = models.CharField(
        _("kind"),
        max_length=30,
        choices=SchedulePhase.Kind.choices,
        default=SchedulePhase.Kind.CUSTOM,
        help_text=_("Which standard phase this is (reports count phases by it); “Custom phase” for one of your own."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    duration = models.PositiveSmallIntegerField(_("default duration"), default=7, validators=[MinValueValidator(1)])
    duration_unit = models.CharField(
        _("counted in"), max_length=10, choices=DurationUnit.choices, default=DurationUnit.CALENDAR
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive rows are left out of new schedules.")
    )
    gates_later = models.BooleanField(
        _("gates later phases"),
        default=False,
        help_text=_("The phases after it may start only once its inspection has passed."),
    )

    class Meta:
        verbose_name = _("schedule template phase")
        verbose_name_plural = _("schedule template")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=~Q(kind="custom"),
                name="one_template_row_per_kind",
                violation_error_message=_("The template already has a row of this kind."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="custom") | ~Q(name=""),
                name="custom_template_phase_has_a_name",
                violation_error_message=_("A custom phase needs a name."),
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=1),
                name="template_phase_lasts_a_day",
                violation_error_message=_("At least 1 day."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or str(dict(SchedulePhase.Kind.choices).get(self.kind, self.kind))


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
        constraints = [
            ends_after_start(
                "inspection", "inspected_on", "reinspect_by", _("The re-inspection is before the inspection.")
            ),
        ]

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
        constraints = [
            models.UniqueConstraint(fields=["crew", "phase"], name="one_evaluation_per_crew_phase"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{score}__gte": 1, f"{score}__lte": 5}),
                    name=f"crew_evaluation_{score}_1_to_5",
                    violation_error_message=_("Scores are from 1 to 5."),
                )
                for score in ("quality", "schedule", "tidiness", "safety", "cooperation")
            ),
        ]

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
