"""Contract money that follows the works: change orders (增减项 / 变更单) and the phase whose
passed inspection makes a payment stage due.

The stages and receipts themselves live with the contract (clients.models); this floor adds
what needs the project: a change order is linked to a design change or a site finding, and a
stage triggered by an inspection points at one of the project's schedule phases."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Contract, PaymentStage
from projects.models.construction import SchedulePhase, SiteLog
from projects.models.design import DesignChange
from projects.models.project import Project
from teams.roles import Role


class StagePhase(models.Model):
    """The schedule phase whose passed inspection makes a payment stage due (trigger ``phase``)."""

    stage = models.OneToOneField(
        PaymentStage,
        verbose_name=_("payment stage"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="phase_link",
    )
    phase = models.ForeignKey(
        SchedulePhase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="payment_links"
    )

    class Meta:
        verbose_name = _("payment stage phase")
        verbose_name_plural = _("payment stage phases")

    def __str__(self):
        return f"{self.stage} ← {self.phase}"


class ChangeOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Money: the team's consultant and the deputy GM (like contracts)."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(contract__team_id=user.team_id)
        return self.none()


class ChangeOrder(models.Model):
    """变更单: additions and reductions priced line by line. It moves the contract's current
    value only once approved by the client (signed paper, scanned) and by the consultant."""

    class Source(models.TextChoices):
        DESIGN_CHANGE = "design_change", _("Design change")
        SITE_FINDING = "site_finding", _("Site finding")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Awaiting the client")
        CLIENT_APPROVED = "client_approved", _("Signed by the client")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="change_orders"
    )
    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="change_orders"
    )  # spine
    number = models.CharField(_("change order number"), max_length=40, unique=True)
    title = models.CharField(pgettext_lazy("change order", "title"), max_length=120)
    source = models.CharField(_("because of"), max_length=20, choices=Source.choices)
    design_change = models.ForeignKey(
        DesignChange,
        verbose_name=_("design change"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_orders",
    )
    site_log = models.ForeignKey(
        SiteLog, verbose_name=_("site log"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finding = models.TextField(_("what was found on site"), blank=True)
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0))  # spine
    stage = models.ForeignKey(
        PaymentStage,
        verbose_name=_("payment stage it moves"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="change_orders",
        help_text=_("If set, the approved total is added to this stage's amount."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)  # spine
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    client_signed_on = models.DateField(_("client signed on"), null=True, blank=True)
    client_signed_by = models.CharField(_("client signed by"), max_length=60, blank=True)
    client_scan = models.FileField(_("signed paper (scan)"), upload_to="change_orders/%Y/%m/", blank=True)
    client_scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    client_scan_type = models.CharField(_("content type"), max_length=60, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)  # spine
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ChangeOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("change order")
        verbose_name_plural = _("change orders")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "approved_at"], name="change_order_approved")]
        constraints = [
            models.CheckConstraint(
                condition=Q(source="design_change", design_change__isnull=False)
                | Q(source="site_finding", design_change__isnull=True),
                name="change_order_source_linked",
                violation_error_message=_("A change order from a design change names the design change."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["client_approved", "approved"])
                | (Q(client_signed_on__isnull=False) & ~Q(client_scan="")),
                name="change_order_client_signature",
                violation_error_message=_("The client's approval needs the date and the scan of the signed paper."),
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="change_order_approval_recorded",
                violation_error_message=_("An approved change order records who approved it and when."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CLIENT_APPROVED)

    @property
    def scan_is_image(self) -> bool:
        return self.client_scan_type.startswith("image/")


class ChangeOrderLine(models.Model):
    """One priced line: quantity × unit price, an addition (增项) or a reduction (减项)."""

    class Kind(models.TextChoices):
        ADDITION = "addition", _("Addition")
        REDUCTION = "reduction", _("Reduction")

    change_order = models.ForeignKey(
        ChangeOrder, verbose_name=_("change order"), on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(_("addition or reduction"), max_length=10, choices=Kind.choices, default=Kind.ADDITION)
    description = models.CharField(pgettext_lazy("change order", "item"), max_length=200)
    unit = models.CharField(pgettext_lazy("quantity", "unit"), max_length=20, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2)
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("change order line")
        verbose_name_plural = _("change order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="change_line_quantity_positive",
                violation_error_message=_("The quantity must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="change_line_price_not_negative",
                violation_error_message=_("The unit price cannot be negative (use a reduction line)."),
            ),
        ]

    def __str__(self):
        return self.description

    @property
    def amount(self) -> Decimal:
        """Signed: a reduction counts negative."""
        value = (self.quantity * self.unit_price).quantize(Decimal("0.01"))
        return -value if self.kind == self.Kind.REDUCTION else value
