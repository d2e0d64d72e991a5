"""A plain Django project for the benchmark's floor: the settings `django-admin startproject` writes (its
default MIDDLEWARE, the contrib apps it installs), one view returning "ok" (urls.py), served by
the same gunicorn on the same machine and database server as ours. Our bare view (bench/urls.py: the same
"ok" behind our whole middleware, signed in) is compared with it: issue 14 asks for at least 60 %.
A project of its own (bench/plain, run with ``--chdir bench/plain``): it imports nothing of ours.
Never used by the app itself."""

import os

import dj_database_url

SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "plainsite.urls"
WSGI_APPLICATION = "plainsite.wsgi.application"
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
# Django's default MIDDLEWARE (startproject, Django 5.2).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# The same database server as ours (the view reads nothing: Django's session and user are lazy).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "sqlite:////tmp/kefu-bench-plain.sqlite3"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
    )
}
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
