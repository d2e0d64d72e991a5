from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from complaints import handover as handover_groups

        handover_groups.register()
        from complaints import panels, search, selectors, services
        from teams.registry import (
            register_client_timeline,
            register_demo_seeder,
            register_due_today,
            register_hook,
            register_nav,
            register_panel,
            register_search,
        )
        from teams.roles import TEAM_ROLES, Role

        register_hook("client_records", services.client_records)
        register_hook("client_urls", services.client_urls)
        register_hook("client_anonymise", services.client_records_anonymise)
        register_client_timeline(selectors.client_timeline)
        register_due_today(selectors.due_today)
        register_search("complaints", _("Complaints"), search.search_complaints, set(Role), order=30)
        register_demo_seeder("complaints", "complaints.demo.seed", after=["projects", "reception"])

        register_nav(
            _("Register complaint"),
            "complaints:register",
            [Role.FRONT_DESK],
            icon="clipboard-plus",
            order=12,
            active_prefix="complaints:register",
            group="service",
        )
        register_nav(
            _("Complaints"),
            "complaints:list",
            [*TEAM_ROLES, Role.DEPUTY_GM],
            icon="exclamation-octagon",
            order=40,
            group="service",
        )
        register_nav(
            _("Complaint summary"),
            "complaints:weekly_summary",
            [Role.DEPUTY_GM, Role.FRONT_DESK],
            icon="clipboard-data",
            order=41,
            active_prefix="complaints:weekly",
            group="service",
        )
        register_panel(
            "complaints_mine", "complaints/panels/mine.html", TEAM_ROLES, panels.team_complaints, order=20, width=6
        )
        register_panel(
            "complaints_gm", "complaints/panels/gm.html", [Role.DEPUTY_GM], panels.gm_complaints, order=20, width=12
        )
