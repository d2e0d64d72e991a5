"""Clients and their leads (单源), contracts (工程合同) and follow-up visits (回访).

Fields marked "spine" are read by other apps (complaints, projects,
performance metrics and the monthly report): keep their names and meaning.
"""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.roles import PROJECT_ROLES, Role


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DOMAIN.md, Confidentiality: own team; designers, assistants and PMs the
        clients of their projects; the deputy GM all; the front desk only through
        the reception lookup (not here)."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(team_id=user.team_id)
        if user.role in PROJECT_ROLES:
            from projects.models import Project

            return self.filter(Exists(Project.objects.assigned_to(user).filter(client=OuterRef("pk"))))
        return self.none()


class Client(models.Model):
    class Stage(models.TextChoices):
        NEW = "new", _("New")
        CONTACTED = "contacted", _("Contacted")
        MEASURED = "measured", _("Site measured")
        PROPOSAL = "proposal", _("Design proposal")
        QUOTED = "quoted", _("Quoted")
        SIGNED = "signed", _("Signed")
        LOST = "lost", _("Lost")

    class Source(models.TextChoices):
        HOTLINE = "hotline", _("Hotline")
        WALK_IN = "walk_in", _("Walk-in visit")
        REFERRAL = "referral", _("Referral")
        ONLINE = "online", _("Online")
        EVENT = "event", _("Event")
        OTHER = "other", _("Other")

    class Tier(models.TextChoices):
        A = "A", _("A (high value)")
        B = "B", _("B (medium value)")
        C = "C", _("C (low value)")

    name = models.CharField(_("name"), max_length=60)  # spine
    phone = models.CharField(_("phone"), max_length=20, db_index=True)  # spine
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="clients"
    )  # spine
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consultant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consulted_clients",
    )  # spine
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.NEW)  # spine
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.HOTLINE)  # spine
    value_tier = models.CharField(_("value tier"), max_length=1, choices=Tier.choices, blank=True)  # spine
    created_at = models.DateTimeField(_("created"), default=timezone.now)  # spine: a lead's date
    lost_at = models.DateTimeField(_("lost at"), null=True, blank=True)  # spine

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "stage"], name="client_team_stage"),
            models.Index(fields=["team", "-created_at"], name="client_team_created"),
        ]

    def __str__(self):
        return self.name


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Contracts and amounts: the team's consultant and the deputy GM only."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(team_id=user.team_id)
        return self.none()


class Contract(models.Model):
    number = models.CharField(_("contract number"), max_length=40, unique=True)  # spine
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="contracts"
    )  # spine
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="contracts"
    )  # spine
    signed_date = models.DateField(_("signed on"))  # spine
    design_fee = models.DecimalField(_("design fee (yuan)"), max_digits=12, decimal_places=2, default=0)  # spine
    construction_amount = models.DecimalField(_("construction amount (yuan)"), max_digits=12, decimal_places=2)  # spine
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="signed_contracts"
    )  # spine
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_date", "-pk"]
        indexes = [models.Index(fields=["team", "signed_date"], name="contract_team_signed")]

    def __str__(self):
        return self.number

    @property
    def total_amount(self):
        return self.design_fee + self.construction_amount


class FollowUpVisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(Q(team_id=user.team_id) | Q(owner=user))
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
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True)  # spine
    outcome = models.TextField(_("outcome"), blank=True)

    objects = FollowUpVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner", "due_date"], name="visit_owner_due", condition=Q(done_at__isnull=True)),
            models.Index(fields=["team", "due_date"], name="visit_team_due"),
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


class LostLeadReport(models.Model):
    """The consultant's written analysis of a month's lost leads (单源丢失总结报告);
    the monthly report to headquarters quotes it."""

    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="lost_reports"
    )  # spine
    month = models.DateField(_("month"), help_text=_("The first day of the month."))  # spine
    conclusions = models.TextField(_("conclusions"))  # spine
    actions = models.TextField(_("actions"), blank=True)  # spine
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("lost-lead report")
        verbose_name_plural = _("lost-lead reports")
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="one_lost_report_per_team_month")]

    def __str__(self):
        return f"{self.team} {self.month:%Y-%m}"
