"""After construction: completion documents, maintenance requests; and the files of every record."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models.construction import Crew, Inspection, SiteLog
from projects.models.design import BudgetRequest, DesignPlan, DrawingTask
from projects.models.project import Project, ends_after_start


class CompletionItem(models.Model):
    """One line of the completion documents (竣工资料) checklist, collected by the designer or PM."""

    class Kind(models.TextChoices):
        AS_BUILT = "as_built", _("As-built drawings")
        INSPECTIONS = "inspections", _("Inspection records")
        WARRANTY_CARD = "warranty_card", _("Warranty card")
        MATERIALS = "materials", _("Material list")
        HANDOVER = "handover", _("Handover confirmation")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="completion_items")
    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("collected by"), on_delete=models.PROTECT, related_name="+"
    )
    collected_at = models.DateTimeField(_("collected at"), default=timezone.now)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("completion document")
        verbose_name_plural = _("completion documents")
        ordering = ["project", "kind"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="one_completion_item_per_kind")]

    def __str__(self):
        return self.get_kind_display()


class MaintenanceRequest(models.Model):
    """工程维修 after completion: tracked to done and confirmed by the client; overdue escalates."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint")
        FOLLOW_UP = "follow_up", _("Follow-up visit")
        CALL = "call", _("Call")
        SITE = "site", _("Found on site")
        CLIENT_PAGE = "client_page", pgettext_lazy("source", "Client's page")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("maintenance status", "Open")
        DONE = "done", _("Done")
        CONFIRMED = "confirmed", _("Confirmed by the client")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="maintenance_requests")
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.CALL)
    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.SET_NULL, null=True, blank=True
    )
    follow_up = models.ForeignKey(
        "clients.FollowUpVisit", verbose_name=_("follow-up visit"), on_delete=models.SET_NULL, null=True, blank=True
    )
    call = models.ForeignKey("reception.Call", verbose_name=_("call"), on_delete=models.SET_NULL, null=True, blank=True)
    description = models.TextField(pgettext_lazy("maintenance", "description"))
    reported_on = models.DateField(_("reported on"), default=timezone.localdate)
    crew = models.ForeignKey(
        Crew, verbose_name=_("assigned crew"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    promised_on = models.DateField(_("promised date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    work_notes = models.TextField(_("work done"), blank=True)
    client_confirmed_on = models.DateField(_("client confirmed on"), null=True, blank=True)
    client_feedback = models.TextField(_("client's feedback"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Overdue: first the PM and the consultant are reminded, a day later the deputy GM (claimed once each).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("maintenance request")
        verbose_name_plural = _("maintenance requests")
        ordering = ["-reported_on", "-pk"]
        indexes = [models.Index(fields=["status", "promised_on"], name="maintenance_status_promised")]
        constraints = [
            ends_after_start(
                "maintenance", "reported_on", "promised_on", _("The promised date is before the day it was reported.")
            ),
            ends_after_start("maintenance", "reported_on", "done_on", _("The repair is dated before it was reported.")),
        ]

    def __str__(self):
        return self.description[:40]

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.promised_on < (today or timezone.localdate())


MAINTENANCE_TRANSITIONS = {
    MaintenanceRequest.Status.OPEN: [MaintenanceRequest.Status.DONE],
    MaintenanceRequest.Status.DONE: [MaintenanceRequest.Status.CONFIRMED, MaintenanceRequest.Status.OPEN],
    MaintenanceRequest.Status.CONFIRMED: [],
}


def _upload_to(instance, filename):
    # The name is generated; the user's file name is kept in ``original_name`` only.
    return f"projects/{instance.project_id}/{instance.token}{instance.extension}"


class Attachment(models.Model):
    """A photo (resized JPEG) or PDF of a project record, served only through ``projects:file``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    token = models.CharField(max_length=32, unique=True, editable=False)
    extension = models.CharField(max_length=8, editable=False)
    file = models.FileField(upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # 客户可见: the PM chose to show this photo on the client's page (portal/); nothing is shown by default.
    client_visible = models.BooleanField(_("visible to the client"), default=False)
    # What it belongs to (exactly one, or none for a general project file).
    plan = models.ForeignKey(DesignPlan, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    drawing = models.ForeignKey(DrawingTask, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    site_log = models.ForeignKey(SiteLog, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, null=True, blank=True, related_name="photos")
    budget = models.ForeignKey(BudgetRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    completion_item = models.ForeignKey(
        CompletionItem, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    maintenance = models.ForeignKey(
        MaintenanceRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    def get_absolute_url(self):
        return reverse("projects:file", args=[self.token])
