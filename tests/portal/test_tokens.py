"""The client page's security (issue 17): tokens, scoping, rate limits, headers, personal data, logs."""

import datetime as dt
import logging
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from portal.models import ClientAction, PortalLink
from portal.services import link_issue, link_revoke
from portal.tokens import token_hash, token_verify
from tests.portal.conftest import make_project, photo
from tests.projects.factories import InspectionFactory, SchedulePhaseFactory

pytestmark = pytest.mark.django_db


def page(token):
    return reverse("portal:page", args=[token])


def test_token_has_256_random_bits_and_only_its_hash_is_stored(link, token):
    raw = token.rsplit(".", 1)[0]
    assert len(raw) >= 43  # secrets.token_urlsafe(32): 256 bits
    assert link.token_hash == token_hash(raw)
    assert raw not in link.token_hash and token not in str(PortalLink.objects.values_list().get(pk=link.pk))


def test_the_link_opens_the_page(client, token, project):
    response = client.get(page(token))
    assert response.status_code == 200
    assert project.name in response.content.decode()


def _four_oh_fours(client, tokens):
    bodies = set()
    for value in tokens:
        response = client.get(page(value))
        assert response.status_code == 404, value
        bodies.add(response.content)
    return bodies


def test_tampered_expired_revoked_and_unknown_tokens_answer_the_same_404(client, link, token, project, consultant):
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    raw_only = token.rsplit(".", 1)[0]
    made_up = "x" * 40 + "." + "y" * 20
    bodies = _four_oh_fours(client, [tampered, raw_only, made_up, "short"])
    # Expired: the warranty ended yesterday.
    PortalLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    bodies |= _four_oh_fours(client, [token])
    PortalLink.objects.filter(pk=link.pk).update(expires_on=timezone.localdate() + dt.timedelta(days=1))
    assert client.get(page(token)).status_code == 200
    link_revoke(link=link, by=consultant)
    bodies |= _four_oh_fours(client, [token])
    assert len(bodies) == 1, "every refusal looks the same: no hint"
    assert b"revok" not in bodies.pop().lower()


def test_reissue_revokes_the_old_link(client, link, token, project, consultant):
    _new, new_token = link_issue(project=project, by=consultant)
    assert client.get(page(token)).status_code == 404
    assert client.get(page(new_token)).status_code == 200
    assert PortalLink.objects.filter(project=project, revoked_at=None).count() == 1


def test_a_token_is_verified_without_a_query_when_not_ours(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert token_verify("forged.signature") is None


def test_another_projects_token_never_reaches_this_projects_records(
    client, token, project, phase, team, consultant, pm
):
    other = make_project(team, consultant, pm, name="李女士", phone="13900001111")
    other_phase = SchedulePhaseFactory(project=other, kind="carpentry", order=4)
    InspectionFactory(phase=other_phase, inspector=pm)
    hidden = photo(other, pm, token="b" * 32)
    own_hidden = photo(project, pm, visible=False, token="c" * 32)
    # Ids of the other project's records inside this project's link: the same bare 404, nothing recorded.
    for url in [
        reverse("portal:sign_off", args=[token, other_phase.pk]),
        reverse("portal:plan_confirm", args=[token, 999999]),
        reverse("portal:change_decide", args=[token, 999999]),
        reverse("portal:complaint_rate", args=[token, 999999]),
        reverse("portal:visit_rate", args=[token, 999999]),
    ]:
        assert client.post(url, {"rating": 5, "decision": "approve", "solved": "yes"}).status_code == 404, url
    assert not ClientAction.objects.exists()
    # Files: another project's photo and this project's photo not marked 客户可见.
    assert client.get(reverse("portal:photo", args=[token, hidden.token])).status_code == 404
    assert client.get(reverse("portal:photo", args=[token, own_hidden.token])).status_code == 404
    assert "李女士" not in client.get(page(token)).content.decode()


def test_files_only_through_the_token_view_with_no_store(client, token, project, pm):
    item = photo(project, pm)
    response = client.get(reverse("portal:photo", args=[token, item.token]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    thumb = client.get(reverse("portal:photo", args=[token, item.token]) + "?thumb=1")
    assert thumb.status_code == 200 and len(thumb.content) < 30_000
    # The staff's file URL needs a login.
    assert client.get(item.get_absolute_url()).status_code == 302


def test_every_answer_has_no_referrer_and_no_store(client, token):
    for response in [
        client.get(page(token)),
        client.get(page("forged.x")),
        client.get(reverse("portal:todo", args=[token])),
    ]:
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["Cache-Control"] == "no-store"
    assert b'name="referrer" content="no-referrer"' in client.get(page(token)).content


def test_rate_limited_per_link(client, token, settings):
    settings.PORTAL_REQUESTS_PER_MINUTE_PER_LINK = 3
    codes = [client.get(page(token)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]


def test_rate_limited_per_address_whatever_the_token(client, settings):
    settings.PORTAL_REQUESTS_PER_MINUTE_PER_ADDRESS = 3
    codes = [client.get(page(f"guess{n}.x")).status_code for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_no_staff_personal_data_the_clients_phone_masked_the_address_to_the_community(
    client, token, project, consultant, pm, designer
):
    consultant.phone = "13800001234"
    consultant.email = "zhangwei@example.com"
    consultant.save()
    html = client.get(page(token)).content.decode()
    assert consultant.full_name in html and pm.full_name in html and designer.full_name in html
    assert "13800001234" not in html and "zhangwei@example.com" not in html
    assert "13912345678" not in html and "139****5678" in html
    assert "静安花园" in html and "1201" not in html and "南京西路" not in html
    # A member who chose to show their phone to their clients.
    consultant.phone_on_client_page = True
    consultant.save()
    assert "13800001234" in client.get(page(token)).content.decode()


def test_a_double_tapped_sign_off_counts_once(client, token, phase):
    url = reverse("portal:sign_off", args=[token, phase.pk])
    for _ in range(2):
        assert client.post(url, {"rating": 4, "comment": "不错"}).status_code == 302
    assert ClientAction.objects.filter(target=f"phase:{phase.pk}").count() == 1
    assert phase.project.events.filter(text__contains="不错").count() == 1


def test_the_token_never_reaches_a_log_line(client, token, caplog):
    forged = token[:-4] + "zzzz"
    with caplog.at_level(logging.INFO):
        client.get(page(forged))
    handler = logging.getLogger().handlers[0]
    lines = [handler.format(record) for record in caplog.records if all(f.filter(record) for f in handler.filters)]
    assert lines, "the 404 is logged"
    assert all(forged not in line and token not in line for line in lines)


@pytest.mark.django_db(transaction=True)
def test_client_page_within_ten_queries(client, token, phase, project, pm, django_assert_max_num_queries):
    """Outside a test transaction, as in production: BEGIN and COMMIT are round trips and count too."""
    for n in range(5):
        photo(project, pm, token=f"{n}" * 32)
    client.get(page(token))  # the device cookie is set
    with django_assert_max_num_queries(10):
        response = client.get(page(token))
    assert response.status_code == 200


def test_first_load_is_light(client, token, project, pm):
    for n in range(8):
        photo(project, pm, token=f"{n}" * 32)
    response = client.get(page(token))
    html = response.content
    assets = sum(Path(finders.find(name)).stat().st_size for name in ("portal/portal.css", "portal/portal.js"))
    assert len(html) + assets < 300_000
    assert html.count(b'loading="lazy"') == 8 and b"?thumb=1" in html


def test_a_client_form_posts_with_origin_null(token, phase):
    """With no-referrer the browser sends ``Origin: null``: the token, not a CSRF cookie, guards the forms."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    url = reverse("portal:sign_off", args=[token, phase.pk])
    assert browser.post(url, {"rating": 5}, HTTP_ORIGIN="null").status_code == 302
    assert ClientAction.objects.filter(target=f"phase:{phase.pk}").exists()
