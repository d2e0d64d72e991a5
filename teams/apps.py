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
            form_choices,
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
        form_choices.install()
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
            _("Team settings"),
            "teams:team_settings_index",
            {Role.DEPUTY_GM, Role.CONSULTANT},
            icon="gear",
            order=92,
            active_prefix="teams:team_",
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
        register_panel(
            "wecom_links",
            "teams/partials/panel_wecom_links.html",
            [Role.DEPUTY_GM],
            panels.wecom_links_panel,
            order=1,
        )
        register_demo_seeder("teams", "teams.demo.seed")
        register_hook("retention_sweep", retention.teams_retention_sweep)
        user_logged_in.connect(two_factor.note_device_at_login, dispatch_uid="teams.two_factor.note_device")
        # A notification saved or deleted one at a time (the admin, a factory) drops its recipient's cached
        # unread count too; notify() and marking read drop it themselves (bulk writes send no signal).
        from django.db.models.signals import post_delete, post_save

        from teams.models import Notification
        from teams.services import forget_unread_of

        post_save.connect(forget_unread_of, sender=Notification, dispatch_uid="teams.unread.save")
        post_delete.connect(forget_unread_of, sender=Notification, dispatch_uid="teams.unread.delete")
        # The signed-in user cached by teams.auth_cache: dropped whenever the row is saved or deleted.
        from teams.auth_cache import forget_user_of
        from teams.models import User

        post_save.connect(forget_user_of, sender=User, dispatch_uid="teams.user_cache.save")
        post_delete.connect(forget_user_of, sender=User, dispatch_uid="teams.user_cache.delete")
        from django.core.signals import request_finished, request_started
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from teams.auth_cache import end_prefetched, forget_device_of

        # What the session store read ahead for a request (teams/auth_cache.py) lives no longer than it.
        request_started.connect(end_prefetched, dispatch_uid="teams.auth_cache.prefetched.start")
        request_finished.connect(end_prefetched, dispatch_uid="teams.auth_cache.prefetched.end")

        for model in (TOTPDevice, StaticDevice):
            post_save.connect(forget_device_of, sender=model, dispatch_uid=f"teams.device_cache.save.{model.__name__}")
            post_delete.connect(
                forget_device_of, sender=model, dispatch_uid=f"teams.device_cache.delete.{model.__name__}"
            )
        # Big exports run as background jobs in the worker too, which imports no view.
        jobs.register_job_runner(exports.EXPORT_JOB, exports.run_export_job)
