"""The search box's rows from the front desk (teams/search.py): calls by the caller's number, name, purpose or
summary; and, for the front-desk clerk (who opens no client file), the client lookup's clients — name, masked
phone and team — opening a new call log for that client."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from clients.search import client_condition
from clients.selectors import findable_clients
from reception.models import Call
from teams.phones import mask_phone
from teams.roles import Role
from teams.search import SearchHit, SearchTerms


def search_calls(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    if terms.is_phone:
        condition = Q(phone__contains=terms.digits)
    elif terms.is_text:
        condition = (
            Q(caller_name__icontains=terms.text) | Q(purpose__icontains=terms.text) | Q(summary__icontains=terms.text)
        )
    else:
        return []
    rows = Call.objects.visible_to(user).filter(condition).order_by("-called_at", "-pk")[:limit]
    return [
        SearchHit(
            title=f"{c.caller_name} · {mask_phone(c.phone)}",
            url=reverse("reception:call_detail", args=[c.pk]),
            detail=f"{c.called_at:%Y-%m-%d %H:%M} · {c.purpose}",
            badge=c.get_caller_type_display(),
        )
        for c in rows
    ]


def search_desk_clients(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    """The front desk finds any client (the lookup's rule, ``findable_clients``) and logs a call for them."""
    condition = client_condition(terms)
    if condition is None or user.role != Role.FRONT_DESK:
        return []
    rows = findable_clients(user).filter(condition).select_related("team").order_by("name", "pk")[:limit]
    return [
        SearchHit(
            title=c.name,
            url=reverse("reception:call_create") + "?" + urlencode({"client": c.pk}),
            detail=f"{c.masked_phone} · {c.team.name}",
        )
        for c in rows
    ]
