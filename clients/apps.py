from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = _("Clients")

    def ready(self):
        from clients import handover as handover_groups

        handover_groups.register()
        from clients import imports, panels, search, selectors
        from clients.services import retention
        from clients.services.access_log import access_log_request
        from teams.access_log import register_access_writer
        from teams.jobs import register_job_runner
        from teams.registry import (
            register_demo_seeder,
            register_due_today,
            register_hook,
            register_nav,
            register_panel,
            register_search,
        )
        from teams.roles import PROJECT_ROLES, Role

        register_hook("retention_sweep", retention.retention_sweep)
        register_due_today(selectors.due_today)
        register_job_runner(imports.PREVIEW_JOB, imports.run_import_preview)
        register_search("clients", _("Clients"), search.search_clients, set(Role) - {Role.FRONT_DESK}, order=10)
        register_search(
            "contracts", _("Contracts"), search.search_contracts, {Role.CONSULTANT, Role.DEPUTY_GM}, order=20
        )
        register_demo_seeder("clients", "clients.demo.seed", after=["teams"])

        register_nav(
            _("Clients"),
            "clients:list",
            {Role.CONSULTANT, Role.DEPUTY_GM, *PROJECT_ROLES},
            icon="people",
            order=10,
            active_prefix="clients:list",
            group="clients",
        )
        register_nav(
            _("Pipeline"),
            "clients:pipeline",
            {Role.CONSULTANT},
            icon="kanban",
            order=11,
            active_prefix="clients:pipeline",
            group="clients",
        )
        register_nav(
            _("Follow-up visits"),
            "clients:visit_list",
            {Role.CONSULTANT},
            icon="telephone-outbound",
            order=12,
            active_prefix="clients:visit",
            group="clients",
        )
        register_nav(
            _("Lost leads"),
            "clients:lost_report",
            {Role.CONSULTANT},
            icon="graph-down",
            order=13,
            active_prefix="clients:lost_report",
            group="clients",
        )
        register_nav(
            _("Access log"),
            "clients:access_log",
            {Role.DEPUTY_GM},
            icon="shield-lock",
            order=80,
            active_prefix="clients:access_log",
            group="clients",
        )
        register_nav(
            _("Personal information requests"),
            "clients:privacy_requests",
            {Role.DEPUTY_GM},
            icon="person-lock",
            order=81,
            active_prefix="clients:privacy_request",
            group="clients",
        )
        register_nav(
            _("Archive"),
            "clients:archive",
            {Role.ADMIN_CLERK},
            icon="archive",
            order=10,
            active_prefix="clients:archive",
            group="clients",
        )
        register_panel(
            "client-visits",
            "clients/partials/panel_visits.html",
            {Role.CONSULTANT},
            panels.visits_panel,
            order=10,
            width=6,
        )
        register_panel(
            "client-slipping",
            "clients/partials/panel_slipping.html",
            {Role.CONSULTANT},
            panels.slipping_panel,
            order=11,
            width=6,
        )
        register_panel(
            "client-receivables",
            "clients/partials/panel_receivables.html",
            {Role.CONSULTANT, Role.DEPUTY_GM},
            panels.receivables_panel,
            order=12,
            width=6,
        )
        register_panel(
            "client-archive",
            "clients/partials/panel_archive.html",
            {Role.ADMIN_CLERK},
            panels.archive_panel,
            order=10,
            width=6,
        )
        # The export gate and the refusal log of teams write the access log kept here.
        register_access_writer(access_log_request)
