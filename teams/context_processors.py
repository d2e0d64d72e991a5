from django.urls import NoReverseMatch, reverse

from teams.registry import nav_for


def shell(request):
    """Navigation for the user's role and the unread-notification count."""
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

    return {"nav_items": nav, "unread_count": unread_count}
