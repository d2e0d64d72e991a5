"""Reads for the front desk. The client lookup returns only what a clerk may see:
name, masked phone, team and the number of open complaints — no contracts or amounts."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from clients.search import client_condition
from clients.selectors import findable_clients
from complaints.models import OPEN_STATES, Complaint
from projects.models import Project
from reception.models import Call, PhoneCall, Visit
from teams.phones import mask_phone
from teams.search import SearchTerms


def lookup_condition(query: str) -> Q | None:
    """The search box's client filter (clients/search.py): 4+ digits of either phone (+86, spaces and dashes
    taken out), or a name, its pinyin or initials; None when too short to search."""
    return client_condition(SearchTerms.parse(query))


def client_lookup(*, user, query: str, limit: int = 8) -> list[dict]:
    """Find clients by part of the phone number (4+ digits) or of the name."""
    condition = lookup_condition(query)
    if condition is None:
        return []
    rows = (
        findable_clients(user)
        .filter(condition)
        .annotate(open_complaints=Count("complaints", filter=Q(complaints__state__in=OPEN_STATES)))
        .values("pk", "name", "phone", "team__name", "team_id", "open_complaints")
        .order_by("name", "pk")[:limit]
    )
    return [
        {
            "pk": r["pk"],
            "name": r["name"],
            "masked_phone": mask_phone(r["phone"]),
            "team": r["team__name"],
            "team_id": r["team_id"],
            "open_complaints": r["open_complaints"],
        }
        for r in rows
    ]


def call_list(*, user) -> QuerySet:
    return Call.objects.visible_to(user).select_related(
        "logged_by", "forward_to", "forward_team", "client", "acknowledged_by"
    )


def visit_list(*, user) -> QuerySet:
    return Visit.objects.visible_to(user).select_related("host", "logged_by", "client", "lead")


def _today_bounds(now):
    today = timezone.localdate(now)
    tz = timezone.get_default_timezone()
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min), tz)
    return start, start + dt.timedelta(days=1)


def front_desk_today(*, user, now=None) -> dict:
    """The front desk's home: today's calls and visits, forwards waiting, today's complaints."""
    now = now or timezone.now()
    start, end = _today_bounds(now)
    limit = 10
    # Each list carries its full count (COUNT(*) OVER (), computed before the LIMIT): no count queries.
    # Only the joins each list shows (today's calls and visits need none).
    total = Window(Count("pk"))
    calls = list(
        Call.objects.visible_to(user).filter(called_at__gte=start, called_at__lt=end).annotate(total=total)[:limit]
    )
    visits = list(
        Visit.objects.visible_to(user).filter(arrived_at__gte=start, arrived_at__lt=end).annotate(total=total)[:limit]
    )
    waiting = list(
        Call.objects.visible_to(user)
        .filter(forwarded_at__isnull=False, acknowledged_at__isnull=True)
        .select_related("forward_to", "forward_team")
        .annotate(total=total)
        .order_by("ack_due_at")[:limit]
    )
    complaints = list(
        Complaint.objects.visible_to(user)
        .filter(registered_at__gte=start, registered_at__lt=end)
        .select_related("team", "handler")[:limit]
    )
    counts = {"calls": calls[0].total if calls else 0, "waiting": waiting[0].total if waiting else 0}
    visit_count = visits[0].total if visits else 0
    return {
        "calls": calls,
        "visits": visits,
        "waiting": waiting,
        "complaints": complaints,
        "call_count": counts["calls"],
        "waiting_count": counts["waiting"],
        "visit_count": visit_count,
        "now": now,
    }


def client_timeline(client, user) -> list[dict]:
    """The client file's timeline rows of this app (teams/registry.py): the calls and office
    visits of the client that ``user`` may see here."""
    rows = [
        {"at": c.called_at, "kind": Call._meta.verbose_name, "icon": "telephone", "text": c.purpose, "by": c.logged_by}
        for c in Call.objects.visible_to(user).filter(client=client).select_related("logged_by")[:100]
    ]
    rows += [
        {
            "at": v.arrived_at,
            "kind": Visit._meta.verbose_name,
            "icon": "door-open",
            "text": v.purpose,
            "by": v.logged_by,
        }
        for v in Visit.objects.visible_to(user).filter(client=client).select_related("logged_by")[:100]
    ]
    return rows


# --- The phone system: the screen-pop and the missed calls ---------------------------------------------------

# A call still "live" after this long lost its hang-up event: the pop forgets it.
LIVE_CALL_HOURS = 2


def live_phone_call(*, user, now=None) -> PhoneCall | None:
    """The call ringing or answered at the user's extension now (one indexed query: the screen-pop's poll)."""
    now = now or timezone.now()
    return (
        PhoneCall.objects.filter(
            user=user,
            state__in=[PhoneCall.State.RINGING, PhoneCall.State.ANSWERED],
            rang_at__gte=now - dt.timedelta(hours=LIVE_CALL_HOURS),
        )
        .select_related("client__team", "client__consultant")
        .order_by("-rang_at")
        .first()
    )


def caller_card(*, phone_call: PhoneCall, user) -> dict:
    """What the clerk sees of the caller while the phone rings: for a known client the name, masked phone, team
    and consultant, open complaints (linked where she may open them), the project's phase and the last contact
    — nothing of contracts or amounts. Four queries for a known client, none for a new caller."""
    client = phone_call.client
    if client is None:
        return {"phone_call": phone_call, "client": None}
    complaints = list(Complaint.objects.filter(client=client, state__in=OPEN_STATES).order_by("-registered_at")[:5])
    openable = (
        set(Complaint.objects.visible_to(user).filter(pk__in=[c.pk for c in complaints]).values_list("pk", flat=True))
        if complaints
        else set()
    )
    project = Project.objects.filter(client=client).order_by("-created_at", "-pk").only("phase").first()
    last_call = Call.objects.filter(client=client).select_related("logged_by").order_by("-called_at").first()
    return {
        "phone_call": phone_call,
        "client": client,
        "complaints": [{"complaint": c, "openable": c.pk in openable} for c in complaints],
        "project_phase": project.get_phase_display() if project else "",
        "last_call": last_call,
    }


def missed_calls(*, user, handled: bool = False) -> QuerySet:
    """The missed-calls list: open (not yet handled) ones, or those handled, each with its callbacks."""
    qs = PhoneCall.objects.visible_to(user).filter(state=PhoneCall.State.MISSED, handled_at__isnull=not handled)
    return qs.select_related("client__team", "user", "handled_by", "handled_by_call").prefetch_related("callbacks__by")
