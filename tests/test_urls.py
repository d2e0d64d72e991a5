"""A safety net over every URL of every app: nothing is open to an anonymous visitor."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages that must work before login.
PUBLIC = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    # For a monitor: ok/failed per part, nothing else (tests/teams/test_resilience_health.py).
    "healthz",
    # The phone system's webhook: protected by its token, not a login (tests/reception/test_cti.py).
    "cti_webhook",
    # Sign in with WeCom: before login by nature, 404 while WeCom is not configured (tests/teams/test_wecom_login.py).
    "wecom_login",
    "wecom_callback",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", prefix + str(entry.pattern)


def _example_path(route: str) -> str:
    for converter, value in (
        ("<int:", "1"),
        ("<slug:", "x"),
        ("<str:", "x"),
        ("<uuid:", "00000000-0000-0000-0000-000000000000"),
        ("<path:", "x"),
    ):
        while converter in route:
            start = route.index(converter)
            route = route[:start] + value + route[route.index(">", start) + 1 :]
    return "/" + route.replace("^", "").replace("$", "")


APP_URLS = [
    (name, _example_path(route))
    for name, route in _walk(get_resolver().url_patterns)
    if not route.startswith("admin/") and name.split(":")[-1] not in PUBLIC and "(?P" not in route
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), APP_URLS, ids=[n for n, _ in APP_URLS])
def test_every_page_requires_login(client, name, path):
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code in (302, 404, 405), (
            f"{name} answered {response.status_code} to an anonymous visitor"
        )
        if response.status_code == 302:
            assert response.url.startswith("/login/"), f"{name} redirected to {response.url}"
