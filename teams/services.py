"""Notifications: the one way any app tells people about something.

``notify()`` writes the in-app rows in the caller's transaction and queues the
other channels after commit. If the broker is down the rows stay unsent and
``deliver_pending`` (every minute) sends them: nothing is lost.
"""

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q
from django.utils import timezone

from config.celery import enqueue_on_commit
from teams import auth_cache
from teams.channels import SENDERS
from teams.messages import Message, as_text
from teams.models import Delivery, Heartbeat, Notification, Team, User

logger = logging.getLogger(__name__)

# A sender that has not finished within this time has died: its claim may be taken over.
# Also the pause between attempts (a failed attempt keeps its claim until then).
CLAIM_TIMEOUT = timedelta(minutes=5)
# After this many attempts (about two hours of an SMTP outage) the delivery is given up
# and shown to the deputy GM, who may send it again.
MAX_ATTEMPTS = 24
# Errors no retry can fix: refused recipients, a malformed header or address.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, ValueError)
# The periodic scan records its runs under this name (``/healthz``, the stopped-work banner).
DELIVERY_SCAN = "deliver_pending"
# Background work counts as stopped when that scan has not run for this long.
STALLED_AFTER = timedelta(minutes=5)


def notify(
    *,
    recipients: Iterable[User],
    title: str | Message,
    body: str | Message = "",
    url: str = "",
    email: bool = True,
    team_channel: Team | None = None,
) -> list[Notification]:
    """Notify each recipient in the app and by e-mail (when they have an address),
    and post to ``team_channel``'s group robot if it has one.

    ``title`` and ``body`` are plain text (stored and shown as they are) or a
    ``teams.messages.Message``, stored as msgid + parameters and shown in each reader's
    language. An e-mail is written in its recipient's language (``User.language``, the one
    last chosen with the switch; the site language if none); robot posts and the text
    columns in the site language."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}.values()
    message = {key: value.to_json() for key, value in (("title", title), ("body", body)) if isinstance(value, Message)}
    originals = (title, body)
    texts = {"": (as_text(title), as_text(body))}

    def in_language(language):
        if language not in texts:
            texts[language] = tuple(v.render_in(language) if isinstance(v, Message) else str(v) for v in originals)
        return texts[language]

    title, body = texts[""]
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, title=title[:200], body=body, url=url, message=message or None)
            for user in people
        ]
    )
    forget_unread(user.pk for user in people)
    link = f"\n\n{settings.SITE_URL}{url}" if url else ""
    deliveries = []
    if email:
        for note, user in zip(notifications, people, strict=True):
            if user.email:
                subject, text = in_language(user.language) if user.language else (title, body)
                deliveries.append(
                    Delivery(
                        notification=note if note.pk else None,
                        channel=Delivery.Channel.EMAIL,
                        address=user.email,
                        subject=subject[:200],
                        body=text + link,
                    )
                )
    if team_channel is not None and team_channel.webhook_url:
        deliveries.append(
            Delivery(
                channel=Delivery.Channel.WEBHOOK,
                address=team_channel.webhook_url,
                subject=title[:200],
                body=body + link,
            )
        )
    if deliveries:
        saved = Delivery.objects.bulk_create(deliveries)
        # SQLite before 3.35 gives no ids back from bulk_create; the scan still finds them.
        from teams.tasks import deliver

        for delivery in saved:
            if delivery.pk:
                enqueue_on_commit(deliver, delivery.pk)
    return notifications


def email_later(*, address: str, subject: str, body: str) -> Delivery:
    """One e-mail that is not a notification (a password reset), sent through the same outbox."""
    from teams.tasks import deliver

    delivery = Delivery.objects.create(
        channel=Delivery.Channel.EMAIL, address=address, subject=subject[:200], body=body
    )
    enqueue_on_commit(deliver, delivery.pk)
    return delivery


def message_client_later(*, channel: str, address: str, subject: str, body: str) -> Delivery:
    """A text to a client (SMS to a phone, or a WeChat template message to an OpenID) through the same outbox
    as every notification, queued after commit and sent by the message gateway (teams/gateways.py)."""
    from teams.tasks import deliver

    if channel not in (Delivery.Channel.SMS, Delivery.Channel.WECHAT):
        raise ValueError(f"not a client channel: {channel}")
    delivery = Delivery.objects.create(channel=channel, address=address, subject=subject[:200], body=body)
    enqueue_on_commit(deliver, delivery.pk)
    return delivery


def delivery_claim(*, delivery_id: int, now: datetime) -> bool:
    """Take the right to send this row: one sender at a time; a dead sender's claim expires."""
    return (
        Delivery.objects.filter(pk=delivery_id, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .update(claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery: "sent", "skipped" (already sent or being sent) or "failed".

    Claimed → sent → marked. The claim is a conditional update, so it holds on
    SQLite too, and it is not released on failure: the next attempt waits for
    the claim to expire. A crash between sending and marking therefore resends
    at most once per timeout, with the same Message-ID.
    """
    now = timezone.now()
    if not delivery_claim(delivery_id=delivery_id, now=now):
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        SENDERS[delivery.channel](delivery)
    except Exception as exc:
        permanent = isinstance(exc, PERMANENT_ERRORS) or delivery.attempts >= MAX_ATTEMPTS
        logger.warning("Delivery %s failed%s: %s", delivery_id, " for good" if permanent else "", exc)
        Delivery.objects.filter(pk=delivery_id).update(
            last_error=repr(exc)[:2000], failed_at=timezone.now() if permanent else None
        )
        return "failed"
    Delivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now(), last_error="")
    return "sent"


def deliveries_pending(*, older_than: timedelta = timedelta(seconds=30)) -> list[int]:
    """Unsent deliveries that the broker should have handled by now and nobody is sending."""
    now = timezone.now()
    return list(
        Delivery.objects.filter(sent_at__isnull=True, failed_at__isnull=True, created_at__lte=now - older_than)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def delivery_retry(*, delivery_id: int) -> bool:
    """The deputy GM sends a given-up delivery again (after fixing the address, say)."""
    updated = Delivery.objects.failed().filter(pk=delivery_id).update(failed_at=None, claimed_at=None, attempts=0)
    if updated:
        from teams.tasks import deliver

        enqueue_on_commit(deliver, delivery_id)
    return updated == 1


def heartbeat_record(*, name: str, now: datetime | None = None) -> None:
    """Note that the periodic job ``name`` has just run."""
    Heartbeat.objects.update_or_create(name=name, defaults={"last_run_at": now or timezone.now()})


def background_stopped(*, now: datetime | None = None, after: timedelta = STALLED_AFTER) -> dict | None:
    """None while the every-minute delivery scan runs; otherwise ``{"last_run": datetime | None}``.

    The scan needs beat to queue it and a worker to run it, so its heartbeat stops when either does."""
    last = Heartbeat.objects.filter(name=DELIVERY_SCAN).values_list("last_run_at", flat=True).first()
    if last is not None and last >= (now or timezone.now()) - after:
        return None
    return {"last_run": last}


def unread_count(user: User) -> int:
    """How many of ``user``'s notifications are unread (the bell's badge on every page).

    Kept in the cache for ``UNREAD_COUNT_CACHE_SECONDS`` (0 = always counted) and dropped when one is
    created for or read by the user (``forget_unread``), once the transaction commits. Only with a cache
    that every process shares (Redis): a per-process cache would not hear of the notifications written by
    another process (a Celery task, another gunicorn worker)."""
    seconds = settings.UNREAD_COUNT_CACHE_SECONDS
    if not seconds:
        return user.notifications.unread().count()
    key = auth_cache.unread_key(user.pk)
    n = auth_cache.read(key)  # read with the session when it could be (teams/auth_cache.py)
    if n is None:
        n = user.notifications.unread().count()
        cache.set(key, n, seconds)
    return n


def forget_unread(user_ids: Iterable[int]) -> None:
    """The cached unread counts of these users are stale: dropped now and again after the commit (a page
    counted in between, before the commit, would have cached the old number)."""
    if not settings.UNREAD_COUNT_CACHE_SECONDS:
        return
    keys = [auth_cache.unread_key(pk) for pk in set(user_ids)]
    if keys:
        auth_cache.forget(*keys)


def forget_unread_of(sender, instance: Notification, **kwargs) -> None:
    """Signal receiver (teams.apps): a notification saved or deleted on its own."""
    forget_unread([instance.recipient_id])


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of ``user``'s notifications read."""
    qs = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    n = qs.update(read_at=timezone.now())
    if n:
        forget_unread([user.pk])
    return n


def user_sync_role_group(*, user: User) -> None:
    """Keep the user in exactly the Django group of their role."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=user.role).first()
    user.groups.set([group] if group else [])


# History of staff accounts (StaffChange) --------------------------------------------------------------------

# The fields of an account that decide what its holder may see and do.
TRACKED_STAFF_FIELDS = ["role", "team", "is_active", "is_staff", "is_superuser"]


def staff_access_snapshot(user: User) -> dict[str, str]:
    """The account's groups and permissions as text, to compare before and after an edit."""
    if user.pk is None:
        return {"groups": "", "user_permissions": ""}
    groups = sorted(user.groups.values_list("name", flat=True))
    perms = sorted(user.user_permissions.values_list("codename", flat=True))
    return {"groups": ", ".join(groups), "user_permissions": ", ".join(perms)}


def staff_changes_record(*, user: User, by: User | None, changes: Iterable, before: dict | None = None) -> int:
    """Append the history rows of one edit: ``changes`` from ``teams.audit.changes_against_db`` (role, team,
    flags), and, given ``before`` (``staff_access_snapshot``), what the groups and permissions became."""
    from teams.models import StaffChange

    rows = [
        StaffChange(user=user, changed_by=by, field=c.name).set_texts(
            label=c.verbose_name or c.label, old=c.old_label or c.old_text, new=c.new_label or c.new_text
        )
        for c in changes
    ]
    if before is not None:
        after = staff_access_snapshot(user)
        labels = {
            "groups": User._meta.get_field("groups").verbose_name,
            "user_permissions": User._meta.get_field("user_permissions").verbose_name,
        }
        for name, old in before.items():
            if after[name] != old:
                rows.append(
                    StaffChange(user=user, changed_by=by, field=name).set_texts(
                        label=labels[name], old=old, new=after[name]
                    )
                )
    StaffChange.objects.bulk_create(rows)
    return len(rows)
