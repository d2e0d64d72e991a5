"""Development: the default of manage.py and `make run`."""

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
# A fixed key for the local SQLite demo only; production requires SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "") or "local-development-only-not-secret"
# The demo phone system (manage.py fake_pbx) posts with this token; a real PBX gets its own CTI_TOKEN.
CTI_TOKEN = env_str("CTI_TOKEN", "") or "local-demo-cti-token"
# The demo teams' group robots post to the local fake (manage.py fake_robots, started by `make run`).
DEMO_ROBOTS_URL = (env_str("DEMO_ROBOTS_URL", "") or "http://127.0.0.1:8025").rstrip("/")

# Serve static files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# The demo logins of `make run` (README) sign in with their password alone; TWO_FACTOR_ENFORCE=1 tries
# the enrolment on the demo company. Production enforces it (base.py).
TWO_FACTOR_ENFORCE = env_bool("TWO_FACTOR_ENFORCE", False)

# The WeCom demo (README "WeCom"): `make run` starts `manage.py fake_wecom` on 127.0.0.1:8700 and sets
# WECOM_DEMO=1, which points WeCom at it — unless a real corp is configured (WECOM_CORP_ID set).
if env_bool("WECOM_DEMO", False) and not WECOM_CORP_ID:  # noqa: F405
    WECOM_CORP_ID = "ww-demo-corp"
    WECOM_AGENT_ID = "1000002"
    WECOM_SECRET = "local-demo-secret-not-secret"  # noqa: S105 (the fake's, on loopback only)
    WECOM_DEMO_URL = env_str("WECOM_DEMO_URL", "http://127.0.0.1:8700").rstrip("/")
    WECOM_API_BASE = WECOM_DEMO_URL
    WECOM_OAUTH_URL = f"{WECOM_DEMO_URL}/connect/oauth2/authorize"
    WECOM_QR_LOGIN_URL = f"{WECOM_DEMO_URL}/wwlogin/sso/login"
    # The fake answers at once; a demo's rate limit is waited out briefly.
    WECOM_BACKOFF_SECONDS = 0.2
