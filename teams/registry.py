"""What each app contributes to the pages and jobs that gather from several apps.

Navigation entries, home-page panels, the client file's timeline rows, the team
board's "due today" counts, hooks other apps act on (``contract_signed``) and the
demo seeders. Apps register in their ``AppConfig.ready()``, so ``teams`` (the
ground floor) knows nothing of the apps above it and a new app cannot be left
out by accident. The floors: tests/test_architecture.py.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.module_loading import import_string
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


# --- The client file's timeline -------------------------------------------------------------------

# provider(client, user) -> rows {"at", "kind", "icon", "text", "by"}, only rows ``user`` may see
# (the app's own ``visible_to``), a bounded number of them in a fixed number of queries.
CLIENT_TIMELINE: list[Callable] = []


def register_client_timeline(provider: Callable) -> None:
    if provider not in CLIENT_TIMELINE:
        CLIENT_TIMELINE.append(provider)


def client_timeline_rows(client, user) -> list[dict]:
    return [row for provider in CLIENT_TIMELINE for row in provider(client, user)]


# --- The team board's "due today" -----------------------------------------------------------------


@dataclass(frozen=True)
class DueCount:
    """One member's count in one column of the board's "due today" table."""

    member_id: int
    # The column, e.g. "complaints"; the board shows one column per kind.
    kind: str
    n: int
    overdue: int = 0


# provider(team, user, today) -> list[DueCount] for the team's members, counting only what
# ``user`` may see (the app's own ``visible_to``), in a fixed number of queries.
DUE_TODAY: list[Callable] = []


def register_due_today(provider: Callable) -> None:
    if provider not in DUE_TODAY:
        DUE_TODAY.append(provider)


def due_today_rows(team, user, today) -> list[DueCount]:
    return [row for provider in DUE_TODAY for row in provider(team, user, today)]


# --- Hooks: what other apps do when something happens here -------------------------------------------

# "contract_signed": fn(*, client, contract, by), inside the signing transaction (projects opens
# the project). A hook that raises rolls the whole event back.
# "project_cards": fn(*, project, user) -> rendered HTML (or ""), a card on the project page's overview
# (portal: the client page's link, sent, last opened, devices).
# "client_access": fn(*, user) -> a queryset of the user's rows that have a ``client`` field; a
# designer, assistant or PM sees the clients of those rows (projects: the projects assigned to them).
HOOKS: dict[str, list[Callable]] = defaultdict(list)


def register_hook(event: str, fn: Callable) -> None:
    if fn not in HOOKS[event]:
        HOOKS[event].append(fn)


def run_hooks(event: str, **kwargs) -> list:
    return [fn(**kwargs) for fn in HOOKS[event]]


# --- Demo seeders (``manage.py seed_demo``) ----------------------------------------------------------


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    # A callable seed(ctx), or its dotted path (imported only when seed_demo runs).
    seed: Callable | str = field(compare=False)
    after: tuple = ()

    def run(self, ctx) -> None:
        (import_string(self.seed) if isinstance(self.seed, str) else self.seed)(ctx)


DEMO_SEEDERS: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, seed: Callable | str, *, after: Iterable[str] = ()) -> None:
    DEMO_SEEDERS.setdefault(name, DemoSeeder(name, seed, tuple(after)))


def demo_seeders() -> list[DemoSeeder]:
    """Every seeder after those it names in ``after`` (those not registered are ignored), otherwise
    in registration order (INSTALLED_APPS), so the same seed always gives the same data."""
    pending = list(DEMO_SEEDERS.values())
    done: list[DemoSeeder] = []
    names: set[str] = set()
    while pending:
        ready = next(
            (s for s in pending if all(a in names or a not in DEMO_SEEDERS for a in s.after)),
            None,
        )
        if ready is None:
            raise ValueError(f"demo seeders wait for each other: {[s.name for s in pending]}")
        pending.remove(ready)
        done.append(ready)
        names.add(ready.name)
    return done


# --- The search box (teams/search.py) ----------------------------------------------------------------


@dataclass(frozen=True)
class SearchProvider:
    """One kind of result of the search box (clients, complaints, calls…).

    ``search(user, terms, limit)`` returns ``teams.search.SearchHit`` rows of what the app's own
    ``visible_to(user)`` allows, in one query.
    """

    kind: str
    label: str
    search: Callable = field(compare=False)
    roles: frozenset = frozenset()
    order: int = 100


SEARCH: list[SearchProvider] = []


def register_search(kind: str, label, search: Callable, roles: Iterable[str], *, order=100) -> None:
    if any(p.kind == kind and p.roles == frozenset(roles) for p in SEARCH):
        return
    SEARCH.append(SearchProvider(kind, label, search, frozenset(roles), order))
    SEARCH.sort(key=lambda p: p.order)


def search_providers_for(user) -> list[SearchProvider]:
    return [p for p in SEARCH if has_any_role(user, p.roles)]


# --- Pieces of the shell an upper app adds to every page (the phone system's screen-pop) ---------------------

# (template, roles): the template is included at the end of every signed-in page of a user with one of the roles.
SHELL_INCLUDES: list[tuple[str, frozenset]] = []


def register_shell_include(template: str, roles: Iterable[str]) -> None:
    entry = (template, frozenset(roles))
    if entry not in SHELL_INCLUDES:
        SHELL_INCLUDES.append(entry)


def shell_includes_for(user) -> list[str]:
    return [template for template, roles in SHELL_INCLUDES if has_any_role(user, roles)]
