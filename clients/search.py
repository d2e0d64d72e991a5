"""Finding a client by what people type: a name, its pinyin or initials (张伟 → zhangwei, zw), or any
four digits or more of either phone, however written (+86 138-1234 5678).

The keys are stored with the client (``name_pinyin``, ``name_initials``, ``phone_digits``) by the services
that save a name or a phone (``search_keys``), and indexed with pg_trgm on PostgreSQL
(migration 0012); on SQLite the same filters scan.
"""

import re

from django.db.models import Q
from django.urls import reverse
from pypinyin import Style, lazy_pinyin

from clients.models import Client, Contract
from teams.search import SearchHit, SearchTerms


def _letters(parts: list[str]) -> str:
    return re.sub(r"[^a-z0-9]", "", "".join(parts).lower())


def search_keys(*, name: str, phone: str = "", phone2: str = "") -> dict:
    """The stored search fields of a client with this name and phones."""
    name = name or ""
    return {
        "name_pinyin": _letters(lazy_pinyin(name))[:240],
        "name_initials": _letters(lazy_pinyin(name, style=Style.FIRST_LETTER))[:60],
        "phone_digits": " ".join(d for d in (re.sub(r"\D", "", p or "") for p in (phone, phone2)) if d),
    }


def set_search_keys(client) -> list[str]:
    """Refresh ``client``'s search fields from its name and phones; the names of the fields set."""
    keys = search_keys(name=client.name, phone=client.phone, phone2=client.phone2)
    for field, value in keys.items():
        setattr(client, field, value)
    return list(keys)


def client_condition(terms: SearchTerms) -> Q | None:
    """The client filter for these terms; None when there is nothing to search by."""
    if terms.is_phone:
        return Q(phone_digits__contains=terms.digits)
    if not terms.is_text:
        return None
    if terms.letters:
        return Q(name_pinyin__contains=terms.letters) | Q(name_initials__startswith=terms.letters)
    return Q(name__icontains=terms.text)


def search_clients(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    """The search box's clients: those the user may open (``Client.visible_to``)."""
    condition = client_condition(terms)
    if condition is None:
        return []
    rows = Client.objects.visible_to(user).filter(condition).select_related("team").order_by("name", "pk")[:limit]
    return [
        SearchHit(
            title=c.name,
            url=reverse("clients:detail", args=[c.pk]),
            detail=f"{c.masked_phone} · {c.team.name}",
            badge=c.get_stage_display(),
        )
        for c in rows
    ]


def search_contracts(user, terms: SearchTerms, limit: int) -> list[SearchHit]:
    """Contracts by number (HT-202610-0012, or any part of it) or by a fragment of the project address."""
    if terms.digits:
        condition = Q(number__contains=terms.digits)
    elif terms.is_text:
        condition = Q(number__icontains=terms.text) | Q(address__icontains=terms.text)
    else:
        return []
    rows = Contract.objects.visible_to(user).filter(condition).select_related("client").order_by("-pk")[:limit]
    return [
        SearchHit(
            title=c.number,
            url=reverse("clients:contract_detail", args=[c.pk]),
            detail=f"{c.client.name} · {c.address}",
        )
        for c in rows
    ]
