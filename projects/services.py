"""Project services. ``project_open`` is the entry point the clients app calls
when a contract is signed; keep its signature."""

from django.db import transaction

from projects.models import Project


@transaction.atomic
def project_open(
    *, client, team, contract=None, name: str = "", address: str = "", planned_start=None, planned_finish=None
) -> Project:
    project = Project(
        client=client,
        team=team,
        contract=contract,
        name=name or str(client),
        address=address,
        planned_start=planned_start,
        planned_finish=planned_finish,
    )
    project.full_clean()
    project.save()
    return project
