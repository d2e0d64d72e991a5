from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = _("Performance and reports")

    def ready(self):
        from performance import handover as handover_groups

        handover_groups.register()
        from performance import panels, rollups, services
        from teams.jobs import register_job_runner
        from teams.registry import register_demo_seeder, register_hook, register_nav, register_panel
        from teams.roles import ALL_ROLES, TEAM_ROLES, Role

        # The daily rollups follow every write of a counted fact (teams/facts.py), as a pair.
        register_hook("facts_before", rollups.facts_before)
        register_hook("facts_after", rollups.facts_after)
        register_job_runner(services.REGENERATE_JOB, services.run_report_regenerate)
        register_demo_seeder(
            "performance", "performance.demo.seed", after=["clients", "projects", "money", "reception", "complaints"]
        )
        leaders = {Role.CONSULTANT, Role.DEPUTY_GM}
        register_nav(
            _("Target cards"),
            "performance:card_list",
            TEAM_ROLES | {Role.DEPUTY_GM},
            icon="bullseye",
            order=60,
            active_prefix="performance:card",
            group="performance",
        )
        register_nav(
            _("Receivables"),
            "performance:receivables",
            leaders,
            icon="cash-coin",
            order=28,
            active_prefix="performance:receivables",
            group="clients",
        )
        register_nav(
            _("Dashboard"),
            "performance:dashboard",
            leaders,
            icon="graph-up",
            order=70,
            active_prefix="performance:d",
            group="performance",
        )
        register_nav(
            _("Monthly reports"),
            "performance:report_list",
            leaders,
            icon="file-earmark-text",
            order=80,
            active_prefix="performance:report",
            group="performance",
        )
        register_panel(
            "my_target_card", "performance/partials/panel_my_card.html", ALL_ROLES, panels.my_card, order=30, width=6
        )
        register_panel(
            "performance_consultant",
            "performance/partials/panel_consultant.html",
            {Role.CONSULTANT},
            panels.consultant_todo,
            order=40,
            width=6,
        )
        register_panel(
            "performance_gm", "performance/partials/panel_gm.html", {Role.DEPUTY_GM}, panels.gm_todo, order=20, width=6
        )
        register_panel(
            "highlights", "performance/partials/board_highlights.html", ALL_ROLES, panels.board_highlights, page="board"
        )
