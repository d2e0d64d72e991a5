"""Reads of the client's page: the link behind a token, and what one project's client may see."""

import datetime as dt

from django.db.models import Count, Max
from django.utils import timezone

from clients.models import FollowUpVisit, PaymentStage
from complaints.models import Complaint
from portal.models import ClientAction, PortalLink
from portal.tokens import token_verify
from projects import selectors as project_selectors
from projects.models import Project


def link_for_token(token: str, today: dt.date | None = None) -> PortalLink | None:
    """The live link the token opens, with its project, client, team and PM; None for a token not signed by us
    (no query), an unknown, revoked or expired one — the view answers all of them alike."""
    digest = token_verify(token)
    if digest is None:
        return None
    return (
        PortalLink.objects.active(today)
        .select_related("project__client", "project__team__leader", "project__project_manager", "project__contract")
        .filter(token_hash=digest)
        .first()
    )


def _signed(project: Project) -> set[str]:
    """The targets the client already acted on (one query)."""
    return set(ClientAction.objects.filter(project=project).values_list("target", flat=True))


def page_context(*, link: PortalLink, today: dt.date | None = None) -> dict:
    """The client's home page: progress, photos, what awaits their confirmation, the next visit, the team.
    Fixed number of queries (the view adds the link and the visit: ≤ 10 in all)."""
    today = today or timezone.localdate()
    project: Project = link.project
    signed = _signed(project)
    phases = list(project_selectors.client_phases(project=project))
    current = next((p for p in phases if p.actual_start and not p.actual_finish), None) or next(
        (p for p in phases if p.planned_start <= today <= p.planned_finish), None
    )
    visits = FollowUpVisit.objects.filter(client_id=project.client_id, done_at=None).order_by("due_date", "pk")
    team = [("consultant", project.team.leader), ("project_manager", project.project_manager)]
    team += [
        ("designer", person) for person in project.designers.only("pk", "full_name", "phone", "phone_on_client_page")
    ]
    plans = list(project_selectors.client_plans_waiting(project=project))
    changes = list(project_selectors.client_changes_waiting(project=project))
    return {
        "link": link,
        "project": project,
        "client": project.client,
        "today": today,
        "phases": [(p, f"phase:{p.pk}" in signed) for p in phases],
        "current_phase": current,
        "photos": list(project_selectors.client_photos(project=project)),
        "plans": plans,
        "changes": changes,
        "waiting": len(plans) + len(changes),
        "next_visit": visits.only("pk", "point", "due_date").first(),
        "team": [(role, person) for role, person in team if person is not None],
    }


def todo_context(*, link: PortalLink) -> dict:
    """The second page: payment stages and what is due, change orders to answer, visits and resolved complaints
    to rate, and the forms to ask for a repair or raise a complaint."""
    project: Project = link.project
    signed = _signed(project)
    done_visits = FollowUpVisit.objects.filter(client_id=project.client_id, done_at__isnull=False).order_by("-done_at")[
        :10
    ]
    complaints = Complaint.objects.filter(project=project, state=Complaint.State.RESOLVED, merged_into=None)
    return {
        "link": link,
        "project": project,
        "today": timezone.localdate(),
        "stages": stages_for(link=link),
        "change_orders": list(project_selectors.client_change_orders_waiting(project=project)),
        "visits_to_rate": [v for v in done_visits if f"visit:{v.pk}" not in signed][:3],
        "complaints_to_rate": [
            c for c in complaints if f"complaint:{c.pk}:{c.current_resolution_id or 0}" not in signed
        ],
        "can_request_maintenance": project.phase in (Project.Phase.COMPLETED, Project.Phase.WARRANTY),
    }


def stages_for(*, link: PortalLink) -> list[PaymentStage]:
    """The contract's payment stages, with what is due."""
    if link.project.contract_id is None:
        return []
    return list(PaymentStage.objects.filter(contract_id=link.project.contract_id).order_by("order", "pk"))


def link_status(*, project: Project) -> dict:
    """For the project page: the live link (if any), whether it was sent, when last opened, from how many devices."""
    link = (
        PortalLink.objects.filter(project=project, revoked_at=None)
        .annotate(devices=Count("visits"), last_opened=Max("visits__last_seen"))
        .first()
    )
    return {"link": link, "active": link is not None and link.is_active()}
