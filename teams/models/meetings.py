"""Daily coordination meetings (沟通协调会议) and training (培训).

The fields here are the spine that performance metrics and the monthly report
read; the team-life features add what else they need.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("daily meeting")
        verbose_name_plural = _("daily meetings")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="one_meeting_per_team_day")]

    def __str__(self):
        return f"{self.team} {self.date}"


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

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"


class ActionItem(models.Model):
    """An action decided at a meeting; open items carry over until done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")  # spine
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="action_items"
    )  # spine
    due_date = models.DateField(_("due date"), null=True, blank=True)  # spine
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)  # spine

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["owner"], name="action_item_open", condition=models.Q(done_at__isnull=True))]

    def __str__(self):
        return self.text


class TrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        if user.sees_all:
            return self.all()
        # Company-wide sessions (no team) are open to everybody.
        return self.filter(models.Q(team__isnull=True) | models.Q(team_id=user.team_id))


class Training(models.Model):
    topic = models.CharField(_("topic"), max_length=200)
    trainer = models.CharField(_("trainer"), max_length=100)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    # Empty = company-wide.
    team = models.ForeignKey(
        "teams.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True, related_name="trainings"
    )

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-date"]

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
