from django.urls import NoReverseMatch, reverse

from teams import services
from teams.registry import nav_for


def shell(request):
    """Navigation for the user's role, the unread-notification count, and for the deputy GM and
    superusers whether background work has stopped (a banner)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    nav = []
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        nav.append(
            {"label": item.label, "url": url, "icon": item.icon, "active": current.startswith(item.active_prefix)}
        )
    cache = {}

    def unread_count():
        # Counted at most once per page, and only if the page shows it.
        if "n" not in cache:
            cache["n"] = user.notifications.unread().count()
        return cache["n"]

    def background_stopped():
        # One query, only for those who can act on it (teams.services.background_stopped).
        if "stopped" not in cache:
            cache["stopped"] = services.background_stopped() if user.sees_all else None
        return cache["stopped"]

    return {"nav_items": nav, "unread_count": unread_count, "background_stopped": background_stopped}
