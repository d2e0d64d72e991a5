"""Used one-time tokens of create forms (``teams.submissions.submit_once``)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """One create form sent by one person, and the row it created: a second POST
    with the same token finds this row instead of creating another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE)
    token = models.UUIDField(_("token"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True)
    object_id = models.PositiveBigIntegerField(null=True)
    created_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="submission_once_per_token")]

    def __str__(self):
        return str(self.token)
