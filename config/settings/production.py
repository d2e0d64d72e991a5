"""Production: the default of wsgi.py. Secrets have no default here.

`DJANGO_SETTINGS_MODULE=config.settings.production manage.py check --deploy`
passes with no warning (checked by `make test`).
"""

from config.env import env_bool, env_int, env_str
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")

# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# A monitor on the same machine may ask http://127.0.0.1/healthz without TLS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
