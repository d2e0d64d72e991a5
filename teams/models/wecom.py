"""A WeCom sign-in waiting for the deputy GM: the identity matched a staff account only by its mobile."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class WeComLinkQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The deputy GM (and a superuser) decides which WeCom identity is whose account."""
        return self.all() if user.is_authenticated and user.sees_all else self.none()

    def pending(self):
        return self.filter(state=WeComLinkRequest.State.PENDING)


class WeComLinkRequest(models.Model):
    """Someone signed in with WeCom for the first time; WeCom's verified mobile is the mobile of an active
    account. The account is linked (``User.wecom_userid``) only when the deputy GM confirms; until then the
    sign-in is refused with that reason (teams/wecom_links.py)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Linked")
        REFUSED = "refused", pgettext_lazy("wecom link", "Refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="wecom_link_requests",
    )
    wecom_userid = models.CharField(_("WeCom user ID"), max_length=64)
    created_at = models.DateTimeField(_("signed in at"), auto_now_add=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = WeComLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("WeCom sign-in to confirm")
        verbose_name_plural = _("WeCom sign-ins to confirm")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per WeCom identity: signing in again does not pile up requests.
            models.UniqueConstraint(
                fields=["wecom_userid"], condition=models.Q(state="pending"), name="wecom_link_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.wecom_userid} → {self.user}"
