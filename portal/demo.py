"""The client's page in the demo company (part of ``seed_demo``): one project of 静安一组 in construction gets a
link (fixed for a given SECRET_KEY, so a second run changes nothing and prints the same address) and a few of its
site photos marked 客户可见."""

import hashlib

from django.conf import settings

from portal.models import PortalLink
from portal.services import link_issue, link_url
from portal.tokens import token_for, token_hash
from projects.models import Attachment, Project


def demo_raw(seed: int) -> str:
    return hashlib.sha256(f"portal-demo:{seed}:{settings.SECRET_KEY}".encode()).hexdigest()[:43]


def demo_path(seed: int = 2026) -> str:
    """The demo client page's address without the host (docs/screenshots/take.py opens it)."""
    from django.urls import reverse

    return reverse("portal:page", args=[token_for(demo_raw(seed))])


def demo_project(team) -> Project | None:
    return (
        Project.objects.filter(team=team, phase=Project.Phase.CONSTRUCTION, contract__isnull=False)
        .filter(phases__inspections__result="pass")
        .distinct()
        .order_by("pk")
        .first()
    )


def seed(ctx) -> None:
    if not ctx.teams:
        return
    team = ctx.teams[0]
    project = demo_project(team)
    consultant = team.leader
    if project is None or consultant is None:
        return
    raw = demo_raw(ctx.seed)
    if not PortalLink.objects.filter(token_hash=token_hash(raw), revoked_at=None).exists():
        link_issue(project=project, by=consultant, raw=raw)
    photos = Attachment.objects.filter(project=project, site_log__isnull=False, content_type__startswith="image/")
    Attachment.objects.filter(pk__in=list(photos.order_by("pk").values_list("pk", flat=True)[:4])).update(
        client_visible=True
    )
    ctx.log(f"  Client page of {project.name} (no login): {link_url(token_for(raw))}")
