"""Date rules shared by the forms: what has happened cannot be in the future, and a new
deadline or promise cannot already be over. They depend on today, so the database cannot
hold them (its CheckConstraints hold the fixed rules: amounts ≥ 0, end ≥ start)."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def not_in_future(value):
    """For actual dates (done, finished, inspected): not after today."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date is in the future; enter the day it actually happened."), code="future")


def not_in_past(value):
    """For a new deadline or promised date: today or later."""
    if value is not None and value < timezone.localdate():
        raise ValidationError(_("This date has already passed; choose today or a later day."), code="past")
