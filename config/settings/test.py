"""pytest: the real database and broker when DATABASE_URL / REDIS_URL are set (CI)."""

from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test process; a few tests use the real broker explicitly.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The manifest storage fails without collectstatic ("Missing staticfiles manifest entry"); tests serve plain files.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The suite tests one configuration, with REDIS_URL (CI) or without (`make test` on the embedded default): the
# settings base.py derives from REDIS_URL are fixed here as in production with Redis (the cache above is this
# process's memory either way, like one gunicorn worker's). Otherwise the shell's queries, and with them every
# page's query budget, changed with the environment. Tests of the no-Redis path set them back
# (tests/teams/test_notifications.py test_unread_count_is_not_cached_without_a_shared_cache).
UNREAD_COUNT_CACHE_SECONDS = 300
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Tests change users with queryset updates too: the user is read from the database unless a test turns the
# cache on (tests/teams/test_auth_cache.py).
USER_CACHE_SECONDS = 0
SITE_URL = "http://testserver"
CTI_TOKEN = "test-cti-token"  # noqa: S105
# The robot tests post to fakes on loopback ports (tests/teams/test_robots.py).
ROBOT_HOSTS = ["127.0.0.1", "localhost"]

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Two-factor sign-in is not enforced here, so that tests signing in with force_login or through the
# login form (the browser tests) reach their pages; tests of two-factor sign-in turn it on with the
# ``settings`` fixture (tests/teams/test_two_factor.py). Whoever has a device is asked for it anyway.
TWO_FACTOR_ENFORCE = False

# Every test runs on an ordinary working day, far from midnight (config/settings/test_clock.py).
from config.settings.test_clock import pin  # noqa: E402

TEST_CLOCK_OFFSET = pin()
