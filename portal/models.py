"""The client's page (业主 / 客户端): a personal link per project, who opened it, and what the client did there."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PortalLinkQuerySet(models.QuerySet):
    def active(self, today=None):
        """Not revoked and not expired: ``expires_on`` is the end of the warranty (or its estimate)."""
        return self.filter(revoked_at=None, expires_on__gte=today or timezone.localdate())


class PortalLink(models.Model):
    """A project's personal link. Only the SHA-256 of its random part is stored: the link itself is shown once,
    when it is issued (to print its QR code or send it); a lost link is re-issued, which revokes the old one."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="portal_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_on = models.DateField(_("expires on"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(pgettext_lazy("client page", "sent at"), null=True, blank=True)
    sent_channel = models.CharField(_("sent by"), max_length=20, blank=True)

    objects = PortalLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("client page link")
        verbose_name_plural = _("client page links")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One live link per project: re-issuing revokes the old one in the same transaction.
            models.UniqueConstraint(fields=["project"], condition=Q(revoked_at=None), name="one_live_link_per_project")
        ]

    def __str__(self):
        return f"{self.project} ({self.created_at:%Y-%m-%d})"

    def is_active(self, today=None) -> bool:
        return self.revoked_at is None and self.expires_on >= (today or timezone.localdate())


class PortalVisit(models.Model):
    """One device that opened a link (a random cookie, stored hashed): when first and last."""

    link = models.ForeignKey(PortalLink, on_delete=models.CASCADE, related_name="visits")
    device_hash = models.CharField(max_length=64)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("client page visit")
        verbose_name_plural = _("client page visits")
        constraints = [models.UniqueConstraint(fields=["link", "device_hash"], name="one_visit_row_per_device")]

    def __str__(self):
        return f"{self.link_id} {self.last_seen:%Y-%m-%d %H:%M}"


class ClientActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The team's members see their team's; the deputy GM every team's."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all:
            return self.all()
        if user.team_id is not None:
            return self.filter(team_id=user.team_id)
        return self.none()


class ClientAction(models.Model):
    """What the client did on their page: a sign-off with a rating, a rating of a visit or of a resolved
    complaint, a confirmation. ``target`` names the record ("phase:12"); one action per project and target, so a
    double-tapped button counts once. Ratings are the figure 客户评分 (performance/metrics), separate from the
    satisfaction staff type in after a follow-up visit."""

    class Kind(models.TextChoices):
        PHASE_SIGN_OFF = "phase_sign_off", _("Phase signed off")
        VISIT_RATING = "visit_rating", _("Follow-up visit rated")
        COMPLAINT_RATING = "complaint_rating", _("Resolved complaint rated")
        PLAN_CONFIRM = "plan_confirm", _("Design plan confirmed")
        CHANGE_DECISION = "change_decision", _("Design change answered")
        CHANGE_ORDER_DECISION = "change_order_decision", _("Change order answered")

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="client_actions"
    )  # spine
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="client_actions"
    )  # spine
    link = models.ForeignKey(PortalLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions")
    kind = models.CharField(pgettext_lazy("client page", "what"), max_length=30, choices=Kind.choices)  # spine
    target = models.CharField(max_length=60)
    rating = models.PositiveSmallIntegerField(
        _("client rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )  # spine
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)  # spine
    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint opened"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ClientActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("client action")
        verbose_name_plural = _("client actions")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "target"], name="one_client_action_per_target"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="client_rating_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["team", "at"], name="client_action_team_at")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.target}"
