"""The company's holiday calendar: the exceptions to its working week (teams/calendar.py reads them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a public holiday, or a weekend day
    that is a working day because a holiday moved it (调休上班)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a moved working day (调休上班). Unticked: a holiday.")
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("For example 国庆节 or 国庆调休上班."))

    class Meta:
        verbose_name = _("holiday / workday")
        verbose_name_plural = _("holiday and workday calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
