"""The front desk's call log (来电登记) and visitor log (来访登记).

Fields marked "spine" are read by other apps (the client file, performance
metrics): keep their names and meaning (docs/architecture.md, "Spine fields").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.phones import mask_phone
from teams.roles import Role


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The front desk and the deputy GM see the log; others the calls forwarded to them or their team."""
        if user.sees_all or user.role == Role.FRONT_DESK:
            return self.all()
        condition = Q(forward_to=user)
        if user.team_id is not None:
            condition |= Q(forward_team_id=user.team_id)
        return self.filter(condition)


class Call(models.Model):
    class ForwardOutcome(models.TextChoices):
        CALLED_BACK = "called_back", _("Called back")
        HANDLED = "handled", _("Dealt with")
        UNREACHABLE = "unreachable", _("Could not reach")

    class CallerType(models.TextChoices):
        CLIENT = "client", _("Client")
        PROSPECT = "prospect", _("Prospect")
        SUPPLIER = "supplier", _("Supplier")
        OTHER = "other", _("Other")

    called_at = models.DateTimeField(_("time"), default=timezone.now)  # spine
    caller_name = models.CharField(_("caller name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True, db_index=True)
    caller_type = models.CharField(_("caller type"), max_length=20, choices=CallerType.choices)  # spine
    purpose = models.CharField(_("purpose"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    important = models.BooleanField(_("important"), default=False)  # spine
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
    )  # spine
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="logged_calls"
    )  # spine
    forward_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forwarded to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forwarded_calls",
    )  # spine
    forward_team = models.ForeignKey(
        "teams.Team",
        verbose_name=_("forwarded to team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )  # spine
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)  # spine
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)  # spine
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)  # spine
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Reminder, then escalation to the deputy GM; each step claimed once by the scan.
    forward_reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    forward_escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # What the recipient did: the outcome and a note close the forward (acknowledged by the same step).
    forward_outcome = models.CharField(
        _("forward outcome"), max_length=20, choices=ForwardOutcome.choices, blank=True, db_default=""
    )
    forward_note = models.CharField(_("forward note"), max_length=300, blank=True, db_default="")
    forward_closed_at = models.DateTimeField(_("forward closed at"), null=True, blank=True)
    forward_closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("forward closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lead = models.ForeignKey(
        "clients.Client",
        verbose_name=_("lead created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the name and phone were removed (retention or the client's request): teams/retention.py.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-called_at", "-pk"]
        indexes = [
            models.Index(fields=["-called_at"], name="call_called_at"),
            models.Index(
                fields=["ack_due_at"],
                name="call_forward_waiting",
                condition=Q(acknowledged_at__isnull=True, forwarded_at__isnull=False),
            ),
            # The front desk's target card: forwards a clerk logged in a month acknowledged in time.
            models.Index(
                fields=["logged_by", "forwarded_at"],
                name="call_logger_forwarded",
                condition=Q(forwarded_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.caller_name} {self.called_at:%Y-%m-%d %H:%M}"

    @property
    def is_forwarded(self) -> bool:
        return self.forwarded_at is not None

    def forward_state(self, now=None) -> str:
        """ "" (not forwarded), "closed" (outcome recorded), "acknowledged", "overdue" or "waiting"."""
        if self.forwarded_at is None:
            return ""
        if self.forward_closed_at is not None:
            return "closed"
        if self.acknowledged_at is not None:
            return "acknowledged"
        if self.ack_due_at is not None and self.ack_due_at < (now or timezone.now()):
            return "overdue"
        return "waiting"

    @property
    def forward_status(self) -> str:
        return self.forward_state()

    def _is_recipient(self, user) -> bool:
        return (
            user.pk == self.forward_to_id
            or (self.forward_team_id is not None and user.team_id == self.forward_team_id)
            or user.sees_all
        )

    def may_acknowledge(self, user) -> bool:
        if self.forwarded_at is None or self.acknowledged_at is not None:
            return False
        return self._is_recipient(user)

    def may_close_forward(self, user) -> bool:
        """The recipient records the outcome (已回电 / 已处理 / 无法联系), acknowledged or not yet."""
        return self.forwarded_at is not None and self.forward_closed_at is None and self._is_recipient(user)


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all or user.role == Role.FRONT_DESK:
            return self.all()
        return self.filter(host=user)


class Visit(models.Model):
    visitor_name = models.CharField(_("visitor"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_visits",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="office_visits",
    )
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    arrived_at = models.DateTimeField(_("arrived"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("logged by"), on_delete=models.PROTECT, related_name="logged_visits"
    )
    lead = models.ForeignKey(
        "clients.Client",
        verbose_name=_("lead created"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the name and phone were removed (retention or the client's request): teams/retention.py.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-arrived_at", "-pk"]
        indexes = [models.Index(fields=["-arrived_at"], name="visit_arrived_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(party_size__gte=1),
                name="visit_party_of_at_least_one",
                violation_error_message=_("At least one visitor."),
            ),
        ]

    def __str__(self):
        return self.visitor_name


# --- The phone system (CTI): extensions, calls as the PBX reports them, callbacks, the event log ---------------


class Extension(models.Model):
    """A desk phone of the PBX and who answers it (admin): a call ringing there pops up on her screen."""

    number = models.CharField(_("extension"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="extensions"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number} · {self.user}"


class PhoneCallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The front desk and the deputy GM see every call of the phone system; others the calls that rang
        at their own extension."""
        if user.sees_all or user.role == Role.FRONT_DESK:
            return self.all()
        return self.filter(user=user)

    def missed_open(self):
        return self.filter(state=PhoneCall.State.MISSED, handled_at__isnull=True)


class PhoneCall(models.Model):
    """One call as the phone system reports it (newCall → answer → hangup, Zammad's CTI events), next to the
    call log entry (``Call``) the clerk writes about it. A call hung up before anyone answered is missed: it
    stays in the missed-calls list, with its callback journal, until a callback handles it."""

    class State(models.TextChoices):
        RINGING = "ringing", _("Ringing")
        ANSWERED = "answered", pgettext_lazy("phone call", "Answered")
        ENDED = "ended", _("Ended")
        MISSED = "missed", _("Missed")

    class Direction(models.TextChoices):
        IN = "in", _("Incoming")
        OUT = "out", _("Outgoing")

    call_id = models.CharField(_("call id"), max_length=100, unique=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices, default=Direction.IN)
    from_number = models.CharField(_("from"), max_length=40, blank=True)
    to_number = models.CharField(_("to"), max_length=40, blank=True)
    extension = models.CharField(_("extension"), max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="phone_calls",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RINGING)
    rang_at = models.DateTimeField(_("rang at"), default=timezone.now)
    answered_at = models.DateTimeField(pgettext_lazy("phone call", "answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    # The PBX's reason for the hang-up (normalClearing, cancel, busy, noAnswer…).
    cause = models.CharField(pgettext_lazy("phone system", "cause"), max_length=40, blank=True)
    logged_call = models.OneToOneField(
        Call, verbose_name=_("call log"), on_delete=models.SET_NULL, null=True, blank=True, related_name="phone_call"
    )
    # A missed call is handled by a callback that reached the caller (or by a later call from the same number
    # that was answered).
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The later call that reached the caller (they rang again and were answered, or were rung back through the
    # PBX): reception/services_cti.py _caller_reached.
    handled_by_call = models.ForeignKey(
        "self",
        verbose_name=_("reached by the call"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PhoneCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("phone-system call")
        verbose_name_plural = _("phone-system calls")
        ordering = ["-rang_at", "-pk"]
        indexes = [
            # The screen-pop's poll, every 1.5 s per open browser: the live call at her extension.
            models.Index(
                fields=["user", "-rang_at"],
                name="phonecall_live_for_user",
                condition=Q(state__in=["ringing", "answered"]),
            ),
            models.Index(
                fields=["-rang_at"], name="phonecall_missed_open", condition=Q(state="missed", handled_at__isnull=True)
            ),
            models.Index(fields=["rang_at"], name="phonecall_rang_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | Q(answered_at__gte=models.F("rang_at")),
                name="phonecall_answered_after_ring",
            ),
        ]

    def __str__(self):
        return f"{self.from_number} → {self.to_number} ({self.get_state_display()})"

    @property
    def masked_from(self) -> str:
        return mask_phone(self.from_number)

    @property
    def duration_display(self) -> str:
        if self.duration_seconds is None:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


class Callback(models.Model):
    """The callback journal of a missed call: who called back, when, and what came of it."""

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached the caller")
        NO_ANSWER = "no_answer", _("No answer")
        LEFT_MESSAGE = "left_message", _("Left a message")
        WRONG_NUMBER = "wrong_number", _("Wrong number / not needed")

    # Outcomes that close the missed call.
    HANDLED = (Outcome.REACHED, Outcome.WRONG_NUMBER)

    phone_call = models.ForeignKey(
        PhoneCall, verbose_name=_("missed call"), on_delete=models.CASCADE, related_name="callbacks"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called back by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("called back at"), default=timezone.now)
    outcome = models.CharField(pgettext_lazy("callback", "outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.phone_call} · {self.get_outcome_display()}"


class CtiEvent(models.Model):
    """Every event the phone system sent (or tried to): what it said and what was done with it."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        DUPLICATE = "duplicate", _("Duplicate, ignored")
        OUT_OF_ORDER = "out_of_order", _("Out of order, ignored")
        UNKNOWN_CALL = "unknown_call", _("Unknown call id, refused")
        INVALID = "invalid", _("Invalid, refused")
        BAD_TOKEN = "bad_token", _("Wrong token, refused")

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    event = models.CharField(_("event"), max_length=20, blank=True)
    call_id = models.CharField(_("call id"), max_length=100, blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    outcome = models.CharField(pgettext_lazy("phone system", "outcome"), max_length=20, choices=Outcome.choices)
    remote_addr = models.CharField(_("address"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("phone-system event")
        verbose_name_plural = _("phone-system events")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["call_id", "received_at"], name="ctievent_call")]

    def __str__(self):
        return f"{self.event} {self.call_id} {self.outcome}"
