"""The search box's projects: a fragment of the address or of the project's name (teams/search.py)."""

from django.db.models import Q
from django.urls import reverse

from projects.models import Project
from teams.search import SearchHit, SearchTerms


def search_projects(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    if not terms.is_text:
        return []
    condition = Q(address__icontains=terms.text) | Q(name__icontains=terms.text)
    rows = Project.objects.visible_to(user).filter(condition).select_related("client").order_by("-pk")[:limit]
    return [
        SearchHit(
            title=p.name,
            url=reverse("projects:detail", args=[p.pk]),
            detail=f"{p.client.name} · {p.address}",
            badge=p.get_phase_display(),
        )
        for p in rows
    ]
