"""Contracts (工程合同) and what hangs off them: payment stages, the change history and
scanned attachments."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.clients import Client
from teams.models.history import HistoryTexts
from teams.roles import Role


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
    # The approved change orders added up (projects.ChangeOrder, moved only by their approval in
    # projects/services/money.py, in the same transaction); current value = construction amount + this.
    approved_changes = models.DecimalField(
        _("approved changes (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0)
    )  # spine

    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_date", "-pk"]
        indexes = [models.Index(fields=["team", "signed_date"], name="contract_team_signed")]
        constraints = [
            models.CheckConstraint(
                condition=Q(design_fee__gte=0),
                name="contract_design_fee_not_negative",
                violation_error_message=_("The design fee cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(construction_amount__gte=0),
                name="contract_construction_amount_not_negative",
                violation_error_message=_("The construction amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(construction_amount__gte=-F("approved_changes")),
                name="contract_current_value_not_negative",
                violation_error_message=_("Reductions cannot take the contract's value below 0."),
            ),
            models.CheckConstraint(
                condition=Q(floor_area__isnull=True) | Q(floor_area__gt=0),
                name="contract_floor_area_positive",
                violation_error_message=_("The floor area must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_finish__isnull=True)
                | Q(planned_finish__gte=F("planned_start")),
                name="contract_finish_not_before_start",
                violation_error_message=_("The planned finish is before the planned start."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def total_amount(self):
        return self.design_fee + self.construction_amount

    def can_change_money(self, user) -> bool:
        """Receipts, reversals, change orders and their approval: the team's consultant and the
        deputy GM only (a superuser too)."""
        if user.sees_all:
            return True
        return user.role == Role.CONSULTANT and user.team_id == self.team_id

    @property
    def current_value(self) -> Decimal:
        """The construction amount as signed plus the approved change orders (增减项)."""
        return self.construction_amount + self.approved_changes

    @property
    def payments_total(self):
        """The payment stages added up (prefetch ``payments`` on lists)."""
        return sum((p.amount for p in self.payments.all()), Decimal(0))

    @property
    def payments_difference(self):
        """Payment stages minus the current value they split (services.DEFAULT_PAYMENTS):
        0 when they add up, negative when money is missing from the plan."""
        return self.payments_total - self.current_value

    @property
    def payments_shortfall(self):
        return max(-self.payments_difference, Decimal(0))

    def clean(self):
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            raise ValidationError({"planned_finish": _("The planned finish is before the planned start.")})


class PaymentStageQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The stages of the contracts ``user`` sees (the team's consultant, the deputy GM)."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(contract__team_id=user.team_id)
        return self.none()


class PaymentStage(models.Model):
    """A payment stage of a contract (首期 / 中期 / 尾款 / 质保金), tied to what makes it due.

    A stage is *due* from the day its trigger happens (``triggered_on``) and must be paid
    within ``days_to_pay`` days (``due_date``); before the trigger it is only planned. The
    money received against it is the sum of its receipts (``received``, kept by the receipt
    services in the same transaction as each receipt)."""

    class Trigger(models.TextChoices):
        SIGNING = "signing", _("At signing")
        PHASE = "phase", _("When a phase's inspection passes")
        COMPLETION = "completion", _("At completion")
        WARRANTY_END = "warranty_end", _("At the end of the warranty")
        FIXED_DATE = "fixed_date", _("On a fixed date")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    name = models.CharField(_("stage"), max_length=40)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    due_condition = models.CharField(_("due when"), max_length=120, blank=True)
    paid_date = models.DateField(_("paid on"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    trigger = models.CharField(_("becomes due"), max_length=20, choices=Trigger.choices, default=Trigger.SIGNING)
    # The phase whose passed inspection makes it due: projects.StagePhase (projects sits above clients).
    fixed_date = models.DateField(_("fixed date"), null=True, blank=True)
    days_to_pay = models.PositiveSmallIntegerField(_("days to pay"), default=7)
    triggered_on = models.DateField(_("became due on"), null=True, blank=True)
    due_date = models.DateField(_("pay by"), null=True, blank=True)
    received = models.DecimalField(_("received (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0))
    reminded_at = models.DateTimeField(_("overdue reminder sent"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = PaymentStageQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment stage")
        verbose_name_plural = _("payment stages")
        ordering = ["order", "pk"]
        indexes = [
            models.Index(fields=["due_date"], name="payment_stage_due"),
            # The receivables board's list: the stages due and not fully paid, most overdue first.
            models.Index(
                fields=["due_date", "id"],
                name="payment_stage_receivable",
                condition=Q(due_date__isnull=False, received__lt=F("amount")),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="payment_amount_not_negative",
                violation_error_message=_("A payment amount cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~Q(trigger="fixed_date") | Q(fixed_date__isnull=False),
                name="payment_fixed_date_set",
                violation_error_message=_("A stage due on a fixed date needs the date."),
            ),
            models.CheckConstraint(
                condition=Q(triggered_on__isnull=True, due_date__isnull=True)
                | Q(triggered_on__isnull=False, due_date__gte=F("triggered_on")),
                name="payment_due_after_trigger",
                violation_error_message=_("A stage is due on or after the day it was triggered."),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.received, Decimal(0))

    def status(self, today) -> str:
        """planned (trigger not yet happened) / due / overdue / paid."""
        if self.amount <= self.received and self.amount > 0:
            return "paid"
        if self.due_date is None:
            return "planned"
        return "overdue" if self.due_date < today else "due"

    def days_overdue(self, today) -> int:
        return max((today - self.due_date).days, 0) if self.due_date else 0


STAGE_STATUS_LABELS = {
    "planned": _("Not yet due"),
    "due": _("Due"),
    "overdue": _("Overdue"),
    "paid": _("Paid"),
}


class ContractChange(HistoryTexts):
    """History of amounts and payments: who changed what, when (its texts read in the reader's language)."""

    TEXT_COLUMNS = {"field": "field", "old": "old_value", "new": "new_value"}

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
