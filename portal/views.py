"""The client's page (no account: the token in the link is the key) and the consultant's link actions.

Every client view goes through ``client_view``: rate limits per link and per address, the token checked
(a tampered, expired, revoked or unknown token — and any id of another project's record — answers the same
bare 404), Chinese, and ``Referrer-Policy: no-referrer`` + ``Cache-Control: no-store`` on every answer.
"""

import io
import secrets
from functools import wraps

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from PIL import Image

from clients.models import FollowUpVisit, PrivacyNotice
from complaints.models import Complaint
from portal import selectors, services
from portal.forms import ComplaintAnswerForm, ConfirmForm, DecisionForm, RatingForm, RequestForm
from portal.models import PortalLink
from portal.tokens import device_hash, token_hash
from projects import selectors as project_selectors
from projects.models import ChangeOrder, DesignChange, DesignPlan, Project, SchedulePhase
from teams.access import client_ip, get_visible_or_404, role_required
from teams.models import Delivery
from teams.ratelimit import rate_allow
from teams.roles import Role

DEVICE_COOKIE = "pd"
THUMB_PX = 360


def _seal(response):
    """The portal's headers on every answer: no referrer (the token is in the address), nothing cached."""
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_found(request):
    """The one answer to every token or id that does not open: no hint of why."""
    return _seal(render(request, "portal/not_found.html", status=404))


def client_view(view):
    """Token → live link, or the bare 404; rate limited per link and per address; always in Chinese.

    CSRF-exempt: the unguessable token in the address is the secret a forged cross-site form would need, and
    with ``Referrer-Policy: no-referrer`` the browser sends ``Origin: null``, which Django's check refuses."""

    @csrf_exempt
    @wraps(view)
    def wrapped(request, token, **kwargs):
        with translation.override("zh-hans"):
            address = client_ip(request) or ""
            per_link = f"portal-link:{token_hash(token)[:32]}"
            if not rate_allow(
                f"portal-addr:{address}", limit=settings.PORTAL_REQUESTS_PER_MINUTE_PER_ADDRESS
            ) or not rate_allow(per_link, limit=settings.PORTAL_REQUESTS_PER_MINUTE_PER_LINK):
                return _seal(HttpResponse(_("Too many requests. Please wait a minute."), status=429))
            link = selectors.link_for_token(token)
            if link is None:
                return _not_found(request)
            request.portal_address = address
            request.portal_token = token
            try:
                response = view(request, link, **kwargs)
            except (Http404, PermissionDenied):
                return _not_found(request)
            return _seal(response)

    return wrapped


def _back(request, anchor: str = "", page: str = "portal:page"):
    return redirect(reverse(page, args=[request.portal_token]) + (f"#{anchor}" if anchor else ""))


def _device(request, response) -> str:
    """This browser's random device cookie (set on its first visit), hashed."""
    cookie = request.COOKIES.get(DEVICE_COOKIE, "")
    if not (8 <= len(cookie) <= 64):
        cookie = secrets.token_urlsafe(16)
        response.set_cookie(
            DEVICE_COOKIE,
            cookie,
            max_age=3 * 365 * 86400,
            path="/p/",
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return device_hash(cookie)


@client_view
@require_GET
def page(request, link):
    context = selectors.page_context(link=link)
    context["hotline"] = settings.PORTAL_HOTLINE
    context["rating_form"] = RatingForm()
    response = render(request, "portal/page.html", context)
    services.visit_record(link=link, device=_device(request, response))
    return response


@client_view
@require_GET
def todo(request, link):
    context = selectors.todo_context(link=link)
    context["hotline"] = settings.PORTAL_HOTLINE
    context["request_form"] = RequestForm(can_request_maintenance=context["can_request_maintenance"])
    return render(request, "portal/todo.html", context)


@client_view
@require_GET
def privacy(request, link):
    return render(
        request,
        "portal/privacy.html",
        {"link": link, "notice": PrivacyNotice.current(), "hotline": settings.PORTAL_HOTLINE},
    )


@client_view
@require_GET
def photo(request, link, photo_token):
    """A client-visible photo of this project only; ``?thumb=1`` a small JPEG for the page's list."""
    item = project_selectors.client_photo(project=link.project, token=photo_token)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    if request.GET.get("thumb"):
        with handle, Image.open(handle) as image:
            image.thumbnail((THUMB_PX, THUMB_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=70, optimize=True)
        return HttpResponse(out.getvalue(), content_type="image/jpeg")
    return FileResponse(handle, content_type=item.content_type)


def _invalid(request, form):
    messages.error(
        request,
        _("Please check what you entered: %(errors)s")
        % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
    )


@client_view
@require_POST
def sign_off(request, link, phase_pk):
    phase = get_object_or_404(SchedulePhase, pk=phase_pk, project=link.project)
    form = RatingForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, f"phase-{phase.pk}")
    try:
        services.phase_sign_off(
            link=link,
            phase=phase,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
            address=request.portal_address,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, f"phase-{phase.pk}")
    messages.success(request, _("Thank you: %(phase)s is signed off.") % {"phase": phase.display_name})
    return _back(request, f"phase-{phase.pk}")


@client_view
@require_POST
def plan_confirm(request, link, pk):
    plan = get_object_or_404(DesignPlan, pk=pk, project=link.project)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        services.plan_confirm(
            link=link, plan=plan, comment=form.cleaned_data["comment"], address=request.portal_address
        )
        messages.success(request, _("Thank you: the design plan is confirmed."))
    return _back(request, "confirm")


@client_view
@require_POST
def change_decide(request, link, pk):
    change = get_object_or_404(DesignChange, pk=pk, project=link.project)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, "confirm")
    services.change_decide(
        link=link,
        change=change,
        approved=form.approved,
        comment=form.cleaned_data["comment"],
        address=request.portal_address,
    )
    messages.success(request, _("Thank you: your answer is recorded."))
    return _back(request, "confirm")


@client_view
@require_POST
def change_order_decide(request, link, pk):
    order = get_object_or_404(ChangeOrder, pk=pk, project=link.project)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, "orders", "portal:todo")
    services.change_order_decide(
        link=link,
        order=order,
        approved=form.approved,
        comment=form.cleaned_data["comment"],
        address=request.portal_address,
    )
    messages.success(request, _("Thank you: your answer is recorded."))
    return _back(request, "orders", "portal:todo")


@client_view
@require_POST
def visit_rate(request, link, pk):
    visit = get_object_or_404(FollowUpVisit, pk=pk, client_id=link.project.client_id, done_at__isnull=False)
    form = RatingForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, "ratings", "portal:todo")
    services.visit_rate(
        link=link,
        visit=visit,
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
        address=request.portal_address,
    )
    messages.success(request, _("Thank you for your rating."))
    return _back(request, "ratings", "portal:todo")


@client_view
@require_POST
def complaint_rate(request, link, pk):
    complaint = get_object_or_404(Complaint, pk=pk, project=link.project, state=Complaint.State.RESOLVED)
    form = ComplaintAnswerForm(request.POST)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, "ratings", "portal:todo")
    services.complaint_rate(
        link=link,
        complaint=complaint,
        solved=form.cleaned_data["solved"],
        rating=form.cleaned_data["rating"],
        comment=form.cleaned_data["comment"],
        address=request.portal_address,
    )
    messages.success(request, _("Thank you: your answer is recorded."))
    return _back(request, "ratings", "portal:todo")


def _as_upload(item):
    """A checked photo (projects' ProcessedFile) in the shape the complaints app stores."""
    upload = ContentFile(item.content, name=item.name)
    upload.checked_content_type = item.content_type
    return upload


@client_view
@require_POST
def client_request(request, link):
    can_repair = link.project.phase in (Project.Phase.COMPLETED, Project.Phase.WARRANTY)
    form = RequestForm(request.POST, request.FILES, can_request_maintenance=can_repair)
    if not form.is_valid():
        _invalid(request, form)
        return _back(request, "request", "portal:todo")
    photos = form.cleaned_data["photos"]
    try:
        services.client_request(
            link=link,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            address=request.portal_address,
            photos=photos,
            uploads=[_as_upload(p) for p in photos],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, "request", "portal:todo")
    messages.success(request, _("Thank you: the team has your request and will call you."))
    return _back(request, "request", "portal:todo")


# --- The consultant's side ---------------------------------------------------------------------------

MANAGERS = (Role.CONSULTANT, Role.DEPUTY_GM)


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@role_required(*MANAGERS)
@require_POST
def link_issue(request, pk):
    """Issue (or re-issue) the project's link; the answer is the only time the link is shown: QR code to print,
    the address to copy, a button to send it to the client."""
    project = get_visible_or_404(Project, request.user, pk=pk)
    try:
        link, token = services.link_issue(project=project, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(project)
    url = services.link_url(token)
    response = render(
        request,
        "portal/issued.html",
        {
            "project": project,
            "link": link,
            "url": url,
            "token": token,
            "qr": _qr_svg(url),
            "channels": _channels(project),
        },
    )
    # The token is in the page, not in its address; the send form needs the usual same-origin CSRF check.
    response["Cache-Control"] = "no-store"
    return response


def _channels(project) -> list[tuple[str, str]]:
    client = project.client
    options = []
    if client.phone:
        options.append((Delivery.Channel.SMS, _("SMS to %(phone)s") % {"phone": client.masked_phone}))
    if getattr(client, "wechat", ""):
        options.append((Delivery.Channel.WECHAT, _("WeChat message")))
    return options


def _link_for(request, pk) -> PortalLink:
    projects = Project.objects.visible_to(request.user).values("pk")
    return get_object_or_404(PortalLink.objects.select_related("project__client"), pk=pk, project__in=projects)


@role_required(*MANAGERS)
@require_POST
def link_send(request, pk):
    link = _link_for(request, pk)
    channel = request.POST.get("channel", Delivery.Channel.SMS)
    if channel not in (Delivery.Channel.SMS, Delivery.Channel.WECHAT):
        channel = Delivery.Channel.SMS
    try:
        services.link_send(link=link, token=request.POST.get("token", ""), by=request.user, channel=channel)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The link is on its way to the client."))
    return redirect(link.project.get_absolute_url() + "#portal")


@role_required(*MANAGERS)
@require_POST
def link_revoke(request, pk):
    link = _link_for(request, pk)
    if services.link_revoke(link=link, by=request.user):
        messages.success(request, _("The link is revoked: it no longer opens."))
    return redirect(link.project.get_absolute_url() + "#portal")


def project_card(*, project, user) -> str:
    """The ``project_cards`` hook: the client page's card on the project page (sent? last opened, devices)."""
    status = selectors.link_status(project=project)
    can_manage = (project.can_manage(user) or user.sees_all) and project.contract_id is not None
    return render_to_string("portal/project_card.html", {"project": project, "can_manage": can_manage, **status})
