"""Follow-up visits (回访) and the visit-plan templates applied when a contract is signed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.clients import Client
from clients.models.contracts import Contract
from teams.roles import Role


class FollowUpVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            # A visit's owner is a consultant of its team (the client's), so the team's
            # visits include the consultant's own; one condition on team lets the lists
            # walk the (team, due_date) index instead of sorting every match.
            if user.team_id is None:
                return self.filter(owner=user)
            return self.filter(team_id=user.team_id)
        return self.filter(owner=user)


class FollowUpVisit(models.Model):
    class Channel(models.TextChoices):
        PHONE = "phone", _("Phone")
        ON_SITE = "on_site", _("On site")
        WECHAT = "wechat", _("WeChat")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="visits"
    )  # spine
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, null=True, blank=True, related_name="visits"
    )
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="visits"
    )  # spine
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="followup_visits"
    )  # spine
    point = models.CharField(_("visit point"), max_length=100)  # e.g. "construction start"
    due_date = models.DateField(_("due date"))  # spine
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)  # spine
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1–5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )  # spine
    outcome = models.TextField(_("outcome"), blank=True)
    opinions = models.TextField(_("opinions and suggestions"), blank=True)
    raised_complaint = models.BooleanField(_("raised a complaint"), default=False)
    reminded_at = models.DateTimeField(_("owner reminded at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = FollowUpVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "due_date"], name="visit_owner_due", condition=Q(done_at__isnull=True)),
            models.Index(fields=["team", "due_date"], name="visit_team_due"),
            # The team's to-do list (open visits, soonest first), read 25 at a time.
            models.Index(fields=["team", "due_date"], name="visit_team_open_due", condition=Q(done_at__isnull=True)),
            models.Index(fields=["team", "done_at"], name="visit_team_done", condition=Q(done_at__isnull=False)),
            # Company-wide dashboards and reports count visits due or done in a period.
            models.Index(fields=["due_date"], name="visit_due"),
            # The deputy GM's to-do list over every team (open visits, soonest first).
            models.Index(fields=["due_date"], name="visit_open_due", condition=Q(done_at__isnull=True)),
            models.Index(fields=["done_at"], name="visit_done_at", condition=Q(done_at__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="visit_satisfaction_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.client} · {self.point}"

    @property
    def on_time(self) -> bool | None:
        """Done on or before its due date (None while not done)."""
        if self.done_at is None:
            return None
        return timezone.localdate(self.done_at) <= self.due_date

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.done_at is None and self.due_date < today

    def days_overdue(self, today=None) -> int:
        today = today or timezone.localdate()
        return max((today - self.due_date).days, 0) if self.done_at is None else 0


class VisitTemplate(models.Model):
    """A follow-up visit plan applied when a contract is signed (editable in the admin)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("visit plan template")
        verbose_name_plural = _("visit plan templates")
        ordering = ["-is_default", "name"]

    def __str__(self):
        return self.name


class VisitTemplatePoint(models.Model):
    class Anchor(models.TextChoices):
        SIGNED = "signed", _("Contract signed")
        START = "start", _("Planned start")
        FINISH = "finish", _("Planned finish")

    template = models.ForeignKey(
        VisitTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="points"
    )
    point = models.CharField(_("visit point"), max_length=100)
    anchor = models.CharField(_("counted from"), max_length=10, choices=Anchor.choices, default=Anchor.SIGNED)
    offset_days = models.IntegerField(_("days after"), default=0)
    channel = models.CharField(
        _("channel"), max_length=20, choices=FollowUpVisit.Channel.choices, default=FollowUpVisit.Channel.PHONE
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("visit plan point")
        verbose_name_plural = _("visit plan points")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.point
