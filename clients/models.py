"""Clients and their leads (单源), contracts (工程合同) and follow-up visits (回访).

Fields marked "spine" are read by other apps (complaints, projects,
performance metrics and the monthly report): keep their names and meaning.
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.phones import mask_phone, validate_phone
from teams.roles import PROJECT_ROLES, Role


class ClientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DOMAIN.md, Confidentiality: own team; designers, assistants and PMs the
        clients of their projects; the deputy GM all; the front desk only through
        the reception lookup (not here); the admin clerk the files handed over
        to the archive; the budget clerk none."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(team_id=user.team_id)
        if user.role in PROJECT_ROLES:
            from projects.models import Project

            return self.filter(Exists(Project.objects.assigned_to(user).filter(client=OuterRef("pk"))))
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

    name = models.CharField(_("name"), max_length=60)  # spine
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

    objects = ClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["team", "stage"], name="client_team_stage"),
            models.Index(fields=["team", "-created_at"], name="client_team_created"),
            models.Index(fields=["team", "lost_at"], name="client_team_lost", condition=Q(stage="lost")),
            models.Index(fields=["phone2"], name="client_phone2"),
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

    class Meta:
        verbose_name = _("client event")
        verbose_name_plural = _("client events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "-at"], name="clientevent_client_at")]

    def __str__(self):
        return self.text


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
    address = models.CharField(_("project address"), max_length=200, blank=True)
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    style = models.CharField(_("style"), max_length=40, blank=True)
    package = models.CharField(_("package"), max_length=60, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

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

    def clean(self):
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            raise ValidationError({"planned_finish": _("The planned finish is before the planned start.")})


class PaymentStage(models.Model):
    """A payment stage of a contract (首期 / 中期 / 尾款)."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    name = models.CharField(_("stage"), max_length=40)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    due_condition = models.CharField(_("due when"), max_length=120, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("payment stage")
        verbose_name_plural = _("payment stages")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.name


class ContractChange(models.Model):
    """History of amounts and payments: who changed what, when."""

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    field = models.CharField(_("field"), max_length=80)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contract change")
        verbose_name_plural = _("contract changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.contract} {self.field}"


class ContractAttachment(models.Model):
    """A scanned contract page (PDF or image), stored under a generated name."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="contracts/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=60)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("contract attachment")
        verbose_name_plural = _("contract attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


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
            models.Index(fields=["team", "done_at"], name="visit_team_done", condition=Q(done_at__isnull=False)),
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


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the deputy GM reads the access log."""
        return self.all() if user.sees_all else self.none()


class AccessLog(models.Model):
    """Who opened a client file, revealed a phone or exported, when and from where
    (DOMAIN.md, Confidentiality)."""

    class Action(models.TextChoices):
        OPEN = "open", _("Opened client file")
        REVEAL = "reveal", _("Revealed phone")
        EXPORT = "export", _("Exported list")
        IMPORT = "import", _("Imported clients")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="client_accesses"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="accesslog_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            models.Index(fields=["action", "-at"], name="accesslog_action_at"),
        ]

    def __str__(self):
        return f"{self.user} {self.action} {self.at:%Y-%m-%d %H:%M}"


# Documents the consultant hands to the administration with a client's file.
ARCHIVE_DOCUMENTS = [
    ("contract", _("Signed contract")),
    ("drawings", _("Design drawings")),
    ("budget", _("Budget / quotation")),
    ("changes", _("Design change orders")),
    ("inspections", _("Inspection records")),
    ("completion", _("Completion documents")),
    ("visits", _("Follow-up visit records")),
]


class ArchiveHandover(models.Model):
    """交行政部建立档案: the consultant hands the file over, the admin clerk receives it."""

    client = models.OneToOneField(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="archive")
    documents = models.JSONField(_("documents"), default=list)
    notes = models.TextField(_("notes"), blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handed over by"), on_delete=models.PROTECT, related_name="+"
    )
    handed_on = models.DateField(_("handed over on"), default=timezone.localdate)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    shelf_mark = models.CharField(_("shelf mark"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("archive hand-over")
        verbose_name_plural = _("archive hand-overs")
        ordering = ["-handed_on", "-pk"]
        indexes = [models.Index(fields=["received_at"], name="archive_received")]

    def __str__(self):
        return str(self.client)

    @property
    def is_archived(self) -> bool:
        return self.received_at is not None

    def document_labels(self) -> list[str]:
        labels = dict(ARCHIVE_DOCUMENTS)
        return [str(labels.get(code, code)) for code in self.documents]


class ArchiveLoan(models.Model):
    """A paper file borrowed out of the archive and returned."""

    handover = models.ForeignKey(
        ArchiveHandover, verbose_name=_("archive"), on_delete=models.CASCADE, related_name="loans"
    )
    borrower = models.CharField(_("borrowed by"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lent by"), on_delete=models.PROTECT, related_name="+"
    )
    lent_at = models.DateTimeField(_("lent at"), default=timezone.now)
    due_back = models.DateField(_("due back"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("archive loan")
        verbose_name_plural = _("archive loans")
        ordering = ["-lent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["handover"], condition=Q(returned_at__isnull=True), name="one_open_loan_per_archive"
            )
        ]

    def __str__(self):
        return f"{self.handover} → {self.borrower}"


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
