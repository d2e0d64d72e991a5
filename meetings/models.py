"""Team life: daily coordination meetings (沟通协调会议), their agenda, chairs, attendance, minutes and
action items, leave, and training (培训). Performance metrics and the monthly report read these rows; the fields
marked "spine" are the ones they read: keep their names and meaning (docs/architecture.md, "Spine fields")."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.roles import Role


class MeetingSchedule(models.Model):
    """When and where a team holds its daily meeting (每天定时召开沟通协调会议)."""

    team = models.OneToOneField(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="meeting_schedule"
    )
    time = models.TimeField(_("time"), default=dt.time(8, 30))
    weekdays = models.CharField(
        _("weekdays"),
        max_length=7,
        default="12345",
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Digits 1 (Monday) to 7 (Sunday)."))],
        help_text=_("Days of the week, 1 = Monday … 7 = Sunday; the holiday calendar moves them."),
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    reminder_minutes = models.PositiveSmallIntegerField(
        _("reminder (minutes before)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    agenda_cutoff = models.TimeField(
        _("agenda cut-off (the day before)"),
        default=dt.time(18, 0),
        help_text=_("Agenda items close at this time the day before; then the agenda is sent to every member."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("meeting schedule")
        verbose_name_plural = _("meeting schedules")

    def __str__(self):
        return f"{self.team} {self.time:%H:%M}"

    def meets_on_weekday(self, date: dt.date) -> bool:
        return str(date.isoweekday()) in self.weekdays

    def starts_at(self, date: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(date, self.time))

    def agenda_cutoff_at(self, date: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(date - dt.timedelta(days=1), self.agenda_cutoff))

    def remind_at(self, date: dt.date) -> dt.datetime:
        return self.starts_at(date) - dt.timedelta(minutes=self.reminder_minutes)


class MemberLeave(models.Model):
    """A member away (请假): skipped by the chair rotation, marked on leave at the meeting."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="leaves"
    )
    start_date = models.DateField(pgettext_lazy("leave", "from"))
    end_date = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("leave")
        verbose_name_plural = _("leave")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["member", "end_date"], name="leave_member_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="leave_ends_after_start"
            )
        ]

    def __str__(self):
        return f"{self.member} {self.start_date}–{self.end_date}"

    def covers(self, date: dt.date) -> bool:
        return self.start_date <= date <= self.end_date


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        if user.team_id is None:
            return self.none()
        return self.filter(team_id=user.team_id)


class Meeting(models.Model):
    """One occurrence of a team's daily meeting."""

    team = models.ForeignKey("teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("starts at"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_meetings",
    )
    minutes = models.TextField(_("minutes"), blank=True)
    held = models.BooleanField(_("held"), default=False)
    # The member whose turn it was; the rotation continues after them even if they swapped.
    rotation_turn = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("turn in the rotation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    place = models.CharField(_("place"), max_length=120, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    # Null on a meeting recorded by hand (no schedule): nothing is sent for it.
    agenda_cutoff_at = models.DateTimeField(_("agenda closes at"), null=True, blank=True)
    remind_at = models.DateTimeField(_("reminder at"), null=True, blank=True)
    # Claimed with a conditional update, so each is sent once per occurrence.
    agenda_sent_at = models.DateTimeField(_("agenda sent at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("minutes by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking of the minutes: two people never silently overwrite each other.
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily meeting")
        verbose_name_plural = _("daily meetings")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="one_meeting_per_team_day")]
        indexes = [
            models.Index(
                fields=["agenda_cutoff_at"], name="meeting_agenda_due", condition=models.Q(agenda_sent_at=None)
            ),
            models.Index(fields=["remind_at"], name="meeting_reminder_due", condition=models.Q(reminder_sent_at=None)),
            models.Index(fields=["date"], name="meeting_date"),
        ]

    def __str__(self):
        return f"{self.team} {self.date}"

    def agenda_open(self, now: dt.datetime) -> bool:
        closes = self.agenda_cutoff_at or self.starts_at
        return now < closes

    def has_started(self, now: dt.datetime) -> bool:
        return now >= self.starts_at

    def can_run(self, user) -> bool:
        """The chair, the team's consultant and the deputy GM take attendance and minutes."""
        if user.sees_all or user.pk == self.chair_id:
            return True
        return user.role == Role.CONSULTANT and user.team_id == self.team_id


class AgendaItem(models.Model):
    """A topic a member raises for the meeting (议程), until the cut-off."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.CharField(_("topic"), max_length=300)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.text


class ChairSwap(models.Model):
    """A recorded change of chair (the rotation itself is not changed)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="chair_swaps")
    from_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("chair swap", "from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("chair swap", "to"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The later meeting the two exchanged with, if the new chair already had one.
    other_meeting = models.ForeignKey(
        Meeting, verbose_name=_("swapped with"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    swapped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("chair swap")
        verbose_name_plural = _("chair swaps")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.meeting}: {self.from_chair} → {self.to_chair}"


class MeetingAttendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        LATE = "late", _("Late")
        ABSENT = "absent", _("Absent")
        LEAVE = "leave", _("On leave")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="meeting_attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    # An absence without a reason is flagged to the consultant once.
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"

    @property
    def unexcused(self) -> bool:
        return self.status == self.Status.ABSENT and not self.reason.strip()


class ActionItem(models.Model):
    """An action decided at a meeting; open items carry over until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")  # spine
    text = models.CharField(pgettext_lazy("action item", "action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )  # spine
    due_date = models.DateField(_("due date"), null=True, blank=True)  # spine
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)  # spine
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["owner"], name="action_item_open", condition=models.Q(done_at__isnull=True)),
            # "Action items closed" in a month (dashboards, the monthly report).
            models.Index(fields=["done_at"], name="action_item_done", condition=models.Q(done_at__isnull=False)),
        ]

    def __str__(self):
        return self.text

    def is_overdue(self, today: dt.date) -> bool:
        return self.done_at is None and self.due_date is not None and self.due_date < today


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        # Company-wide sessions (no team) are open to everybody.
        return self.filter(models.Q(team__isnull=True) | models.Q(team_id=user.team_id))


class Training(models.Model):
    class TrainerKind(models.TextChoices):
        INTERNAL = "internal", _("Colleague")
        EXTERNAL = "external", _("Outside consultant")

    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=100)
    trainer_kind = models.CharField(
        _("trainer is"), max_length=10, choices=TrainerKind.choices, default=TrainerKind.INTERNAL
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("starts at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=200, blank=True, help_text=_("For example: all designers."))
    description = models.TextField(_("content"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Empty = company-wide.
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["-date"], name="training_date")]

    def __str__(self):
        return self.topic


class TrainingAttendance(models.Model):
    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="trainings_attended"
    )
    attended = models.BooleanField(_("attended"), default=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [
            models.UniqueConstraint(fields=["training", "member"], name="one_training_attendance_per_member"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="training_rating_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.training}"
