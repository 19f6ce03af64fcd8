"""Settings for kazoo-zapier, read from environment variables.

Out of the box (no variable set) the service runs locally: SQLite under ./data, django-q2's ORM
broker, the in-memory channel layer, DEBUG on and the Kazoo simulator as Kazoo. DATABASE_URL and
REDIS_URL switch to PostgreSQL and Redis; DJANGO_ENV=production turns on what `check --deploy`
asks for and refuses to start without a secret key and allowed hosts. README.md lists every
variable.
"""

import ipaddress
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop as _

from kazoo_zapier.env import (
    env_bool,
    env_choice,
    env_float,
    env_int,
    env_list,
    env_required,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

VERSION = "0.1.0"

# --- Environment --------------------------------------------------------------------------------
DJANGO_ENV = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
else:
    # A fixed key is fine for a local checkout: nothing it signs leaves the machine.
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list(
        "DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
# Django's technical 404 (every URL pattern) instead of the branded page, when debugging.
TECHNICAL_404 = env_bool("DJANGO_TECHNICAL_404", False)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "daphne",
    "kazoo_zapier.admin_site.ProviderAdminConfig",  # django.contrib.admin, the provider's
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",
    "axes",
    "channels",
    "django_q",
    "kazoo_zapier.kazoo",
    "accounts",
    "events",
    "hooks",
    "calls",
    "kazoo_zapier.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # After CommonMiddleware, so that its add-a-slash redirect still sees the 404 first.
    "kazoo_zapier.errors.BrandedNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the switcher's choice, else the Kazoo user's language.
    "accounts.language.UserLanguageMiddleware",
    # Times in the zone of whoever looks (kazoo_zapier/display.py).
    "kazoo_zapier.display.TimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a django-axes lock-out into the branded sign-in page (accounts.views).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kazoo_zapier.urls"
WSGI_APPLICATION = "kazoo_zapier.wsgi.application"
ASGI_APPLICATION = "kazoo_zapier.asgi.application"

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
                "kazoo_zapier.context_processors.branding",
            ],
            # `|when` and `|phone` on every template: one way to show a time and a number.
            "builtins": ["kazoo_zapier.templatetags.display"],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "db.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{SQLITE_PATH}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The listener, the workers and the web server write at the same time: WAL lets readers
    # go on during a write, IMMEDIATE takes the write lock up front instead of failing halfway.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests run servers in other threads and processes: they need a file, not :memory:. One
    # file per test run, so that two runs on one machine never share (and delete) a database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: django-q2's broker, the channel layer and the cache when REDIS_URL is set ------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, schemes=("redis", "rediss", "unix"))

CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

Q_CLUSTER = {
    "name": env_str("Q_CLUSTER_NAME", "kazoo_zapier"),
    "workers": env_int("Q_WORKERS", 2, minimum=1),
    # A task that runs longer than this is killed; retry must be longer than timeout.
    "timeout": env_int("Q_TIMEOUT", 120, minimum=10),
    "retry": env_int("Q_TIMEOUT", 120, minimum=10) + 60,
    "max_attempts": 3,
    "save_limit": 1000,
    "catch_up": False,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = env_float("Q_ORM_POLL_SECONDS", 0.2, minimum=0.01)

# --- Auth, OAuth 2.0 and the API ----------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/connect/"
# Axes first: it refuses locked-out attempts. Kazoo users sign in with Kazoo credentials;
# Django passwords are for staff only (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.KazooBackend",
    "accounts.backends.StaffBackend",
]
# django-axes: repeated failed sign-ins for one account name + username from one address
# lock that combination out for a while (a cool-off), then it may try again.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy, the client's address is in X-Forwarded-For, this many hops deep: without
# it every user would share the proxy's address, and one user's typos would lock out everyone.
if _proxies := env_int("AXES_PROXY_COUNT", 0, minimum=0):
    AXES_IPWARE_PROXY_COUNT = _proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Send an SMS (calls/sms.py) needs the provider's SMS set-up in Kazoo (carrier, numbers with SMS).
SMS_ENABLED = env_bool("SMS_ENABLED", False)

OAUTH2_PROVIDER = {
    # Marked for translation only: the consent page translates them as it shows them.
    "SCOPES": {
        "events": _("Receive your call events (new, answered, missed and ended calls)"),
        "calls": _("Place calls from your phone"),
        "settings": _("Change your call forwarding and Do Not Disturb"),
        "callcentre": _("Log you in and out of your call-centre queues, pause and resume you"),
        # Only where the provider set up SMS in Kazoo: otherwise no app may ask for it.
        **({"sms": _("Send text messages (SMS) from your phone numbers")} if SMS_ENABLED else {}),
    },
    "DEFAULT_SCOPES": ["events", "calls"],
    "PKCE_REQUIRED": True,
    "ROTATE_REFRESH_TOKEN": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("OAUTH_ACCESS_TOKEN_SECONDS", 3600, minimum=60),
    "REFRESH_TOKEN_EXPIRE_SECONDS": env_int(
        "OAUTH_REFRESH_TOKEN_SECONDS", 60 * 60 * 24 * 365, minimum=3600
    ),
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 120,
    # RFC 9700, the OAuth 2.0 security best practice, adopted now rather than when
    # django-oauth-toolkit 4.0 makes it the default: no implicit or password grant, PKCE S256
    # only, tokens only in the Authorization header, hashed token storage (the admin can never
    # show a token's value), and a replayed refresh token revokes its whole family.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # DOT's validator, plus: a user disabled or deleted in Kazoo cannot refresh.
    "OAUTH2_VALIDATOR_CLASS": "accounts.oauth.KazooOAuth2Validator",
    # Zapier's redirect URI is https; plain http only for local development and tests.
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["http", "https"],
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # DOT's OAuth2Authentication, answering in the token owner's language.
        "accounts.language.OAuth2UserLanguageAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # Errors as {"code", "detail"} (API.md), Kazoo failures as 502/503.
    "EXCEPTION_HANDLER": "kazoo_zapier.api.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "kazoo-zapier API",
    "DESCRIPTION": "Kazoo call events as REST hooks, and click-to-call, for the Zapier app.",
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Internationalization and static files ------------------------------------------------------
LANGUAGE_CODE = "en"
# The provider's customers' languages (issue 18). A Kazoo tag ("de-DE") picks its language here.
LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("es", "Español"),
    ("it", "Italiano"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language switcher's choice lasts a year, not one browser session.
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Date, time to the second, zone, on every page (kazoo_zapier/display.py).
FORMAT_MODULE_PATH = ["kazoo_zapier.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Locally, serve straight from the apps' folders: no collectstatic step before `make run`.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

# --- Kazoo --------------------------------------------------------------------------------------
# The defaults point at the simulator that `make run` starts (python manage.py kazoo_simulator).
KAZOO_SIMULATOR_HOST = env_str("KAZOO_SIMULATOR_HOST", "127.0.0.1")
KAZOO_SIMULATOR_HTTP_PORT = env_int("KAZOO_SIMULATOR_HTTP_PORT", 8800, minimum=0)
KAZOO_SIMULATOR_WS_PORT = env_int("KAZOO_SIMULATOR_WS_PORT", 5555, minimum=0)
KAZOO_SIMULATOR_API_KEY = "simulator-api-key-" + "0" * 46  # 64 characters, like Kazoo's

KAZOO_API_URL = env_url(
    "KAZOO_API_URL",
    f"http://{KAZOO_SIMULATOR_HOST}:{KAZOO_SIMULATOR_HTTP_PORT}/v2",
    schemes=("http", "https"),
)
# One Blackhole URL, or several comma-separated: the listener holds a socket to each.
KAZOO_WS_URL = env_url(
    "KAZOO_WS_URL", f"ws://{KAZOO_SIMULATOR_HOST}:{KAZOO_SIMULATOR_WS_PORT}", schemes=("ws", "wss")
)
for _ws_url in KAZOO_WS_URL.split(","):
    if not _ws_url.strip().startswith(("ws://", "wss://")):
        raise ImproperlyConfigured(f"KAZOO_WS_URL: {_ws_url!r} must start with ws:// or wss://")
# Blackhole sockets per listener: each is its own rate limit in Kazoo (10 subscribes a second).
KAZOO_WS_SOCKETS = env_int("KAZOO_WS_SOCKETS", 1, minimum=1)
KAZOO_API_KEY = (
    env_required("KAZOO_API_KEY")
    if PRODUCTION
    else env_str("KAZOO_API_KEY", KAZOO_SIMULATOR_API_KEY)
)
KAZOO_TIMEOUT_SECONDS = env_float("KAZOO_TIMEOUT_SECONDS", 10.0, minimum=0.1)
KAZOO_CONNECT_TIMEOUT_SECONDS = env_float("KAZOO_CONNECT_TIMEOUT_SECONDS", 3.0, minimum=0.1)

# --- Events -------------------------------------------------------------------------------------
# Normalized events older than this are deleted daily (never one with a delivery still pending).
EVENTS_RETENTION_DAYS = env_int("EVENTS_RETENTION_DAYS", 30, minimum=1)
# Normalized events the listener holds while its store is behind (the database slow or away);
# when full, frames wait in the Blackhole client and the listener's health says so.
LISTENER_OUTBOX_EVENTS = env_int("LISTENER_OUTBOX_EVENTS", 100_000, minimum=100)

# --- Product ------------------------------------------------------------------------------------
DEFAULT_PHONE_REGION = env_str("DEFAULT_PHONE_REGION", "DE").upper()
ZAPIER_APP_URL = env_str("ZAPIER_APP_URL", "https://zapier.com/apps")
BRANDING = {
    "name": env_str("PROVIDER_NAME", "Example Telecom"),
    "portal_url": env_str("PROVIDER_PORTAL_URL", ""),
    "logo_url": env_str("PROVIDER_LOGO_URL", ""),
    "primary_color": env_str("PROVIDER_PRIMARY_COLOR", "#0b5cad"),
    "accent_color": env_str("PROVIDER_ACCENT_COLOR", "#f59e0b"),
    "support_email": env_str("PROVIDER_SUPPORT_EMAIL", ""),
}

# --- REST hooks: subscriptions and their delivery (hooks/) -------------------------------------
# Plain http and private addresses are refused for hook targets except what is listed here;
# development allows this machine so that a local receiver works out of the box.
HOOKS_HTTP_HOSTS = env_list(
    "HOOKS_HTTP_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "::1"]
)
HOOKS_ALLOWED_NETWORKS = env_list(
    "HOOKS_ALLOWED_NETWORKS", [] if PRODUCTION else ["127.0.0.0/8", "::1/128"]
)
for _network in HOOKS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"HOOKS_ALLOWED_NETWORKS: {_network!r} is not a network (e.g. 10.0.0.0/8)"
        ) from None
# Empty allows any public host; `hooks.zapier.com` or `*.zapier.com` restricts to Zapier.
HOOKS_TARGET_HOSTS = env_list("HOOKS_TARGET_HOSTS", [])
HOOKS_CONNECT_TIMEOUT_SECONDS = env_float("HOOKS_CONNECT_TIMEOUT_SECONDS", 5.0, minimum=0.1)
HOOKS_TIMEOUT_SECONDS = env_float("HOOKS_TIMEOUT_SECONDS", 15.0, minimum=0.5)
HOOKS_RETRY_HOURS = env_float("HOOKS_RETRY_HOURS", 24.0, minimum=0.0)
HOOKS_DISABLE_AFTER_HOURS = env_float("HOOKS_DISABLE_AFTER_HOURS", 24.0, minimum=0.0)
HOOKS_RETENTION_DAYS = env_int("HOOKS_RETENTION_DAYS", 14, minimum=1)
HOOKS_RATE_PER_TARGET = env_float("HOOKS_RATE_PER_TARGET", 25.0, minimum=0.1)
# Targets one worker sends to at once. Threads wait on the network, not the CPU: a real Zapier
# hook answers in 100-300 ms, so a worker sends at most about SENDER_THREADS / 0.2 a second.
HOOKS_SENDER_THREADS = env_int("HOOKS_SENDER_THREADS", 32, minimum=1)
# A send still running after HOOKS_SLOW_AFTER_SECONDS (a slow or dead target) moves out of the
# way: it waits in one of HOOKS_SLOW_SENDS further threads, and the SENDER_THREADS go on serving
# the targets that answer (hooks/delivery.py, Pipeline).
HOOKS_SLOW_AFTER_SECONDS = env_float("HOOKS_SLOW_AFTER_SECONDS", 2.0, minimum=0.1)
HOOKS_SLOW_SENDS = env_int("HOOKS_SLOW_SENDS", 64, minimum=0)
HOOKS_LEASE_SECONDS = env_int("HOOKS_LEASE_SECONDS", 60, minimum=5)
# --- Click-to-call (calls/) -----------------------------------------------------------------------
# Calls one Kazoo user may place per period: a toll-fraud guard. DRF's rate format, e.g. 20/hour.
CALLS_RATE_LIMIT = env_str("CALLS_RATE_LIMIT", "20/hour")
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", CALLS_RATE_LIMIT):
    raise ImproperlyConfigured(
        f"CALLS_RATE_LIMIT={CALLS_RATE_LIMIT!r} must be calls per period, e.g. 20/hour or 5/min"
    )
# Premium-rate numbers (phonenumbers' metadata for every country) are refused unless turned off.
CALLS_BLOCK_PREMIUM_RATE = env_bool("CALLS_BLOCK_PREMIUM_RATE", True)
# The operator's deny list: E.164 prefixes never dialled, e.g. +49137,+49118,+882,+883.
CALLS_BLOCKED_PREFIXES = env_list("CALLS_BLOCKED_PREFIXES", [])
for _prefix in CALLS_BLOCKED_PREFIXES:
    if not re.fullmatch(r"(\+|00)?[0-9][0-9 ]*", _prefix):
        raise ImproperlyConfigured(
            f"CALLS_BLOCKED_PREFIXES: {_prefix!r} is not a number prefix (e.g. +49137)"
        )
# How long Kazoo rings the user's phone before giving up (Kazoo requires more than 3 s).
CALLS_RING_SECONDS = env_int("CALLS_RING_SECONDS", 30, minimum=4)

INSTALLED_APPS += ["drf_spectacular_sidecar"]
# Swagger UI from our own static files: the docs page needs no CDN.
SPECTACULAR_SETTINGS.update(
    {
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
    }
)

# --- The staff console and /metrics (kazoo_zapier/console/) ------------------------------------
# How often an open live monitor looks for new events (it tails the Event table: see
# kazoo_zapier/console/monitor.py for why).
CONSOLE_MONITOR_POLL_SECONDS = env_float("CONSOLE_MONITOR_POLL_SECONDS", 0.5, minimum=0.05)
# /metrics answers a `Authorization: Bearer <METRICS_TOKEN>` scraper or a staff session; in
# development also any client on loopback. Never in production: behind a reverse proxy every
# request comes from loopback.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
METRICS_ALLOW_LOOPBACK = not PRODUCTION and env_bool("METRICS_ALLOW_LOOPBACK", True)
# The window of the *_recent metrics and of the delivery latency histogram.
METRICS_WINDOW_SECONDS = env_int("METRICS_WINDOW_SECONDS", 300, minimum=10)

# --- Security for production (manage.py check --deploy) -----------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # /healthz and /readyz are probed over plain HTTP from inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"level": "INFO"}, "websocket": {"level": "WARNING"}},
}
