"""Retention (PIPL Art. 19: keep personal information no longer than its purpose needs; the Cybersecurity
Law: network logs at least six months): one sweep over what each app keeps.

Each app registers a sweeper with ``register_hook("retention_sweep", fn)``; ``fn(now=, dry_run=)`` returns
``Expired`` rows: what it anonymised or deleted (or, in a dry run, would). A sweeper only touches rows not yet
anonymised, so a second run changes nothing. Periods: ``RETENTION_*`` settings (checked by teams/checks.py).
"""

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from django.db.models import CharField, F, Q, Value
from django.db.models.functions import Cast, Concat, Replace
from django.utils import timezone

from teams.registry import run_hooks

ANONYMISE = "anonymise"
DELETE = "delete"


@dataclass
class Expired:
    label: str  # what kind of rows, for the operator (English: the command's output and the log)
    action: str  # ANONYMISE or DELETE
    ids: list[int] = field(default_factory=list)


# Ids per statement when the sweep acts on its lists: hundreds of thousands of expired calls in one
# ``pk IN (…)`` exceed SQLite's limit on bound variables (the embedded default), and one UPDATE a row took the
# sweep an hour at company scale (bench/README.md).
CHUNK = 5000


def chunks(ids: list[int], size: int | None = None):
    """``ids`` in slices of at most ``size`` (``CHUNK``)."""
    size = size or CHUNK
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def numbered(label_of) -> Concat:
    """The pseudonym of each row (``label_of(pk)``, e.g. 来电人#12) computed by the database, so that one
    UPDATE names any number of rows."""
    marker = "\x00"
    before, after = label_of(marker).split(marker)
    return Concat(Value(before), Cast("pk", CharField()), Value(after), output_field=CharField())


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same local day and time ``months`` calendar months earlier (the month's last day if shorter)."""
    local = timezone.localtime(moment)
    month_index = local.year * 12 + local.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(local.day, monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day)


def retention_sweep(*, now: dt.datetime | None = None, dry_run: bool = False) -> list[Expired]:
    now = now or timezone.now()
    return [item for items in run_hooks("retention_sweep", now=now, dry_run=dry_run) for item in items]


def text_fields(model) -> list[str]:
    from django.db import models

    return [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField) and not f.choices and not f.primary_key
    ]


def scrub(queryset, replacements: dict[str, str], fields=None) -> int:
    """Replace each old value (a name, a phone) by its replacement inside the text ``fields`` (every
    free-text column when None) of the rows of ``queryset`` — rows that belong to the person, never a
    table-wide search and replace, so another client whose name contains the same characters is untouched.

    One UPDATE per queryset (every field, every value, the longest first as ``str.replace`` in turn would):
    the nightly sweep anonymises thousands of clients, each with a dozen record kinds."""
    fields = text_fields(queryset.model) if fields is None else fields
    olds = sorted((v for v in replacements if v and len(v) >= 2), key=len, reverse=True)
    if not fields or not olds:
        return 0

    def replaced(name):
        expr = F(name)
        for old in olds:
            expr = Replace(expr, Value(old), Value(replacements[old]))
        return expr

    holding = Q(pk__in=[])
    for name in fields:
        for old in olds:
            holding |= Q(**{f"{name}__contains": old})
    return queryset.filter(holding).update(**{name: replaced(name) for name in fields})


def _replace_in(value, replacements: dict[str, str]):
    """``value`` (a stored message: dicts, lists, strings) with every old text replaced."""
    if isinstance(value, str):
        for old in sorted(replacements, key=len, reverse=True):
            if old:
                value = value.replace(old, replacements[old])
        return value
    if isinstance(value, dict):
        return {key: _replace_in(item, replacements) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in(item, replacements) for item in value]
    return value


def notifications_scrub(replacements: dict[str, str], urls: list[str]) -> int:
    """Notifications (and their e-mails) about the person: those that link to one of the person's records
    (``urls``: the record pages' addresses), and any that holds one of their phones (a phone belongs to one
    client: duplicates are refused). Another person's notification is never searched for a name."""
    from teams.models import Delivery, Notification

    replacements = {old: new for old, new in replacements.items() if old and len(old) >= 2}
    linked = Q(pk__in=[])
    for url in urls:
        linked |= Q(url=url) | Q(url__startswith=url.rstrip("/") + "/") | Q(url__startswith=url + "#")
    phones = Q(pk__in=[])
    for old in (v for v in replacements if v.isdigit()):
        phones |= Q(title__contains=old) | Q(body__contains=old)
    changed = 0
    for note in Notification.objects.filter(linked | phones):
        note.title = _replace_in(note.title, replacements)
        note.body = _replace_in(note.body, replacements)
        note.message = _replace_in(note.message, replacements)
        note.save(update_fields=["title", "body", "message"])
        changed += 1
        for delivery in Delivery.objects.filter(notification=note):
            delivery.subject = _replace_in(delivery.subject, replacements)
            delivery.body = _replace_in(delivery.body, replacements)
            delivery.save(update_fields=["subject", "body"])
    return changed


def teams_retention_sweep(*, now: dt.datetime, dry_run: bool = False) -> list[Expired]:
    """The ground floor's own leftovers: a finished job's result file (an export names clients; an import
    preview holds their rows) is deleted ``JOB_RESULT_DAYS`` after it was written — the job's page then says
    so — and the one-time tokens of create forms (``teams.submissions``) after ``SUBMISSION_KEEP_DAYS``."""
    from django.conf import settings

    from teams.models import Job, Submission

    files = Job.objects.filter(finished_at__lt=now - dt.timedelta(days=settings.JOB_RESULT_DAYS)).exclude(result="")
    tokens = Submission.objects.filter(created_at__lt=now - dt.timedelta(days=settings.SUBMISSION_KEEP_DAYS))
    expired = [
        Expired("job result files", DELETE, list(files.values_list("pk", flat=True))),
        Expired("form submission tokens", DELETE, list(tokens.values_list("pk", flat=True))),
    ]
    if not dry_run:
        for ids in chunks(expired[0].ids):
            for job in files.filter(pk__in=ids):
                job.result.delete(save=False)  # the file first: a crash in between leaves a row pointing at nothing
                Job.objects.filter(pk=job.pk).update(result="")
        for ids in chunks(expired[1].ids):
            tokens.filter(pk__in=ids).delete()
    return expired
