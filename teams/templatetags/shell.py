"""The page shell's tags: the navigation bar rendered once per role, page and language, and the shell's static URLs
looked up once per process. Rendering the bar (about 180 template nodes, ten URL reversals) was the largest part
of every page's shell (issue 14); what belongs to the request — the person's name, the CSRF token, the bell's
count, the page's address and the search text — is put into the rendered bar on each request."""

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from teams import services
from teams.access import safe_url
from teams.context_processors import navigation
from teams.registry import NAV
from teams.roles import Role

register = template.Library()

NAVBAR = "includes/navbar.html"
# Markers for the per-request parts: control characters, which neither escaping nor a user's name produces.
_SLOTS = ("csrf_token", "bell_badge", "bell_badge_compact", "next_path", "search_q", "user_name")
_MARK = {name: mark_safe(f"\x1b{index}\x1b") for index, name in enumerate(_SLOTS)}
_MARKED = re.compile("\x1b([0-9])\x1b")


@dataclass(frozen=True)
class _Viewer:
    """What the bar's entries depend on (teams.registry.nav_for, has_any_role): the role and superuser flag."""

    role: str
    is_superuser: bool
    is_authenticated: bool = True


@register.simple_tag
def asset(path: str) -> str:
    """``{% static %}`` for the shell's own files, memoised: the manifest does not change while a process runs."""
    return _asset_url(path)


@lru_cache(maxsize=64)
def _asset_url(path: str) -> str:
    return staticfiles_storage.url(path)


def _badge(count: int, compact: bool) -> str:
    if not count:
        return ""
    if compact:
        return format_html(
            '<span class="position-absolute top-0 start-100 translate-middle badge rounded-pill bg-danger">{}</span>',
            count,
        )
    return format_html('<span class="badge rounded-pill bg-danger">{}</span>', count)


def _back_to(request) -> str:
    """Where the language switch returns: this page, or for a form shown again after a refused POST (its address
    answers only POST: 405) the page the form was sent from, else home."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or safe_url(request, referer, "teams:home") != referer:
        return "/"
    return urlsplit(referer)._replace(scheme="", netloc="").geturl() or "/"


@register.simple_tag(takes_context=True)
def navbar(context) -> str:
    request = context.get("request")
    if request is None:  # a template rendered without a request: the brand and the language switch only
        return render_to_string(NAVBAR, {"authenticated": False, "LANGUAGE_CODE": get_language()})
    user = getattr(request, "user", None)
    values = {
        "csrf_token": get_token(request),
        "next_path": _back_to(request),
        "search_q": request.GET.get("q", ""),
    }
    if user is None or not user.is_authenticated:
        return render_to_string(NAVBAR, {"authenticated": False, "LANGUAGE_CODE": get_language(), **values})
    count = services.unread_count(user)
    values["bell_badge"] = _badge(count, compact=False)
    values["bell_badge_compact"] = _badge(count, compact=True)
    values["user_name"] = user.full_name
    current = getattr(getattr(request, "resolver_match", None), "view_name", "") or ""
    bar = _bar(
        user.role,
        user.is_superuser,
        user.is_staff,
        get_language(),
        current,
        get_script_prefix(),
        get_urlconf() or settings.ROOT_URLCONF,
        len(NAV),
    )
    return mark_safe(_MARKED.sub(lambda m: conditional_escape(values[_SLOTS[int(m[1])]]), bar))  # noqa: S308


@lru_cache(maxsize=1024)
def _bar(role, is_superuser, is_staff, language, current, prefix, urlconf, entries) -> str:
    """The bar of a role on a page in the active ``language`` (the arguments after ``is_staff`` are the key only:
    what the rendering reads from the request's thread)."""
    context = {
        "authenticated": True,
        "LANGUAGE_CODE": language,
        "nav_items": navigation(_Viewer(role, is_superuser), current),
        "role_label": Role(role).label if role in Role.values else "",
        "is_staff": is_staff,
        **_MARK,
    }
    return render_to_string(NAVBAR, context)


@receiver(setting_changed)
def _forget(**kwargs):
    """Tests change languages, URLs and storages: nothing rendered under the old settings is kept."""
    _bar.cache_clear()
    _asset_url.cache_clear()
