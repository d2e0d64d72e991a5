"""The paper archive (交行政部建立档案): hand-over of a client's file and loans out of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.clients import Client

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
