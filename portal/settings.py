"""Settings for the invoice export portal, read from the environment (and an optional .env file).

Environment variables always win over the .env file, so a deployment can override anything.
"""
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.FileAwareEnv(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    FIELD_ENCRYPTION_KEYS=(list, []),
    CELERY_TASK_ALWAYS_EAGER=(bool, False),
    SANDBOX_URL=(str, "http://127.0.0.1:8765"),
)
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-only-key"  # noqa: S105 - only ever used with DEBUG on
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Keys that encrypt vendor secrets at rest. Deliberately independent of SECRET_KEY, so rotating the
# session key never makes stored API keys unreadable. The first key encrypts, all keys decrypt.
FIELD_ENCRYPTION_KEYS = env("FIELD_ENCRYPTION_KEYS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "import_export",
    "axes",
    "csp",
    "accounting",
    "customers",
    "exports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The browser's language (cookie, then Accept-Language); a signed-in user's stored choice wins below.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.params.DatabaseSafeParametersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): the first backend refuses a locked-out user or address before any
# password is checked; the second signs in. After AXES_FAILURE_LIMIT failures the pair of user name and
# address is locked, and so is the address alone (someone trying many user names), for AXES_COOLOFF_TIME.
# An administrator unlocks in the admin (Axes > Access attempts: delete) or with manage.py axes_reset.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"

# Content Security Policy (django-csp): everything from this site only, no inline script or style, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server write to the same file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 30, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# English is the source language; Estonian and Finnish are the users' (locale/, compiled by make run/test).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("et", "Eesti"), ("fi", "Suomi")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Tallinn"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "/"

# Celery. The embedded default is kombu's filesystem transport: a real worker, no server needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "broker"
    for sub in ("in", "processed", "control"):
        (_queue_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "in"),
        "data_folder_out": str(_queue_dir / "in"),
        "data_folder_processed": str(_queue_dir / "processed"),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # Longer than any single export task, so an unacknowledged task is not handed out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 3600}
CELERY_TASK_ALWAYS_EAGER = env("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 3 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = 3 * 3600 - 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Which queue the portal's tasks go to (and its workers read, with -Q): one broker can serve several portals.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# The export engine (exports.services.runner). A worker holds a run, and the run an export, by a lease it
# renews every quarter of EXPORT_LEASE_SECONDS; the sweeper (Celery beat, every EXPORT_SWEEP_SECONDS)
# queues again every run whose lease ran out and that is EXPORT_STALL_GRACE_SECONDS past due.
EXPORT_LEASE_SECONDS = env.float("EXPORT_LEASE_SECONDS", default=60.0)
EXPORT_SWEEP_SECONDS = env.float("EXPORT_SWEEP_SECONDS", default=30.0)
EXPORT_STALL_GRACE_SECONDS = env.float("EXPORT_STALL_GRACE_SECONDS", default=60.0)
# Reading calls are repeated after a transient fault, waiting this many seconds, doubled each time.
EXPORT_READ_BACKOFF_FACTOR = env.float("EXPORT_READ_BACKOFF_FACTOR", default=0.5)
# Redis for the per-export request-rate limits shared by every worker (blank: the broker, if it is Redis).
EXPORT_RATE_LIMIT_REDIS_URL = env("EXPORT_RATE_LIMIT_REDIS_URL", default="")
CELERY_BEAT_SCHEDULE = {
    "sweep-stalled-export-runs": {"task": "exports.tasks.sweep_stalled_runs", "schedule": EXPORT_SWEEP_SECONDS},
}

# Where the sandbox simulators listen (python manage.py sandbox); demo exports point here.
SANDBOX_URL = env("SANDBOX_URL")

# Netvisor: the software partner id and key Netvisor issued to this portal (every Netvisor export signs with
# them; an export may override them on its File transfer tab). NETVISOR_PARTNER_KEY_FILE reads the key from a
# file. Operator ids that Netvisor accepts beyond the connector's list, and VAT percentages its codes take
# beyond Opter's table (the Finnish rates in force since), comma separated. NETVISOR_USE_HTTP_STATUS_CODES
# sends UseHTTPResponseStatusCodes: 1 (failures then come with 4xx/5xx statuses; the envelope is read alike).
NETVISOR_PARTNER_ID = env("NETVISOR_PARTNER_ID", default="")
NETVISOR_PARTNER_KEY = env("NETVISOR_PARTNER_KEY", default="")
NETVISOR_EXTRA_OPERATOR_IDS = env.list("NETVISOR_EXTRA_OPERATOR_IDS", default=[])
NETVISOR_EXTRA_VAT_PERCENTAGES = env.list("NETVISOR_EXTRA_VAT_PERCENTAGES", default=["13.5", "25.5"])
NETVISOR_USE_HTTP_STATUS_CODES = env.bool("NETVISOR_USE_HTTP_STATUS_CODES", default=False)
# Heeros (exports/connectors/heeros). Heeros does not publish its API: the portal's transport is a design
# of its own behind one adapter (see that package's README). Blank base URL = each export's Base URL only.
HEEROS_API_BASE_URL = env("HEEROS_API_BASE_URL", default="")
HEEROS_AUTH = env("HEEROS_AUTH", default="token")  # "token" (log in, bearer token) or "basic"
if HEEROS_AUTH not in ("token", "basic"):
    raise ImproperlyConfigured(f"HEEROS_AUTH must be token or basic, not {HEEROS_AUTH!r}.")
HEEROS_TRANSPORT = env("HEEROS_TRANSPORT", default="exports.connectors.heeros.transport.HeerosTransport")
# The official Finvoice 3.0 schema (Finvoice3.0.xsd from Finanssiala); unset = the portal's own checks only.
FINVOICE_XSD = env("FINVOICE_XSD", default="")
# Procountor: the portal's registration as a Procountor integration (client id, secret and redirect URI
# Procountor issues), read from the environment or from the file named by PROCOUNTOR_CLIENT_SECRET_FILE
# and the like. An export's Client identity / Client key override them.
PROCOUNTOR_CLIENT_ID = env("PROCOUNTOR_CLIENT_ID", default="")
PROCOUNTOR_CLIENT_SECRET = env("PROCOUNTOR_CLIENT_SECRET", default="")
PROCOUNTOR_REDIRECT_URI = env("PROCOUNTOR_REDIRECT_URI", default="")
# Visma e-conomic: the portal is an e-conomic app. Its secret token (sent as X-AppSecretToken with every
# call) and its public token (in the link where a customer grants the portal access to an agreement) come
# from the environment, or from a file with the _FILE variant (ECONOMIC_APP_SECRET_TOKEN_FILE=/run/secrets/..).
# Exports that point at the sandbox use the sandbox app's practice tokens instead (or these overrides), so
# the real secret never goes to the sandbox.
ECONOMIC_APP_SECRET_TOKEN = env("ECONOMIC_APP_SECRET_TOKEN", default="")
ECONOMIC_APP_PUBLIC_TOKEN = env("ECONOMIC_APP_PUBLIC_TOKEN", default="")
ECONOMIC_SANDBOX_APP_SECRET_TOKEN = env("ECONOMIC_SANDBOX_APP_SECRET_TOKEN", default="")
ECONOMIC_SANDBOX_APP_PUBLIC_TOKEN = env("ECONOMIC_SANDBOX_APP_PUBLIC_TOKEN", default="")

# django-import-export: CSV and XLSX only, rolled back on any error, explicit permissions.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# The upload waits between preview and confirm in a folder every web process shares (the default,
# a process-local /tmp, loses it when the confirm reaches another process). Never serve this folder.
IMPORT_TMP_ROOT = env.path("IMPORT_TMP_ROOT", default=str(VAR_DIR / "import-tmp"))
IMPORT_EXPORT_TMP_STORAGE_CLASS = "portal.importexport.SharedTempStorage"
# A file with more rows than this is previewed and imported by Celery tasks (portal.import_jobs), with a
# progress bar, instead of in the web request; smaller files keep the immediate preview.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=2000)
# A control character pasted into a description must not make the whole XLSX export fail.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.logging.RedactSecretsFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Production hardening when not in DEBUG.
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
