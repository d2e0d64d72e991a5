"""Target cards (目标卡), appraisals (绩效考核), team targets, highlights and the
monthly report to headquarters (月度报告).

Figures are never stored twice: a card item's actual comes from
``performance.metrics`` while the month is open and is frozen only when the
deputy GM approves the appraisal; a report keeps the snapshot it was generated
with (what headquarters receives).
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.calendar import calendar_exceptions, is_working_day
from teams.roles import Role

# The score of one item is min(actual / target, SCORE_CAP) × weight: over-achievement
# counts, but one item cannot carry a whole card (120 % at most).
SCORE_CAP = Decimal("1.2")


def metric_choices():
    from performance.metrics import METRICS

    return [(key, metric.label) for key, metric in METRICS.items()] + [("manual", _("Manual (entered by hand)"))]


class RoleTemplateItem(models.Model):
    """One item a role's target card starts with (editable in the admin)."""

    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    label = models.CharField(_("item"), max_length=100)
    metric = models.CharField(_("metric"), max_length=40, choices=metric_choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    default_target = models.DecimalField(_("default target"), max_digits=14, decimal_places=2)
    weight = models.PositiveSmallIntegerField(_("weight (%)"), default=25)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("role template item")
        verbose_name_plural = _("role template items")
        ordering = ["role", "order", "pk"]

    def __str__(self):
        return f"{self.get_role_display()} · {self.label}"


class TargetCardQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Members their own cards; the consultant the team's; the deputy GM all."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT and user.team_id:
            return self.filter(Q(team_id=user.team_id) | Q(member=user))
        return self.filter(member=user)


class TargetCard(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Targets being agreed")
        CONFIRMED = "confirmed", _("Confirmed by the member")
        SELF_ASSESSED = "self_assessed", _("Self-assessed")
        REVIEWED = "reviewed", _("Approved by the consultant")
        APPROVED = "approved", _("Approved by the deputy GM")

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="target_cards"
    )
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    self_assessment = models.TextField(_("self-assessment"), blank=True)
    self_assessed_at = models.DateTimeField(_("self-assessed at"), null=True, blank=True)
    consultant_comment = models.TextField(_("consultant's comment"), blank=True)
    adjustment = models.DecimalField(_("score adjustment"), max_digits=6, decimal_places=2, default=0)
    adjustment_reason = models.CharField(_("reason for the adjustment"), max_length=300, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    final_score = models.DecimalField(_("final score"), max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TargetCardQuerySet.as_manager()

    class Meta:
        verbose_name = _("target card")
        verbose_name_plural = _("target cards")
        ordering = ["-month", "member__full_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="one_card_per_member_month")]
        indexes = [models.Index(fields=["team", "month"], name="card_team_month")]

    def __str__(self):
        return f"{self.member} {self.month:%Y-%m}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def targets_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def self_assessment_opens_on(self) -> dt.date:
        """The day after the month's last working day (company calendar): the month's
        figures are complete by then, so nothing is assessed or approved on half a month."""
        return self_assessment_opens_on(self.month)


def self_assessment_opens_on(month: dt.date) -> dt.date:
    first = month.replace(day=1)
    end = (first + dt.timedelta(days=32)).replace(day=1)
    exceptions = calendar_exceptions(first, end)
    day = end - dt.timedelta(days=1)
    while day >= first:
        if is_working_day(day, exceptions=exceptions):
            return day + dt.timedelta(days=1)
        day -= dt.timedelta(days=1)
    return end


# Allowed transitions: state → {next state: roles that may make it}. The
# services check this table (one place), "member" meaning the card's own member.
CARD_TRANSITIONS = {
    TargetCard.State.DRAFT: {TargetCard.State.CONFIRMED: "member"},
    TargetCard.State.CONFIRMED: {TargetCard.State.SELF_ASSESSED: "member"},
    TargetCard.State.SELF_ASSESSED: {TargetCard.State.REVIEWED: Role.CONSULTANT},
    TargetCard.State.REVIEWED: {
        TargetCard.State.APPROVED: Role.DEPUTY_GM,
        TargetCard.State.SELF_ASSESSED: Role.DEPUTY_GM,
    },
    # The deputy GM reopens a locked card (with a reason): it waits for the decision again.
    TargetCard.State.APPROVED: {TargetCard.State.REVIEWED: Role.DEPUTY_GM},
}


class CardItem(models.Model):
    card = models.ForeignKey(TargetCard, on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("item"), max_length=100)
    metric = models.CharField(_("metric"), max_length=40, choices=metric_choices)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    # Entered by hand for manual items; frozen from the metric when the appraisal is approved
    # (and cleared again when the deputy GM reopens the card).
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("target card item")
        verbose_name_plural = _("target card items")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__lte=100), name="card_item_weight_at_most_100"),
            models.CheckConstraint(condition=Q(target__gte=0), name="card_item_target_not_negative"),
        ]

    def __str__(self):
        return self.label

    @property
    def is_manual(self) -> bool:
        return self.metric == "manual"


CARD_ACTIONS = {
    "created": _("Card created from the role template"),
    "targets_set": _("Targets adjusted"),
    "confirmed": _("Targets confirmed by the member"),
    "self_assessed": _("Self-assessment submitted"),
    "reviewed": _("Reviewed by the consultant"),
    "approved": _("Approved by the deputy GM"),
    "returned": _("Sent back to the consultant"),
    "reopened": _("Reopened by the deputy GM"),
}


class CardEvent(models.Model):
    """The history of a card: who confirmed, assessed, reviewed, approved, when."""

    card = models.ForeignKey(TargetCard, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("card event")
        verbose_name_plural = _("card events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.card} {self.action}"

    @property
    def action_label(self):
        return CARD_ACTIONS.get(self.action, self.action)


class TeamTargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        if user.team_id is None:
            return self.none()
        return self.filter(team_id=user.team_id)


class TeamTarget(models.Model):
    """A team's monthly targets, set by the deputy GM with the consultant (tip 88)."""

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    signings = models.PositiveIntegerField(_("signings"))
    contract_value = models.DecimalField(_("contract value (yuan)"), max_digits=14, decimal_places=2)
    complaint_closure = models.DecimalField(
        _("complaints closed (%)"),
        max_digits=5,
        decimal_places=1,
        help_text=_("Share of the month's complaints closed."),
    )
    satisfaction = models.DecimalField(_("satisfaction (1–5)"), max_digits=3, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = TeamTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("team target")
        verbose_name_plural = _("team targets")
        ordering = ["-month", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="one_team_target_per_month"),
            models.CheckConstraint(condition=Q(complaint_closure__lte=100), name="team_target_closure_pct"),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=5), name="team_target_satisfaction_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.team} {self.month:%Y-%m}"


class HighlightQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        if user.team_id is None:
            return self.none()
        return self.filter(team_id=user.team_id)


class Highlight(models.Model):
    """Recognition for outstanding work (tip 30), on the team board and in the monthly report."""

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlights",
    )
    title = models.CharField(_("title"), max_length=100)
    story = models.TextField(_("what happened"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("given at"), default=timezone.now)

    objects = HighlightQuerySet.as_manager()

    class Meta:
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["team", "-created_at"], name="highlight_team_created")]

    def __str__(self):
        return self.title


class MonthlyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The team's consultant and the deputy GM."""
        if user.sees_all:
            return self.all()
        if user.role == Role.CONSULTANT and user.team_id:
            return self.filter(team_id=user.team_id)
        return self.none()


def report_upload_to(instance, filename):
    import uuid

    extension = filename.rsplit(".", 1)[-1]
    return f"performance/reports/{instance.month:%Y-%m}/{uuid.uuid4().hex}.{extension}"


class MonthlyReport(models.Model):
    """A team's monthly report to headquarters: one per team and month."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SENT = "sent", _("Sent")

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    data = models.JSONField(_("figures"), default=dict)
    narrative = models.TextField(
        _("narrative"), blank=True, help_text=_("Stories for the corporate culture and the website.")
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    generation_count = models.PositiveSmallIntegerField(_("times generated"), default=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    send_claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    send_attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_unapproved = models.BooleanField(_("sent without approval"), default=False)
    failure_alerted_at = models.DateTimeField(_("failure alerted at"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True)
    xlsx = models.FileField(pgettext_lazy("report file", "Excel"), upload_to=report_upload_to, blank=True)

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "team__name"]
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="one_report_per_team_month")]
        indexes = [models.Index(fields=["state", "month"], name="report_state_month")]

    def __str__(self):
        return f"{self.team} {self.month:%Y-%m}"


# Allowed transitions of a report; "sent" is only reached by the send service.
REPORT_TRANSITIONS = {
    MonthlyReport.State.DRAFT: {MonthlyReport.State.APPROVED, MonthlyReport.State.SENT},
    MonthlyReport.State.APPROVED: {MonthlyReport.State.SENT},
    MonthlyReport.State.SENT: set(),
}


REPORT_ACTIONS = {
    "generated": _("Draft generated"),
    "regenerated": _("Figures regenerated"),
    "narrative": _("Narrative edited"),
    "photo": _("Photo added"),
    "approved": _("Approved by the deputy GM"),
    "sent": _("Sent to headquarters"),
    "sent_unapproved": _("Sent to headquarters without approval"),
    "send_failed": _("Sending failed"),
}


class ReportEvent(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report} {self.action}"

    @property
    def action_label(self):
        return REPORT_ACTIONS.get(self.action, self.action)


def photo_upload_to(instance, filename):
    import uuid

    extension = filename.rsplit(".", 1)[-1].lower()
    return f"performance/photos/{uuid.uuid4().hex}.{extension}"


class ReportPhoto(models.Model):
    """A photo for the report's stories (corporate culture and website)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to=photo_upload_to)
    caption = models.CharField(_("caption"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption


class DailyTeamFact(models.Model):
    """One cell of the dashboards' rollups: a kind of counted fact, for one team (0: none) on one local day.

    Kept exact by the services that write the facts (``teams.facts.facts_write``, ``performance/rollups.py``)
    and checked every night against a recount (``FactRecount``)."""

    day = models.DateField(_("day of the facts"))
    team_key = models.PositiveIntegerField(_("team"), help_text=_("The team's id; 0 for facts of no team."))
    kind = models.CharField(_("kind"), max_length=40)
    count = models.IntegerField(_("number of facts"), default=0)
    amount = models.DecimalField(_("sum of the facts"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("daily team fact")
        verbose_name_plural = _("daily team facts")
        constraints = [models.UniqueConstraint(fields=["day", "team_key", "kind"], name="daily_team_fact_cell")]
        # The dashboards read a range of days of a few kinds.
        indexes = [models.Index(fields=["kind", "day"], name="daily_team_fact_kind_day")]

    def __str__(self):
        return f"{self.day} {self.team_key} {self.kind}: {self.count} / {self.amount}"


class MonthlyTeamFact(models.Model):
    """The daily cells of one calendar month added up: what a period's whole months read (a year reads 12 rows per
    team and kind, not 365). Written with the daily cells, in the same upsert's transaction, and recounted with
    them (``performance/rollups.py``)."""

    month = models.DateField(_("month of the facts"), help_text=_("The month's first day."))
    team_key = models.PositiveIntegerField(_("team"), help_text=_("The team's id; 0 for facts of no team."))
    kind = models.CharField(_("kind"), max_length=40)
    count = models.IntegerField(_("number of facts"), default=0)
    amount = models.DecimalField(_("sum of the facts"), max_digits=18, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("monthly team fact")
        verbose_name_plural = _("monthly team facts")
        constraints = [models.UniqueConstraint(fields=["month", "team_key", "kind"], name="monthly_team_fact_cell")]
        indexes = [models.Index(fields=["kind", "month"], name="monthly_team_fact_kind_month")]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.team_key} {self.kind}: {self.count} / {self.amount}"


class FactRecount(models.Model):
    """A nightly recount of the rollups: how many cells it checked and which had drifted (then repaired)."""

    ran_at = models.DateTimeField(_("recounted at"), db_index=True)
    cells = models.PositiveIntegerField(_("cells checked"))
    drifted = models.PositiveIntegerField(_("cells repaired"))
    details = models.JSONField(_("drifted cells"), default=list, blank=True)

    class Meta:
        verbose_name = _("rollup recount")
        verbose_name_plural = _("rollup recounts")
        ordering = ["-ran_at"]

    def __str__(self):
        return f"{self.ran_at:%Y-%m-%d %H:%M}: {self.drifted} / {self.cells}"
