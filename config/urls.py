from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from teams.forms import LoginForm, OutboxPasswordResetForm
from teams.views import healthz, language_set

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path(
        "password_reset/",
        auth_views.PasswordResetView.as_view(form_class=OutboxPasswordResetForm),
        name="password_reset",
    ),
    path("", include("django.contrib.auth.urls")),
    # Django's language switch, remembering the choice on the account (teams.views.language_set).
    path("i18n/setlang/", language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("teams.urls")),
    path("", include("meetings.urls")),
    path("clients/", include("clients.urls")),
    path("projects/", include("projects.urls")),
    path("reception/", include("reception.urls")),
    path("complaints/", include("complaints.urls")),
    path("performance/", include("performance.urls")),
    # The client's page (/p/<token>/) and the staff's link actions (/portal/…).
    path("", include("portal.urls")),
]
