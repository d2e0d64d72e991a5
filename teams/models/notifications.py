"""In-app notifications and their deliveries on other channels (e-mail, WeCom, the team's group robot), and
each person's choice of channels per kind of notification."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.messages import render_stored

# A sender that has not finished within this time has died: its claim may be taken over.
# Also the pause between attempts (a failed attempt keeps its claim until then).
CLAIM_TIMEOUT = timedelta(minutes=5)


class NotificationKind(models.TextChoices):
    """What a notification is about: each person chooses per kind on which channels besides the app they
    get it (teams.views.notification_settings). Every ``notify()`` caller names one."""

    COMPLAINT = "complaint", pgettext_lazy("notification kind", "Complaints")
    CALL = "call", pgettext_lazy("notification kind", "Calls and visitors")
    CLIENT = "client", pgettext_lazy("notification kind", "Clients, follow-up visits and the archive")
    MONEY = "money", pgettext_lazy("notification kind", "Contract money")
    PROJECT = "project", pgettext_lazy("notification kind", "Design and construction")
    MEETING = "meeting", pgettext_lazy("notification kind", "Meetings and training")
    PERFORMANCE = "performance", pgettext_lazy("notification kind", "Targets, appraisals and reports")
    ACCOUNT = "account", pgettext_lazy("notification kind", "Exports, hand-overs and accounts")
    GENERAL = "general", pgettext_lazy("notification kind", "Other notifications")


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one person, shown under the bell. Written in the same
    transaction as the change that caused it, so it can never be lost."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # {"title": {"msgid", "params"}, "body": {...}} (teams/messages.py): rendered in the
    # reader's language. Empty for plain-text notifications and for rows written before it.
    message = models.JSONField(_("message parameters"), null=True, blank=True)
    kind = models.CharField(
        pgettext_lazy("notification", "kind"),
        max_length=20,
        choices=NotificationKind.choices,
        default=NotificationKind.GENERAL,
    )

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notif_recipient_unread")]

    def __str__(self):
        return self.title

    @property
    def display_title(self) -> str:
        """The title in the active language (the stored text for plain-text and old rows)."""
        return render_stored((self.message or {}).get("title"), self.title)

    @property
    def display_body(self) -> str:
        return render_stored((self.message or {}).get("body"), self.body)


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, *, now, timeout):
        """Not sent, not given up, not held, and nobody sending it (or whoever was has died: ``timeout``)."""
        return (
            self.filter(sent_at__isnull=True, failed_at__isnull=True)
            .filter(models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=now - timeout))
            .filter(models.Q(not_before__isnull=True) | models.Q(not_before__lte=now))
        )

    def failed(self):
        """Given up: shown to the deputy GM, who may send them again."""
        return self.filter(failed_at__isnull=False, sent_at__isnull=True)


class Delivery(models.Model):
    """A message to send on a channel other than the app. A row per send, so a
    periodic scan can find what the broker never delivered.

    Sending is claimed → sent → marked (teams.services.delivery_send): a claim is
    released only by its timeout, so two workers never send the same row at once,
    and a resend after a crash carries the same ``message_id``."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        WEBHOOK = "webhook", _("Team group robot")
        # A text to a client (their page's link): through the message gateway (teams/gateways.py).
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat template message")
        # An application message (text card) to a member of staff in WeCom (teams/wecom.py).
        WECOM = "wecom", _("WeCom application message")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # A group-robot post: the team whose robot it goes to, read when it is sent (so a corrected address or
    # secret applies to what is waiting). ``address`` then only shows the robot, its key cut short.
    team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="robot_deliveries",
    )
    address = models.CharField(_("address"), max_length=500)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    # The page the message points to (a WeCom text card's link); e-mails carry it in the body.
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    # Held until then: the robot's minute was full, or it answered "too many messages" (teams/robots.py).
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="delivery_pending"),
            models.Index(
                fields=["-failed_at"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=False),
                name="delivery_failed",
            ),
            models.Index(
                fields=["team", "created_at"],
                condition=models.Q(sent_at__isnull=True, team__isnull=False),
                name="delivery_robot_pending",
            ),
        ]

    def __str__(self):
        return f"{self.channel} → {self.address}"

    @property
    def message_id(self) -> str:
        """The e-mail's Message-ID: the same on every attempt, unique to this row."""
        from teams.channels import stable_message_id

        return stable_message_id("delivery", self.pk, f"{self.created_at:%Y%m%d%H%M%S}")


# The channels a person may choose per kind of notification; the app's bell is always on.
PERSONAL_CHANNELS = (Delivery.Channel.EMAIL, Delivery.Channel.WECOM)


class ChannelOptOut(models.Model):
    """A person does not want one kind of notification on one channel (no row: wanted). In the app it is
    always shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE, related_name="channel_opt_outs"
    )
    kind = models.CharField(pgettext_lazy("notification", "kind"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=[(c.value, c.label) for c in PERSONAL_CHANNELS])

    class Meta:
        verbose_name = _("notification channel turned off")
        verbose_name_plural = _("notification channels turned off")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="channel_opt_out_once"),
        ]

    def __str__(self):
        return f"{self.user} − {self.kind}/{self.channel}"


class RobotPost(models.Model):
    """One post to a team's group robot — a notification, several combined, or a test — and the robot's answer.

    The robots take 20 posts a minute each (teams/robots.py counts these rows before posting)."""

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="robot_posts")
    posted_at = models.DateTimeField(_("posted"))
    # How many notifications it carried; 0 for the settings page's test message.
    messages = models.PositiveSmallIntegerField(_("messages"), default=0)
    # The robot's errcode (0 = accepted); empty while the post is under way or when no answer came.
    errcode = models.IntegerField(_("answer code"), null=True, blank=True)
    errmsg = models.CharField(_("robot's answer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("group robot post")
        verbose_name_plural = _("group robot posts")
        indexes = [models.Index(fields=["team", "-posted_at"], name="robotpost_team_recent")]

    def __str__(self):
        return f"{self.team} @ {self.posted_at:%Y-%m-%d %H:%M:%S}"


class Heartbeat(models.Model):
    """When a periodic job last ran, so a stopped worker or beat shows (``/healthz``, banner)."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_run_at = models.DateTimeField(_("last run"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self):
        return f"{self.name} @ {self.last_run_at:%Y-%m-%d %H:%M}"
