from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Staff and teams")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from teams import (
            checks,  # noqa: F401 -- registers the system checks
            exports,
            jobs,
            panels,
            retention,
            two_factor,
            uploads,  # noqa: F401 -- sets Pillow's pixel limit in every process
        )
        from teams.handover import register_own as register_handover
        from teams.registry import register_demo_seeder, register_hook, register_nav, register_panel
        from teams.roles import ALL_ROLES, Role

        register_handover()
        register_nav(_("My work"), "teams:home", ALL_ROLES, icon="house", order=0, active_prefix="teams:home")
        register_nav(
            _("Staff account history"),
            "teams:staff_history",
            {Role.DEPUTY_GM},
            icon="person-gear",
            order=90,
            active_prefix="teams:staff_history",
            group="team",
        )
        register_nav(
            _("Export approvals"),
            "teams:export_approvals",
            {Role.DEPUTY_GM},
            icon="file-earmark-lock",
            order=82,
            active_prefix="teams:export_approvals",
            group="clients",
        )
        register_panel(
            "calendar", "teams/partials/panel_calendar.html", {Role.DEPUTY_GM}, panels.calendar_panel, order=1, width=12
        )
        register_panel(
            "failed_deliveries",
            "teams/partials/panel_failed_deliveries.html",
            [Role.DEPUTY_GM],
            panels.failed_deliveries_panel,
            order=1,
        )
        register_demo_seeder("teams", "teams.demo.seed")
        register_hook("retention_sweep", retention.teams_retention_sweep)
        user_logged_in.connect(two_factor.note_device_at_login, dispatch_uid="teams.two_factor.note_device")
        # Big exports run as background jobs in the worker too, which imports no view.
        jobs.register_job_runner(exports.EXPORT_JOB, exports.run_export_job)
