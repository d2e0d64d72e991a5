"""Settings of the benchmark: the production stack (DEBUG off, cached DB sessions, Redis cache when
REDIS_URL is set, persistent connections) with what a benchmark needs on 127.0.0.1, plus a bare view
(bench/urls.py) as the ceiling. Never used by the app itself."""

import os

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
# The bench app only for its seed_scale command (bench/management/commands/seed_scale.py).
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
# Persistent connections: opening one per request more than halved throughput under wrk.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))  # noqa: F405
# Mails are rendered, not sent; tasks a job enqueues run inline, so a job's time includes them.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The production static set-up (manifest storage, WhiteNoise): bench/run.sh runs collectstatic into here.
STATIC_ROOT = VAR_DIR / "bench-static"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
