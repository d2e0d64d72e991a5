"""Whose account a WeCom sign-in opens (teams/views_wecom.py), and the deputy GM's confirmation of a first
sign-in matched by mobile.

- A member whose ``userid`` is some active account's ``User.wecom_userid`` signs in as that account.
- A member not linked yet, whose mobile (as WeCom verified it) is the phone of exactly one active account that
  has no WeCom link: a ``WeComLinkRequest`` is opened and the deputy GMs are told; the sign-in is refused until
  one of them confirms it (``wecom_link_confirm``), which links the account (written in the staff history).
- Anyone else — outside the corp, matching no active account or several, a deactivated account, a link the
  deputy GM refused — is refused, and the refusal logged (logger ``teams.wecom``) by the view.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams import wecom
from teams.messages import Message
from teams.models import NotificationKind, StaffChange, User, WeComLinkRequest
from teams.phones import normalize_phone
from teams.selectors import deputy_gms
from teams.services import notify


class Refusal(StrEnum):
    OUTSIDER = "outsider"  # not a member of the corp (WeCom gave an openid only)
    UNKNOWN = "unknown"  # a member linked to no active account, and no single mobile match
    PENDING = "pending"  # matched by mobile: waiting for the deputy GM
    UNAVAILABLE = "unavailable"  # WeCom could not be asked (network, rate limit, configuration)


@dataclass(frozen=True)
class SignIn:
    """The account to sign in (``user``), or why not (``refusal``; ``matched``: the account a pending link
    names)."""

    user: User | None = None
    refusal: Refusal | None = None
    matched: User | None = None


def _mobile_match(mobile: str) -> User | None:
    """The one active account without a WeCom link whose phone is ``mobile`` (None for none or several)."""
    mobile = normalize_phone(mobile)
    if len(mobile) < 8:
        return None
    candidates = User.objects.filter(is_active=True, wecom_userid__isnull=True, phone__endswith=mobile[-8:])
    matches = [user for user in candidates[:10] if normalize_phone(user.phone).replace("-", "") == mobile]
    return matches[0] if len(matches) == 1 else None


def wecom_sign_in(*, identity: wecom.Identity) -> SignIn:
    """Whose account ``identity`` opens (see the module's docstring); may open a ``WeComLinkRequest``."""
    if not identity.userid:
        return SignIn(refusal=Refusal.OUTSIDER)
    user = User.objects.filter(wecom_userid=identity.userid).first()
    if user is not None:
        return SignIn(user=user) if user.is_active else SignIn(refusal=Refusal.UNKNOWN)
    pending = WeComLinkRequest.objects.pending().filter(wecom_userid=identity.userid).select_related("user").first()
    if pending is not None:
        return SignIn(refusal=Refusal.PENDING, matched=pending.user)
    try:
        mobile = wecom.user_mobile(identity)
    except wecom.WeComError:
        return SignIn(refusal=Refusal.UNAVAILABLE)
    match = _mobile_match(mobile)
    if match is None:
        return SignIn(refusal=Refusal.UNKNOWN)
    if WeComLinkRequest.objects.filter(
        wecom_userid=identity.userid, user=match, state=WeComLinkRequest.State.REFUSED
    ).exists():
        return SignIn(refusal=Refusal.UNKNOWN)
    wecom_link_request_open(user=match, wecom_userid=identity.userid)
    return SignIn(refusal=Refusal.PENDING, matched=match)


def wecom_link_request_open(*, user: User, wecom_userid: str) -> WeComLinkRequest:
    """Open the request for the deputy GM and tell the deputy GMs (one open request per WeCom identity)."""
    try:
        with transaction.atomic():
            link = WeComLinkRequest.objects.create(user=user, wecom_userid=wecom_userid)
            notify(
                kind=NotificationKind.ACCOUNT,
                recipients=deputy_gms(),
                title=Message("WeCom sign-in to confirm: %(name)s", name=str(user)),
                body=Message(
                    "WeCom member %(userid)s signed in for the first time; the mobile matches %(name)s's account. "
                    "Confirm the link, or refuse it.",
                    userid=wecom_userid,
                    name=str(user),
                ),
                url=reverse("teams:wecom_links"),
            )
    except IntegrityError:  # opened meanwhile by a second sign-in
        link = WeComLinkRequest.objects.pending().get(wecom_userid=wecom_userid)
    return link


def _decide(*, request_id: int, by: User, state: str) -> WeComLinkRequest | None:
    link = WeComLinkRequest.objects.select_for_update().filter(pk=request_id).pending().select_related("user").first()
    if link is None:
        return None
    link.state, link.decided_by, link.decided_at = state, by, timezone.now()
    link.save(update_fields=["state", "decided_by", "decided_at"])
    return link


@transaction.atomic
def wecom_link_confirm(*, request_id: int, by: User) -> WeComLinkRequest | None:
    """Link the account to the WeCom identity (None: already decided). The person is told, and the change is
    written in the staff history. Refused if the identity or the account got another link meanwhile."""
    link = _decide(request_id=request_id, by=by, state=WeComLinkRequest.State.CONFIRMED)
    if link is None:
        return None
    person = User.objects.select_for_update().get(pk=link.user_id)
    taken = User.objects.filter(wecom_userid=link.wecom_userid).exclude(pk=person.pk).first()
    if taken is not None or person.wecom_userid:
        raise ValidationError(
            _("This WeCom account or this staff account is already linked; check the staff member in the admin.")
        )
    person.wecom_userid = link.wecom_userid
    person.save(update_fields=["wecom_userid"])
    StaffChange(user=person, changed_by=by, field="wecom_userid").set_texts(
        label=User._meta.get_field("wecom_userid").verbose_name, old="", new=link.wecom_userid
    ).save()
    notify(
        kind=NotificationKind.ACCOUNT,
        recipients=[person],
        title=Message("Your WeCom account is linked: you can sign in with WeCom."),
        url=reverse("teams:notification_settings"),
    )
    return link


@transaction.atomic
def wecom_link_refuse(*, request_id: int, by: User) -> WeComLinkRequest | None:
    """Refuse the link (None: already decided); that identity's sign-ins are refused from now on."""
    return _decide(request_id=request_id, by=by, state=WeComLinkRequest.State.REFUSED)
