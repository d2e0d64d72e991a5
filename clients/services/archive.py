"""The paper archive: hand-over by the consultant, receipt, loans and returns by the admin clerk."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import ArchiveHandover, ArchiveLoan, Client, ClientEvent
from clients.services.common import _event
from teams.editing import EditConflict, claim
from teams.messages import Message
from teams.models import NotificationKind, User
from teams.roles import Role
from teams.services import notify


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
        Message("File handed to the administration (%(n)s documents)", n=len(documents)),
        by,
    )
    notify(
        kind=NotificationKind.CLIENT,
        recipients=User.objects.filter(role=Role.ADMIN_CLERK, is_active=True),
        title=Message("Client file to archive: %(client)s", client=client),
        url=reverse("clients:archive"),
    )
    return handover


@transaction.atomic
def archive_receive(*, handover: ArchiveHandover, by: User, shelf_mark: str = "") -> ArchiveHandover:
    now = timezone.now()
    if not claim(handover, "received_at", now, received_by=by, shelf_mark=shelf_mark):
        raise EditConflict(_("This file has already been received."))
    _event(handover.client, ClientEvent.Kind.ARCHIVE, Message("Archived by the administration"), by, at=now)
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
    _event(handover.client, ClientEvent.Kind.ARCHIVE, Message("Paper file lent to %(who)s", who=borrower), by)
    return loan


@transaction.atomic
def archive_return(*, loan: ArchiveLoan, by: User) -> ArchiveLoan:
    now = timezone.now()
    if not claim(loan, "returned_at", now):
        raise EditConflict(_("This file has already been returned."))
    _event(
        loan.handover.client, ClientEvent.Kind.ARCHIVE, Message("Paper file returned by %(who)s", who=loan.borrower), by
    )
    return loan
