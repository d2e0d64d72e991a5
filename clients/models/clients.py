"""Clients and leads (单源): the pipeline stages and their transitions, the value-tier rule,
lost reasons, the client timeline and the monthly lost-lead report."""

import datetime as dt
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.messages import render_stored
from teams.phones import mask_phone, validate_phone
from teams.registry import run_hooks
from teams.roles import PROJECT_ROLES, Role


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Confidentiality (docs/architecture.md, scoping): own team; designers, assistants and PMs the
        clients of their projects; the deputy GM all; the front desk only through
        the reception lookup (not here); the admin clerk the files handed over
        to the archive; the budget clerk none."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(team_id=user.team_id)
        if user.role in PROJECT_ROLES:
            # The apps that assign staff to a client's work (projects, above clients) say which:
            # each ``client_access`` hook returns the user's rows that carry a ``client``.
            granted = [Exists(rows.filter(client=OuterRef("pk"))) for rows in run_hooks("client_access", user=user)]
            return self.filter(reduce(or_, granted)) if granted else self.none()
        if user.role == Role.ADMIN_CLERK:
            # The administration keeps the archive: clients whose file was handed over.
            return self.filter(archive__isnull=False)
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

    class PropertyType(models.TextChoices):
        APARTMENT = "apartment", _("Apartment")
        VILLA = "villa", _("Villa")
        TOWNHOUSE = "townhouse", _("Townhouse")
        OLD_HOUSE = "old_house", _("Old-house renovation")
        COMMERCIAL = "commercial", _("Shop / office")
        OTHER = "other", _("Other")

    class Budget(models.TextChoices):
        LT10 = "lt10", _("Under ¥100k")
        B10_20 = "10_20", _("¥100k–200k")
        B20_40 = "20_40", _("¥200k–400k")
        B40_80 = "40_80", _("¥400k–800k")
        GT80 = "gt80", _("Over ¥800k")

    class Intent(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)  # spine
    phone = models.CharField(_("phone"), max_length=20, db_index=True, validators=[validate_phone])  # spine
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

    phone2 = models.CharField(_("second phone"), max_length=20, blank=True, validators=[validate_phone])
    wechat = models.CharField(_("WeChat id"), max_length=60, blank=True)
    district = models.CharField(_("district"), max_length=40, blank=True)
    community = models.CharField(_("residential community"), max_length=80, blank=True)
    building = models.CharField(_("building / unit / room"), max_length=80, blank=True)
    property_type = models.CharField(
        _("property type"), max_length=20, choices=PropertyType.choices, default=PropertyType.APARTMENT
    )
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget = models.CharField(_("budget range"), max_length=10, choices=Budget.choices, blank=True)
    intent = models.CharField(_("intent"), max_length=10, choices=Intent.choices, default=Intent.MEDIUM)
    referrer = models.CharField(_("referred by"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    measured_on = models.DateField(_("site measured on"), null=True, blank=True)
    tier_overridden = models.BooleanField(_("tier set by hand"), default=False)
    tier_reason = models.CharField(_("reason for the tier"), max_length=200, blank=True)
    lost_reason = models.ForeignKey(
        "clients.LostReason", verbose_name=_("lost reason"), on_delete=models.PROTECT, null=True, blank=True
    )
    lost_stage = models.CharField(_("lost at stage"), max_length=20, choices=Stage.choices, blank=True)
    competitor = models.CharField(_("competitor"), max_length=80, blank=True)
    lost_notes = models.TextField(_("lost notes"), blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed at"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Set when name, phones and address were removed (retention or the client's request): the row stays, so
    # the reports' counts stay (clients/services/retention.py).
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # Search keys (clients/search.py), written by the services that save the name or a phone: the name's
    # pinyin and initials (张伟 → zhangwei, zw) and the digits of both phones. Trigram-indexed on PostgreSQL.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=240, blank=True, db_default="", editable=False)
    name_initials = models.CharField(_("initials in pinyin"), max_length=60, blank=True, db_default="", editable=False)
    phone_digits = models.CharField(_("phone digits"), max_length=50, blank=True, db_default="", editable=False)

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0),
                name="client_floor_area_positive",
                violation_error_message=_("The floor area must be more than 0."),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "stage"], name="client_team_stage"),
            # The pipeline: each stage's newest moves, 50 cards a column.
            models.Index(fields=["team", "stage", "-stage_changed_at"], name="client_team_stage_moved"),
            # The deputy GM's company-wide pipeline (no team filter).
            models.Index(fields=["stage", "-stage_changed_at"], name="client_stage_moved"),
            models.Index(fields=["team", "-created_at"], name="client_team_created"),
            models.Index(fields=["team", "lost_at"], name="client_team_lost", condition=Q(stage="lost")),
            models.Index(fields=["phone2"], name="client_phone2"),
            # Company-wide dashboards and reports count leads created or lost in a period.
            models.Index(fields=["created_at"], name="client_created"),
            models.Index(fields=["lost_at"], name="client_lost_at", condition=Q(lost_at__isnull=False)),
            # Initials are searched by prefix (zw…); name, pinyin and phone digits by pg_trgm (migration 0012).
            # varchar_pattern_ops: LIKE 'zw%' reads it under any collation (a plain b-tree only under "C").
            models.Index(fields=["name_initials"], name="client_name_initials", opclasses=["varchar_pattern_ops"]),
            # The list's sorts for the deputy GM's whole company (clients/filters.py, ties broken by the number;
            # "created" has client_created). A team's clients are few enough to sort after client_team_created.
            models.Index(fields=["name", "id"], name="client_name_sort"),
            models.Index(fields=["stage_changed_at", "id"], name="client_moved_sort"),
            models.Index(fields=["value_tier", "id"], name="client_tier_sort"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def address(self) -> str:
        return " ".join(p for p in (self.district, self.community, self.building) if p)

    @property
    def is_open(self) -> bool:
        return self.stage not in (self.Stage.SIGNED, self.Stage.LOST)

    def can_move_to(self, stage: str) -> bool:
        return stage in STAGE_TRANSITIONS.get(self.stage, ())

    @property
    def next_stage(self) -> str | None:
        """The next step forward in the pipeline (signing goes through the contract form)."""
        index = PIPELINE.index(self.stage) if self.stage in PIPELINE else -1
        if 0 <= index < len(PIPELINE) - 1:
            return PIPELINE[index + 1]
        return None

    def computed_tier(self) -> str:
        return value_tier_for(
            budget=self.budget, floor_area=self.floor_area, property_type=self.property_type, intent=self.intent
        )

    def is_slipping(self, now=None) -> bool:
        """An open lead untouched for SLIPPING_DAYS days."""
        now = now or timezone.now()
        return self.is_open and self.stage_changed_at < now - dt.timedelta(days=SLIPPING_DAYS)


# An open lead whose stage has not moved for this many days is "slipping".
SLIPPING_DAYS = 14

# The open stages in pipeline order (the kanban's columns).
PIPELINE = [
    Client.Stage.NEW,
    Client.Stage.CONTACTED,
    Client.Stage.MEASURED,
    Client.Stage.PROPOSAL,
    Client.Stage.QUOTED,
]
# Allowed stage changes. A lead may move forward or one step back, be lost from
# any open stage, and a lost lead may be reopened as contacted. "signed" is
# reached only by signing a contract (clients.services.contract_sign).
STAGE_TRANSITIONS = {
    Client.Stage.NEW: {Client.Stage.CONTACTED, Client.Stage.MEASURED, Client.Stage.LOST},
    Client.Stage.CONTACTED: {Client.Stage.NEW, Client.Stage.MEASURED, Client.Stage.PROPOSAL, Client.Stage.LOST},
    Client.Stage.MEASURED: {Client.Stage.CONTACTED, Client.Stage.PROPOSAL, Client.Stage.QUOTED, Client.Stage.LOST},
    Client.Stage.PROPOSAL: {Client.Stage.MEASURED, Client.Stage.QUOTED, Client.Stage.LOST},
    Client.Stage.QUOTED: {Client.Stage.PROPOSAL, Client.Stage.SIGNED, Client.Stage.LOST},
    Client.Stage.LOST: {Client.Stage.CONTACTED},
    Client.Stage.SIGNED: set(),
}


def value_tier_for(*, budget: str, floor_area, property_type: str, intent: str) -> str:
    """The potential-value rule (documented in the README):

    points = budget (under 100k: 0, 100–200k: 1, 200–400k: 2, 400–800k: 3, over 800k: 4)
           + floor area (under 90 m²: 0, 90–149 m²: 1, 150 m² and more: 2)
           + property type (villa / townhouse: 2, apartment or old-house renovation: 1, other: 0)
           + intent (high: 2, medium: 1, low: 0).
    A: 7 points or more; B: 4 to 6; C: below 4.
    """
    points = {"lt10": 0, "10_20": 1, "20_40": 2, "40_80": 3, "gt80": 4}.get(budget or "", 0)
    if floor_area is not None:
        points += 2 if floor_area >= 150 else 1 if floor_area >= 90 else 0
    points += {"villa": 2, "townhouse": 2, "apartment": 1, "old_house": 1}.get(property_type, 0)
    points += {"high": 2, "medium": 1}.get(intent, 0)
    if points >= 7:
        return Client.Tier.A
    if points >= 4:
        return Client.Tier.B
    return Client.Tier.C


class LostReason(models.Model):
    """Why a lead was lost: an editable list (admin), seeded with price, design,
    competitor, timing, service, unreachable, other."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.SlugField(_("code"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class ClientEvent(models.Model):
    """One line of a client's timeline written by this app (stage changes, contract,
    visits, archive); calls, complaints and projects are read from their apps."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Lead created")
        STAGE = "stage", _("Stage changed")
        LOST = "lost", _("Lost")
        TIER = "tier", _("Value tier")
        EDIT = "edit", _("Details edited")
        CONTRACT = "contract", _("Contract")
        VISIT = "visit", _("Follow-up visit")
        ARCHIVE = "archive", _("Archive")
        PRIVACY = "privacy", _("Personal information")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("what happened"), max_length=300)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    # ``text`` as msgid + parameters (teams/messages.py); empty on rows written before it.
    message = models.JSONField(_("message parameters"), null=True, blank=True)

    class Meta:
        verbose_name = _("client event")
        verbose_name_plural = _("client events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="clientevent_client_at")]

    def __str__(self):
        return self.text

    @property
    def display_text(self) -> str:
        """What happened, in the reader's language (the stored text for older rows)."""
        return render_stored(self.message, self.text)


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
