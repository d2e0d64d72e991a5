"""Lead and client writes: create (also from the front desk), edit, move through the pipeline,
mark lost, set the value tier, and the monthly lost-lead report."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ClientConsent, ClientEvent, LostLeadReport, LostReason
from clients.search import set_search_keys
from clients.services.common import _event
from clients.services.consent import consent_record
from teams.audit import changes_against_db
from teams.editing import compare_and_set, versioned_update
from teams.facts import facts_save, facts_write
from teams.messages import Message
from teams.models import Team, User
from teams.phones import normalize_phone


def client_find_duplicates(*, phones: list[str], exclude_pk: int | None = None):
    """Clients (any team) already registered with one of ``phones``."""
    phones = [p for p in phones if p]
    if not phones:
        return Client.objects.none()
    qs = Client.objects.filter(Q(phone__in=phones) | Q(phone2__in=phones)).select_related("team")
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def duplicate_phone_message(existing: Client, user: User | None) -> str:
    """Why a phone cannot be used again, naming the client only to someone who may see it.

    Anyone else learns the team that registered the number and whom to ask there:
    the client's name is confidential to that team (issue 12, "Nothing leaked").
    """
    if user is not None and Client.objects.visible_to(user).filter(pk=existing.pk).exists():
        return _("This phone number already belongs to client %(name)s (%(team)s).") % {
            "name": existing.name,
            "team": existing.team,
        }
    contact = existing.consultant or existing.team.leader
    if contact is None:
        return _("Team %(team)s has already registered this phone number; ask that team.") % {"team": existing.team}
    return _("Team %(team)s has already registered this phone number; ask %(person)s.") % {
        "team": existing.team,
        "person": contact,
    }


def _check_duplicates(phones: list[str], *, user: User | None, exclude_pk: int | None = None) -> None:
    existing = (
        client_find_duplicates(phones=phones, exclude_pk=exclude_pk)
        .select_related("team__leader", "consultant")
        .first()
    )
    if existing is not None:
        message = duplicate_phone_message(existing, user)
        raise ValidationError({"phone": ValidationError(message, code="duplicate_phone")})


@transaction.atomic
def lead_create(
    *,
    name: str,
    phone: str,
    team: Team,
    source: str,
    created_by: User,
    consultant: User | None = None,
    notes: str = "",
    consent_method: str = "",
) -> Client:
    """A new lead (单源). Raises ValidationError (code "duplicate_phone") when the
    phone is already a client's."""
    return client_create(
        created_by=created_by,
        data={
            "name": name,
            "phone": phone,
            "team": team,
            "source": source,
            "consultant": consultant,
            "notes": notes,
            "consent_method": consent_method,
        },
    )


@transaction.atomic
def client_create(*, created_by: User, data: dict) -> Client:
    """Create a client from form data (any Client field); the tier follows the value rule. A
    ``consent_method`` in ``data`` records the client's consent at once (``consent_record``)."""
    data = dict(data)
    consent_method = data.pop("consent_method", "")
    data["phone"] = normalize_phone(data.get("phone", ""))
    data["phone2"] = normalize_phone(data.get("phone2", "") or "")
    team = data["team"]
    if not data.get("consultant"):
        data["consultant"] = None if team.leader_is_away else team.leader
    client = Client(**data)
    client.value_tier = client.computed_tier()
    client.full_clean()
    _check_duplicates([client.phone, client.phone2], user=created_by)
    set_search_keys(client)
    facts_save(client)
    _event(
        client,
        ClientEvent.Kind.CREATED,
        Message("Lead created (%(source)s)", source=Client.Source(client.source).label),
        created_by,
    )
    if consent_method:
        consent_record(client=client, by=created_by, method=consent_method, purpose=ClientConsent.Purpose.SERVICE)
    return client


# Fields a consultant edits on the client form.
EDITABLE_FIELDS = [
    "name",
    "phone",
    "phone2",
    "wechat",
    "district",
    "community",
    "building",
    "property_type",
    "floor_area",
    "budget",
    "intent",
    "source",
    "referrer",
    "consultant",
    "notes",
]


# Contact details stay out of the timeline (which every reader of the file sees): only "changed".
PERSONAL_FIELDS = ["phone", "phone2", "wechat"]


@transaction.atomic
def client_update(*, client: Client, by: User, version: int, data: dict) -> Client:
    """Save edited details if nobody saved in between (``version``); re-rate the tier
    unless the consultant set it by hand."""
    for field in ("phone", "phone2"):
        if field in data:
            data[field] = normalize_phone(data[field] or "")
    changes = changes_against_db(client, data, EDITABLE_FIELDS, hidden=PERSONAL_FIELDS)
    changed = [c.name for c in changes]
    for change in changes:
        setattr(client, change.name, change.new)
    if not client.tier_overridden:
        client.value_tier = client.computed_tier()
    client.full_clean()
    _check_duplicates([client.phone, client.phone2], user=by, exclude_pk=client.pk)
    keys = set_search_keys(client) if {"name", "phone", "phone2"} & set(changed) else []
    versioned_update(
        client,
        fields=[*changed, "value_tier", *keys],
        expected_version=version,
        message=_("Someone else changed this client while you were editing. Reload to see their changes."),
    )
    for change in changes:
        _event(client, ClientEvent.Kind.EDIT, change.message(), by)
    return client


@transaction.atomic
def lead_move(*, client: Client, stage: str, by: User, measured_on: dt.date | None = None) -> Client:
    """Move a lead to another open stage (STAGE_TRANSITIONS); compare-and-set on the
    stage so two people moving the same card do not both win."""
    if stage in (Client.Stage.LOST, Client.Stage.SIGNED):
        raise ValidationError(_("Use the lost form or sign a contract for this step."))
    if not client.can_move_to(stage):
        raise ValidationError(
            _("A lead cannot go from %(from)s to %(to)s.")
            % {"from": client.get_stage_display(), "to": Client.Stage(stage).label}
        )
    if stage == Client.Stage.MEASURED and measured_on is None:
        measured_on = client.measured_on or timezone.localdate()
    old = client.stage
    now = timezone.now()
    fields = {"stage": stage, "stage_changed_at": now, "version": client.version + 1}
    if stage == Client.Stage.MEASURED:
        fields["measured_on"] = measured_on
    if old == Client.Stage.LOST:
        fields.update(lost_at=None, lost_reason=None, lost_stage="", competitor="", lost_notes="")
    moved = _("Someone else moved this lead just now. Reload the board.")
    with facts_write(Client, client.pk):
        compare_and_set(client, expect={"stage": old}, fields=fields, message=moved)
    parts = [Message("%(from)s → %(to)s", **{"from": Client.Stage(old).label, "to": Client.Stage(stage).label})]
    if stage == Client.Stage.MEASURED:
        parts.append(Message("measured on %(date)s", date=measured_on.isoformat()))
    _event(client, ClientEvent.Kind.STAGE, Message.join(parts, " · "), by, at=now)
    return client


@transaction.atomic
def lead_mark_lost(
    *, client: Client, by: User, reason: LostReason, competitor: str = "", notes: str = "", lost_at=None
) -> Client:
    """Lost needs a reason; the stage at which it was lost is kept for the report."""
    if reason is None:
        raise ValidationError({"reason": _("Give the reason the lead was lost.")})
    if not client.can_move_to(Client.Stage.LOST):
        raise ValidationError(_("Only an open lead can be marked lost."))
    old = client.stage
    lost_at = lost_at or timezone.now()
    fields = {
        "stage": Client.Stage.LOST,
        "lost_at": lost_at,
        "lost_reason": reason,
        "lost_stage": old,
        "competitor": competitor,
        "lost_notes": notes,
        "stage_changed_at": lost_at,
        "version": client.version + 1,
    }
    moved = _("Someone else moved this lead just now. Reload the board.")
    with facts_write(Client, client.pk):
        compare_and_set(client, expect={"stage": old}, fields=fields, message=moved)
    parts = [Message("Lost at %(stage)s: %(reason)s", stage=Client.Stage(old).label, reason=reason.name)]
    if competitor:
        parts.append(Message("competitor %(name)s", name=competitor))
    _event(client, ClientEvent.Kind.LOST, Message.join(parts, " · "), by, at=lost_at)
    return client


@transaction.atomic
def client_set_tier(*, client: Client, by: User, tier: str, reason: str) -> Client:
    """The consultant overrides the computed tier (a reason is required); an empty
    tier goes back to the rule."""
    if tier:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why you set the tier by hand.")})
        client.value_tier, client.tier_overridden, client.tier_reason = tier, True, reason.strip()
        text = Message("Tier set to %(tier)s by hand: %(reason)s", tier=tier, reason=client.tier_reason)
    else:
        client.value_tier, client.tier_overridden, client.tier_reason = client.computed_tier(), False, ""
        text = Message("Tier back to the rule: %(tier)s", tier=client.value_tier)
    client.full_clean()
    client.save(update_fields=["value_tier", "tier_overridden", "tier_reason"])
    _event(client, ClientEvent.Kind.TIER, text, by)
    return client


@transaction.atomic
def lost_report_save(*, team: Team, month: dt.date, by: User, conclusions: str, actions: str = "") -> LostLeadReport:
    """The consultant's conclusions and actions for a team's month (one per month; saving again updates it)."""
    report, _created = LostLeadReport.objects.select_for_update().get_or_create(
        team=team,
        month=month.replace(day=1),
        defaults={"conclusions": conclusions, "actions": actions, "written_by": by},
    )
    report.conclusions, report.actions, report.written_by, report.written_at = conclusions, actions, by, timezone.now()
    report.full_clean()
    report.save(update_fields=["conclusions", "actions", "written_by", "written_at"])
    return report
