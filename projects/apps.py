from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self):
        from projects import handover as handover_groups

        handover_groups.register()
        from projects import panels, search, selectors, services
        from projects.views import money as money_views
        from teams.registry import (
            register_client_timeline,
            register_demo_seeder,
            register_due_today,
            register_hook,
            register_nav,
            register_panel,
            register_search,
        )
        from teams.roles import Role

        register_hook("contract_signed", services.project_open_for_contract)
        register_hook("client_access", selectors.projects_assigned)
        from projects.services import privacy

        register_hook("client_records", privacy.client_records)
        register_hook("client_urls", privacy.client_urls)
        register_hook("contract_links", money_views.contract_links)
        register_client_timeline(selectors.client_timeline)
        register_due_today(selectors.due_today)
        register_search("projects", _("Projects"), search.search_projects, set(Role), order=40)
        register_demo_seeder("projects", "projects.demo.seed", after=["clients"])
        register_demo_seeder("money", "projects.demo_money.seed", after=["projects"])

        project_roles = {Role.CONSULTANT, Role.DESIGNER, Role.ASSISTANT_DESIGNER, Role.PROJECT_MANAGER, Role.DEPUTY_GM}
        register_nav(
            _("Projects"),
            "projects:list",
            project_roles,
            icon="building",
            order=30,
            active_prefix="projects:",
            group="projects",
        )
        register_nav(
            _("Budget"), "projects:budget_list", {Role.BUDGET_CLERK}, icon="calculator", order=30, group="projects"
        )
        register_nav(
            _("Crews"),
            "projects:crew_list",
            {Role.PROJECT_MANAGER, Role.CONSULTANT, Role.DEPUTY_GM},
            icon="people",
            order=35,
            active_prefix="projects:crew",
            group="projects",
        )
        register_panel(
            "projects-drawings",
            "projects/panels/drawings.html",
            {Role.ASSISTANT_DESIGNER, Role.DESIGNER},
            panels.drawings_due,
            order=20,
        )
        register_panel(
            "projects-designer", "projects/panels/designer.html", {Role.DESIGNER}, panels.designer_work, order=21
        )
        register_panel(
            "projects-pm", "projects/panels/pm.html", {Role.PROJECT_MANAGER}, panels.pm_work, order=2, width=12
        )
        register_panel(
            "projects-budget", "projects/panels/budget.html", {Role.BUDGET_CLERK}, panels.budget_waiting, order=20
        )
