"""Two-factor sign-in: who must enrol, what an unverified session reaches, recovery codes, the remembered
browser, the superuser's reset."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams import two_factor
from teams.roles import COMPANY_ROLES, Role
from tests.teams.factories import UserFactory

PASSWORD = "x-Secret-123"  # noqa: S105


@pytest.fixture
def enforce(settings):
    settings.TWO_FACTOR_ENFORCE = True
    return settings


def code_for(key_hex: str) -> str:
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6, drift=0)
    return f"{totp.token():06d}"


def enrol(client) -> tuple[TOTPDevice, list[str]]:
    """Enrol the signed-in user through the pages; return the device and the recovery codes shown."""
    page = client.get(reverse("teams:two_factor_enrol"))
    assert page.status_code == 200
    key = client.session[two_factor.PENDING_KEY]
    response = client.post(reverse("teams:two_factor_enrol"), {"token": code_for(key)})
    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    return TOTPDevice.objects.get(user=response.wsgi_request.user), codes


def all_routes():
    """(name, kwargs) for every named URL of the project, with placeholder arguments."""

    def walk(patterns, namespace=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, ns)
            elif isinstance(entry, URLPattern) and entry.name:
                yield f"{namespace}{entry.name}", list(entry.pattern.converters)

    seen = set()
    for name, keys in walk(get_resolver().url_patterns):
        if name in seen:
            continue
        seen.add(name)
        for value in (1, "x", "1-x"):
            try:
                yield name, reverse(name, kwargs=dict.fromkeys(keys, value))
                break
            except NoReverseMatch:
                continue


OPEN = {"teams:two_factor_verify", "teams:two_factor_enrol", "logout", "login", "set_language", "healthz"}
OPEN |= {"password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
ROUTES = sorted(all_routes())


def test_the_route_list_covers_the_project():
    names = {name for name, _ in ROUTES}
    assert {"teams:home", "clients:list", "clients:detail", "admin:index", "teams:security"} <= names
    assert len(ROUTES) > 150


@pytest.mark.django_db
def test_unenrolled_gm_reaches_no_page_but_enrolment(client, enforce, gm):
    client.force_login(gm)
    enrol_url = reverse("teams:two_factor_enrol")
    for name, path in ROUTES:
        if name in OPEN:
            continue
        for method in (client.get, client.post):
            response = method(path)
            assert response.status_code == 302, (name, method.__name__, response.status_code)
            assert response["Location"].startswith(enrol_url), name


@pytest.mark.django_db
def test_enrolled_but_unverified_session_reaches_only_verification(client, enforce, gm):
    client.force_login(gm)
    enrol(client)
    client.logout()
    client.force_login(gm)
    verify_url = reverse("teams:two_factor_verify")
    for name, path in ROUTES:
        if name in OPEN:
            continue
        response = client.get(path)
        assert response.status_code == 302, name
        assert response["Location"].startswith(verify_url), name
    # The page asked for comes back after verification.
    response = client.get(reverse("clients:list"))
    assert parse_qs(urlsplit(response["Location"]).query)["next"] == [reverse("clients:list")]


@pytest.mark.django_db
def test_htmx_request_is_sent_to_verification_by_a_client_redirect(client, enforce, gm):
    client.force_login(gm)
    response = client.get(reverse("teams:notifications"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("teams:two_factor_enrol")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "superuser", "required"),
    [
        (Role.DEPUTY_GM, False, True),
        (Role.CONSULTANT, False, True),
        (Role.DESIGNER, True, True),
        (Role.DESIGNER, False, False),
        (Role.FRONT_DESK, False, False),
        (Role.PROJECT_MANAGER, False, False),
    ],
)
def test_required_for_gm_superusers_and_exporting_roles(client, enforce, role, superuser, required):
    extra = {"team": None} if role in COMPANY_ROLES else {}
    user = UserFactory(role=role, is_superuser=superuser, **extra)
    client.force_login(user)
    response = client.get(reverse("teams:home"))
    assert (response.status_code == 302) is required


@pytest.mark.django_db
def test_enrolment_on_first_request_after_it_becomes_required(client, enforce):
    user = UserFactory(role=Role.DESIGNER)
    client.force_login(user)
    assert client.get(reverse("teams:home")).status_code == 200
    user.role = Role.CONSULTANT
    user.save(update_fields=["role"])
    response = client.get(reverse("teams:home"))
    assert response["Location"].startswith(reverse("teams:two_factor_enrol"))


@pytest.mark.django_db
def test_enrolment_through_login_form_then_code(client, enforce):
    user = UserFactory(role=Role.DEPUTY_GM, username="gm2", team=None)
    user.set_password(PASSWORD)
    user.save()
    response = client.post(reverse("login"), {"username": "gm2", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("teams:two_factor_enrol"))
    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code
    key = client.session[two_factor.PENDING_KEY]
    assert not TOTPDevice.objects.filter(user=user).exists()  # nothing written before the first right code
    wrong = client.post(reverse("teams:two_factor_enrol"), {"token": "000000"})
    assert "不对" in wrong.content.decode() or "not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    done = client.post(reverse("teams:two_factor_enrol"), {"token": code_for(key)})
    codes = re.findall(r"<code>([a-z2-7]{8})</code>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("teams:home")).status_code == 200
    # The secret in the QR code is the device's.
    assert TOTPDevice.objects.get(user=user).key == key


@pytest.mark.django_db
def test_verification_with_the_app_code(client, enforce, gm):
    client.force_login(gm)
    device, _ = enrol(client)
    client.logout()
    client.force_login(gm)
    device.refresh_from_db()
    device.last_t = -1
    device.save(update_fields=["last_t"])
    response = client.post(
        reverse("teams:two_factor_verify"), {"token": code_for(device.key), "next": reverse("clients:list")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list")
    assert client.get(reverse("clients:list")).status_code == 200


@pytest.mark.django_db
def test_a_wrong_code_does_not_verify(client, enforce, gm):
    client.force_login(gm)
    enrol(client)
    client.logout()
    client.force_login(gm)
    response = client.post(reverse("teams:two_factor_verify"), {"token": "123456"})
    assert response.status_code == 200
    assert client.get(reverse("teams:home")).status_code == 302


@pytest.mark.django_db
def test_recovery_codes_are_single_use(client, enforce, gm):
    client.force_login(gm)
    _, codes = enrol(client)
    client.logout()
    client.force_login(gm)
    assert client.post(reverse("teams:two_factor_verify"), {"token": codes[0].upper()}).status_code == 302
    assert client.get(reverse("teams:home")).status_code == 200
    assert StaticToken.objects.filter(device__user=gm).count() == 9
    client.logout()
    client.force_login(gm)
    again = client.post(reverse("teams:two_factor_verify"), {"token": codes[0]})
    assert again.status_code == 200  # refused: the form again
    assert client.get(reverse("teams:home")).status_code == 302


@pytest.mark.django_db
def test_new_recovery_codes_void_the_old(client, enforce, gm):
    client.force_login(gm)
    _, old = enrol(client)
    response = client.post(reverse("teams:two_factor_codes"))
    new = re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())
    assert len(new) == 10
    stored = set(StaticToken.objects.filter(device__user=gm).values_list("token", flat=True))
    assert stored == {two_factor.recovery_code_stored(code) for code in new}
    assert not set(old) & set(new)


@pytest.mark.django_db
def test_recovery_codes_are_stored_only_as_keyed_hashes(client, enforce, gm, settings):
    client.force_login(gm)
    _, codes = enrol(client)
    stored = set(StaticToken.objects.filter(device__user=gm).values_list("token", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    # The hash depends on the key: a copy of the database without SECRET_KEY cannot be matched to codes.
    settings.SECRET_KEY = "another-" + settings.SECRET_KEY
    assert not stored & {two_factor.recovery_code_stored(code) for code in codes}


@pytest.mark.django_db
def test_a_code_stored_under_the_key_being_rotated_out_still_works(client, enforce, gm, settings):
    client.force_login(gm)
    _, codes = enrol(client)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-new-" + settings.SECRET_KEY
    client.logout()
    client.force_login(gm)
    assert client.post(reverse("teams:two_factor_verify"), {"token": codes[3]}).status_code == 302
    assert StaticToken.objects.filter(device__user=gm).count() == 9


@pytest.mark.django_db
def test_the_migration_hashes_codes_stored_in_plain_text(gm):
    from importlib import import_module

    from django.apps import apps
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=gm, name="recovery", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    StaticToken.objects.create(device=device, token=two_factor.recovery_code_stored("wxyz6723"))
    import_module("teams.migrations.0020_hash_recovery_codes").hash_plain_codes(apps, None)
    assert set(StaticToken.objects.values_list("token", flat=True)) == {
        two_factor.recovery_code_stored("abcd2345"),
        two_factor.recovery_code_stored("wxyz6723"),
    }


@pytest.mark.django_db
def test_remembered_browser_skips_the_code_for_30_days(client, enforce, gm, time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00")
    client.force_login(gm)
    device, codes = enrol(client)
    client.logout()
    client.force_login(gm)
    response = client.post(reverse("teams:two_factor_verify"), {"token": codes[0], "remember": "on"})
    cookie = response.cookies[two_factor.REMEMBER_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 30 * 86400
    client.logout()
    client.cookies[two_factor.REMEMBER_COOKIE] = cookie.value
    time_machine.move_to("2026-03-31 09:00 +08:00")
    client.force_login(gm)
    assert client.get(reverse("teams:home")).status_code == 200
    client.logout()
    client.cookies[two_factor.REMEMBER_COOKIE] = cookie.value
    time_machine.move_to("2026-04-02 09:00 +08:00")
    client.force_login(gm)
    assert client.get(reverse("teams:home")).status_code == 302


@pytest.mark.django_db
def test_remember_cookie_of_another_person_does_not_verify(client, enforce, gm, consultant):
    client.force_login(gm)
    device, _ = enrol(client)
    value = two_factor.remember_cookie_value(device)
    client.logout()
    client.force_login(consultant)
    enrol(client)
    client.logout()
    client.force_login(consultant)
    client.cookies[two_factor.REMEMBER_COOKIE] = value
    assert client.get(reverse("teams:home")).status_code == 302
    client.cookies[two_factor.REMEMBER_COOKIE] = value[:-2] + "xx"
    assert client.get(reverse("teams:home")).status_code == 302


@pytest.mark.django_db
def test_superuser_resets_a_lost_device_with_a_log_entry(client, enforce, gm):
    client.force_login(gm)
    device, _ = enrol(client)
    remembered = two_factor.remember_cookie_value(device)
    client.logout()
    admin = UserFactory(is_superuser=True, is_staff=True, role=Role.DEPUTY_GM, team=None)
    client.force_login(admin)
    enrol(client)  # the superuser too must have a second factor
    response = client.post(
        reverse("admin:teams_user_changelist"), {"action": "reset_two_factor", "_selected_action": [gm.pk]}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=gm).exists()
    assert not StaticToken.objects.filter(device__user=gm).exists()
    entry = LogEntry.objects.get(object_id=str(gm.pk))
    assert entry.user == admin and "two-factor" in entry.change_message
    # The remembered browser is voided; the person enrols again.
    client.logout()
    client.cookies[two_factor.REMEMBER_COOKIE] = remembered
    client.force_login(gm)
    assert client.get(reverse("teams:home"))["Location"].startswith(reverse("teams:two_factor_enrol"))


@pytest.mark.django_db
def test_only_superusers_see_the_reset_action(client, gm):
    staff = UserFactory(is_staff=True, role=Role.DESIGNER)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client.force_login(staff)
    page = client.get(reverse("admin:teams_user_changelist"))
    assert page.status_code == 200
    assert "reset_two_factor" not in page.content.decode()


@pytest.mark.django_db
def test_optional_roles_may_enrol_and_are_then_asked(client, enforce, designer):
    client.force_login(designer)
    assert client.get(reverse("teams:security")).status_code == 200
    enrol(client)
    client.logout()
    client.force_login(designer)
    assert client.get(reverse("teams:home"))["Location"].startswith(reverse("teams:two_factor_verify"))


@pytest.mark.django_db
def test_not_enforced_in_tests_by_default(client, gm):
    client.force_login(gm)
    assert client.get(reverse("teams:home")).status_code == 200


def test_exporting_roles_must_be_listed(settings):
    from teams.checks import two_factor_roles_check

    assert two_factor_roles_check(None) == []
    with override_settings(TWO_FACTOR_ROLES=["deputy_gm"]):
        errors = two_factor_roles_check(None)
    assert [e.id for e in errors] == ["teams.E001"] and "consultant" in errors[0].msg
