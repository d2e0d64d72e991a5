"""The projects' part of a client's personal data (clients/services/retention.py ``client_records``)."""

from django.apps import apps

from projects.models import Project

# The path from each kind of project record to the client.
_PATHS = ("project__client_id", "phase__project__client_id")


def client_records(*, client_id: int) -> list:
    """``client_records`` hook: the client's projects and every record of them (each model of this app that
    hangs on a project or on one of its phases)."""
    records = [(Project._meta.verbose_name_plural, Project.objects.filter(client_id=client_id))]
    for model in apps.get_app_config("projects").get_models():
        names = {f.name for f in model._meta.concrete_fields if f.is_relation}
        for path in _PATHS:
            if path.split("__")[0] in names:
                records.append((model._meta.verbose_name_plural, model.objects.filter(**{path: client_id})))
                break
    return records


def client_urls(*, client_id: int) -> list[str]:
    """``client_urls`` hook: the client's project pages (their tabs are anchors and sub-pages of it)."""
    return [project.get_absolute_url() for project in Project.objects.filter(client_id=client_id).only("pk")]
