"""Notifications stored as msgid + parameters read in the reader's language (teams/messages.py)."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from teams import services
from teams.messages import Message
from teams.models import Delivery, Notification
from tests.teams.factories import NotificationFactory

pytestmark = pytest.mark.django_db

# Msgids that the catalogue already translates (complaints/services.py, reception/models.py).
TITLE = "You are working on complaint #%(pk)s"
STATE_LINE = "Complaint #%(pk)s: %(state)s"


def test_written_in_english_reads_in_chinese_and_back(consultant):
    with translation.override("en"):
        services.notify(recipients=[consultant], title=Message(TITLE, pk=12), email=False)

    note = Notification.objects.get(recipient=consultant)
    with translation.override("zh-hans"):
        assert note.display_title == "请您处理投诉 #12"
    with translation.override("en"):
        assert note.display_title == "You are working on complaint #12"
    # The text column holds the site language, whatever was active when it was written.
    assert note.title == "请您处理投诉 #12"


def test_written_in_chinese_reads_in_english(consultant):
    with translation.override("zh-hans"):
        services.notify(recipients=[consultant], title=Message(TITLE, pk=7), email=False)

    with translation.override("en"):
        assert Notification.objects.get().display_title == "You are working on complaint #7"


def test_lazy_label_parameter_is_translated_when_read(consultant):
    # A msgid in no catalogue (a variable, so makemessages does not collect it) keeps its
    # English words, while the lazy parameter is still translated.
    message = Message(STATE_LINE, pk=3, state=gettext_lazy("Closed"))
    services.notify(recipients=[consultant], title="x", body=message, email=False)

    note = Notification.objects.get()
    with translation.override("en"):
        assert note.display_body == "Complaint #3: Closed"
    with translation.override("zh-hans"):
        assert note.display_body == "Complaint #3: 已关闭"


def test_old_row_with_text_only_shows_as_stored():
    note = NotificationFactory(title="新投诉 #12", body="卫生间漏水")
    with translation.override("en"):
        assert (note.display_title, note.display_body) == ("新投诉 #12", "卫生间漏水")


def test_broken_parameters_fall_back_to_the_stored_text():
    note = NotificationFactory(title="旧文本", message={"title": {"msgid": "%(gone)s", "params": {"pk": 1}}})
    assert note.display_title == "旧文本"


def test_bell_page_shows_the_readers_language(client, consultant):
    with translation.override("zh-hans"):
        services.notify(recipients=[consultant], title=Message(TITLE, pk=5), email=False)
    client.force_login(consultant)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("teams:notifications"))
    assert "You are working on complaint #5" in page.content.decode()


def test_email_goes_out_in_the_site_language(consultant, django_capture_on_commit_callbacks):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[consultant], title=Message(TITLE, pk=9), body=Message(TITLE, pk=10))

    assert mail.outbox[0].subject == "请您处理投诉 #9"
    assert mail.outbox[0].body.startswith("请您处理投诉 #10")
    assert Delivery.objects.get().subject == "请您处理投诉 #9"


def test_the_language_switch_is_remembered_and_e_mails_follow_it(login, consultant, designer):
    consultant.email, designer.email = "zw@example.com", "ds@example.com"
    consultant.save(update_fields=["email"])
    designer.save(update_fields=["email"])
    web = login(consultant)
    response = web.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302 and web.cookies["django_language"].value == "en"
    consultant.refresh_from_db()
    assert consultant.language == "en"
    services.notify(recipients=[consultant, designer], title=Message("Complaint #%(pk)s resolved", pk=7))
    mails = dict(Delivery.objects.values_list("address", "subject"))
    # Each e-mail in its reader's language: the designer never chose, so the site's (Chinese).
    assert mails == {"zw@example.com": "Complaint #7 resolved", "ds@example.com": "投诉 #7 已解决"}
    # A refused language changes nothing on the account.
    web.post(reverse("set_language"), {"language": "fr", "next": "/"})
    consultant.refresh_from_db()
    assert consultant.language == "en"
