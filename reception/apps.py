from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "reception"
    verbose_name = _("Front desk")

    def ready(self):
        from reception import handover as handover_groups

        handover_groups.register()
        from reception import panels, search, selectors, services
        from teams.registry import (
            register_client_timeline,
            register_demo_seeder,
            register_hook,
            register_nav,
            register_panel,
            register_search,
            register_shell_include,
        )
        from teams.roles import Role

        register_hook("retention_sweep", services.retention_sweep)
        register_hook("client_records", services.client_records)
        register_hook("client_urls", services.client_urls)
        register_hook("client_anonymise", services.client_records_anonymise)
        register_client_timeline(selectors.client_timeline)
        register_demo_seeder("reception", "reception.demo.seed", after=["clients"])

        desk = [Role.FRONT_DESK]
        register_search("desk_clients", _("Clients"), search.search_desk_clients, desk, order=10)
        register_search("calls", _("Calls"), search.search_calls, set(Role), order=50)
        # The phone system's screen-pop polls from every page of a front-desk clerk (README, "Telephony").
        register_shell_include("reception/partials/screen_pop_poll.html", desk)
        register_nav(
            _("Missed calls"),
            "reception:missed_calls",
            desk,
            icon="telephone-x",
            order=12,
            active_prefix="reception:missed",
            group="service",
        )
        register_nav(
            _("Calls"),
            "reception:call_list",
            desk,
            icon="telephone",
            order=10,
            active_prefix="reception:call",
            group="service",
        )
        register_nav(
            _("Visitor log"),
            "reception:visit_list",
            desk,
            icon="door-open",
            order=11,
            active_prefix="reception:visit",
            group="service",
        )
        register_panel(
            "front_desk_today", "reception/panels/today.html", desk, panels.front_desk_today, order=5, width=12
        )
        register_panel(
            "forwards_for_me",
            "reception/panels/forwards_for_me.html",
            set(Role) - {Role.FRONT_DESK},
            panels.forwards_for_me,
            order=6,
            width=6,
        )
