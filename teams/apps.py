from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Staff and teams")

    def ready(self):
        from teams.registry import register_demo_seeder, register_nav
        from teams.roles import ALL_ROLES

        register_nav(_("My work"), "teams:home", ALL_ROLES, icon="house", order=0, active_prefix="teams:home")
        register_demo_seeder("teams", "teams.demo.seed")

        from teams.meetings.panels import register as register_team_life

        register_team_life()
