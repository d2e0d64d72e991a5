from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = pgettext_lazy("client page", "Client page")

    def ready(self):
        from portal import views
        from teams.registry import register_demo_seeder, register_hook

        register_hook("project_cards", views.project_card)
        register_demo_seeder("portal", "portal.demo.seed", after=["projects", "money"])
