"""The front desk's call log (来电登记) and visitor log (来访登记).

Fields marked "spine" are read by other apps (the client file, performance
metrics): keep their names and meaning (docs/architecture.md, "Spine fields").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.roles import Role


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The front desk and the deputy GM see the log; others the calls forwarded to them or their team."""
        if user.sees_all or user.role == Role.FRONT_DESK:
            return self.all()
        condition = Q(forward_to=user)
        if user.team_id is not None:
            condition |= Q(forward_team_id=user.team_id)
        return self.filter(condition)


class Call(models.Model):
    class CallerType(models.TextChoices):
        CLIENT = "client", _("Client")
        PROSPECT = "prospect", _("Prospect")
        SUPPLIER = "supplier", _("Supplier")
        OTHER = "other", _("Other")

    called_at = models.DateTimeField(_("time"), default=timezone.now)  # spine
    caller_name = models.CharField(_("caller name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    caller_type = models.CharField(_("caller type"), max_length=20, choices=CallerType.choices)  # spine
    purpose = models.CharField(_("purpose"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    important = models.BooleanField(_("important"), default=False)  # spine
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )  # spine
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="logged_calls"
    )  # spine
    forward_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forwarded_calls",
    )  # spine
    forward_team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("forwarded to team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )  # spine
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)  # spine
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)  # spine
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)  # spine
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Reminder, then escalation to the deputy GM; each step claimed once by the scan.
    forward_reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    forward_escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    lead = models.ForeignKey(
        "clients.Client",
        verbose_name=_("lead created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the name and phone were removed (retention or the client's request): teams/retention.py.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-pk"]
        indexes = [
            models.Index(fields=["-called_at"], name="call_called_at"),
            models.Index(
                fields=["ack_due_at"],
                name="call_forward_waiting",
                condition=Q(acknowledged_at__isnull=True, forwarded_at__isnull=False),
            ),
            # The front desk's target card: forwards a clerk logged in a month acknowledged in time.
            models.Index(
                fields=["logged_by", "forwarded_at"],
                name="call_logger_forwarded",
                condition=Q(forwarded_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.caller_name} {self.called_at:%Y-%m-%d %H:%M}"

    @property
    def is_forwarded(self) -> bool:
        return self.forwarded_at is not None

    def forward_state(self, now=None) -> str:
        """ "" (not forwarded), "acknowledged", "overdue" or "waiting"."""
        if self.forwarded_at is None:
            return ""
        if self.acknowledged_at is not None:
            return "acknowledged"
        if self.ack_due_at is not None and self.ack_due_at < (now or timezone.now()):
            return "overdue"
        return "waiting"

    @property
    def forward_status(self) -> str:
        return self.forward_state()

    def may_acknowledge(self, user) -> bool:
        if self.forwarded_at is None or self.acknowledged_at is not None:
            return False
        return (
            user.pk == self.forward_to_id
            or (self.forward_team_id is not None and user.team_id == self.forward_team_id)
            or user.sees_all
        )


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all or user.role == Role.FRONT_DESK:
            return self.all()
        return self.filter(host=user)


class Visit(models.Model):
    visitor_name = models.CharField(_("visitor"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_visits",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="office_visits",
    )
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="logged_visits"
    )
    lead = models.ForeignKey(
        "clients.Client",
        verbose_name=_("lead created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the name and phone were removed (retention or the client's request): teams/retention.py.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-arrived_at", "-pk"]
        indexes = [models.Index(fields=["-arrived_at"], name="visit_arrived_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_size__gte=1),
                name="visit_party_of_at_least_one",
                violation_error_message=_("At least one visitor."),
            ),
        ]

    def __str__(self):
        return self.visitor_name
