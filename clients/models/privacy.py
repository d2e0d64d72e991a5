"""Personal information (PIPL 个人信息保护法): the privacy notice clients are told, and each client's consent —
how and when they agreed, to which notice and purpose, recorded by whom."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models.clients import Client


class PrivacyNotice(models.Model):
    """The privacy notice (隐私告知) read to or given to clients. Edited in the admin: each save of a new
    text is a new version; the highest version is the current one, and consents name the version."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text = models.TextField(_("notice text"))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-version"]

    def __str__(self):
        return _("Privacy notice v%(version)s") % {"version": self.version}

    @classmethod
    def current(cls) -> "PrivacyNotice | None":
        return cls.objects.order_by("-version").first()


class ClientConsentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(client__in=Client.objects.visible_to(user))


class ClientConsent(models.Model):
    """One record of a client's consent; a new one (another notice, another way) is appended, never edited."""

    class Method(models.TextChoices):
        VERBAL_CALL = "verbal_call", _("Verbal, on a call")
        VERBAL_VISIT = "verbal_visit", _("Verbal, at a visit")
        WRITTEN = "written", _("Written form")
        PORTAL = "portal", _("Notice on the client's page")

    class Purpose(models.TextChoices):
        SERVICE = "service", _("Design, construction and after-sale service")
        SERVICE_AND_OFFERS = "service_offers", _("Service, and news of events and offers")

    client = models.ForeignKey(Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents")
    method = models.CharField(_("how the client agreed"), max_length=20, choices=Method.choices)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.SERVICE)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)
    notice = models.ForeignKey(
        PrivacyNotice, verbose_name=_("privacy notice"), on_delete=models.PROTECT, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ClientConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("client consent")
        verbose_name_plural = _("client consents")
        ordering = ["-agreed_at", "-pk"]
        indexes = [models.Index(fields=["client", "-agreed_at"], name="consent_client_agreed")]

    def __str__(self):
        return f"{self.client} {self.get_method_display()} {self.agreed_at:%Y-%m-%d}"
