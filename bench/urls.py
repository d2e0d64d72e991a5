"""The app's URLs plus a bare view (the ceiling: the same middleware, no work) and the deputy GM's dashboard
computed on every request (its cache bypassed), next to the dashboard as served (from the cache the
``performance-warm-dashboards`` job refreshes every 4 minutes). Only under bench.settings."""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as app_urlpatterns
from performance.views.dashboards import dashboard


def bare(request):
    return HttpResponse("ok")


def dashboard_computed(request):
    """The dashboard with ``PERFORMANCE_DASHBOARD_CACHE_SECONDS = 0`` for this request: computed from the
    daily rollups every time, as django-helpdesk computes its dashboard. A sync gunicorn worker serves one
    request at a time, so the setting is back before the next one."""
    seconds = settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS
    settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS = 0
    try:
        return dashboard(request)
    finally:
        settings.PERFORMANCE_DASHBOARD_CACHE_SECONDS = seconds


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/dashboard-computed/", dashboard_computed, name="bench_dashboard_computed"),
    *app_urlpatterns,
]
