"""Two-factor sign-in (django-otp): who must use it, enrolment, verification, recovery codes,
the remembered device and the superuser's reset of a lost device.

- ``two_factor_required(user)``: superusers and the roles of ``settings.TWO_FACTOR_ROLES`` (every role that
  may export client data, checked by ``teams.checks``) must enrol while ``settings.TWO_FACTOR_ENFORCE`` is on.
  Anyone else may enrol; whoever has a confirmed device is always asked for its code.
- Enrolment keeps the new secret in the session until the first code is right; only then is a confirmed
  ``TOTPDevice`` written, with ten single-use recovery codes (a ``StaticDevice``; a code is deleted when it is
  used). A code is shown once and stored only as a keyed hash (``recovery_code_stored``): a copy of the
  database holds no code that signs anyone in.
- A verified session may leave a signed cookie that spares this browser the code for
  ``TWO_FACTOR_REMEMBER_DAYS``; it names the device, so a reset (which deletes the devices) voids it.
- ``two_factor_reset`` deletes a person's devices (lost phone) and writes an admin log entry.
"""

import secrets
from base64 import b32encode
from datetime import timedelta

import django_otp
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.messages import Message
from teams.models import StaffChange

PENDING_KEY = "_two_factor_pending_key"
# Whether the signed-in user has a confirmed device, noted in the session at sign-in (user_logged_in), so
# that an ordinary request of someone without a device costs no query. Enrolment sets it; the verify
# page corrects it when a superuser's reset removed the device meanwhile.
HAS_DEVICE_KEY = "_two_factor_has_device"
REMEMBER_COOKIE = "kefu_2fa_device"
REMEMBER_SALT = "teams.two_factor.remember"
RECOVERY_CODE_COUNT = 10


def two_factor_required(user) -> bool:
    """Must ``user`` have a second factor before reaching any page?"""
    if not settings.TWO_FACTOR_ENFORCE or not user.is_authenticated:
        return False
    return user.is_superuser or user.role in settings.TWO_FACTOR_ROLES


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_device(user) -> bool:
    return django_otp.user_has_device(user, confirmed=True)


def session_has_device(request) -> bool:
    """``has_device`` as noted in the session (computed once per session)."""
    noted = request.session.get(HAS_DEVICE_KEY)
    if noted is None:
        noted = request.session[HAS_DEVICE_KEY] = has_device(request.user)
    return noted


def note_device_at_login(sender, request, user, **kwargs):
    """``user_logged_in`` receiver (teams/apps.py)."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = has_device(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment ----------------------------------------------------------------------------------------------


def pending_key(request) -> str:
    """The secret being enrolled (hex), kept in the session until confirmed: a GET writes no device."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = secrets.token_hex(20)
        request.session[PENDING_KEY] = key
    return key


def otpauth_uri(user, key_hex: str) -> str:
    """The address an authenticator app reads from the QR code (same format as TOTPDevice.config_url)."""
    return TOTPDevice(user=user, key=key_hex, name="default").config_url


def _token_int(token: str) -> int | None:
    token = "".join(token.split())
    return int(token) if token.isdigit() and len(token) == 6 else None


def enrolment_confirm(request, *, token: str) -> list[str] | None:
    """Check the first code against the pending secret; if right, write the device and recovery codes, mark
    the session verified and return the codes (shown once). None if the code is wrong."""
    key = request.session.get(PENDING_KEY)
    number = _token_int(token)
    if not key or number is None:
        return None
    totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6, drift=0)
    if not totp.verify(number, tolerance=1):
        return None
    user = request.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, key=key, name="default", confirmed=True, last_t=totp.t())
        codes = _recovery_codes_write(user)
    del request.session[PENDING_KEY]
    request.session[HAS_DEVICE_KEY] = True
    django_otp.login(request, device)
    return codes


RECOVERY_SALT = "teams.two_factor.recovery"


def recovery_code_stored(code: str, *, secret: str | None = None) -> str:
    """What the database keeps of a recovery code: 16 hex digits of an HMAC keyed by SECRET_KEY (it fits
    django-otp's 16-character token column). The code's 40 random bits cannot be tried against it offline
    without the key."""
    return salted_hmac(RECOVERY_SALT, code, secret=secret, algorithm="sha256").hexdigest()[:16]


def _recovery_code_forms(code: str) -> list[str]:
    # Codes stored under a key being rotated out (SECRET_KEY_FALLBACKS) still work until they are used.
    return [recovery_code_stored(code, secret=key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]


def _recovery_codes_write(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_stored(c)) for c in codes])
    return codes


def _recovery_code_use(device: StaticDevice, code: str) -> bool:
    """django-otp's ``StaticDevice.verify_token`` (throttled, the code used up) over the stored hashes."""
    allowed, _reason = device.verify_is_allowed()
    if not allowed:
        return False
    match = device.token_set.filter(token__in=_recovery_code_forms(code)).first()
    if match is None:
        device.throttle_increment()
        return False
    match.delete()
    device.throttle_reset(commit=False)
    device.set_last_used_timestamp(commit=False)
    device.save()
    return True


def recovery_codes_renew(*, user) -> list[str]:
    """New recovery codes for an enrolled user; the old ones stop working."""
    with transaction.atomic():
        return _recovery_codes_write(user)


# Verification -------------------------------------------------------------------------------------------


def verify(request, *, token: str) -> Device | None:
    """The device that accepts ``token`` (a 6-digit code or a recovery code, which is then used up), and the
    session marked verified; None if none does. django-otp throttles repeated failures per device."""
    token = "".join(token.split()).lower()
    if not token:
        return None
    user = request.user
    with transaction.atomic():
        for device in django_otp.devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, StaticDevice):
                accepted = _recovery_code_use(device, token)
            else:
                accepted = device.verify_token(token)
            if accepted:
                django_otp.login(request, device)
                return device
    return None


def remember_cookie_value(device: Device) -> str:
    return signing.dumps({"u": device.user_id, "d": device.persistent_id}, salt=REMEMBER_SALT)


def remember(response, device: Device) -> None:
    """Spare this browser the code for TWO_FACTOR_REMEMBER_DAYS (a signed, HTTP-only cookie)."""
    response.set_cookie(
        REMEMBER_COOKIE,
        remember_cookie_value(device),
        max_age=settings.TWO_FACTOR_REMEMBER_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered_device(request) -> Device | None:
    """The device a valid remember cookie of this user names, if it still exists."""
    value = request.COOKIES.get(REMEMBER_COOKIE)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=REMEMBER_SALT, max_age=timedelta(days=settings.TWO_FACTOR_REMEMBER_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != request.user.pk:
        return None
    device = Device.from_persistent_id(str(data.get("d", "")))
    if device is None or device.user_id != request.user.pk or not device.confirmed:
        return None
    return device


# The lost device ----------------------------------------------------------------------------------------


def two_factor_reset(*, user, by) -> int:
    """Delete every device of ``user`` (a lost phone): at the next request they enrol again if required.
    Writes an admin log entry naming who reset it. Returns the number of devices deleted."""
    with transaction.atomic():
        count = 0
        for model in django_otp.device_classes():
            deleted, _per_model = model.objects.filter(user=user).delete()
            count += deleted
        LogEntry.objects.create(
            user_id=by.pk,
            content_type_id=ContentType.objects.get_for_model(user).pk,
            object_id=str(user.pk),
            object_repr=str(user)[:200],
            action_flag=CHANGE,
            change_message=f"two-factor sign-in reset ({count} devices) at {timezone.now().isoformat()}",
        )
        StaffChange(user=user, changed_by=by, field="two_factor").set_texts(
            label=Message("Two-factor sign-in"),
            old=Message("%(n)s devices", n=count),
            new=Message("reset"),
        ).save()
    return count


def base32_secret(key_hex: str) -> str:
    """The secret as an app takes it when typed by hand (groups of four)."""
    text = b32encode(bytes.fromhex(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
