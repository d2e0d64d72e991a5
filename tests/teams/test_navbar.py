"""The navigation bar is rendered once per role, page and language (teams/templatetags/shell.py); what belongs to
one request — the signed-in person's name, the CSRF token, the bell's count, the page's address, the search
text — must never show on another's page."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from teams.roles import Role
from tests.teams.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(user, url, **headers):
    client = Client(**headers)
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return client, response.content.decode()


def _nav(html):
    return html[html.index("<nav") : html.index("</nav>")]


def test_two_consultants_each_see_their_own_name_token_and_count(team):
    wang = UserFactory(role=Role.CONSULTANT, team=team, full_name="王<b>芳</b>")
    li = UserFactory(role=Role.CONSULTANT, team=team, full_name="李娜")
    NotificationFactory.create_batch(3, recipient=wang)
    url = reverse("complaints:list")

    wang_client, wang_html = _page(wang, url)
    li_client, li_html = _page(li, url)

    assert "王&lt;b&gt;芳&lt;/b&gt;" in _nav(wang_html) and "李娜" not in _nav(wang_html)
    assert "李娜" in _nav(li_html) and "王" not in _nav(li_html)
    assert 'bg-danger">3<' in wang_html and "bg-danger" not in _nav(li_html)
    tokens = {re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0] for html in (wang_html, li_html)}
    assert len(tokens) == 2
    # Each token is the person's own: the language switch posts with it.
    for client, html in ((wang_client, wang_html), (li_client, li_html)):
        token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[0]
        posted = client.post(reverse("set_language"), {"language": "en", "next": "/"}, HTTP_X_CSRFTOKEN=token)
        assert posted.status_code == 302
    assert "\x1b" not in wang_html + li_html


def test_the_page_address_and_search_text_are_the_requests_own(consultant):
    _, first = _page(consultant, reverse("complaints:list") + "?q=漏水&page=2")
    _, second = _page(consultant, reverse("complaints:list") + '?q="><script>')

    assert 'value="漏水"' in _nav(first) and 'name="next" type="hidden" value="/complaints/?q=' in first
    assert "漏水" not in _nav(second)
    assert 'value="&quot;&gt;&lt;script&gt;"' in _nav(second) and "<script>" not in _nav(second)


def test_the_active_entry_follows_the_page_and_the_language_the_request(consultant):
    _, complaints = _page(consultant, reverse("complaints:list"))
    _, clients = _page(consultant, reverse("clients:list"))
    _, english = _page(consultant, reverse("clients:list"), HTTP_ACCEPT_LANGUAGE="en")

    def active(html):
        return re.findall(r'class="(?:nav-link|dropdown-item) active" href="([^"]+)"', _nav(html))

    assert active(complaints) == [reverse("complaints:list")]
    assert active(clients) == [reverse("clients:list")]
    assert "投诉" in _nav(clients) and "投诉" not in _nav(english) and "Complaints" in _nav(english)
    with translation.override("zh-hans"):
        role = consultant.get_role_display()
    assert role in _nav(clients) and role not in _nav(english)


def test_switching_language_on_a_form_shown_again_returns_to_the_page_it_came_from(consultant):
    """A refused comment re-renders the complaint page at the comment's POST-only address: the switch must not
    send the person there (405, an empty page)."""
    from tests.complaints.factories import ComplaintFactory

    complaint = ComplaintFactory(client__team=consultant.team, handler=consultant)
    page = reverse("complaints:detail", args=[complaint.pk])
    client = Client()
    client.force_login(consultant)
    html = client.post(page + "comment/", {"comment": ""}, HTTP_REFERER="http://testserver" + page).content.decode()
    assert f'name="next" type="hidden" value="{page}"' in html

    elsewhere = client.post(page + "comment/", {"comment": ""}, HTTP_REFERER="https://evil.example/x").content.decode()
    assert 'name="next" type="hidden" value="/"' in elsewhere
