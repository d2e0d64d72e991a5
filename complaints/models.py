"""Complaints (投诉) and their timeline.

Fields marked "spine" are read by other apps (clients' file, performance
metrics, the monthly report): keep their names and meaning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.roles import TEAM_ROLES, Role


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The deputy GM all; team members their team's; the front desk what it registered."""
        if user.sees_all:
            return self.all()
        if user.role in TEAM_ROLES:
            return self.filter(Q(team_id=user.team_id) | Q(handler=user))
        if user.role == Role.FRONT_DESK:
            return self.filter(registered_by=user)
        return self.none()


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

    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
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
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)  # spine
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)  # spine

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-registered_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "-registered_at"], name="complaint_team_registered"),
            models.Index(fields=["state", "-registered_at"], name="complaint_state_registered"),
            models.Index(fields=["-registered_at"], name="complaint_registered"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.caller_name}"

    @property
    def is_major(self) -> bool:
        return self.severity == self.Severity.MAJOR


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

    class Meta:
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["complaint", "created_at"], name="complaint_event_timeline")]

    def __str__(self):
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"
