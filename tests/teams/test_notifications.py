import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse

from config import celery as config_celery
from teams import auth_cache, services, tasks
from teams.models import Delivery, Notification
from tests.conftest import real_broker
from tests.teams.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_in_app_row_and_emails_after_commit(consultant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="新投诉 #12", body="卫生间漏水", url="/complaints/12/")

    note = Notification.objects.get(recipient=consultant)
    assert note.title == "新投诉 #12" and note.read_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [consultant.email]
    assert "http://testserver/complaints/12/" in mail.outbox[0].body
    assert Delivery.objects.get().sent_at is not None


def test_rolled_back_change_leaves_no_notification_and_sends_nothing(consultant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.notify(recipients=[consultant], title="不会发出")
        raise RuntimeError("the change failed")

    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_inactive_and_duplicate_recipients_are_notified_once(consultant, designer, django_capture_on_commit_callbacks):
    designer.is_active = False
    designer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant, consultant, designer], title="一次")
    assert Notification.objects.filter(recipient=consultant).count() == 1
    assert not Notification.objects.filter(recipient=designer).exists()
    assert len(mail.outbox) == 1


def test_broker_down_action_succeeds_and_the_scan_delivers_later(
    consultant, django_capture_on_commit_callbacks, monkeypatch
):
    """Redis really down (a closed port): the user's action returns, the e-mail waits, the scan sends it."""
    enqueued = []
    original = config_celery.enqueue

    def spy(task, *args, **kwargs):
        enqueued.append(original(task, *args, **kwargs))
        return enqueued[-1]

    monkeypatch.setattr(config_celery, "enqueue", spy)
    with real_broker("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="转交来电待确认")

    assert enqueued == [False]  # the broker really refused the message
    assert Notification.objects.filter(recipient=consultant).exists()
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None
    assert mail.outbox == []

    with time_machine.travel(dt.timedelta(minutes=2)):
        assert tasks.deliver_pending() == 1
    delivery.refresh_from_db()
    assert delivery.sent_at is not None
    assert len(mail.outbox) == 1


def test_scan_run_twice_sends_once(consultant):
    services.notify(recipients=[consultant], title="提醒")  # no commit callbacks run: only the row exists
    with time_machine.travel(dt.timedelta(minutes=2)):
        assert tasks.deliver_pending() == 1
        assert tasks.deliver_pending() == 0
    assert len(mail.outbox) == 1


def test_failed_smtp_is_recorded_and_retried_by_the_scan(consultant, settings, monkeypatch):
    services.notify(recipients=[consultant], title="重试")
    delivery = Delivery.objects.get()

    def broken(*args, **kwargs):
        raise OSError("SMTP refused")

    monkeypatch.setattr("teams.channels.EmailMultiAlternatives.send", broken)
    assert services.delivery_send(delivery_id=delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.sent_at is None and delivery.attempts == 1 and "SMTP refused" in delivery.last_error

    monkeypatch.undo()
    with time_machine.travel(dt.timedelta(minutes=2)):
        assert tasks.deliver_pending() == 0  # the failed attempt's claim holds until it expires
    with time_machine.travel(services.CLAIM_TIMEOUT + dt.timedelta(minutes=1)):
        assert tasks.deliver_pending() == 1
    assert len(mail.outbox) == 1


def test_notification_list_shows_only_mine(login, consultant, outsider):
    NotificationFactory(recipient=consultant, title="给我的")
    NotificationFactory(recipient=outsider, title="给别人的")
    html = login(consultant).get(reverse("teams:notifications")).content.decode()
    assert "给我的" in html
    assert "给别人的" not in html


def test_mark_read_with_htmx_returns_the_row(login, consultant):
    note = NotificationFactory(recipient=consultant)
    response = login(consultant).post(reverse("teams:notification_read", args=[note.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="note-{note.pk}"' in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_open_marks_read_and_follows_the_link(login, consultant):
    note = NotificationFactory(recipient=consultant, url="/complaints/3/")
    response = login(consultant).post(reverse("teams:notification_read", args=[note.pk]))
    assert response.status_code == 302 and response.url == "/complaints/3/"


def test_open_never_redirects_off_site(login, consultant):
    note = NotificationFactory(recipient=consultant, url="//evil.example.com/")
    response = login(consultant).post(reverse("teams:notification_read", args=[note.pk]))
    assert response.url == reverse("teams:notifications")


def test_someone_elses_notification_gets_404_and_stays_unread(login, consultant, outsider):
    note = NotificationFactory(recipient=outsider)
    response = login(consultant).post(reverse("teams:notification_read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_read_is_post_only(login, consultant):
    note = NotificationFactory(recipient=consultant)
    assert login(consultant).get(reverse("teams:notification_read", args=[note.pk])).status_code == 405


def test_mark_all_read(login, consultant):
    NotificationFactory.create_batch(3, recipient=consultant)
    login(consultant).post(reverse("teams:notifications_read_all"))
    assert not Notification.objects.filter(recipient=consultant, read_at__isnull=True).exists()


def test_bell_shows_the_unread_count(login, consultant):
    NotificationFactory.create_batch(4, recipient=consultant)
    html = login(consultant).get(reverse("teams:notifications")).content.decode()
    assert 'badge rounded-pill bg-danger">4<' in html


def test_notification_list_query_count_does_not_grow(login, consultant, django_assert_max_num_queries):
    NotificationFactory.create_batch(60, recipient=consultant)
    client = login(consultant)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("teams:notifications")).status_code == 200


@pytest.fixture
def unread_cached(settings):
    """The bell's count cached, as in production with Redis (the tests' cache is per process, like one
    gunicorn worker's); the count must still follow every write."""
    settings.UNREAD_COUNT_CACHE_SECONDS = 300


def _badge(client):
    import re

    html = client.get(reverse("teams:notifications")).content.decode()
    found = re.search(r'bg-danger">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_cached_unread_count_follows_new_notifications_and_reading(
    login, consultant, unread_cached, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    client = login(consultant)
    assert _badge(client) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title="新投诉", email=False)
        services.notify(recipients=[consultant], title="又一条", email=False)
    assert _badge(client) == 2
    # Counted once, then from the cache: the next page does not count again.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert _badge(client) == 2
    assert not [q for q in ctx.captured_queries if "COUNT" in q["sql"] and '"read_at" IS NULL' in q["sql"]]
    note = Notification.objects.filter(recipient=consultant).first()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("teams:notification_read", args=[note.pk]))
    assert _badge(client) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("teams:notifications_read_all"))
    assert _badge(client) == 0
    NotificationFactory(recipient=consultant)  # one saved on its own (the admin, a factory)
    assert _badge(client) == 1


def test_cached_unread_count_is_dropped_again_after_the_commit(
    login, consultant, unread_cached, django_capture_on_commit_callbacks
):
    """A page counting while a notification's transaction is still open caches the old number: the commit
    drops it again."""
    from django.core.cache import cache

    client = login(consultant)
    assert _badge(client) == 0
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify(recipients=[consultant], title="新投诉", email=False)
        cache.set(auth_cache.unread_key(consultant.pk), 0)  # what a concurrent page would have cached
    assert _badge(client) == 1


def test_unread_count_is_not_cached_without_a_shared_cache(login, consultant, settings):
    settings.UNREAD_COUNT_CACHE_SECONDS = 0  # no REDIS_URL: each process would have its own memory
    client = login(consultant)
    assert _badge(client) == 0
    Notification.objects.bulk_create([Notification(recipient=consultant, title="别的进程写的")])
    assert _badge(client) == 1
