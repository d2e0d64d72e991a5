"""Complaint services: registration and routing, the lifecycle, deadlines and
escalation, attachments, the weekly summary to the deputy GM."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import (
    TRANSITIONS,
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintResolution,
    DeadlinePolicy,
    WeeklySummary,
)
from teams.audit import changes_against_db
from teams.calendar import add_minutes, calendar_exceptions
from teams.editing import EditConflict, claim, versioned_update
from teams.facts import facts_save, facts_write
from teams.messages import Message, to_store
from teams.models import NotificationKind, Team, User
from teams.selectors import deputy_gms
from teams.services import notify


class TransitionNotAllowed(Exception):
    """The complaint's state or the user's role does not allow this step."""


def deadline_rule(*, category: str, severity: str) -> dict:
    """Minutes to acknowledge and resolve, and the clock, for a category and severity."""
    policies = {(p.category, p.severity): p for p in DeadlinePolicy.objects.filter(severity=severity)}
    policy = policies.get((category, severity)) or policies.get(("", severity))
    if policy is not None:
        return {
            "ack_minutes": policy.ack_minutes,
            "resolve_minutes": policy.resolve_minutes,
            "working_hours": policy.working_hours,
        }
    return dict(settings.COMPLAINT_DEADLINES[severity])


def _url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def _event(complaint, actor, action, *, from_state="", to_state="", comment="", now=None) -> ComplaintEvent:
    comment, message = to_store(comment)
    return ComplaintEvent.objects.create(
        complaint=complaint,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        message=message,
        created_at=now or timezone.now(),
    )


@transaction.atomic
def complaint_register(
    *,
    registered_by: User,
    caller_name: str,
    caller_phone: str,
    channel: str,
    category: str,
    severity: str,
    description: str,
    demand: str = "",
    client=None,
    team: Team | None = None,
    project=None,
    call=None,
    attachments: Sequence = (),
    now: dt.datetime | None = None,
) -> Complaint:
    """Register a complaint and route it: to the client's team (or ``team`` for a
    caller who is not a client yet), handled by the team's consultant, who is told
    at once in the app, by e-mail and in the team channel; a major incident also
    tells the deputy GM at once.
    """
    now = now or timezone.now()
    team = client.team if client is not None else team
    if team is None:
        raise ValidationError({"team": _("Choose the team for a caller who is not a client yet.")})
    if project is not None and client is not None and project.client_id != client.pk:
        raise ValidationError({"project": _("This project belongs to another client.")})
    rule = deadline_rule(category=category, severity=severity)
    complaint = Complaint(
        client=client,
        caller_name=caller_name,
        caller_phone=caller_phone,
        team=team,
        project=project,
        call=call,
        registered_by=registered_by,
        handler=team.responsible(),
        channel=channel,
        category=category,
        severity=severity,
        description=description,
        demand=demand,
        registered_at=now,
        ack_due_at=add_minutes(now, rule["ack_minutes"], working_hours=rule["working_hours"]),
        resolve_due_at=add_minutes(now, rule["resolve_minutes"], working_hours=rule["working_hours"]),
    )
    complaint.full_clean()
    facts_save(complaint)  # a counted fact (performance/rollups.py)
    _event(complaint, registered_by, "register", to_state=complaint.state, now=now)
    for upload in attachments:
        attachment_add(complaint=complaint, user=registered_by, upload=upload, record_event=False)

    title = Message(
        "New complaint #%(pk)s: %(name)s (%(category)s)",
        pk=complaint.pk,
        name=complaint.caller_name,
        category=Complaint.Category(complaint.category).label,
    )
    body = Message(
        "Team %(team)s. Acknowledge by %(due)s.\n%(text)s",
        team=team.name,
        due=timezone.localtime(complaint.ack_due_at).strftime("%Y-%m-%d %H:%M"),
        text=complaint.description[:300],
    )
    if team.leader_is_away and complaint.handler is not None:
        # Said in the message, so the stand-in knows why it came to them and the team sees who has it.
        away = Message(
            "%(team)s has no active leader (%(leader)s has left): %(handler)s handles this complaint.",
            team=team.name,
            leader=team.leader or "—",
            handler=complaint.handler,
        )
        body = Message.join([away, body])
    notify(
        kind=NotificationKind.COMPLAINT,
        recipients=[complaint.handler],
        title=title,
        body=body,
        url=_url(complaint),
        team_channel=team,
    )
    if complaint.is_major:
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=deputy_gms(),
            title=Message("Major incident: complaint #%(pk)s (%(team)s)", pk=complaint.pk, team=team.name),
            body=body,
            url=_url(complaint),
        )
    return complaint


def _check_version(complaint: Complaint, version: int) -> None:
    if complaint.version != version:
        raise EditConflict


@transaction.atomic
def complaint_transition(
    *,
    complaint: Complaint,
    user: User,
    action: str,
    version: int,
    comment: str = "",
    resolution: str = "",
    cause_category: str = "",
    cause_analysis: str = "",
    preventive_action: str = "",
    now: dt.datetime | None = None,
) -> Complaint:
    """Move a complaint along its lifecycle, if ``action`` is allowed from its state
    for ``user``; writes the timeline event in the same transaction."""
    now = now or timezone.now()
    transition = TRANSITIONS.get(action)
    if transition is None or complaint.state not in transition.sources or not transition.allowed(complaint, user):
        raise TransitionNotAllowed(action)
    _check_version(complaint, version)
    source = complaint.state
    fields: dict = {"state": transition.target}
    if action == "acknowledge":
        fields["acknowledged_at"] = now
    elif action == "resolve":
        errors = {}
        for name, value in [
            ("resolution", resolution),
            ("cause_category", cause_category),
            ("cause_analysis", cause_analysis),
        ]:
            if not value.strip():
                errors[name] = _("Required to resolve a complaint.")
        if errors:
            raise ValidationError(errors)
        # A new row each time: a reopened complaint keeps its earlier resolutions.
        record = ComplaintResolution(
            complaint=complaint,
            resolution=resolution,
            cause_category=cause_category,
            cause_analysis=cause_analysis,
            preventive_action=preventive_action,
            resolved_by=user,
            resolved_at=now,
        )
        record.full_clean()
        record.save()
        fields.update(resolved_at=now, current_resolution=record)
    elif action == "confirm":
        fields["confirmed_at"] = now
    elif action == "close":
        fields["closed_at"] = now
    elif action == "reopen":
        if not comment.strip():
            raise ValidationError({"comment": _("Say why the complaint is reopened.")})
        rule = deadline_rule(category=complaint.category, severity=complaint.severity)
        fields.update(
            resolved_at=None,
            confirmed_at=None,
            current_resolution=None,
            resolve_due_at=add_minutes(now, rule["resolve_minutes"], working_hours=rule["working_hours"]),
            resolve_reminded_at=None,
            resolve_escalated_at=None,
        )
    with facts_write(Complaint, complaint.pk):
        versioned_update(complaint, fields=fields, expected_version=version, expect={"state": source})
    _event(complaint, user, action, from_state=source, to_state=transition.target, comment=comment, now=now)
    if action in ("resolve", "reopen"):
        title = (
            Message("Complaint #%(pk)s resolved", pk=complaint.pk)
            if action == "resolve"
            else Message("Complaint #%(pk)s reopened", pk=complaint.pk)
        )
        people = [complaint.team.responsible(), complaint.handler, *complaint.helpers.all()]
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=[p for p in people if p and p.pk != user.pk],
            title=title,
            body=comment,
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, user: User, handler: User | None, helpers: Iterable[User], version: int
) -> Complaint:
    """The consultant (or the deputy GM) sets the handler and helpers."""
    if not complaint.can_manage(user):
        raise TransitionNotAllowed("assign")
    helpers = [h for h in helpers if handler is None or h.pk != handler.pk]
    for person in [handler, *helpers]:
        if person is not None and person.team_id != complaint.team_id and not person.sees_all:
            raise ValidationError(
                _("%(name)s is not a member of team %(team)s.") % {"name": person, "team": complaint.team}
            )
    before = set(complaint.helpers.values_list("pk", flat=True))
    old_handler = complaint.handler_id
    versioned_update(complaint, fields={"handler": handler}, expected_version=version)
    complaint.helpers.set(helpers)
    names = ", ".join(h.full_name for h in helpers) or "—"
    _event(
        complaint,
        user,
        "assign",
        comment=Message("Handler: %(handler)s; helpers: %(helpers)s", handler=handler or "—", helpers=names),
    )
    newcomers = [h for h in helpers if h.pk not in before]
    if handler is not None and handler.pk != old_handler:
        newcomers.append(handler)
    notify(
        kind=NotificationKind.COMPLAINT,
        recipients=[p for p in newcomers if p.pk != user.pk],
        title=Message("You are working on complaint #%(pk)s", pk=complaint.pk),
        body=complaint.description[:300],
        url=_url(complaint),
    )
    return complaint


EDITABLE_FIELDS = ["caller_name", "caller_phone", "channel", "category", "severity", "description", "demand"]


@transaction.atomic
def complaint_update(*, complaint: Complaint, user: User, version: int, data: dict) -> Complaint:
    """Correct the registration form. Two people editing at once: the second gets EditConflict."""
    if not complaint.can_manage(user):
        raise TransitionNotAllowed("edit")
    found = changes_against_db(complaint, data, EDITABLE_FIELDS, hidden=["caller_phone"])
    changes = {c.name: c.new for c in found}
    if not changes:
        _check_version(complaint, version)
        return complaint
    became_major = changes.get("severity") == Complaint.Severity.MAJOR
    candidate = Complaint(**{f.attname: getattr(complaint, f.attname) for f in Complaint._meta.concrete_fields})
    for key, value in changes.items():
        setattr(candidate, key, value)
    candidate.full_clean(validate_unique=False)
    with facts_write(Complaint, complaint.pk):  # the category and severity are counted
        versioned_update(complaint, fields=changes, expected_version=version)
    for change in found:
        _event(complaint, user, "edit", comment=change.message())
    if became_major:
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=deputy_gms(),
            title=Message("Major incident: complaint #%(pk)s (%(team)s)", pk=complaint.pk, team=complaint.team),
            body=complaint.description[:300],
            url=_url(complaint),
        )
    return complaint


@transaction.atomic
def complaint_comment(*, complaint: Complaint, user: User, comment: str) -> ComplaintEvent:
    if not comment.strip():
        raise ValidationError({"comment": _("Write a comment.")})
    return _event(complaint, user, "comment", comment=comment)


def attachment_add(*, complaint: Complaint, user: User, upload, record_event: bool = True) -> ComplaintAttachment:
    """Store an upload that ``complaints.forms.validate_attachment`` accepted (its
    ``checked_content_type`` attribute) under a generated name."""
    attachment = ComplaintAttachment(
        complaint=complaint,
        original_name=upload.name[:200],
        content_type=upload.checked_content_type,
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    if record_event:
        _event(complaint, user, "attach", comment=attachment.original_name)
    return attachment


# --- Deadlines: remind, then escalate, each step exactly once -----------------------------


def _escalate_after(complaint: Complaint, kind: str, due: dt.datetime, rules: dict) -> dt.datetime:
    key = (complaint.category, complaint.severity)
    if key not in rules:
        rules[key] = deadline_rule(category=complaint.category, severity=complaint.severity)
    working_hours = rules[key]["working_hours"]
    if "calendar" not in rules:  # the whole holiday calendar (a few rows a year), once per scan
        rules["calendar"] = calendar_exceptions()
    return add_minutes(
        due, settings.COMPLAINT_ESCALATE_AFTER_MINUTES[kind], working_hours=working_hours, exceptions=rules["calendar"]
    )


def complaint_deadlines_scan(*, now: dt.datetime | None = None) -> dict:
    """Remind the handler of each missed deadline, then escalate to the deputy GM.

    Each step is claimed with a conditional update, so running the scan twice (two
    beats, a retry) sends nothing twice.
    """
    now = now or timezone.now()
    counts = {"ack_reminded": 0, "ack_escalated": 0, "resolve_reminded": 0, "resolve_escalated": 0}
    base = Complaint.objects.select_related("team", "team__leader", "handler")
    steps = [
        ("ack", "reminded", base.filter(state=Complaint.State.REGISTERED, ack_due_at__lt=now, ack_reminded_at=None)),
        (
            "ack",
            "escalated",
            base.filter(
                state=Complaint.State.REGISTERED, ack_reminded_at__isnull=False, ack_escalated_at=None
            ).order_by("ack_due_at"),
        ),
        ("resolve", "reminded", base.open().filter(resolve_due_at__lt=now, resolve_reminded_at=None)),
        (
            "resolve",
            "escalated",
            # Oldest deadline first, so the 500 looked at per run are the first to come due.
            base.open().filter(resolve_reminded_at__isnull=False, resolve_escalated_at=None).order_by("resolve_due_at"),
        ),
    ]
    gms = None
    rules: dict = {}
    for kind, step, queryset in steps:
        for complaint in queryset[:500]:
            due = complaint.ack_due_at if kind == "ack" else complaint.resolve_due_at
            if step == "escalated" and _escalate_after(complaint, kind, due, rules) > now:
                continue
            field = f"{kind}_{step}_at"
            with transaction.atomic():
                if not claim(complaint, field, now):
                    continue
                args = {
                    "pk": complaint.pk,
                    "name": complaint.caller_name,
                    "team": complaint.team.name,
                    "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                }
                if step == "reminded":
                    title = (
                        Message("Complaint #%(pk)s (%(name)s) was due to be acknowledged at %(due)s", **args)
                        if kind == "ack"
                        else Message("Complaint #%(pk)s (%(name)s) was due to be resolved at %(due)s", **args)
                    )
                    recipients = [complaint.team.responsible(preferred=complaint.handler)]
                else:
                    if gms is None:
                        gms = list(deputy_gms())
                    title = (
                        Message("Escalated: complaint #%(pk)s of %(team)s not acknowledged (due %(due)s)", **args)
                        if kind == "ack"
                        else Message("Escalated: complaint #%(pk)s of %(team)s not resolved (due %(due)s)", **args)
                    )
                    recipients = gms
                notify(
                    kind=NotificationKind.COMPLAINT,
                    recipients=recipients,
                    title=title,
                    body=complaint.description[:300],
                    url=_url(complaint),
                )
                _event(complaint, None, f"{kind}_{'remind' if step == 'reminded' else 'escalate'}", comment=title)
            counts[f"{kind}_{step}"] += 1
    return counts


# --- Weekly summary ------------------------------------------------------------------------


def week_start_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_summaries_send_missing(*, now: dt.datetime | None = None) -> list[WeeklySummary]:
    """Every week's summary not sent yet, from the last one on file to last week (each once).

    Derived from the rows, so a Monday missed (beat restarted, worker down) is made up at the
    next run and a whole missed week is not skipped."""
    now = now or timezone.now()
    last_week = week_start_of(timezone.localdate(now)) - dt.timedelta(days=7)
    latest = WeeklySummary.objects.order_by("-week_start").values_list("week_start", flat=True).first()
    week = last_week if latest is None else min(latest, last_week)
    sent = []
    while week <= last_week:
        summary = weekly_summary_send(week_start=week, now=now)
        if summary is not None:
            sent.append(summary)
        week += dt.timedelta(days=7)
    return sent


def weekly_summary_send(*, week_start: dt.date | None = None, now: dt.datetime | None = None) -> WeeklySummary | None:
    """Build last week's summary (or ``week_start``'s) and e-mail it to the deputy GM(s) once.

    Returns the summary if this call sent it, None if it had been sent already.
    """
    from complaints.selectors import summary_figures

    now = now or timezone.now()
    if week_start is None:
        week_start = week_start_of(timezone.localdate(now)) - dt.timedelta(days=7)
    end = week_start + dt.timedelta(days=6)
    summary, created = WeeklySummary.objects.get_or_create(
        week_start=week_start, defaults={"data": summary_figures(start=week_start, end=end, now=now), "created_at": now}
    )
    if summary.sent_at is None and not created:
        # Fresh figures until it is sent; fixed afterwards.
        summary.data = summary_figures(start=week_start, end=end, now=now)
        summary.save(update_fields=["data"])
    with transaction.atomic():
        if not claim(summary, "sent_at", now):
            return None
        data = summary.data
        categories = dict(Complaint.Category.choices)
        title = Message("Complaint summary %(start)s – %(end)s", start=week_start, end=end)
        lines = [
            Message("Complaints registered: %(n)s", n=data["total"]),
            Message("Major incidents: %(n)s", n=data["major_count"]),
            Message("Overdue: %(n)s", n=data["overdue_count"]),
            Message("Average time to acknowledge: %(v)s minutes", v=data["avg_ack_minutes"] or "—"),
            Message("Average time to resolve: %(v)s hours", v=data["avg_resolve_hours"] or "—"),
            "",
            Message("By team:"),
            *[f"  {row['label']}: {row['count']}" for row in data["by_team"]],
            Message("By category:"),
            # The category's label stays lazy: the deputy GM reads it in her language.
            *[
                Message.join(["  ", categories.get(row["key"], row["label"]), f": {row['count']}"], sep="")
                for row in data["by_category"]
            ],
        ]
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=deputy_gms(),
            title=title,
            body=Message.join(lines),
            url=reverse("complaints:weekly_summary_detail", args=[summary.pk]),
        )
    summary.sent_at = now
    return summary


def client_records(*, client_id: int) -> list:
    """``client_records`` hook (clients/services/retention.py): the client's complaints and what hangs on them."""
    return [
        (_("Complaints"), Complaint.objects.filter(client_id=client_id)),
        (_("Complaint timeline"), ComplaintEvent.objects.filter(complaint__client_id=client_id)),
        (_("Resolutions"), ComplaintResolution.objects.filter(complaint__client_id=client_id)),
        (_("Complaint attachments"), ComplaintAttachment.objects.filter(complaint__client_id=client_id)),
    ]


def client_records_anonymise(*, client_id: int, pseudonym: str) -> None:
    """``client_anonymise`` hook: the caller on the complaint form is the client."""
    Complaint.objects.filter(client_id=client_id).update(caller_name=pseudonym, caller_phone="")


def client_urls(*, client_id: int) -> list[str]:
    """``client_urls`` hook: the pages of the client's complaints."""
    return [_url(c) for c in Complaint.objects.filter(client_id=client_id).only("pk")]


@transaction.atomic
def complaint_merge(
    *, duplicate: Complaint, original: Complaint, by: User, now: dt.datetime | None = None
) -> Complaint:
    """The same story registered twice: close ``duplicate`` as merged into ``original`` (the consultant of the team,
    or the deputy GM). Both timelines stay and say so; the figures count the original only."""
    now = now or timezone.now()
    if not (duplicate.can_manage(by) and original.can_manage(by)):
        raise ValidationError(_("Only the team's consultant merges its complaints."))
    if duplicate.pk == original.pk or duplicate.client_id is None or duplicate.client_id != original.client_id:
        raise ValidationError(_("Only another complaint of the same client can be the original."))
    if duplicate.merged_into_id or original.merged_into_id:
        raise ValidationError(_("A merged complaint cannot be merged again."))
    if duplicate.state == Complaint.State.CLOSED:
        raise ValidationError(_("A closed complaint is not merged."))
    source = duplicate.state
    with facts_write(Complaint, duplicate.pk):  # a merged duplicate leaves the figures
        updated = Complaint.objects.filter(pk=duplicate.pk, state=source, merged_into__isnull=True).update(
            state=Complaint.State.CLOSED, closed_at=now, merged_into=original, version=F("version") + 1
        )
    if updated != 1:
        raise EditConflict(_("Someone else changed this complaint just now. Reload the page."))
    duplicate.refresh_from_db()
    _event(
        duplicate,
        by,
        "merge",
        from_state=source,
        to_state=Complaint.State.CLOSED,
        comment=Message("Merged into complaint #%(pk)s", pk=original.pk),
        now=now,
    )
    _event(
        original,
        by,
        "merged",
        comment=Message(
            "Complaint #%(pk)s (the same story) merged into this one: %(text)s",
            pk=duplicate.pk,
            text=duplicate.description[:300],
        ),
        now=now,
    )
    return duplicate


@transaction.atomic
def complaint_client_answer(
    *, complaint: Complaint, solved: bool, comment: str = "", address: str = "", now: dt.datetime | None = None
) -> bool:
    """The client, on their own page (portal/), says whether a resolved complaint is solved: "solved" moves it
    to confirmed by the client, "not solved" reopens it with the client's words as the reason, under a new
    resolve deadline. The timeline names no staff member (the client did it). False if it was no longer
    resolved (a second tap, or the team moved it meanwhile)."""
    now = now or timezone.now()
    action = "confirm" if solved else "reopen"
    target = TRANSITIONS[action].target
    fields: dict = {"state": target, "version": F("version") + 1}
    if solved:
        fields["confirmed_at"] = now
    else:
        rule = deadline_rule(category=complaint.category, severity=complaint.severity)
        fields.update(
            resolved_at=None,
            confirmed_at=None,
            current_resolution=None,
            resolve_due_at=add_minutes(now, rule["resolve_minutes"], working_hours=rule["working_hours"]),
            resolve_reminded_at=None,
            resolve_escalated_at=None,
        )
    source = Complaint.State.RESOLVED
    with facts_write(Complaint, complaint.pk):
        updated = Complaint.objects.filter(pk=complaint.pk, state=source).update(**fields)
    if not updated:
        return False
    complaint.refresh_from_db()
    said = (
        Message("The client, on their page (%(address)s): solved. %(comment)s", address=address, comment=comment)
        if solved
        else Message(
            "The client, on their page (%(address)s): not solved. %(comment)s", address=address, comment=comment
        )
    )
    _event(complaint, None, action, from_state=source, to_state=target, comment=said, now=now)
    if not solved:
        people = [complaint.team.responsible(), complaint.handler, *complaint.helpers.all()]
        notify(
            kind=NotificationKind.COMPLAINT,
            recipients=[p for p in people if p],
            title=Message("Complaint #%(pk)s reopened by the client", pk=complaint.pk),
            body=comment,
            url=_url(complaint),
        )
    return True
