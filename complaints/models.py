"""Complaints (投诉) and their timeline.

Fields marked "spine" are read by other apps (clients' file, performance
metrics, the monthly report): keep their names and meaning (docs/architecture.md, "Spine fields").
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Project
from teams.messages import render_stored
from teams.roles import PROJECT_ROLES, TEAM_ROLES, Role

OPEN_STATES = ("registered", "acknowledged", "in_progress")


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The deputy GM all; team members their team's, plus where they are handler or
        helper, plus (designers, PMs) complaints about their projects; the front desk
        what it registered."""
        if user.sees_all:
            return self.all()
        if user.role in TEAM_ROLES:
            helper = Complaint.helpers.through.objects.filter(complaint_id=OuterRef("pk"), user_id=user.pk)
            condition = Q(team_id=user.team_id) | Q(handler=user) | Q(Exists(helper))
            if user.role in PROJECT_ROLES:
                condition |= Q(project__in=Project.objects.assigned_to(user).values("pk"))
            return self.filter(condition)
        if user.role == Role.FRONT_DESK:
            return self.filter(registered_by=user)
        return self.none()

    def open(self):
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, now=None):
        """Open complaints past their acknowledgement or resolution deadline."""
        now = now or timezone.now()
        return self.filter(
            Q(state=Complaint.State.REGISTERED, ack_due_at__lt=now) | Q(state__in=OPEN_STATES, resolve_due_at__lt=now)
        )


class Complaint(models.Model):
    class State(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Confirmed by the client")
        CLOSED = "closed", _("Closed")

    class Category(models.TextChoices):
        DESIGN = "design", _("Design")
        QUALITY = "quality", _("Construction quality")
        SCHEDULE = "schedule", _("Schedule")
        ATTITUDE = "attitude", _("Service attitude")
        MATERIALS = "materials", _("Materials")
        AFTER_SALE = "after_sale", _("After-sale")
        OTHER = "other", _("Other")

    class Severity(models.TextChoices):
        NORMAL = "normal", _("Normal")
        MAJOR = "major", _("Major incident")

    class Cause(models.TextChoices):
        DESIGN_FLAW = "design_flaw", _("Design flaw")
        WORKMANSHIP = "workmanship", _("Workmanship")
        MATERIAL_DEFECT = "material_defect", _("Material defect")
        SUPPLIER = "supplier", _("Supplier delay")
        COMMUNICATION = "communication", _("Communication")
        PROCESS = "process", _("Process or management")
        CLIENT_EXPECTATION = "expectation", _("Client expectation")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
        # The client's own page (portal/): a low rating, a "not solved", or a complaint they raised there.
        CLIENT_PAGE = "client_page", pgettext_lazy("source", "Client's page")
        OTHER = "other", _("Other")

    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )  # spine
    caller_name = models.CharField(_("caller name"), max_length=60)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="complaints"
    )  # spine
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="registered_complaints",
    )  # spine
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_complaints",
    )  # spine
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)  # spine
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.NORMAL
    )  # spine
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.REGISTERED)  # spine
    description = models.TextField(_("description"))
    demand = models.TextField(_("what the client asks for"), blank=True)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)  # spine
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)  # spine
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)  # spine
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)  # spine
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)  # spine
    # A duplicate registration of the same story, closed into its original (complaint_merge): its timeline stays,
    # and the figures count only the original (performance/metrics/complaints.py).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
    )  # spine
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)  # spine
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)  # spine

    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("helpers"), blank=True, related_name="helped_complaints"
    )
    call = models.ForeignKey(
        "reception.Call",
        verbose_name=_("call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    # The resolution in force (及时检讨和分析): every resolution is its own row in
    # ComplaintResolution, so a reopen keeps the earlier ones; empty while open.
    current_resolution = models.ForeignKey(
        "complaints.ComplaintResolution",
        verbose_name=_("current resolution"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Reminder and escalation steps, each claimed once by the deadline scan.
    ack_reminded_at = models.DateTimeField(_("acknowledgement reminder sent"), null=True, blank=True)
    ack_escalated_at = models.DateTimeField(_("acknowledgement escalated"), null=True, blank=True)
    resolve_reminded_at = models.DateTimeField(_("resolution reminder sent"), null=True, blank=True)
    resolve_escalated_at = models.DateTimeField(_("resolution escalated"), null=True, blank=True)
    # Optimistic locking: every write checks and bumps it.
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-registered_at"], name="complaint_team_registered"),
            models.Index(fields=["state", "-registered_at"], name="complaint_state_registered"),
            models.Index(fields=["-registered_at"], name="complaint_registered"),
            models.Index(fields=["handler", "state"], name="complaint_handler_state"),
            models.Index(fields=["ack_due_at"], name="complaint_ack_waiting", condition=Q(state="registered")),
            models.Index(
                fields=["resolve_due_at"],
                name="complaint_resolve_waiting",
                condition=Q(state__in=["registered", "acknowledged", "in_progress"]),
            ),
            # The front desk's list: what the clerk registered, newest first (complaints/selectors.py).
            models.Index(fields=["registered_by", "-registered_at", "-id"], name="complaint_registrar"),
            # The offered sorts (complaints/filters.py, ties broken by the number): by severity, by the
            # resolution deadline, and by that deadline within a state ("closed, by due date").
            models.Index(fields=["severity", "id"], name="complaint_severity"),
            models.Index(fields=["resolve_due_at", "id"], name="complaint_resolve_due"),
            models.Index(fields=["state", "resolve_due_at", "id"], name="complaint_state_resolve_due"),
            # The dashboards' figures of what is still open at a cut-off (performance/rollups.py, the raw parts):
            # not acknowledged yet, not resolved yet or resolved after the cut-off, closed after it.
            models.Index(
                fields=["registered_at"], name="complaint_not_acknowledged", condition=Q(acknowledged_at=None)
            ),
            models.Index(fields=["resolved_at"], name="complaint_resolved_at"),
            models.Index(fields=["closed_at"], name="complaint_closed_at"),
            # Caller name and phone are searched by any fragment: pg_trgm GIN indexes in migration 0014
            # (PostgreSQL only, like the description's in 0010).
        ]

    def __str__(self):
        return f"#{self.pk} {self.caller_name}"

    @property
    def is_major(self) -> bool:
        return self.severity == self.Severity.MAJOR

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def ack_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.state == self.State.REGISTERED and self.ack_due_at is not None and self.ack_due_at < now

    def resolve_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_open and self.resolve_due_at is not None and self.resolve_due_at < now

    def is_overdue(self, now=None) -> bool:
        return self.ack_overdue(now) or self.resolve_overdue(now)

    @property
    def overdue(self) -> bool:
        return self.is_overdue()

    def actions_for(self, user) -> list[str]:
        """The transitions ``user`` may take now (buttons on the complaint page)."""
        return [name for name, t in TRANSITIONS.items() if self.state in t.sources and t.allowed(self, user)]

    def can_manage(self, user) -> bool:
        """The team's consultant and the deputy GM assign handlers and edit the form."""
        return user.sees_all or (user.role == Role.CONSULTANT and user.team_id == self.team_id)

    def may_contribute(self, user) -> bool:
        """Comments and attachments: the managers, the people working on it, who registered it."""
        return self.can_manage(user) or self.is_worker(user) or user.pk == self.registered_by_id

    def is_worker(self, user) -> bool:
        """Handler or helper (helpers must be prefetched on lists)."""
        return user.pk == self.handler_id or any(h.pk == user.pk for h in self.helpers.all())


class Transition:
    """One allowed step of the lifecycle: from which states, to which, by whom."""

    def __init__(self, sources, target, label, *, who, button="primary"):
        self.sources = frozenset(sources)
        self.target = target
        self.label = label
        self.who = who  # "workers" (handler, helpers, consultant, GM) or "managers" (consultant, GM)
        self.button = button

    def allowed(self, complaint, user) -> bool:
        if complaint.can_manage(user):
            return True
        return self.who == "workers" and complaint.is_worker(user)


S = Complaint.State
# The lifecycle (README.md, "Front desk and complaints"): registered → acknowledged → in progress → resolved →
# confirmed by the client → closed; reopen from resolved or confirmed.
TRANSITIONS = {
    "acknowledge": Transition([S.REGISTERED], S.ACKNOWLEDGED, _("Acknowledge"), who="workers"),
    "start": Transition([S.ACKNOWLEDGED], S.IN_PROGRESS, _("Start work"), who="workers"),
    "resolve": Transition([S.ACKNOWLEDGED, S.IN_PROGRESS], S.RESOLVED, _("Resolve"), who="workers", button="success"),
    "confirm": Transition([S.RESOLVED], S.CONFIRMED, _("Client confirmed"), who="managers", button="success"),
    "close": Transition([S.CONFIRMED], S.CLOSED, _("Close"), who="managers", button="secondary"),
    "reopen": Transition([S.RESOLVED, S.CONFIRMED], S.IN_PROGRESS, _("Reopen"), who="managers", button="warning"),
}


class ComplaintResolution(models.Model):
    """One resolution of a complaint and its cause analysis, written once and never
    changed: a reopened complaint keeps it, and its next resolution is a new row."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="resolutions"
    )
    resolution = models.TextField(_("what was done"))
    cause_category = models.CharField(_("cause"), max_length=20, choices=Complaint.Cause.choices)
    cause_analysis = models.TextField(_("cause analysis"))
    preventive_action = models.TextField(_("preventive action"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved at"), default=timezone.now)

    class Meta:
        verbose_name = _("complaint resolution")
        verbose_name_plural = _("complaint resolutions")
        ordering = ["-resolved_at", "-pk"]
        indexes = [models.Index(fields=["complaint", "-resolved_at"], name="complaint_resolution_history")]

    def __str__(self):
        return f"#{self.complaint_id} {self.resolved_at:%Y-%m-%d %H:%M}"


class DeadlinePolicy(models.Model):
    """Deadlines per category and severity, editable in the admin.

    The most specific row wins (category + severity, then severity alone);
    without a row the defaults of ``settings.COMPLAINT_DEADLINES`` apply.
    """

    category = models.CharField(_("category"), max_length=20, choices=Complaint.Category.choices, blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Complaint.Severity.choices)
    ack_minutes = models.PositiveIntegerField(_("acknowledge within (minutes)"))
    resolve_minutes = models.PositiveIntegerField(
        _("resolve within (minutes)"), help_text=_("One working day is 540 minutes (09:00–18:00).")
    )
    working_hours = models.BooleanField(
        _("count working hours only"), default=True, help_text=_("Otherwise the clock runs day and night.")
    )

    class Meta:
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["severity", "category"]
        constraints = [
            models.UniqueConstraint(fields=["category", "severity"], name="deadline_policy_unique"),
            models.CheckConstraint(
                condition=Q(ack_minutes__gt=0, resolve_minutes__gt=0),
                name="deadline_policy_minutes_positive",
                violation_error_message=_("Deadlines are at least 1 minute."),
            ),
        ]

    def __str__(self):
        return f"{self.get_severity_display()} {self.get_category_display() or '*'}"


def attachment_path(instance, filename):
    """Generated names: nothing the uploader typed reaches the file system."""
    suffix = Path(filename).suffix.lower()[:8]
    return f"complaints/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ComplaintAttachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class WeeklySummary(models.Model):
    """The complaint summary for one week (Monday to Sunday), sent to the deputy GM once."""

    week_start = models.DateField(_("week starting"), unique=True)
    data = models.JSONField(_("figures"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly complaint summary")
        verbose_name_plural = _("weekly complaint summaries")
        ordering = ["-week_start"]

    def __str__(self):
        return f"{self.week_start:%Y-%m-%d}"


class ComplaintEvent(models.Model):
    """One line of a complaint's timeline: who did what, when."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A comment the system wrote (a reminder, an escalation), as msgid + parameters
    # (teams/messages.py), read in the reader's language; people's comments stay as typed.
    message = models.JSONField(_("message parameters"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaint_event_timeline")]

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def action_label(self) -> str:
        return EVENT_LABELS.get(self.action, self.action)

    @property
    def display_comment(self) -> str:
        return render_stored(self.message, self.comment)


EVENT_LABELS = {
    "register": _("Registered"),
    "acknowledge": _("Acknowledged"),
    "start": _("Work started"),
    "resolve": _("Resolved"),
    "confirm": _("Client confirmed"),
    "close": _("Closed"),
    "reopen": _("Reopened"),
    "assign": _("Handler and helpers set"),
    "edit": _("Form corrected"),
    "comment": _("Comment"),
    "attach": _("Attachment added"),
    "ack_remind": _("Reminder: not acknowledged"),
    "ack_escalate": _("Escalated: not acknowledged"),
    "resolve_remind": _("Reminder: not resolved"),
    "resolve_escalate": _("Escalated: not resolved"),
    "merge": _("Merged into another complaint"),
    "merged": _("Duplicate merged into this complaint"),
}


class StandardAnswer(models.Model):
    """常用语: a ready text for a complaint's description, resolution or cause analysis, per category (or for
    every category), kept by the deputy GM in the admin and inserted with one click (or Alt+1…9) in the field."""

    class Field(models.TextChoices):
        DESCRIPTION = "description", _("Description")
        RESOLUTION = "resolution", _("What was done")
        CAUSE_ANALYSIS = "cause_analysis", _("Cause analysis")

    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    category = models.CharField(
        _("category"),
        max_length=20,
        choices=Complaint.Category.choices,
        blank=True,
        help_text=_("Empty: every category."),
    )
    title = models.CharField(_("title"), max_length=40)
    text = models.TextField(_("text"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("standard answer")
        verbose_name_plural = _("standard answers")
        ordering = ["field", "category", "order", "pk"]

    def __str__(self):
        return self.title
