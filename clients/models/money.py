"""Money received against a contract's payment stages (收款).

History is never rewritten: a receipt is corrected only by a reversing entry (冲正) that
cancels it (its amount negated, with a reason), and a refund (退款) is a negative receipt
with a reason. The database holds these rules (CheckConstraint / UniqueConstraint)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.contracts import Contract, PaymentStage
from teams.roles import Role


class ReceiptQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Like contracts: the team's consultant and the deputy GM only."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT:
            return self.filter(contract__team_id=user.team_id)
        return self.none()


class Receipt(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        REFUND = "refund", _("Refund")
        REVERSAL = "reversal", _("Reversing entry")

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CARD = "card", _("Card (POS)")
        CASH = "cash", _("Cash")
        OTHER = "other", _("Other")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="receipts"
    )
    stage = models.ForeignKey(
        PaymentStage, verbose_name=_("payment stage"), on_delete=models.PROTECT, related_name="receipts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.RECEIPT)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)  # spine
    received_on = models.DateField(_("received on"))  # spine
    method = models.CharField(_("method"), max_length=10, choices=Method.choices, default=Method.BANK)
    number = models.CharField(_("receipt number"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    scan = models.FileField(_("scan"), upload_to="receipts/%Y/%m/", blank=True)
    scan_name = models.CharField(_("file name"), max_length=200, blank=True)
    scan_type = models.CharField(_("content type"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["received_on"], name="receipt_received_on")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="receipt", amount__gt=0, reverses__isnull=True)
                | Q(kind="refund", amount__lt=0, reverses__isnull=True)
                | Q(kind="reversal", reverses__isnull=False) & ~Q(amount=0),
                name="receipt_amount_sign_by_kind",
                violation_error_message=_("A receipt is more than 0; only a refund or a reversing entry is negative."),
            ),
            models.CheckConstraint(
                condition=Q(kind="receipt") | ~Q(reason=""),
                name="receipt_refund_reversal_reason",
                violation_error_message=_("A refund or a reversing entry needs a reason."),
            ),
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(kind="receipt") & ~Q(number=""),
                name="receipt_number_unique",
                violation_error_message=_("This receipt number is already recorded."),
            ),
        ]

    def __str__(self):
        return self.number or f"{self.get_kind_display()} {self.pk}"

    @property
    def is_image(self) -> bool:
        return self.scan_type.startswith("image/")
