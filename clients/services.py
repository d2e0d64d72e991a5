"""Client services (writes). ``lead_create`` is what the front desk calls to turn a
prospect's call or visit into a lead; keep its signature. ``contract_sign`` opens
the project and the follow-up visit plan in one transaction."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import (
    AccessLog,
    ArchiveHandover,
    ArchiveLoan,
    Client,
    ClientEvent,
    Contract,
    ContractAttachment,
    ContractChange,
    FollowUpVisit,
    LostLeadReport,
    LostReason,
    PaymentStage,
    VisitTemplate,
    VisitTemplatePoint,
)
from teams.models import Team, User
from teams.phones import normalize_phone
from teams.roles import Role


class StaleEdit(ValidationError):
    """Somebody else saved the record after this form was opened (optimistic locking)."""


def _event(client: Client, kind: str, text: str, actor: User | None, at=None) -> ClientEvent:
    return ClientEvent.objects.create(client=client, kind=kind, text=text[:300], actor=actor, at=at or timezone.now())


# --- Leads -------------------------------------------------------------------------------------------------------


def client_find_duplicates(*, phones: list[str], exclude_pk: int | None = None):
    """Clients (any team) already registered with one of ``phones``."""
    phones = [p for p in phones if p]
    if not phones:
        return Client.objects.none()
    qs = Client.objects.filter(Q(phone__in=phones) | Q(phone2__in=phones)).select_related("team")
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


def _check_duplicates(phones: list[str], exclude_pk: int | None = None) -> None:
    existing = client_find_duplicates(phones=phones, exclude_pk=exclude_pk).first()
    if existing is not None:
        message = _("This phone number already belongs to client %(name)s (%(team)s).") % {
            "name": existing.name,
            "team": existing.team,
        }
        raise ValidationError({"phone": ValidationError(message, code="duplicate_phone")})


@transaction.atomic
def lead_create(
    *, name: str, phone: str, team: Team, source: str, created_by: User, consultant: User | None = None, notes: str = ""
) -> Client:
    """A new lead (单源). Raises ValidationError (code "duplicate_phone") when the
    phone is already a client's."""
    return client_create(
        created_by=created_by,
        data={"name": name, "phone": phone, "team": team, "source": source, "consultant": consultant, "notes": notes},
    )


@transaction.atomic
def client_create(*, created_by: User, data: dict) -> Client:
    """Create a client from form data (any Client field); the tier follows the value rule."""
    data = dict(data)
    data["phone"] = normalize_phone(data.get("phone", ""))
    data["phone2"] = normalize_phone(data.get("phone2", "") or "")
    team = data["team"]
    if not data.get("consultant"):
        data["consultant"] = team.leader
    client = Client(**data)
    client.value_tier = client.computed_tier()
    client.full_clean()
    _check_duplicates([client.phone, client.phone2])
    client.save()
    _event(
        client,
        ClientEvent.Kind.CREATED,
        _("Lead created (%(source)s)") % {"source": client.get_source_display()},
        created_by,
    )
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


@transaction.atomic
def client_update(*, client: Client, by: User, version: int, data: dict) -> Client:
    """Save edited details if nobody saved in between (``version``); re-rate the tier
    unless the consultant set it by hand."""
    for field in ("phone", "phone2"):
        if field in data:
            data[field] = normalize_phone(data[field] or "")
    changed = [f for f in EDITABLE_FIELDS if f in data and getattr(client, f) != data[f]]
    for field in changed:
        setattr(client, field, data[field])
    if not client.tier_overridden:
        client.value_tier = client.computed_tier()
    client.full_clean()
    _check_duplicates([client.phone, client.phone2], exclude_pk=client.pk)
    client.version = version + 1
    updated = Client.objects.filter(pk=client.pk, version=version).update(
        **{f: getattr(client, f) for f in [*changed, "value_tier"]}, version=version + 1
    )
    if updated != 1:
        raise StaleEdit(_("Someone else changed this client while you were editing. Reload to see their changes."))
    if changed:
        labels = ", ".join(str(Client._meta.get_field(f).verbose_name) for f in changed)
        _event(client, ClientEvent.Kind.EDIT, _("Edited: %(fields)s") % {"fields": labels}, by)
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
    if Client.objects.filter(pk=client.pk, stage=old).update(**fields) != 1:
        raise StaleEdit(_("Someone else moved this lead just now. Reload the board."))
    for key, value in fields.items():
        setattr(client, key, value)
    text = _("%(from)s → %(to)s") % {"from": Client.Stage(old).label, "to": client.get_stage_display()}
    if stage == Client.Stage.MEASURED:
        text += " · " + _("measured on %(date)s") % {"date": measured_on.isoformat()}
    _event(client, ClientEvent.Kind.STAGE, text, by, at=now)
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
    if Client.objects.filter(pk=client.pk, stage=old).update(**fields) != 1:
        raise StaleEdit(_("Someone else moved this lead just now. Reload the board."))
    for key, value in fields.items():
        setattr(client, key, value)
    text = _("Lost at %(stage)s: %(reason)s") % {"stage": Client.Stage(old).label, "reason": reason.name}
    if competitor:
        text += " · " + _("competitor %(name)s") % {"name": competitor}
    _event(client, ClientEvent.Kind.LOST, text, by, at=lost_at)
    return client


@transaction.atomic
def client_set_tier(*, client: Client, by: User, tier: str, reason: str) -> Client:
    """The consultant overrides the computed tier (a reason is required); an empty
    tier goes back to the rule."""
    if tier:
        if not reason.strip():
            raise ValidationError({"reason": _("Say why you set the tier by hand.")})
        client.value_tier, client.tier_overridden, client.tier_reason = tier, True, reason.strip()
        text = _("Tier set to %(tier)s by hand: %(reason)s") % {"tier": tier, "reason": client.tier_reason}
    else:
        client.value_tier, client.tier_overridden, client.tier_reason = client.computed_tier(), False, ""
        text = _("Tier back to the rule: %(tier)s") % {"tier": client.value_tier}
    client.full_clean()
    client.save(update_fields=["value_tier", "tier_overridden", "tier_reason"])
    _event(client, ClientEvent.Kind.TIER, text, by)
    return client


# --- Contracts ---------------------------------------------------------------------------------------------------

DEFAULT_PAYMENTS = [
    ("首期", Decimal("0.30"), "开工前"),
    ("中期", Decimal("0.60"), "水电验收后"),
    ("尾款", Decimal("0.10"), "竣工验收后"),
]


def contract_next_number(*, signed_date: dt.date) -> str:
    """The documented pattern: ``HT-<yyyymm>-<nnnn>``, a company-wide running number
    within the month of signing (HT-202611-0007)."""
    prefix = f"HT-{signed_date:%Y%m}-"
    numbers = Contract.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    used = [int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()]
    return f"{prefix}{max(used, default=0) + 1:04d}"


def _plan_date(point: VisitTemplatePoint, contract: Contract) -> dt.date:
    if point.anchor == VisitTemplatePoint.Anchor.START and contract.planned_start:
        base = contract.planned_start
    elif point.anchor == VisitTemplatePoint.Anchor.FINISH and contract.planned_finish:
        base = contract.planned_finish
    else:
        base = contract.signed_date
    return base + dt.timedelta(days=point.offset_days)


@transaction.atomic
def contract_sign(*, client: Client, by: User, data: dict, template: VisitTemplate | None = None) -> Contract:
    """Sign a contract: the lead becomes signed, the project opens
    (``projects.services.project_open``) and the visit plan is created from the
    template — all or nothing."""
    from projects.services import project_open

    if client.stage not in (Client.Stage.QUOTED, Client.Stage.PROPOSAL, Client.Stage.MEASURED):
        raise ValidationError(_("Only a lead that has been measured, proposed or quoted can sign a contract."))
    data = dict(data)
    signed_date = data.get("signed_date") or timezone.localdate()
    contract = Contract(client=client, team=client.team, signed_by=by, **data)
    contract.signed_date = signed_date
    if not contract.number:
        contract.number = contract_next_number(signed_date=signed_date)
    contract.full_clean()
    contract.save()
    for order, (name, share, condition) in enumerate(DEFAULT_PAYMENTS):
        PaymentStage.objects.create(
            contract=contract,
            name=name,
            amount=(contract.construction_amount * share).quantize(Decimal("0.01")),
            due_condition=condition,
            order=order,
        )
    old = client.stage
    if (
        Client.objects.filter(pk=client.pk, stage=old).update(
            stage=Client.Stage.SIGNED, stage_changed_at=timezone.now(), version=client.version + 1
        )
        != 1
    ):
        raise StaleEdit(_("Someone else moved this lead just now. Reload the page."))
    client.stage, client.version = Client.Stage.SIGNED, client.version + 1
    project_open(
        client=client,
        team=client.team,
        contract=contract,
        name=_("%(client)s's home") % {"client": client.name},
        address=contract.address or client.address,
        planned_start=contract.planned_start,
        planned_finish=contract.planned_finish,
    )
    template = template or VisitTemplate.objects.filter(is_default=True).first()
    if template is not None:
        owner = client.consultant or by
        FollowUpVisit.objects.bulk_create(
            [
                FollowUpVisit(
                    client=client,
                    contract=contract,
                    team=client.team,
                    owner=owner,
                    point=point.point,
                    channel=point.channel,
                    due_date=_plan_date(point, contract),
                )
                for point in template.points.all()
            ]
        )
    _event(
        client,
        ClientEvent.Kind.CONTRACT,
        _("Contract %(number)s signed: %(amount)s yuan") % {"number": contract.number, "amount": contract.total_amount},
        by,
    )
    return contract


# Contract fields whose changes are kept in the history.
TRACKED_CONTRACT_FIELDS = [
    "number",
    "address",
    "floor_area",
    "style",
    "package",
    "design_fee",
    "construction_amount",
    "signed_date",
    "planned_start",
    "planned_finish",
]


@transaction.atomic
def contract_update(*, contract: Contract, by: User, version: int, data: dict) -> Contract:
    changes = []
    for field in TRACKED_CONTRACT_FIELDS:
        if field in data and getattr(contract, field) != data[field]:
            changes.append((field, getattr(contract, field), data[field]))
            setattr(contract, field, data[field])
    contract.full_clean()
    updated = Contract.objects.filter(pk=contract.pk, version=version).update(
        **{f: getattr(contract, f) for f, _old, _new in changes}, version=version + 1
    )
    if updated != 1:
        raise StaleEdit(_("Someone else changed this contract while you were editing. Reload to see their changes."))
    contract.version = version + 1
    ContractChange.objects.bulk_create(
        [
            ContractChange(
                contract=contract,
                changed_by=by,
                field=str(Contract._meta.get_field(f).verbose_name),
                old_value="" if old is None else str(old),
                new_value="" if new is None else str(new),
            )
            for f, old, new in changes
        ]
    )
    return contract


@transaction.atomic
def payment_save(
    *,
    contract: Contract,
    by: User,
    name: str,
    amount: Decimal,
    due_condition: str = "",
    paid_date: dt.date | None = None,
    payment: PaymentStage | None = None,
) -> PaymentStage:
    """Add or edit a payment stage; every change goes into the contract's history."""
    label = _("payment %(name)s") % {"name": name}
    if payment is None:
        payment = PaymentStage(contract=contract, order=contract.payments.count())
        old = ""
    else:
        old = f"{payment.amount} / {payment.paid_date or '-'}"
    payment.name, payment.amount, payment.due_condition, payment.paid_date = name, amount, due_condition, paid_date
    payment.full_clean()
    payment.save()
    new = f"{payment.amount} / {payment.paid_date or '-'}"
    if old != new:
        ContractChange.objects.create(contract=contract, changed_by=by, field=label, old_value=old, new_value=new)
    return payment


def contract_attach(*, contract: Contract, by: User, upload, content_type: str) -> ContractAttachment:
    """Store a checked upload under a generated name (the form checks type and size)."""
    import uuid
    from pathlib import Path

    suffix = Path(upload.name).suffix.lower()[:8]
    original = upload.name[:200]
    upload.name = f"{uuid.uuid4().hex}{suffix}"
    return ContractAttachment.objects.create(
        contract=contract, file=upload, original_name=original, content_type=content_type, uploaded_by=by
    )


# --- Follow-up visits --------------------------------------------------------------------------------------------


@transaction.atomic
def visit_create(
    *, client: Client, by: User, point: str, due_date: dt.date, channel: str, owner: User | None = None
) -> FollowUpVisit:
    """An ad-hoc follow-up visit."""
    visit = FollowUpVisit(
        client=client,
        team=client.team,
        owner=owner or client.consultant or by,
        point=point,
        due_date=due_date,
        channel=channel,
        contract=client.contracts.first(),
    )
    visit.full_clean()
    visit.save()
    _event(
        client,
        ClientEvent.Kind.VISIT,
        _("Visit planned: %(point)s on %(date)s") % {"point": point, "date": due_date},
        by,
    )
    return visit


@transaction.atomic
def visit_record(
    *,
    visit: FollowUpVisit,
    by: User,
    channel: str,
    outcome: str,
    satisfaction: int | None,
    opinions: str = "",
    raised_complaint: bool = False,
    done_at=None,
) -> FollowUpVisit:
    """Record a visit as done (once: a second save of the same visit is refused)."""
    done_at = done_at or timezone.now()
    visit.channel, visit.outcome, visit.satisfaction = channel, outcome, satisfaction
    visit.opinions, visit.raised_complaint, visit.done_at = opinions, raised_complaint, done_at
    visit.full_clean()
    updated = FollowUpVisit.objects.filter(pk=visit.pk, done_at=None).update(
        channel=channel,
        outcome=outcome,
        satisfaction=satisfaction,
        opinions=opinions,
        raised_complaint=raised_complaint,
        done_at=done_at,
    )
    if updated != 1:
        raise StaleEdit(_("This visit has already been recorded."))
    text = _("Visit done: %(point)s") % {"point": visit.point}
    if satisfaction:
        text += " · " + _("satisfaction %(n)s/5") % {"n": satisfaction}
    if raised_complaint:
        text += " · " + _("raised a complaint")
    _event(visit.client, ClientEvent.Kind.VISIT, text, by, at=done_at)
    return visit


def _visit_url(visit: FollowUpVisit) -> str:
    return reverse("clients:visit_record", args=[visit.pk])


def visits_remind_due(*, now=None) -> int:
    """The morning a visit is due: remind its owner, once (claimed by ``reminded_at``)."""
    from teams.services import notify

    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    due = FollowUpVisit.objects.filter(done_at=None, reminded_at=None, due_date__lte=today).select_related(
        "client", "owner"
    )
    for visit in due:
        with transaction.atomic():
            if FollowUpVisit.objects.filter(pk=visit.pk, reminded_at=None).update(reminded_at=now) != 1:
                continue
            notify(
                recipients=[visit.owner],
                title=_("Follow-up visit due today: %(client)s · %(point)s")
                % {"client": visit.client, "point": visit.point},
                body=_("Due %(date)s.") % {"date": visit.due_date},
                url=_visit_url(visit),
            )
            sent += 1
    return sent


def visits_escalate_overdue(*, now=None, days: int | None = None) -> int:
    """A visit overdue by ``CLIENT_VISIT_ESCALATE_DAYS`` days goes to the deputy GM, once."""
    from django.conf import settings

    from teams.services import notify

    now = now or timezone.now()
    days = settings.CLIENT_VISIT_ESCALATE_DAYS if days is None else days
    limit = timezone.localdate(now) - dt.timedelta(days=days)
    gms = list(User.objects.filter(role=Role.DEPUTY_GM, is_active=True))
    sent = 0
    overdue = FollowUpVisit.objects.filter(done_at=None, escalated_at=None, due_date__lte=limit).select_related(
        "client", "owner", "team"
    )
    for visit in overdue:
        with transaction.atomic():
            if FollowUpVisit.objects.filter(pk=visit.pk, escalated_at=None).update(escalated_at=now) != 1:
                continue
            notify(
                recipients=[*gms, visit.owner],
                title=_("Follow-up visit overdue %(days)s days: %(client)s · %(point)s")
                % {"days": visit.days_overdue(timezone.localdate(now)), "client": visit.client, "point": visit.point},
                body=_("Owner: %(owner)s, team %(team)s, due %(date)s.")
                % {"owner": visit.owner, "team": visit.team, "date": visit.due_date},
                url=_visit_url(visit),
            )
            sent += 1
    return sent


# --- Lost-lead report, access log, archive -----------------------------------------------------------------------


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


def access_log_write(
    *, user: User, action: str, ip_address: str | None, client: Client | None = None, detail: str = ""
):
    return AccessLog.objects.create(user=user, action=action, client=client, detail=detail[:300], ip_address=ip_address)


@transaction.atomic
def archive_hand_over(
    *, client: Client, by: User, documents: list[str], handed_on: dt.date, notes: str = ""
) -> ArchiveHandover:
    if hasattr(client, "archive") and ArchiveHandover.objects.filter(client=client).exists():
        raise ValidationError(_("This client's file has already been handed to the archive."))
    if not documents:
        raise ValidationError({"documents": _("Tick the documents you hand over.")})
    handover = ArchiveHandover(client=client, handed_by=by, documents=documents, handed_on=handed_on, notes=notes)
    handover.full_clean()
    handover.save()
    _event(
        client,
        ClientEvent.Kind.ARCHIVE,
        _("File handed to the administration (%(n)s documents)") % {"n": len(documents)},
        by,
    )
    from teams.services import notify

    notify(
        recipients=User.objects.filter(role=Role.ADMIN_CLERK, is_active=True),
        title=_("Client file to archive: %(client)s") % {"client": client},
        url=reverse("clients:archive"),
    )
    return handover


@transaction.atomic
def archive_receive(*, handover: ArchiveHandover, by: User, shelf_mark: str = "") -> ArchiveHandover:
    now = timezone.now()
    if (
        ArchiveHandover.objects.filter(pk=handover.pk, received_at=None).update(
            received_at=now, received_by=by, shelf_mark=shelf_mark
        )
        != 1
    ):
        raise StaleEdit(_("This file has already been received."))
    handover.received_at, handover.received_by, handover.shelf_mark = now, by, shelf_mark
    _event(handover.client, ClientEvent.Kind.ARCHIVE, _("Archived by the administration"), by, at=now)
    return handover


@transaction.atomic
def archive_lend(
    *, handover: ArchiveHandover, by: User, borrower: str, purpose: str = "", due_back: dt.date | None = None
) -> ArchiveLoan:
    if not handover.is_archived:
        raise ValidationError(_("Only an archived file can be lent."))
    if handover.loans.filter(returned_at=None).exists():
        raise ValidationError(_("This file is already out; it must come back first."))
    loan = ArchiveLoan(handover=handover, borrower=borrower, purpose=purpose, due_back=due_back, lent_by=by)
    loan.full_clean()
    loan.save()
    _event(handover.client, ClientEvent.Kind.ARCHIVE, _("Paper file lent to %(who)s") % {"who": borrower}, by)
    return loan


@transaction.atomic
def archive_return(*, loan: ArchiveLoan, by: User) -> ArchiveLoan:
    now = timezone.now()
    if ArchiveLoan.objects.filter(pk=loan.pk, returned_at=None).update(returned_at=now) != 1:
        raise StaleEdit(_("This file has already been returned."))
    loan.returned_at = now
    _event(
        loan.handover.client, ClientEvent.Kind.ARCHIVE, _("Paper file returned by %(who)s") % {"who": loan.borrower}, by
    )
    return loan
