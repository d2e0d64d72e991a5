from django.urls import NoReverseMatch, reverse

from teams import services
from teams.registry import NAV_GROUPS, nav_for, shell_includes_for


def navigation(user, current: str) -> list[dict]:
    """The bar for ``user``: plain links, and a menu for each group with two or more entries."""
    bar, menus = [], {}
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        link = {"label": item.label, "url": url, "icon": item.icon, "active": current.startswith(item.active_prefix)}
        if not item.group:
            bar.append(link)
            continue
        if item.group not in menus:
            label, icon = NAV_GROUPS[item.group]
            menus[item.group] = {"label": label, "icon": icon, "children": [], "key": item.group}
            bar.append(menus[item.group])
        menus[item.group]["children"].append(link)
    for entry in bar:
        children = entry.get("children")
        if children and len(children) == 1:
            entry.update(children[0], children=None)
        elif children:
            entry["active"] = any(child["active"] for child in children)
    return bar


def shell(request):
    """Navigation for the user's role, the unread-notification count, and for the deputy GM and
    superusers whether background work has stopped (a banner)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
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

    return {
        "nav_items": navigation(user, current),
        "unread_count": unread_count,
        "background_stopped": background_stopped,
        "shell_includes": shell_includes_for(user),
    }
