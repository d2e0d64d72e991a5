"""Retention and anonymisation of clients (teams/retention.py): a lost lead that never signed is anonymised
``RETENTION_LOST_LEAD_MONTHS`` after it was lost; access-log entries are deleted after
``RETENTION_ACCESS_LOG_MONTHS``. Anonymising keeps the row (stage, source, tier, lost reason, dates), so every
count of the reports stays as it was; only what names or reaches the person goes."""

import datetime as dt

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import AccessLog, Client, ClientEvent
from clients.search import search_keys
from clients.selectors import client_records, client_urls
from teams.messages import Message, to_store
from teams.registry import run_hooks
from teams.retention import ANONYMISE, DELETE, Expired, chunks, months_before, notifications_scrub, scrub

# What anonymising clears on the client row (name becomes the pseudonym).
PERSONAL_CLIENT_FIELDS = [
    "phone",
    "phone2",
    "wechat",
    "district",
    "community",
    "building",
    "referrer",
    "notes",
    "lost_notes",
    "tier_reason",
]


def client_pseudonym(client_id: int) -> str:
    """Stored, so in the site's language (客户#12), whoever runs the sweep."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("Client #%(id)s") % {"id": client_id}


@transaction.atomic
def client_anonymise(*, client_id: int, now: dt.datetime | None = None) -> bool:
    """Name → 客户#id, phones, WeChat, address and free texts removed, on the client and on every record of the
    other apps that names them (``client_anonymise`` hooks: ``(client_id, pseudonym, old_values)``, each app
    clears its fields and scrubs ``old_values`` from the free texts of that client's rows); the edit history's
    old values too. Claimed with
    a conditional update: a second call does nothing and returns False."""
    now = now or timezone.now()
    pseudonym = client_pseudonym(client_id)
    old = Client.objects.filter(pk=client_id).values_list("name", "phone", "phone2", "wechat").first() or ()
    updated = Client.objects.filter(pk=client_id, anonymised_at=None).update(
        name=pseudonym,
        anonymised_at=now,
        # The search keys (clients/search.py) are the name's pinyin and the phones' digits: they go too.
        **search_keys(name=pseudonym, phone="", phone2=""),
        **dict.fromkeys(PERSONAL_CLIENT_FIELDS, ""),
    )
    if updated != 1:
        return False
    # Edits wrote old and new values ("地址: … → …"): keep that something was edited, not what.
    text, message = to_store(Message("Details edited"))
    ClientEvent.objects.filter(client_id=client_id, kind=ClientEvent.Kind.EDIT).update(text=text, message=message)
    replacements = client_replacements(old, pseudonym)
    for _label, queryset in client_records(client_id=client_id):
        scrub(queryset, replacements)
    notifications_scrub(replacements, client_urls(client_id=client_id))
    # The admin's history names the client it changed.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Client), object_id=str(client_id)).update(
        object_repr=pseudonym, change_message=""
    )
    run_hooks("client_anonymise", client_id=client_id, pseudonym=pseudonym)
    return True


def client_replacements(old, pseudonym: str) -> dict[str, str]:
    """The name becomes the pseudonym; phones and the WeChat id go."""
    name, *contacts = old or ("",)
    return {name: pseudonym, **dict.fromkeys((c for c in contacts if c), "")}


def lost_leads_expired(*, now: dt.datetime):
    cutoff = months_before(now, settings.RETENTION_LOST_LEAD_MONTHS)
    return Client.objects.filter(
        stage=Client.Stage.LOST, lost_at__lt=cutoff, anonymised_at=None, contracts__isnull=True
    ).order_by("pk")


def access_log_expired(*, now: dt.datetime):
    return AccessLog.objects.filter(at__lt=months_before(now, settings.RETENTION_ACCESS_LOG_MONTHS))


def retention_sweep(*, now: dt.datetime, dry_run: bool) -> list[Expired]:
    """The clients app's part of the nightly retention sweep."""
    expired = lost_leads_expired(now=now).values_list("pk", flat=True)
    if not dry_run:  # the dry run lists everything that has expired; a run takes the oldest ids first
        expired = expired[: settings.RETENTION_SWEEP_MAX_CLIENTS]
    leads = Expired("lost leads", ANONYMISE, list(expired))
    log = Expired("access log entries", DELETE, list(access_log_expired(now=now).values_list("pk", flat=True)))
    if not dry_run:
        leads.ids = [pk for pk in leads.ids if client_anonymise(client_id=pk, now=now)]
        for ids in chunks(log.ids):
            AccessLog.objects.filter(pk__in=ids).delete()
    return [leads, log]
