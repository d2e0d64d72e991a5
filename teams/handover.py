"""Hand-over when someone leaves or changes team (离职继承, issue 18 item 4).

Every app says which of its records are a person's open work and how they move to a colleague: a
``HandoverGroup`` registered from the app's ``apps.py`` (its ``<app>/handover.py``), so this ground floor
knows nothing of the apps above it. A field that points at a staff member but is no open work (who wrote a
record, who approved it) is listed with ``register_not_open_work`` and the reason; tests/teams/test_handover.py
fails when a model gains a staff field that is in neither list.

``handover_perform`` moves every group in one transaction, a timeline line on each record (the app's own
writer; ``handover_line`` is the text), tells each new owner what they received, then deactivates the account
and writes the staff history (``StaffChange``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from teams.audit import changes_against_db
from teams.editing import EditConflict
from teams.messages import Message
from teams.models import NotificationKind, StaffChange, Team, User
from teams.roles import Role
from teams.services import notify, staff_changes_record


@dataclass(frozen=True)
class HandoverGroup:
    """One kind of open work a person may own (their open complaints, their chair turns…).

    ``open_for(person)`` returns the records still open; ``move(records=, person=, to=, by=)`` gives the
    (locked) records to ``to`` and writes a timeline line on each. ``receivers``: the roles that may take
    this work; ``team_of(record)`` the team the receiver must belong to (None: any team), unless the
    receiver is a deputy GM and ``Role.DEPUTY_GM`` is among the receivers. ``fields``: the
    ``app_label.Model.field`` names it covers."""

    key: str
    label: object
    fields: tuple[str, ...]
    open_for: Callable[[User], QuerySet] = field(compare=False)
    move: Callable[..., None] = field(compare=False)
    receivers: frozenset
    team_of: Callable[[object], int | None] | None = field(default=None, compare=False)
    order: int = 100


@dataclass(frozen=True)
class HandoverNote:
    """Open records of a person that stay theirs (a target card measures its own member's month): the wizard
    lists them so the deputy GM knows what is left to finish; nothing moves."""

    key: str
    label: object
    open_for: Callable[[User], QuerySet] = field(compare=False)
    order: int = 100


GROUPS: dict[str, HandoverGroup] = {}
NOTES: dict[str, HandoverNote] = {}
# "app_label.Model.field" → why it is no open work (it records a fact; it stays with the person).
NOT_OPEN_WORK: dict[str, str] = {}


def register_handover_group(group: HandoverGroup) -> None:
    GROUPS[group.key] = group


def register_handover_note(note: HandoverNote) -> None:
    NOTES[note.key] = note


def handover_notes(person: User) -> list[tuple[HandoverNote, int]]:
    """Each note with open records of ``person`` and their number."""
    counts = [(note, note.open_for(person).count()) for note in sorted(NOTES.values(), key=lambda n: n.order)]
    return [(note, n) for note, n in counts if n]


def register_not_open_work(fields: Mapping[str, str]) -> None:
    NOT_OPEN_WORK.update(fields)


def handover_groups() -> list[HandoverGroup]:
    return sorted(GROUPS.values(), key=lambda g: (g.order, g.key))


def handover_line(*, what, old, new) -> Message:
    """The timeline line each moved record gets, read in the reader's language."""
    return Message("Hand-over (leaving staff): %(what)s %(old)s → %(new)s", what=what, old=old, new=new)


# --- Reads -----------------------------------------------------------------------------------------------


def handover_open_counts(person: User) -> dict[str, int]:
    """Each group's number of open records of ``person`` (zeros included), one query per group."""
    return {g.key: g.open_for(person).count() for g in handover_groups()}


def handover_has_open_work(person: User) -> bool:
    return any(g.open_for(person).exists() for g in handover_groups())


def handover_candidates(group: HandoverGroup, person: User) -> QuerySet[User]:
    """The active colleagues who may take ``group`` from ``person`` (the team check per record follows)."""
    people = User.objects.filter(is_active=True, role__in=sorted(group.receivers)).exclude(pk=person.pk)
    if group.team_of is not None:
        teams = {group.team_of(r) for r in group.open_for(person)} or {person.team_id}
        teams.discard(None)
        condition = Q(team_id__in=teams)
        if Role.DEPUTY_GM in group.receivers:
            condition |= Q(role=Role.DEPUTY_GM)
        people = people.filter(condition)
    return people.select_related("team").order_by("team__name", "full_name")


# --- The move --------------------------------------------------------------------------------------------


@dataclass
class HandoverResult:
    moved: dict[str, int]  # group key → records moved
    received: dict[int, list[tuple[object, int]]]  # receiver pk → [(label, count)]
    deactivated: bool


def _check_receiver(group: HandoverGroup, to: User, person: User, records: Iterable) -> None:
    if to.pk == person.pk:
        raise ValidationError(_("%(group)s: choose someone else than the person leaving.") % {"group": group.label})
    if not to.is_active:
        raise ValidationError(_("%(group)s: %(name)s is no longer active.") % {"group": group.label, "name": to})
    if to.role not in group.receivers:
        raise ValidationError(
            _("%(group)s: %(name)s has the wrong role for this work.") % {"group": group.label, "name": to}
        )
    if group.team_of is None or (to.role == Role.DEPUTY_GM and Role.DEPUTY_GM in group.receivers):
        return
    for record in records:
        team_id = group.team_of(record)
        if team_id is not None and team_id != to.team_id:
            raise ValidationError(
                _("%(group)s: %(name)s is not a member of the team of %(record)s.")
                % {"group": group.label, "name": to, "record": record}
            )


@transaction.atomic
def handover_perform(
    *,
    person: User,
    by: User,
    assignments: Mapping[str, User | None],
    seen: Mapping[str, int] | None = None,
    deactivate: bool = True,
) -> HandoverResult:
    """Give each group of ``person``'s open work to ``assignments[group key]``, all or nothing, then
    (``deactivate``) deactivate the account. ``seen``: the counts the deputy GM saw; if the open work
    changed meanwhile, ``EditConflict`` (she checks again). Only the deputy GM (or a superuser) may."""
    if not (by.is_superuser or by.role == Role.DEPUTY_GM):
        raise ValidationError(_("Only the deputy general manager hands over someone's work."))
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise ValidationError(_("%(name)s has already been deactivated.") % {"name": person})
    moved: dict[str, int] = {}
    received: dict[int, list] = defaultdict(list)
    receivers: dict[int, User] = {}
    locked = {}
    for group in handover_groups():
        records = list(group.open_for(person).select_for_update(of=("self",)))
        if seen is not None and seen.get(group.key, 0) != len(records):
            raise EditConflict(
                _("The open work of %(name)s changed meanwhile. Check the groups again.") % {"name": person}
            )
        if not records:
            continue
        to = assignments.get(group.key)
        if to is None:
            raise ValidationError(_("%(group)s: choose who takes it over.") % {"group": group.label})
        if to.pk not in receivers:  # read again, locked: nobody deactivates them before this commits
            receivers[to.pk] = User.objects.select_for_update().get(pk=to.pk)
        to = receivers[to.pk]
        _check_receiver(group, to, person, records)
        locked[group.key] = (group, records, to)
    for group, records, to in locked.values():
        group.move(records=records, person=person, to=to, by=by)
        moved[group.key] = len(records)
        received[to.pk].append((group.label, len(records)))
    left = [str(GROUPS[key].label) for key, n in handover_open_counts(person).items() if n]
    if left:  # a move that missed a record would leave it with someone who cannot act on it
        raise ValidationError(_("Some work could not be moved: %(groups)s.") % {"groups": ", ".join(left)})
    if not moved and not deactivate:
        raise ValidationError(_("Nothing to hand over and the account stays active: nothing was done."))
    # "李娜: 客户 3, 投诉 1; 王强: 项目 2", each label read in the reader's language (teams/models/history.py).
    summary = Message.join(
        [
            Message.join(
                [receivers[pk], Message.join([Message.join([label, n], " ") for label, n in parts], ", ")], ": "
            )
            for pk, parts in received.items()
        ],
        "; ",
    )
    StaffChange(user=person, changed_by=by, field="handover").set_texts(
        label=pgettext_lazy("staff", "Hand-over"), new=summary
    ).save()
    if deactivate:
        changes = changes_against_db(person, {"is_active": False}, ["is_active"])
        person.is_active = False
        person.save(update_fields=["is_active"])
        staff_changes_record(user=person, by=by, changes=changes)
    for pk, parts in received.items():
        lines = [Message("%(what)s: %(n)d", what=label, n=n) for label, n in parts]
        notify(
            kind=NotificationKind.ACCOUNT,
            recipients=[receivers[pk]],
            title=Message("Handed over to you: the open work of %(name)s", name=person),
            body=Message.join(lines),
            url=reverse("teams:home"),
        )
    return HandoverResult(moved=moved, received=dict(received), deactivated=deactivate)


# --- The ground floor's own part: the teams a person leads ----------------------------------------------


def _teams_led(person: User) -> QuerySet:
    return Team.objects.filter(leader=person, is_active=True)


def _move_leadership(*, records, person, to, by) -> None:
    Team.objects.filter(pk__in=[t.pk for t in records]).update(leader=to)


def register_own() -> None:
    """teams' groups and fields (called from teams/apps.py)."""
    register_handover_group(
        HandoverGroup(
            key="teams_led",
            label=gettext_lazy("Teams led (complaints and reviews are routed to the leader)"),
            fields=("teams.Team.leader",),
            open_for=_teams_led,
            move=_move_leadership,
            receivers=frozenset({Role.CONSULTANT}),
            team_of=lambda team: team.pk,
            order=0,
        )
    )
    register_not_open_work(
        {
            "admin.LogEntry.user": "who edited in the admin: a fact",
            "otp_totp.TOTPDevice.user": "the person's own second factor",
            "otp_static.StaticDevice.user": "the person's own recovery codes",
            "teams.Job.owner": "the person's own exports and imports",
            "teams.Job.decided_by": "who approved an export: a fact",
            "teams.Notification.recipient": "what the person was told",
            "teams.StaffChange.user": "the history of the account itself",
            "teams.StaffChange.changed_by": "who changed an account: a fact",
            "teams.Submission.user": "a double-submit guard of the person's own forms",
            "teams.ChannelOptOut.user": "the person's own choice of notification channels",
            "teams.WeComLinkRequest.user": "the person's own WeCom sign-in, for the deputy GM to confirm",
            "teams.WeComLinkRequest.decided_by": "who confirmed or refused a WeCom link: a fact",
        }
    )
