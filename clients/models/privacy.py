"""Personal information (PIPL 个人信息保护法): the privacy notice clients are told, and each client's consent —
how and when they agreed, to which notice and purpose, recorded by whom."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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


class PrivacyRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The deputy GM's desk: nobody else sees clients' requests."""
        return self.all() if user.sees_all else self.none()


class PrivacyRequest(models.Model):
    """A client's request about their personal information (个人信息权利请求, PIPL Art. 44–47): to see (and
    receive a copy), to correct, or to delete it. Answered within 15 working days (``due_on``)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See and copy")
        CORRECT = "correct", _("Correct")
        DELETE = "delete", _("Delete")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="privacy_requests"
    )
    kind = models.CharField(_("request"), max_length=10, choices=Kind.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    details = models.TextField(_("what the client asks"), blank=True)
    due_on = models.DateField(_("answer by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(pgettext_lazy("personal information", "answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The reminders, each claimed once by the scan (clients/services/privacy.py).
    reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    overdue_notified_at = models.DateTimeField(_("overdue notice sent"), null=True, blank=True)

    objects = PrivacyRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal information request")
        verbose_name_plural = _("personal information requests")
        ordering = ["state", "due_on", "-pk"]
        indexes = [models.Index(fields=["state", "due_on"], name="privacyrequest_state_due")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.client}"

    def is_overdue(self, today=None) -> bool:
        return self.state == self.State.OPEN and self.due_on < (today or timezone.localdate())


class PrivacyRequestStep(models.Model):
    """Each step taken on a request (recorded, exported, corrected, erased, answered): appended, never edited."""

    class Action(models.TextChoices):
        RECORDED = "recorded", _("Request recorded")
        EXPORTED = "exported", _("Data exported")
        CORRECTED = "corrected", _("Data corrected")
        ERASED = "erased", _("Personal information erased")
        ANSWERED = "answered", _("Answered")
        REFUSED = "refused", _("Refused")

    request = models.ForeignKey(PrivacyRequest, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("request step")
        verbose_name_plural = _("request steps")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
