"""Notifications: the one way any app tells people about something.

``notify()`` writes the in-app rows in the caller's transaction and queues the
other channels after commit. If the broker is down the rows stay unsent and
``deliver_pending`` (every minute) sends them: nothing is lost.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from config.celery import enqueue_on_commit
from teams.channels import SENDERS
from teams.models import Delivery, Notification, Team, User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
    team_channel: Team | None = None,
) -> list[Notification]:
    """Notify each recipient in the app and by e-mail (when they have an address),
    and post to ``team_channel``'s group robot if it has one."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}.values()
    notifications = Notification.objects.bulk_create(
        [Notification(recipient=user, title=title[:200], body=body, url=url) for user in people]
    )
    link = f"\n\n{settings.SITE_URL}{url}" if url else ""
    deliveries = []
    if email:
        for note, user in zip(notifications, people, strict=True):
            if user.email:
                deliveries.append(
                    Delivery(
                        notification=note if note.pk else None,
                        channel=Delivery.Channel.EMAIL,
                        address=user.email,
                        subject=title[:200],
                        body=body + link,
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


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery: "sent", "skipped" (already sent or being sent) or "failed".

    The row lock makes a second worker skip it rather than send it twice.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True).filter(pk=delivery_id, sent_at__isnull=True).first()
        )
        if delivery is None:
            return "skipped"
        try:
            SENDERS[delivery.channel](delivery)
        except Exception as exc:
            logger.warning("Delivery %s failed: %s", delivery_id, exc)
            Delivery.objects.filter(pk=delivery_id).update(attempts=F("attempts") + 1, last_error=repr(exc)[:2000])
            return "failed"
        Delivery.objects.filter(pk=delivery_id).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
        return "sent"


def deliveries_pending(*, older_than: timedelta = timedelta(seconds=30)) -> list[int]:
    """Unsent deliveries that the broker should have handled by now."""
    cutoff = timezone.now() - older_than
    return list(
        Delivery.objects.filter(sent_at__isnull=True, created_at__lte=cutoff, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, all) of ``user``'s notifications read."""
    qs = Notification.objects.visible_to(user).unread()
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def user_sync_role_group(*, user: User) -> None:
    """Keep the user in exactly the Django group of their role."""
    from django.contrib.auth.models import Group

    group = Group.objects.filter(name=user.role).first()
    user.groups.set([group] if group else [])
