"""The access log: who opened a client file, revealed a phone, exported or imported,
and who was refused a page or a record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.clients import Client


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the deputy GM reads the access log."""
        return self.all() if user.sees_all else self.none()


class AccessLog(models.Model):
    """Who opened a client file, revealed a phone, exported (how many rows) or was
    refused, when and from where (only the deputy GM reads it; docs/architecture.md, scoping)."""

    class Action(models.TextChoices):
        OPEN = "open", _("Opened client file")
        REVEAL = "reveal", _("Revealed phone")
        EXPORT = "export", _("Exported list")
        IMPORT = "import", _("Imported clients")
        # Written by teams.middleware.RefusalLogMiddleware (403/404 of the access helpers).
        REFUSED = "refused", _("Refused access")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), on_delete=models.PROTECT, related_name="client_accesses"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
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
