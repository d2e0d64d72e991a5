"""The one way to guard a view: login, role, and scoping to what the user may see.

Every model with confidential rows has a queryset method ``visible_to(user)``.
Views never build an unscoped queryset:

- function views: ``@role_required(Role.CONSULTANT, ...)`` and
  ``get_visible_or_404(Client, request.user, pk=pk)``;
- class-based views: ``ScopedMixin`` with ``allowed_roles`` and ``model``.

A row the user may not see answers 404, never 403, so ids do not leak.
A view that goes back to a ``next`` address takes it through ``safe_next``. Both
refusals raise the subclasses below, which ``teams.middleware.RefusalLogMiddleware``
writes to the access log (user, URL name, object id; never personal data).
"""

from collections.abc import Iterable
from functools import wraps

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from teams.roles import ALL_ROLES


def client_ip(request) -> str | None:
    """The address of the person, not of our proxy: behind ``TRUSTED_PROXY_COUNT`` reverse proxies (README,
    deploy) the address the nearest of them saw is that many entries from the right of X-Forwarded-For.
    Axes (sign-in lock-out) and the access log both use this."""
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class RoleRefused(PermissionDenied):
    """The user's role may not do this (403)."""

    def __init__(self, target: str = ""):
        super().__init__()
        self.target = target


class NotVisible(Http404):
    """No such row among those the user may see (404)."""

    def __init__(self, target: str = ""):
        super().__init__()
        self.target = target


def has_any_role(user, roles: Iterable[str]) -> bool:
    return user.is_authenticated and (user.is_superuser or user.role in roles)


def role_required(*roles: str):
    """Require login, then one of ``roles`` (403 for a signed-in user without it)."""
    if not roles:
        raise ImproperlyConfigured("role_required needs at least one role (or ALL_ROLES).")
    # Each argument is a role, or a collection of roles (set, tuple, list).
    allowed = frozenset(r for group in roles for r in ([group] if isinstance(group, str) else group))

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_any_role(request.user, allowed):
                raise RoleRefused
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def visible(model_or_qs, user) -> QuerySet:
    """The rows of ``model_or_qs`` that ``user`` may see."""
    qs = model_or_qs if isinstance(model_or_qs, QuerySet) else model_or_qs._default_manager.all()
    return qs.visible_to(user)


def get_visible_or_404(model_or_qs, user, **lookup) -> Model:
    qs = visible(model_or_qs, user)
    try:
        return qs.get(**lookup)
    except qs.model.DoesNotExist:
        # Only ids go into the log: a lookup by another field could carry personal data.
        ids = " ".join(f"{k}={v}" for k, v in lookup.items() if str(v).isdigit())
        raise NotVisible(target=f"{qs.model._meta.label_lower} {ids}".strip()) from None


class ScopedMixin(LoginRequiredMixin):
    """Login + role + ``model.objects.visible_to(user)`` for generic views.

    ``allowed_roles`` is required: forgetting it is a configuration error,
    not an open page.
    """

    allowed_roles: Iterable[str] | None = None

    def dispatch(self, request, *args, **kwargs):
        if self.allowed_roles is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set allowed_roles.")
        if request.user.is_authenticated and not has_any_role(request.user, self.allowed_roles):
            raise RoleRefused
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return visible(super().get_queryset(), self.request.user)

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            raise NotVisible(target=self.model._meta.label_lower if self.model else "") from None


def safe_url(request, url: str | None, default: str) -> str:
    """``url`` if it stays on this site, else ``default`` (a URL or a URL name):
    never an outside address (open redirect)."""
    hosts = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=request.is_secure()):
        return url
    return resolve_url(default)


def safe_next(request, default: str) -> str:
    """Where to go back to: ``next`` from POST, then GET, if it stays on this site, else ``default``."""
    return safe_url(request, request.POST.get("next") or request.GET.get("next"), default)


__all__ = [
    "ALL_ROLES",
    "NotVisible",
    "RoleRefused",
    "ScopedMixin",
    "client_ip",
    "get_visible_or_404",
    "has_any_role",
    "role_required",
    "safe_next",
    "safe_url",
    "visible",
]
