from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = pgettext_lazy("client page", "Client page")

    def ready(self):
        from portal import handover, services, views
        from teams.registry import register_demo_seeder, register_hook

        handover.register()
        register_hook("project_cards", views.project_card)
        register_hook("client_records", services.client_records)
        register_hook("client_anonymise", services.client_records_anonymise)
        register_demo_seeder("portal", "portal.demo.seed", after=["projects", "money"])
