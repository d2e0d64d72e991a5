from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from teams import services
from teams.registry import NAV, NAV_GROUPS, nav_for, shell_includes_for

# The bar's entries for each (role, superuser, language, script prefix, URLconf, registry size): built once per process,
# since reversing every entry on every page was a good part of the shell's cost (issue 14). Only whether an
# entry is active depends on the request.
_NAV_BUILT: dict[tuple, list[dict]] = {}


def _built(user) -> list[dict]:
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    key = (user.role, user.is_superuser, get_language(), get_script_prefix(), urlconf, len(NAV))
    bar = _NAV_BUILT.get(key)
    if bar is not None:
        return bar
    bar, menus = [], {}
    for item in nav_for(user):
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        link = {"label": item.label, "url": url, "icon": item.icon, "prefix": item.active_prefix}
        if not item.group:
            bar.append(link)
            continue
        if item.group not in menus:
            label, icon = NAV_GROUPS[item.group]
            menus[item.group] = {"label": label, "icon": icon, "children": [], "key": item.group}
            bar.append(menus[item.group])
        menus[item.group]["children"].append(link)
    for index, entry in enumerate(bar):
        children = entry.get("children")
        if children and len(children) == 1:
            bar[index] = {**children[0], "children": None}
    _NAV_BUILT[key] = bar
    return bar


def navigation(user, current: str) -> list[dict]:
    """The bar for ``user``: plain links, and a menu for each group with two or more entries."""
    out = []
    for entry in _built(user):
        children = entry.get("children")
        if children:
            kids = [{**child, "active": current.startswith(child["prefix"])} for child in children]
            out.append({**entry, "children": kids, "active": any(kid["active"] for kid in kids)})
        else:
            out.append({**entry, "active": current.startswith(entry["prefix"])})
    return out


def shell(request):
    """For the deputy GM and superusers whether background work has stopped (a banner), and the role's shell
    includes. The navigation bar and the bell's count are the ``{% navbar %}`` tag's (teams/templatetags/shell.py)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cache = {}

    def background_stopped():
        # One query, only for those who can act on it (teams.services.background_stopped).
        if "stopped" not in cache:
            cache["stopped"] = services.background_stopped(cached=True) if user.sees_all else None
        return cache["stopped"]

    return {"background_stopped": background_stopped, "shell_includes": shell_includes_for(user)}
