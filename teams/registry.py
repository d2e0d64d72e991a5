"""What each app contributes to the shell: navigation entries and home-page panels.

Apps register in their ``AppConfig.ready()``, so the shell knows nothing of
them and a new app cannot be left out of the navigation by accident.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from teams.access import has_any_role

# The menus of the navigation bar, in order: (label, icon). An entry names its menu; a menu with a single entry
# for the user shows as that entry, so a role with few pages gets plain links and the bar fits on a laptop.
NAV_GROUPS = {
    "": (None, None),
    "clients": (pgettext_lazy("menu", "Clients"), "people"),
    "service": (pgettext_lazy("menu", "Service"), "headset"),
    "projects": (pgettext_lazy("menu", "Projects"), "building"),
    "team": (pgettext_lazy("menu", "Team"), "people-fill"),
    "performance": (pgettext_lazy("menu", "Performance"), "graph-up"),
    "admin": (_("Administration"), "shield-lock"),
}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset
    icon: str = "circle"
    order: int = 100
    # Other URL-name prefixes that highlight this entry (e.g. "complaints:").
    active_prefix: str = ""
    # The menu it belongs to (a key of NAV_GROUPS; "" = on the bar itself).
    group: str = ""


@dataclass(frozen=True)
class HomePanel:
    """A panel of the role's home page ("my work today").

    ``context(request)`` returns the template's context, or None to hide the
    panel. It must run a fixed number of queries.
    """

    name: str
    template: str
    roles: frozenset
    context: Callable = field(compare=False)
    order: int = 100
    # Columns on a wide screen (Bootstrap grid, out of 12).
    width: int = 6
    # "home" (the role's home page) or "board" (the team board; context gets team=...).
    page: str = "home"


NAV: list[NavItem] = []
PANELS: list[HomePanel] = []


def register_nav(label, url_name: str, roles: Iterable[str], *, icon="circle", order=100, active_prefix="", group=""):
    if group not in NAV_GROUPS:
        raise ValueError(f"Unknown navigation menu {group!r}: add it to teams.registry.NAV_GROUPS")
    prefix = active_prefix or url_name.split(":")[0] + ":"
    item = NavItem(label, url_name, frozenset(roles), icon, order, prefix, group)
    if item not in NAV:
        NAV.append(item)
        NAV.sort(key=lambda i: (list(NAV_GROUPS).index(i.group), i.order))


def register_panel(
    name: str, template: str, roles: Iterable[str], context: Callable, *, order=100, width=6, page="home"
):
    if any(p.name == name and p.page == page for p in PANELS):
        return
    PANELS.append(HomePanel(name, template, frozenset(roles), context, order, width, page))
    PANELS.sort(key=lambda p: p.order)


def nav_for(user) -> list[NavItem]:
    return [item for item in NAV if has_any_role(user, item.roles)]


def panels_for(user, page: str = "home") -> list[HomePanel]:
    return [panel for panel in PANELS if panel.page == page and has_any_role(user, panel.roles)]
