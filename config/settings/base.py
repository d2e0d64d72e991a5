"""Settings shared by every environment, read from the environment variables
documented in README.md and .env.example.

``local`` (the default of manage.py) adds development defaults, ``production``
(the default of wsgi.py) requires the secrets, ``test`` is for pytest.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str
from config.resilience import redis_cache_settings

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute address of the site, for links in e-mails ("acknowledge" buttons).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "teams",
    "meetings",
    "clients",
    "projects",
    "reception",
    "complaints",
    "portal",
    "performance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified() from the session (django-otp, its device read through the shared cache);
    # TwoFactorMiddleware below enforces it.
    "teams.middleware.CachedOTPMiddleware",
    "teams.middleware.IdleSessionMiddleware",
    "teams.middleware.SecurityHeadersMiddleware",
    "teams.middleware.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "teams.middleware.TwoFactorMiddleware",
    # Axes last: it must see the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# https://developer.mozilla.org/docs/Web/HTTP/Headers/Content-Security-Policy — scripts only from our own
# static files (no inline script, no eval); inline styles stay allowed (ECharts and Bootstrap set them).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "teams.context_processors.shell",
            ],
        },
    },
]

# https://github.com/jazzband/dj-database-url — default: a SQLite file in var/.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Reuse connections: opening one per request more than halved throughput under wrk.
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default is shared by the web server and the Celery worker. WAL lets readers
    # go on while one writes; IMMEDIATE takes the write lock when a transaction starts, so a
    # writer waits (up to ``timeout`` seconds) instead of failing with "database is locked"
    # halfway through, e.g. after an e-mail went out and before it was marked sent.
    # https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    # https://django-axes.readthedocs.io/en/latest/2_installation.html
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the signed-in user through the shared cache (teams/auth_cache.py).
    "teams.auth_cache.CachedModelBackend",
    # Sessions signed in before the cached backend still name this one; they keep working.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "teams:home"
LOGOUT_REDIRECT_URL = "login"

# Lock an account after repeated failed logins (username + address), for a while.
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One address trying many accounts (one wrong password each) is stopped too, at a higher limit so that a
# whole office behind one address is not locked out by a few typos (teams/forms.py LoginForm).
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# Reverse proxies in front of gunicorn that set X-Forwarded-For (README, deploy): 0 = none, trust REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "teams.access.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"

# Two-factor sign-in (teams/two_factor.py, django-otp: https://django-otp-official.readthedocs.io/).
# Superusers and these roles — every role that may export client data (teams/exports.py
# CLIENT_DATA_EXPORTS; a system check keeps the two in step) — must enrol before reaching any page
# while TWO_FACTOR_ENFORCE is on; everyone else may. Whoever has a device is always asked for it.
TWO_FACTOR_ENFORCE = env_bool("TWO_FACTOR_ENFORCE", True)
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", "deputy_gm,consultant")
# "Remember this device": a signed cookie that spares the code on this browser for so many days.
TWO_FACTOR_REMEMBER_DAYS = env_int("TWO_FACTOR_REMEMBER_DAYS", 30)
# The name an authenticator app shows above the code.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "客服中心")

# Retention (teams/retention.py; README "Privacy"): a lost lead that never signed is anonymised this many
# months after it was lost; calls and visits of people who never became clients after RETENTION_CALLER_MONTHS;
# access-log entries are deleted after RETENTION_ACCESS_LOG_MONTHS — never below 6 (the Cybersecurity Law,
# Art. 21: network logs at least six months; teams/checks.py refuses less).
RETENTION_LOST_LEAD_MONTHS = env_int("RETENTION_LOST_LEAD_MONTHS", 24)
RETENTION_CALLER_MONTHS = env_int("RETENTION_CALLER_MONTHS", 12)
RETENTION_ACCESS_LOG_MONTHS = env_int("RETENTION_ACCESS_LOG_MONTHS", 36)
# Lost leads anonymised per nightly run (each is a few dozen updates): a backlog — retention switched on over
# years of data — clears over several nights instead of holding the worker for an hour (bench/jobs.py).
RETENTION_SWEEP_MAX_CLIENTS = env_int("RETENTION_SWEEP_MAX_CLIENTS", 2000)
# A finished job's result file (a big export, an import preview: clients' data) is deleted after this many
# days; the one-time tokens of create forms (double-submit guard) after SUBMISSION_KEEP_DAYS.
JOB_RESULT_DAYS = env_int("JOB_RESULT_DAYS", 7)
SUBMISSION_KEEP_DAYS = env_int("SUBMISSION_KEEP_DAYS", 30)
# A client's request to see, correct or delete their personal information is answered within this many
# working days (teams/calendar.py); the deputy GMs are reminded before and when it is overdue.
PRIVACY_REQUEST_ANSWER_DAYS = env_int("PRIVACY_REQUEST_ANSWER_DAYS", 15)

# Sessions end after this much inactivity (IdleSessionMiddleware renews them).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 120) * 60
# …and at the latest this long after sign-in, however active (a session stolen from a shared PC ends).
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
# Sessions live in the database. With Redis (REDIS_URL), they are also read through it (cached_db, with the
# user, device and unread count in the same round trip: teams/sessions.py): a signed-in page then reads no
# session row (issue 14); with Redis down or hung the cache fails soft
# (config/resilience.py) and the session is read from the database, so people stay signed in. Without a
# shared cache (the embedded set-up's per-process memory) the database alone: a session saved by one
# process would be read stale from another's memory.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"  # never served directly: uploads go through views that check access
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    # A file gets its name only when complete: a full disk leaves no truncated upload (teams/storage.py).
    "default": {"BACKEND": "teams.storage.AtomicFileSystemStorage"},
    # https://whitenoise.readthedocs.io/en/stable/django.html
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Largest attachment a user may upload (photos, scanned contracts, PDFs).
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_MB", 10) * 1024 * 1024
# Request bodies: files above 5 MB spool to disk; the rest of a form at most 2.5 MB
# (DATA_UPLOAD_MAX_MEMORY_SIZE counts everything but the files). The web server caps the whole body
# (client_max_body_size in the README) at a few attachments' worth.
# https://docs.djangoproject.com/en/5.2/ref/settings/#data-upload-max-memory-size
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MB

REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # A cache that fails soft (config/resilience.py): with Redis down or hung, a read is a miss
    # after at most half a second, and Redis is then left alone for 30 seconds.
    CACHES = {"default": redis_cache_settings(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The bell's unread count (teams.services.unread_count) is cached only where every process shares the cache.
UNREAD_COUNT_CACHE_SECONDS = env_int("UNREAD_COUNT_CACHE_SECONDS", 300) if REDIS_URL else 0
# The signed-in user's row, likewise (teams/auth_cache.py): dropped from the cache whenever it is saved.
USER_CACHE_SECONDS = env_int("USER_CACHE_SECONDS", 60) if REDIS_URL else 0
if REDIS_URL:
    SESSION_ENGINE = "teams.sessions"
# How long the cached copy of a session lives (teams/sessions.py: a sign-out while Redis is down).
SESSION_CACHE_SECONDS = env_int("SESSION_CACHE_SECONDS", 300)

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "客服中心 <service@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The group headquarters' culture and communication centre receives the monthly report.
HQ_REPORT_EMAIL = env_str("HQ_REPORT_EMAIL", "culture@hq.example.com")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Celery: see config/celery.py. Without REDIS_URL the broker is a folder on disk,
# which needs no server and is shared by the worker and its embedded beat; its queue,
# processed and control folders all live here, never in the working directory.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
# An export with more rows than this is written by a background job with progress (teams/exports.py).
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 2000)
# An export reads its list this many rows at a time (teams/exports.py ExportRows): memory stays flat.
EXPORT_CHUNK_ROWS = env_int("EXPORT_CHUNK_ROWS", 2000)
# An export of more client rows than this (clients, complaints, calls, projects) waits for the deputy GM's
# approval in the app before the file is written (teams/exports.py needs_approval, teams/jobs.py job_approve).
EXPORT_APPROVAL_ROWS = env_int("EXPORT_APPROVAL_ROWS", 500)
# A running job whose heartbeat has not moved for this long lost its worker: the scan takes it over,
# and after JOB_MAX_TAKEOVERS takeovers marks it failed (teams/jobs.py).
JOB_STALE_MINUTES = env_int("JOB_STALE_MINUTES", 10)
JOB_MAX_TAKEOVERS = env_int("JOB_MAX_TAKEOVERS", 3)
CELERY_FILESYSTEM_DIR = VAR_DIR / "celery"
CELERY_TASK_ALWAYS_EAGER = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # The client page's token never reaches a log line (teams/log_redact.py).
    "filters": {"redact_tokens": {"()": "teams.log_redact.RedactTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Django's request and runserver loggers through the redacting handler only (their own handlers would
        # print a 404's path, token and all).
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint logs every layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Clients: a follow-up visit this many days overdue is escalated to the deputy GM (once).
CLIENT_VISIT_ESCALATE_DAYS = env_int("CLIENT_VISIT_ESCALATE_DAYS", 3)
# Contract money (clients/services/money.py): a payment stage this many days overdue, already
# reminded to the consultant, is escalated to the deputy GM (once).
RECEIVABLE_ESCALATE_DAYS = env_int("RECEIVABLE_ESCALATE_DAYS", 7)
# Whether project managers see the amounts of their projects' payment stages (they always see
# each stage's status). Off by default: amounts are for the consultant and the deputy GM.
PROJECT_MANAGER_SEES_AMOUNTS = env_bool("PROJECT_MANAGER_SEES_AMOUNTS", False)
# Complaints and front desk (teams/calendar.py, complaints/services.py, reception/services.py).
# The working calendar for deadlines counted in working hours: local time (TIME_ZONE), weekdays 0=Monday.
WORKING_DAY_START = env_str("WORKING_DAY_START", "09:00")
WORKING_DAY_END = env_str("WORKING_DAY_END", "18:00")
WORKING_WEEKDAYS = [int(d) for d in env_list("WORKING_WEEKDAYS", "0,1,2,3,4")]
# Default complaint deadlines when no DeadlinePolicy row (admin) matches: minutes, and whether
# they count working hours only. A major incident's clock runs day and night (24 hours).
COMPLAINT_DEADLINES = {
    "normal": {"ack_minutes": 30, "resolve_minutes": 3 * 540, "working_hours": True},
    "major": {"ack_minutes": 30, "resolve_minutes": 24 * 60, "working_hours": False},
}
# After a missed deadline the handler is reminded; this much later (same clock) the deputy GM is told.
COMPLAINT_ESCALATE_AFTER_MINUTES = {"ack": env_int("COMPLAINT_ACK_ESCALATE_MINUTES", 30), "resolve": 540}
# An important call forwarded to someone must be acknowledged within this many working minutes;
# the same again later it is escalated to the deputy GM.
RECEPTION_FORWARD_ACK_MINUTES = env_int("RECEPTION_FORWARD_ACK_MINUTES", 10)
# The phone system's webhook (README "Telephony"): the PBX posts call events to /cti/<CTI_TOKEN>/.
# Empty: the webhook is off (every event refused).
CTI_TOKEN = env_str("CTI_TOKEN", "")
# Per sending address: refusals of a wrong token that are still logged, and events a PBX may post (a busy
# hotline posts three per call); beyond them the webhook answers 429 (reception/views_cti.py).
CTI_BAD_TOKENS_PER_MINUTE = env_int("CTI_BAD_TOKENS_PER_MINUTE", 10)
CTI_EVENTS_PER_MINUTE = env_int("CTI_EVENTS_PER_MINUTE", 1200)
# The local fake of the WeCom / DingTalk group robots (manage.py fake_robots, teams/fake_robots.py): where it
# listens, and where seed_demo points the demo teams' robots. Empty: the demo teams get no robot. `make run` sets
# http://127.0.0.1:8025 (config/settings/local.py); a real team's robot is set on its settings page.
DEMO_ROBOTS_URL = env_str("DEMO_ROBOTS_URL", "").rstrip("/")
# Where else a team's group robot may post, besides WeCom's and DingTalk's own hosts (teams/robots.py
# ``allowed_host``): e.g. the company's outbound proxy. The fake's host (DEMO_ROBOTS_URL) is allowed when set.
# Any other address is refused, when saved and when posting: the server never posts to an address a team
# leader typed (an intranet service, the metadata endpoint).
ROBOT_HOSTS = [h.lower() for h in env_list("ROBOT_HOSTS")]
# Performance app (monthly report to headquarters, dashboards).
# The consultant may edit a report's narrative until the end of this day of the following month.
PERFORMANCE_NARRATIVE_DAY = env_int("PERFORMANCE_NARRATIVE_DAY", 4)
# A report not approved by this day and hour (Asia/Shanghai) of the following month is sent as it is.
PERFORMANCE_REPORT_SEND_DAY = env_int("PERFORMANCE_REPORT_SEND_DAY", 5)
PERFORMANCE_REPORT_SEND_HOUR = env_int("PERFORMANCE_REPORT_SEND_HOUR", 10)
# Dashboard figures are cached this many seconds (the page shows how fresh they are); 0 = no cache.
PERFORMANCE_DASHBOARD_CACHE_SECONDS = env_int("PERFORMANCE_DASHBOARD_CACHE_SECONDS", 300)
# "Signed within N days" (lead conversion as a matured cohort): N; a month is final N days after it ends.
PERFORMANCE_LEAD_CONVERSION_DAYS = env_int("PERFORMANCE_LEAD_CONVERSION_DAYS", 90)
# The message gateway for texts to clients (teams/gateways.py): "console" (default: logged, nothing leaves),
# "sms", "wechat", or a dotted path to a provider class.
MESSAGE_GATEWAY = env_str("MESSAGE_GATEWAY", "console")
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
SMS_GATEWAY_KEY = env_str("SMS_GATEWAY_KEY", "")
SMS_SIGN = env_str("SMS_SIGN", "客服中心")
WECHAT_TEMPLATE_URL = env_str("WECHAT_TEMPLATE_URL", "")
WECHAT_TEMPLATE_ID = env_str("WECHAT_TEMPLATE_ID", "")
# The client's page (portal/, issue 17). The company hotline shown there; a rating at or below
# PORTAL_LOW_RATING (1–5) opens a complaint; requests allowed per minute for one link and for one address.
PORTAL_HOTLINE = env_str("PORTAL_HOTLINE", "400-800-1234")
PORTAL_LOW_RATING = env_int("PORTAL_LOW_RATING", 2)
PORTAL_REQUESTS_PER_MINUTE_PER_LINK = env_int("PORTAL_REQUESTS_PER_MINUTE_PER_LINK", 60)
PORTAL_REQUESTS_PER_MINUTE_PER_ADDRESS = env_int("PORTAL_REQUESTS_PER_MINUTE_PER_ADDRESS", 120)
# WeCom (企业微信, README "WeCom"): sign-in with WeCom and application messages to staff (teams/wecom.py).
# The self-built application's corp ID, agent ID and secret (管理后台 → 应用管理 → 自建应用); all three empty:
# the feature is off (no WeCom button on the login page, no WeCom channel offered). The secret comes from the
# environment only. https://developer.work.weixin.qq.com/document/path/90665
WECOM_CORP_ID = env_str("WECOM_CORP_ID", "")
WECOM_AGENT_ID = env_str("WECOM_AGENT_ID", "")
WECOM_SECRET = env_str("WECOM_SECRET", "")
# The server API, and the two pages a browser is sent to: OAuth2 inside WeCom's own browser
# (https://developer.work.weixin.qq.com/document/path/91022) and the QR-code login on a desk PC
# (https://developer.work.weixin.qq.com/document/path/98152). The demo (`make run`) points all three at
# `manage.py fake_wecom` on 127.0.0.1.
WECOM_API_BASE = env_str("WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/")
WECOM_OAUTH_URL = env_str("WECOM_OAUTH_URL", "https://open.weixin.qq.com/connect/oauth2/authorize")
WECOM_QR_LOGIN_URL = env_str("WECOM_QR_LOGIN_URL", "https://login.work.weixin.qq.com/wwlogin/sso/login")
# snsapi_base signs in silently; snsapi_privateinfo asks the person once and gives their mobile to the
# first-login match even for applications created after 2022-06-20 (whose user/get no longer returns it).
WECOM_OAUTH_SCOPE = env_str("WECOM_OAUTH_SCOPE", "snsapi_base")
# Rate-limit answers (45009, 45033…): the client retries a call this many times, waiting
# WECOM_BACKOFF_SECONDS, then twice that…; then every call pauses for a while growing to WECOM_PAUSE_MAX_SECONDS.
WECOM_RATE_LIMIT_RETRIES = env_int("WECOM_RATE_LIMIT_RETRIES", 2)
WECOM_BACKOFF_SECONDS = float(env_str("WECOM_BACKOFF_SECONDS", "1"))
WECOM_PAUSE_MAX_SECONDS = env_int("WECOM_PAUSE_MAX_SECONDS", 1800)
WECOM_TIMEOUT_SECONDS = env_int("WECOM_TIMEOUT_SECONDS", 10)
