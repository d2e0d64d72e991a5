"""The search box's complaints: by number (#123) or by a fragment of the description (teams/search.py)."""

from django.db.models import Q
from django.urls import reverse

from complaints.models import Complaint
from teams.search import SearchHit, SearchTerms


def search_complaints(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    if terms.number is not None:
        condition = Q(pk=terms.number)
    elif terms.is_text:
        condition = Q(description__icontains=terms.text)
    else:
        return []
    rows = Complaint.objects.visible_to(user).filter(condition).select_related("client").order_by("-pk")[:limit]
    return [
        SearchHit(
            title=f"#{c.pk} {c.client.name if c.client_id else c.caller_name}",
            url=reverse("complaints:detail", args=[c.pk]),
            detail=c.description[:80],
            badge=c.get_state_display(),
        )
        for c in rows
    ]
