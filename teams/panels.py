"""Home panels of the teams app itself (registered in TeamsConfig.ready)."""

from teams.models import Delivery


def failed_deliveries_panel(request):
    """The deputy GM: notifications given up for good (hidden while there are none; one query)."""
    deliveries = list(Delivery.objects.failed().order_by("-failed_at", "-pk")[:5])
    return {"deliveries": deliveries} if deliveries else None
