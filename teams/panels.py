"""Home panels of the ground floor (registered in TeamsConfig.ready)."""

from django.utils import timezone

from teams.calendar import next_year_missing


def calendar_panel(request):
    """From 1 December, warn while next year's holidays and make-up days are not in the calendar."""
    year = next_year_missing(timezone.localdate())
    return None if year is None else {"year": year}
