from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Team life")

    def ready(self):
        from meetings import handover as handover_groups

        handover_groups.register()
        from meetings.panels import register
        from teams.registry import register_demo_seeder

        register()
        register_demo_seeder("meetings", "meetings.demo.seed", after=["teams"])
