from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Client page")

    def ready(self):
        from portal import views
        from teams.registry import register_demo_seeder, register_hook

        register_hook("project_cards", views.project_card)
        register_demo_seeder("portal", "portal.demo.seed", after=["projects", "money"])
