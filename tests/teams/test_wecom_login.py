"""Sign in with WeCom: the real views and client against the fake WeCom on a loopback port, the browser's hop
through WeCom's page made over real HTTP (teams/wecom_fake.py sends it back with a code and the state)."""

import logging
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from teams.models import Notification, StaffChange, WeComLinkRequest
from tests.teams.factories import UserFactory

WECOM_UA = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def through_wecom(login_url: str, as_userid: str) -> str:
    """The browser at WeCom's page picks ``as_userid`` (scans the QR code / agrees): WeCom's redirect back to
    our callback, as a path with its query."""
    url = login_url.split("#")[0] + "&" + urllib.parse.urlencode({"as": as_userid})
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(url, timeout=5)
    assert answer.value.code == 302
    back = urllib.parse.urlsplit(answer.value.headers["Location"])
    assert back.netloc == "testserver"
    return f"{back.path}?{back.query}"


def start(client, next_url="", **headers):
    query = {"next": next_url} if next_url else {}
    response = client.get(reverse("teams:wecom_login"), query, **headers)
    assert response.status_code == 302
    return response["Location"]


@pytest.fixture
def linked(wecom, consultant):
    wecom.add_member("zhangwei", "张伟", consultant.phone)
    consultant.wecom_userid = "zhangwei"
    consultant.save(update_fields=["wecom_userid"])
    return consultant


@pytest.mark.django_db
def test_in_wecoms_browser_a_linked_member_signs_in_through_oauth(wecom, linked, client):
    location = start(client, "/complaints/", HTTP_USER_AGENT=WECOM_UA)
    parts = urllib.parse.urlsplit(location)
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert location.startswith(f"{wecom.url}/connect/oauth2/authorize?") and location.endswith("#wechat_redirect")
    assert query["appid"] == "ww-test-corp" and query["agentid"] == "1000002" and query["scope"] == "snsapi_base"
    assert query["redirect_uri"] == "http://testserver" + reverse("teams:wecom_callback")
    assert len(query["state"]) >= 24

    response = client.get(through_wecom(location, "zhangwei"))
    assert response.status_code == 302 and response["Location"] == "/complaints/"
    assert get_user(client) == linked
    assert [c.path for c in wecom.calls if c.path.startswith("/cgi-bin/")] == [
        "/cgi-bin/gettoken",
        "/cgi-bin/auth/getuserinfo",
    ]


@pytest.mark.django_db
def test_on_a_desk_pc_the_qr_code_login_signs_in(wecom, linked, client):
    location = start(client)
    assert location.startswith(f"{wecom.url}/wwlogin/sso/login?")
    assert "login_type=CorpApp" in location

    response = client.get(through_wecom(location, "zhangwei"))
    assert response.status_code == 302 and response["Location"] == reverse("teams:home")
    assert get_user(client) == linked
    assert client.get(reverse("teams:home")).status_code == 200


@pytest.mark.django_db
def test_the_login_page_offers_wecom_and_keeps_the_password_form(wecom, client):
    page = client.get(reverse("login") + "?next=/complaints/").content.decode()
    assert 'data-testid="wecom-login"' in page and "使用企业微信登录" in page
    assert reverse("teams:wecom_login") + "?next=/complaints/" in page
    assert 'name="password"' in page


@pytest.mark.django_db
def test_password_login_still_works_with_wecom_on(wecom, linked, client):
    response = client.post(reverse("login"), {"username": linked.username, "password": "pass-1234"})
    assert response.status_code == 302 and get_user(client) == linked


@pytest.mark.django_db
def test_an_already_signed_in_person_goes_straight_to_the_page(wecom, linked, login):
    client = login(linked)
    response = client.get(reverse("teams:wecom_login"), {"next": "/complaints/"})
    assert response.status_code == 302 and response["Location"] == "/complaints/"


@pytest.mark.django_db
def test_next_never_leaves_the_site(wecom, linked, client):
    location = start(client, "https://evil.example.com/")
    response = client.get(through_wecom(location, "zhangwei"))
    assert response["Location"] == reverse("teams:home")


# --- refusals --------------------------------------------------------------------------------------------


def assert_refused(response, status, text, caplog, reason):
    page = response.content.decode()
    assert response.status_code == status
    assert text in page, page
    assert any(
        r.name == "teams.wecom" and r.levelno == logging.WARNING and f"refused ({reason})" in r.getMessage()
        for r in caplog.records
    ), [r.getMessage() for r in caplog.records]


@pytest.mark.django_db
def test_a_member_matching_no_active_account_is_refused_in_chinese_and_logged(wecom, client, caplog, consultant):
    wecom.add_member("stranger", "陌生人", "19900000000")
    location = start(client)
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(through_wecom(location, "stranger"))
    assert_refused(response, 403, "没有关联任何在职员工账号", caplog, "unknown")
    assert "userid=stranger" in caplog.text
    assert not get_user(client).is_authenticated
    assert not WeComLinkRequest.objects.exists()


@pytest.mark.django_db
def test_someone_outside_the_corp_is_refused(wecom, client, caplog):
    location = start(client)
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(through_wecom(location, "__outsider__"))
    assert_refused(response, 403, "不是本公司企业微信的成员", caplog, "outsider")
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_a_deactivated_account_is_refused(wecom, linked, client, caplog):
    linked.is_active = False
    linked.save(update_fields=["is_active"])
    location = start(client)
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(through_wecom(location, "zhangwei"))
    assert_refused(response, 403, "没有关联任何在职员工账号", caplog, "unknown")
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_a_missing_state_is_refused_and_the_code_is_not_used(wecom, linked, client, caplog):
    """Login CSRF: a callback link made elsewhere (someone else's code) cannot sign this browser in."""
    code = wecom.code_for("zhangwei")
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(reverse("teams:wecom_callback"), {"code": code})
    assert_refused(response, 400, "不是从本浏览器发起", caplog, "state")
    assert not get_user(client).is_authenticated
    assert not wecom.calls_to("/cgi-bin/auth/getuserinfo")


@pytest.mark.django_db
def test_a_wrong_state_is_refused(wecom, linked, client, caplog):
    location = start(client)
    callback = through_wecom(location, "zhangwei")
    forged = urllib.parse.urlsplit(callback)
    query = dict(urllib.parse.parse_qsl(forged.query))
    query["state"] = "attacker-state"
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(forged.path, query)
    assert_refused(response, 400, "不是从本浏览器发起", caplog, "state")
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_a_state_works_once(wecom, linked, client, caplog):
    location = start(client)
    callback = through_wecom(location, "zhangwei")
    assert client.get(callback).status_code == 302
    client.logout()
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(callback)
    assert_refused(response, 400, "不是从本浏览器发起", caplog, "state")


@pytest.mark.django_db
def test_a_state_from_another_browser_is_refused(wecom, linked, client):
    from django.test import Client

    victim = Client()
    start(victim)  # the victim's browser has a state of its own
    location = start(client)  # the attacker's
    callback = through_wecom(location, "zhangwei")
    assert victim.get(callback).status_code == 400
    assert not get_user(victim).is_authenticated


@pytest.mark.django_db
def test_a_cancelled_sign_in_is_refused(wecom, client, caplog):
    location = start(client)
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(through_wecom(location, ""))
    assert_refused(response, 403, "取消", caplog, "cancelled")


@pytest.mark.django_db
def test_wecom_refusing_the_code_is_a_clear_refusal(wecom, linked, client, caplog):
    location = start(client)
    callback = through_wecom(location, "zhangwei")
    wecom.fail("/cgi-bin/auth/getuserinfo", 40029)
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(callback)
    assert_refused(response, 502, "企业微信暂时无法确认", caplog, "no-identity")


# --- first sign-in matched by mobile ---------------------------------------------------------------------


@pytest.fixture
def unlinked(wecom, designer):
    """刘洋 is in the corp's WeCom as ``liuyang`` with the mobile of his staff account, not linked yet."""
    wecom.add_member("liuyang", "刘洋", "+86 " + designer.phone)
    return designer


@pytest.mark.django_db
def test_a_mobile_match_waits_for_the_deputy_gm_then_signs_in(wecom, unlinked, gm, login, client, caplog):
    with caplog.at_level(logging.WARNING, logger="teams.wecom"):
        response = client.get(through_wecom(start(client), "liuyang"))
    assert_refused(response, 403, "副总经理确认", caplog, "pending")
    assert "刘洋" in response.content.decode()
    assert not get_user(client).is_authenticated
    link = WeComLinkRequest.objects.get()
    assert (link.user, link.wecom_userid, link.state) == (unlinked, "liuyang", "pending")
    assert Notification.objects.filter(recipient=gm, kind="account", url=reverse("teams:wecom_links")).exists()
    unlinked.refresh_from_db()
    assert unlinked.wecom_userid is None

    # Signing in again: still waiting, no second request.
    response = client.get(through_wecom(start(client), "liuyang"))
    assert response.status_code == 403 and WeComLinkRequest.objects.count() == 1

    gm_client = login(gm)
    page = gm_client.get(reverse("teams:wecom_links")).content.decode()
    assert f'id="wecom-link-{link.pk}"' in page and "liuyang" in page
    assert "刘洋" in gm_client.get(reverse("teams:home")).content.decode()
    response = gm_client.post(reverse("teams:wecom_link_confirm", args=[link.pk]))
    assert response.status_code == 302
    unlinked.refresh_from_db()
    link.refresh_from_db()
    assert unlinked.wecom_userid == "liuyang" and link.state == "confirmed" and link.decided_by == gm
    change = StaffChange.objects.get(user=unlinked, field="wecom_userid")
    assert (change.new_value, change.changed_by) == ("liuyang", gm)
    assert unlinked.notifications.filter(kind="account").exists()

    gm_client.logout()
    response = client.get(through_wecom(start(client), "liuyang"))
    assert response.status_code == 302 and get_user(client) == unlinked


@pytest.mark.django_db
def test_mobile_from_getuserdetail_when_user_get_gives_none(wecom, unlinked, client, settings):
    """Applications created after 2022-06-20: only the OAuth user ticket (scope snsapi_privateinfo) gives it."""
    wecom.user_get_hides_mobile = True
    settings.WECOM_OAUTH_SCOPE = "snsapi_privateinfo"
    location = start(client, HTTP_USER_AGENT=WECOM_UA)
    assert "scope=snsapi_privateinfo" in location
    assert client.get(through_wecom(location, "liuyang")).status_code == 403
    assert WeComLinkRequest.objects.get().user == unlinked
    assert wecom.calls_to("/cgi-bin/auth/getuserdetail") and not wecom.calls_to("/cgi-bin/user/get")


@pytest.mark.django_db
def test_no_mobile_from_wecom_means_no_match(wecom, unlinked, client):
    wecom.user_get_hides_mobile = True
    response = client.get(through_wecom(start(client), "liuyang"))
    assert response.status_code == 403 and "没有关联任何在职员工账号" in response.content.decode()
    assert not WeComLinkRequest.objects.exists()


@pytest.mark.django_db
def test_two_accounts_with_that_mobile_match_nobody(wecom, unlinked, team, client):
    UserFactory(team=team, phone=unlinked.phone)
    assert client.get(through_wecom(start(client), "liuyang")).status_code == 403
    assert not WeComLinkRequest.objects.exists()


@pytest.mark.django_db
def test_a_refused_link_stays_refused(wecom, unlinked, gm, login, client):
    client.get(through_wecom(start(client), "liuyang"))
    link = WeComLinkRequest.objects.get()
    assert login(gm).post(reverse("teams:wecom_link_refuse", args=[link.pk])).status_code == 302
    link.refresh_from_db()
    assert link.state == "refused"
    client.logout()
    response = client.get(through_wecom(start(client), "liuyang"))
    assert response.status_code == 403 and "没有关联任何在职员工账号" in response.content.decode()
    assert WeComLinkRequest.objects.count() == 1
    unlinked.refresh_from_db()
    assert unlinked.wecom_userid is None


@pytest.mark.django_db
def test_only_the_deputy_gm_confirms(wecom, unlinked, consultant, client, login):
    client.get(through_wecom(start(client), "liuyang"))
    link = WeComLinkRequest.objects.get()
    other = login(consultant)
    assert other.get(reverse("teams:wecom_links")).status_code == 403
    assert other.post(reverse("teams:wecom_link_confirm", args=[link.pk])).status_code == 403
    assert other.post(reverse("teams:wecom_link_refuse", args=[link.pk])).status_code == 403
    link.refresh_from_db()
    assert link.state == "pending"


@pytest.mark.django_db
def test_confirm_is_post_only_and_a_decided_link_is_404(wecom, unlinked, gm, client, login):
    client.get(through_wecom(start(client), "liuyang"))
    link = WeComLinkRequest.objects.get()
    gm_client = login(gm)
    assert gm_client.get(reverse("teams:wecom_link_confirm", args=[link.pk])).status_code == 405
    assert gm_client.post(reverse("teams:wecom_link_confirm", args=[link.pk])).status_code == 302
    assert gm_client.post(reverse("teams:wecom_link_confirm", args=[link.pk])).status_code == 404
    assert gm_client.post(reverse("teams:wecom_link_refuse", args=[link.pk])).status_code == 404


@pytest.mark.django_db
def test_confirming_a_link_taken_meanwhile_is_refused(wecom, unlinked, gm, client, login, team):
    client.get(through_wecom(start(client), "liuyang"))
    link = WeComLinkRequest.objects.get()
    UserFactory(team=team, wecom_userid="liuyang")  # the administrator linked someone else in the admin
    response = login(gm).post(reverse("teams:wecom_link_confirm", args=[link.pk]), follow=True)
    assert "已关联" in response.content.decode()
    link.refresh_from_db()
    unlinked.refresh_from_db()
    assert link.state == "pending" and unlinked.wecom_userid is None
