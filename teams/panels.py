"""Home panels of the ground floor (registered in TeamsConfig.ready)."""

from django.utils import timezone

from teams.calendar import next_year_missing
from teams.models import Delivery, WeComLinkRequest


def calendar_panel(request):
    """From 1 December, warn while next year's holidays and make-up days are not in the calendar."""
    year = next_year_missing(timezone.localdate())
    return None if year is None else {"year": year}


def failed_deliveries_panel(request):
    """The deputy GM: notifications given up for good (hidden while there are none; one query)."""
    deliveries = list(Delivery.objects.failed().order_by("-failed_at", "-pk")[:5])
    return {"deliveries": deliveries} if deliveries else None


def wecom_links_panel(request):
    """The deputy GM: first WeCom sign-ins matched by mobile, waiting for confirmation (hidden while none)."""
    links = list(WeComLinkRequest.objects.pending().select_related("user").order_by("created_at")[:5])
    return {"links": links} if links else None
