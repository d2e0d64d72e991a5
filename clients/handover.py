"""clients' part of the hand-over (teams/handover.py): a leaving consultant's clients and leads and their
open follow-up visits go to a consultant of the same team, each with a line in the client's timeline."""

from django.utils.translation import gettext_lazy as _

from clients.models import Client, ClientEvent, FollowUpVisit
from clients.services.common import _event
from teams.editing import versioned_update
from teams.facts import facts_write
from teams.handover import HandoverGroup, handover_line, register_handover_group, register_not_open_work
from teams.roles import Role


def _clients(person):
    # Signed clients stay the consultant's through construction and after-sale; lost leads are closed.
    return Client.objects.filter(consultant=person, anonymised_at__isnull=True).exclude(stage=Client.Stage.LOST)


def _move_clients(*, records, person, to, by):
    with facts_write(Client, *[c.pk for c in records]):
        for client in records:
            versioned_update(client, fields={"consultant": to}, expected_version=client.version)
    for client in records:
        _event(
            client,
            ClientEvent.Kind.EDIT,
            handover_line(what=Client._meta.get_field("consultant").verbose_name, old=person, new=to),
            by,
        )


def _visits(person):
    return FollowUpVisit.objects.filter(owner=person, done_at__isnull=True).select_related("client")


def _move_visits(*, records, person, to, by):
    pks = [v.pk for v in records]
    with facts_write(FollowUpVisit, *pks):
        FollowUpVisit.objects.filter(pk__in=pks).update(owner=to, reminded_at=None, escalated_at=None)
    for visit in records:
        what = _("follow-up visit “%(point)s”, owner") % {"point": visit.point}
        _event(visit.client, ClientEvent.Kind.VISIT, handover_line(what=what, old=person, new=to), by)


def register():
    register_handover_group(
        HandoverGroup(
            key="clients",
            label=_("Clients and leads"),
            fields=("clients.Client.consultant",),
            open_for=_clients,
            move=_move_clients,
            receivers=frozenset({Role.CONSULTANT}),
            team_of=lambda client: client.team_id,
            order=10,
        )
    )
    register_handover_group(
        HandoverGroup(
            key="visits",
            label=_("Follow-up visits not done"),
            fields=("clients.FollowUpVisit.owner",),
            open_for=_visits,
            move=_move_visits,
            receivers=frozenset({Role.CONSULTANT}),
            team_of=lambda visit: visit.team_id,
            order=20,
        )
    )
    register_not_open_work(
        {
            "clients.ClientEvent.actor": "who did it: a fact",
            "clients.LostLeadReport.written_by": "who wrote the report: a fact",
            "clients.AccessLog.user": "who read what: the access log",
            "clients.ArchiveHandover.handed_by": "who handed the file over: a fact",
            "clients.ArchiveHandover.received_by": "who received the file: a fact",
            "clients.ArchiveLoan.lent_by": "who lent the file: a fact",
            "clients.Contract.signed_by": "who signed: a fact",
            "clients.ContractChange.changed_by": "who changed the contract: a fact",
            "clients.ContractAttachment.uploaded_by": "who uploaded: a fact",
            "clients.Receipt.recorded_by": "who recorded the money: a fact",
            "clients.PrivacyNotice.published_by": "who published: a fact",
            "clients.ClientConsent.recorded_by": "who recorded the consent: a fact",
            "clients.PrivacyRequest.recorded_by": "who recorded the request: a fact",
            "clients.PrivacyRequestStep.actor": "who did the step: a fact",
        }
    )
