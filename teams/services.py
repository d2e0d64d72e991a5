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
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from config.celery import enqueue_on_commit
from teams import auth_cache, wecom
from teams.channels import SENDERS
from teams.messages import Message, as_text
from teams.models import ChannelOptOut, Delivery, Heartbeat, Notification, NotificationKind, Team, User
from teams.models.notifications import CLAIM_TIMEOUT
from teams.robots import SendLater, display_address

logger = logging.getLogger(__name__)

# CLAIM_TIMEOUT (teams/models/notifications.py): a sender that has not finished within it has died, and its
# claim may be taken over; also the pause between attempts (a failed attempt keeps its claim until then).
# After this many attempts (about two hours of an SMTP outage) the delivery is given up
# and shown to the deputy GM, who may send it again.
MAX_ATTEMPTS = 24
# Errors no retry can fix: refused recipients, a malformed header or address, a person WeCom does not know.
# A transient error may carry ``retry_after`` (seconds; WeCom's rate limit): the next attempt waits that long.
PERMANENT_ERRORS = (smtplib.SMTPRecipientsRefused, ValueError, wecom.WeComPermanentError)
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
    kind: str = NotificationKind.GENERAL,
) -> list[Notification]:
    """Notify each recipient in the app, by e-mail (when they have an address) and by a WeCom application
    message (when WeCom is configured and their account is linked), each unless they turned that channel off
    for this ``kind`` (``NotificationKind``; ``ChannelOptOut``), and post to ``team_channel``'s group robot if
    it has one. ``email=False``: no e-mail whatever the person chose.

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
            Notification(recipient=user, title=title[:200], body=body, url=url, message=message or None, kind=kind)
            for user in people
        ]
    )
    forget_unread(user.pk for user in people)
    link = f"\n\n{settings.SITE_URL}{url}" if url else ""
    deliveries = []
    addresses = {Delivery.Channel.EMAIL: email, Delivery.Channel.WECOM: wecom.enabled()}
    wanted = _channels_wanted(people, kind, addresses)
    for note, user in zip(notifications, people, strict=True):
        for channel in wanted.get(user.pk, ()):
            subject, text = in_language(user.language) if user.language else (title, body)
            is_email = channel == Delivery.Channel.EMAIL
            deliveries.append(
                Delivery(
                    notification=note if note.pk else None,
                    channel=channel,
                    address=user.email if is_email else user.wecom_userid,
                    subject=subject[:200],
                    body=text + link if is_email else text,
                    link="" if is_email else url,
                )
            )
    if team_channel is not None and team_channel.webhook_url:
        # The robot's address and secret are read from the team when it is sent (teams/robots.py); the row
        # shows the robot with its key cut short.
        deliveries.append(
            Delivery(
                channel=Delivery.Channel.WEBHOOK,
                team=team_channel,
                address=display_address(team_channel.webhook_url),
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


def _channels_wanted(people, kind: str, on: dict) -> dict[int, list[str]]:
    """Per person, the channels besides the app for a notification of ``kind``: those ``on`` for this
    notification on which they have an address (e-mail, a linked WeCom account) and did not turn off
    (one query, only when someone has such an address)."""
    has = {
        user.pk: [
            channel
            for channel, address in ((Delivery.Channel.EMAIL, user.email), (Delivery.Channel.WECOM, user.wecom_userid))
            if on[channel] and address
        ]
        for user in people
    }
    if not any(has.values()):
        return {}
    off = set(
        ChannelOptOut.objects.filter(user__in=[pk for pk, channels in has.items() if channels], kind=kind).values_list(
            "user_id", "channel"
        )
    )
    return {pk: [c for c in channels if (pk, c) not in off] for pk, channels in has.items()}


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
        Delivery.objects.filter(pk=delivery_id)
        .claimable(now=now, timeout=CLAIM_TIMEOUT)
        .update(claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery: "sent", "skipped" (already sent or being sent), "held" or "failed".

    Claimed → sent → marked. The claim is a conditional update, so it holds on
    SQLite too, and it is not released on failure: the next attempt waits for
    the claim to expire. A crash between sending and marking therefore resends
    at most once per timeout, with the same Message-ID.

    A sender may carry other deliveries in the same message (a group robot's combined post): it returns their
    ids, or names them on its exception, and they are marked with this one. ``SendLater`` (the robot's minute
    is full, or it asked for a pause) releases the claim until its time.
    """
    now = timezone.now()
    if not delivery_claim(delivery_id=delivery_id, now=now):
        return "skipped"
    delivery = Delivery.objects.get(pk=delivery_id)
    try:
        also = SENDERS[delivery.channel](delivery) or []
    except SendLater as exc:
        logger.info("Delivery %s waits until %s: %s", delivery_id, exc.at.isoformat(), exc)
        rows = Delivery.objects.filter(pk__in=[delivery_id, *exc.also])
        if exc.attempted:
            rows.update(
                claimed_at=None,
                not_before=exc.at,
                last_error=repr(exc)[:2000],
                failed_at=Case(When(attempts__gte=MAX_ATTEMPTS, then=Value(now))),
            )
            return "failed"
        rows.update(claimed_at=None, not_before=exc.at, attempts=F("attempts") - 1)
        return "held"
    except Exception as exc:
        permanent = isinstance(exc, PERMANENT_ERRORS)
        logger.warning("Delivery %s failed%s: %s", delivery_id, " for good" if permanent else "", exc)
        given_up = Value(timezone.now()) if permanent else Case(When(attempts__gte=MAX_ATTEMPTS, then=Value(now)))
        fields = {"last_error": repr(exc)[:2000], "failed_at": given_up}
        retry_after = None if permanent else getattr(exc, "retry_after", None)
        if retry_after:
            # The claim expires, and the scan tries again, ``retry_after`` seconds from now (not CLAIM_TIMEOUT).
            fields["claimed_at"] = now - CLAIM_TIMEOUT + timedelta(seconds=retry_after)
        Delivery.objects.filter(pk__in=[delivery_id, *getattr(exc, "also", [])]).update(**fields)
        return "failed"
    Delivery.objects.filter(pk__in=[delivery_id, *also]).update(sent_at=timezone.now(), last_error="")
    return "sent"


def deliveries_pending(*, older_than: timedelta = timedelta(seconds=30)) -> list[int]:
    """Unsent deliveries that the broker should have handled by now and nobody is sending."""
    now = timezone.now()
    return list(
        Delivery.objects.filter(created_at__lte=now - older_than)
        .claimable(now=now, timeout=CLAIM_TIMEOUT)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def delivery_retry(*, delivery_id: int) -> bool:
    """The deputy GM sends a given-up delivery again (after fixing the address, say)."""
    updated = (
        Delivery.objects.failed()
        .filter(pk=delivery_id)
        .update(failed_at=None, claimed_at=None, not_before=None, attempts=0)
    )
    if updated:
        from teams.tasks import deliver

        enqueue_on_commit(deliver, delivery_id)
    return updated == 1


# The banner's read of the delivery scan's heartbeat, for the deputy GM's every page: kept this long in the
# cache (the banner comes at most this much later than STALLED_AFTER says; /healthz reads the database).
HEARTBEAT_CACHE_SECONDS = 60


def _heartbeat_key(name: str) -> str:
    return f"teams:heartbeat:v1:{name}"


def heartbeat_record(*, name: str, now: datetime | None = None) -> None:
    """Note that the periodic job ``name`` has just run."""
    at = now or timezone.now()
    Heartbeat.objects.update_or_create(name=name, defaults={"last_run_at": at})
    # Dropped now and after the commit: a page read in between would have cached the old moment.
    key = _heartbeat_key(name)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def background_stopped(
    *, now: datetime | None = None, after: timedelta = STALLED_AFTER, cached: bool = False
) -> dict | None:
    """None while the every-minute delivery scan runs; otherwise ``{"last_run": datetime | None}``.

    The scan needs beat to queue it and a worker to run it, so its heartbeat stops when either does.
    ``cached``: the last run as read in the past ``HEARTBEAT_CACHE_SECONDS`` (the page shell's banner)."""
    key = _heartbeat_key(DELIVERY_SCAN)
    found = cache.get(key) if cached else None
    if found is None:
        found = {"at": Heartbeat.objects.filter(name=DELIVERY_SCAN).values_list("last_run_at", flat=True).first()}
        if cached:
            cache.set(key, found, HEARTBEAT_CACHE_SECONDS)
    last = found["at"]
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


def notification_channels_set(*, user: User, channels: Iterable[str], wanted: set[tuple[str, str]]) -> int:
    """Keep ``user``'s choice: each kind of notification reaches them on each of ``channels`` only if
    ``(kind, channel)`` is in ``wanted`` (the app's bell always). Returns how many are turned off."""
    channels = list(channels)
    rows = [
        ChannelOptOut(user=user, kind=kind, channel=channel)
        for kind in NotificationKind
        for channel in channels
        if (kind.value, channel) not in wanted
    ]
    with transaction.atomic():
        ChannelOptOut.objects.filter(user=user, channel__in=channels).delete()
        ChannelOptOut.objects.bulk_create(rows)
    return len(rows)


def user_sync_role_group(*, user: User) -> None:
    """Keep the user in exactly the Django group of their role."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=user.role).first()
    user.groups.set([group] if group else [])


# History of staff accounts (StaffChange) --------------------------------------------------------------------

# The fields of an account that decide what its holder may see and do.
TRACKED_STAFF_FIELDS = ["role", "team", "is_active", "is_staff", "is_superuser", "wecom_userid"]


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
