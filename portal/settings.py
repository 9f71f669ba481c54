"""Settings of the reopening readiness portal.

One file for every deployment: each knob that differs between a laptop and
production is read from the environment (see README.md for the list).
"""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production; set DEBUG=1 for a development run."
        )
    SECRET_KEY = "development-only-key-never-used-in-production"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "readiness",
    "people",
    "plans",
    "verification",
    "inspections",
    "supplies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, precompressed
    # Pages and JSON compressed for browsers that take gzip (a checklist page is a
    # tenth of its size). Django pads each compressed body with random bytes
    # ("Heal the Breach") and masks the CSRF token per response: the BREACH defences.
    "readiness.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "readiness.middleware.RejectNulBytes",
    "readiness.audit.AuditAddressMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "readiness.middleware.PasswordChangeRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "readiness.context_processors.navigation",
                "verification.context_processors.navigation",
            ],
        },
    },
    {
        # The pages' repeated parts, drawn by Jinja2 (readiness.jinja_env.draw), from
        # templates/jinja2/; Django's engine, first, draws every page.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "readiness.jinja_env.environment"},
    },
]
# Forms are drawn by Jinja2 from Django's own form templates (readiness.form_renderer).
FORM_RENDERER = "readiness.form_renderer.FormRenderer"

# --- Data -----------------------------------------------------------------

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Several processes (web, in-process tasks, tests) share one file.
    # BEGIN IMMEDIATE: concurrent writers wait for the lock (up to the timeout)
    # instead of failing with "database is locked" when they upgrade a read.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "readiness.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "readiness.cache.RedisCache",  # Django's, keeping its client
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
            "TIMEOUT": 300,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded spreadsheets larger than this are refused before they are parsed.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
# Person files come by the million: their uploads may be much larger.
PEOPLE_UPLOAD_MAX_BYTES = env.int("PEOPLE_UPLOAD_MAX_BYTES", default=1024 * 1024 * 1024)
# An xlsx is a zip: one whose members would unpack past this is refused unopened.
XLSX_MAX_UNPACKED_BYTES = env.int("XLSX_MAX_UNPACKED_BYTES", default=2 * 1024 * 1024 * 1024)
# Rows per file: the city has 5,600 schools; the ledger 2.7 million person files.
SCHOOL_IMPORT_MAX_ROWS = env.int("SCHOOL_IMPORT_MAX_ROWS", default=10_000)
PEOPLE_IMPORT_MAX_ROWS = env.int("PEOPLE_IMPORT_MAX_ROWS", default=3_000_000)
# Problems written to a refused import's error report; the count covers them all.
IMPORT_MAX_REPORTED_ERRORS = env.int("IMPORT_MAX_REPORTED_ERRORS", default=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- People and language ------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's default first; the second only reads initial passwords (generated,
# printed, changed at first login: readiness/accounts/hashers.py).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "readiness.accounts.hashers.InitialPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# How long a link to set a password (a new account's, or a reset) works: a week,
# so that an account opened on Friday can still be taken up on Monday.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_LINK_DAYS", default=7) * 24 * 3600

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
# An account locks after AXES_FAILURE_LIMIT failures, from whatever addresses
# they came; an address that fails on many accounts is slowed separately
# (LOGIN_ADDRESS_LIMIT), so that one bad office network does not lock everyone.
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes warns when addresses are not among the lockout parameters; here they are
# counted on their own (readiness/logins.py), so the warning does not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
if env.bool("BEHIND_TLS_PROXY", default=not DEBUG):
    # Behind the proxy every request comes from its address: lock out by the
    # client address the proxy forwards, not by the proxy's own.
    AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Failed logins from one address, on any accounts, before it must wait.
LOGIN_ADDRESS_LIMIT = env.int("LOGIN_ADDRESS_LIMIT", default=20)
LOGIN_ADDRESS_WINDOW = dt.timedelta(minutes=env.int("LOGIN_ADDRESS_WINDOW_MINUTES", default=15))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Security (manage.py check --deploy passes with the production defaults) ---

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("BEHIND_TLS_PROXY", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the portal's own scripts, styles, images
# and fonts only, no inline script or style anywhere, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # blob: the photos queued offline, shown from the phone before they are sent
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Email ---------------------------------------------------------------------

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- API -----------------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate makes a refused token a 401.
        "readiness.api_auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "readiness.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "readiness.exceptions.api_exception_handler",
}
# API tokens (knox): one per login, stored hashed; each expires after
# API_TOKEN_IDLE_HOURS without use and API_TOKEN_MAX_HOURS after it was issued,
# and all of a user's tokens stop working when the password changes.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=env.float("API_TOKEN_IDLE_HOURS", default=2)),
    "AUTO_REFRESH": True,
    "AUTO_REFRESH_MAX_TTL": dt.timedelta(hours=env.float("API_TOKEN_MAX_HOURS", default=12)),
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTH_HEADER_PREFIX": "Token",
}
# Searches of person files per user (page and API together): enough for a person
# at work, too few to walk an identity number. "N/min" or "N/hour".
PERSON_SEARCH_RATE = env.str("PERSON_SEARCH_RATE", default="30/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "School reopening readiness portal API",
    "DESCRIPTION": "Counties, schools and the readiness work of the city's schools.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Served from the installed sidecar package: the docs work without internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "readiness.schema.add_error_responses",
    ],
    # Several models have a "kind"; each keeps an enum name of its own.
    "ENUM_NAME_OVERRIDES": {
        "CountyKindEnum": "readiness.models.County.Kind",
        "PersonKindEnum": "people.models.Person.Kind",
        "DrillKindEnum": "plans.models.Drill.Kind",
        "VerificationStatusEnum": "verification.models.Verification.Status",
        "SupplyOriginEnum": "supplies.models.Movement.Origin",
        "PersonOriginEnum": "people.models.Person.Origin",
        "ReadinessEnum": "readiness.models.School.Readiness",
        "VisitCheckResultEnum": "inspections.models.VisitCheck.Result",
        "VerificationResultEnum": "verification.models.Verification.Result",
        "SupplyPlanStatusEnum": "supplies.models.AllocationPlan.Status",
    },
}

# --- Tasks ---------------------------------------------------------------------

# Without a broker, tasks run in-process: the embedded setup needs no Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
# A web request never waits on a broker that is down.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
# A message whose worker died unacknowledged is delivered again after this long
# (Redis keeps it aside meanwhile): longer than the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 3600),
    "socket_connect_timeout": 2,
}
# A running job whose heartbeat is older than this is taken over (readiness.jobs).
# Longer than any phone stays offline: its queued changes are still written once
# when it comes back (readiness.idempotency).
IDEMPOTENCY_DAYS = env.int("IDEMPOTENCY_DAYS", default=30)
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=10 * 60)
CELERY_BEAT_SCHEDULE = {
    # Every ten minutes: builds the day's report once the time the city bureau set
    # (readiness.city_settings, "dispatch.report_time") has come.
    "dispatch-report-due": {
        "task": "readiness.tasks.dispatch_report_due",
        "schedule": crontab(minute="*/10"),
    },
    "findings-overdue-daily": {
        "task": "inspections.tasks.findings_mark_overdue",
        "schedule": crontab(hour=6, minute=0),
    },
    "screening-refresh-nightly": {
        "task": "people.tasks.screening_refresh",
        "schedule": crontab(hour=2, minute=30),
    },
    "purge-person-imports": {
        "task": "people.tasks.person_import_purge",
        "schedule": crontab(minute=45),
    },
    "purge-health-imports": {
        "task": "people.tasks.health_import_purge",
        "schedule": crontab(minute=50),
    },
    "purge-idempotency-keys": {
        "task": "readiness.tasks.purge_idempotency_keys",
        "schedule": crontab(hour=3, minute=20),
    },
    "purge-expired-tokens": {
        "task": "readiness.tasks.purge_expired_tokens",
        "schedule": crontab(hour=3, minute=40),
    },
    "purge-stale-uploads": {
        "task": "readiness.tasks.purge_stale_uploads",
        "schedule": crontab(minute=15),
    },
    "readiness-recompute-nightly": {
        "task": "readiness.tasks.readiness_recompute",
        "schedule": crontab(hour=3, minute=0),
    },
    "purge-receipt-imports": {
        "task": "supplies.tasks.receipt_import_purge",
        "schedule": crontab(minute=20),
    },
}

# School readiness: each line of work judges the schools by its own data
# (readiness/criteria.py); the city's policy says which criteria count, and how.
READINESS_CRITERIA = [
    "verification.criteria.CRITERION",
    "inspections.criteria.CRITERION",
    "people.criteria.CRITERION",
    "plans.criteria.CRITERION",
    "supplies.criteria.CRITERION",
]

# Daily health checks: when each session begins (it cannot be entered before).
HEALTH_SESSION_STARTS = {"morning": "06:30", "noon": "11:30", "evening": "18:00"}

# What the health checks raise an alert on (the city may change them): the same
# symptom (cough, diarrhoea, rash) in so many pupils of one class on one day; so many
# fevers in one class on one day; a school's illness absence above FACTOR times its
# own average of the BASELINE_DAYS before (with at least MIN_ILL absent for illness,
# so that one ill child in a quiet school is not an outbreak); and a session not
# reported by the hour given.
HEALTH_ALERTS = {
    "class_cluster": 3,
    "fever": 2,
    "rate_factor": 2,
    "rate_min_ill": 3,
    "baseline_days": 7,
    "silent_after": {"morning": "10:00", "noon": "14:00"},
}
# Schools silent at those hours are looked for then.
for _session, _at in HEALTH_ALERTS["silent_after"].items():
    _hour, _minute = (int(part) for part in _at.split(":"))
    CELERY_BEAT_SCHEDULE[f"health-silent-{_session}"] = {
        "task": "people.tasks.health_silence_check",
        "schedule": crontab(hour=_hour, minute=_minute),
        "kwargs": {"session": _session},
    }

# The day a school reopens, for what starts then (the daily health checks).
SCHOOL_REOPENING = "plans.selectors.reopening_dates"

# A school's whole file (学校一校一档): each line of work contributes one section.
SCHOOL_FILE_SECTIONS = [
    "verification.school_file.SECTION",
    "inspections.school_file.SECTION",
    "plans.school_file.SECTION",
    "people.school_file.SECTION",
    "supplies.school_file.SECTION",
]

# Each user's to-do list (the home page, the menu's badges): each line of work adds its groups.
TODO_LISTS = [
    "readiness.todo_lists.todo",
    "plans.todo.todo",
    "verification.todo.todo",
    "inspections.todo.todo",
    "people.todo.todo",
    "supplies.todo.todo",
]

# The daily dispatch report: each line of work contributes one section.
DISPATCH_SECTIONS = [
    "readiness.dispatch.SECTION",
    "people.dispatch.SECTION",
    "people.health_dispatch.SECTION",
    "plans.dispatch.SECTION",
    "verification.dispatch.SECTION",
    "inspections.dispatch.SECTION",
    "supplies.dispatch.SECTION",
]
# Rights: each app's mapping of right -> roles that carry it.
# The settings the city bureau sets on its settings page, declared by each line of
# work (readiness.city_settings.Setting), kept as versions by the core.
CITY_SETTINGS = [
    "readiness.city_settings.SETTINGS",
    "inspections.city_settings.SETTINGS",
]
ACCESS_RIGHTS = [
    "readiness.access.RIGHTS",
    "people.access.RIGHTS",
    "plans.access.RIGHTS",
    "verification.access.RIGHTS",
    "inspections.access.RIGHTS",
    "supplies.access.RIGHTS",
]
# What one line of work may cite from another (readiness.references): kind -> resolver.
REFERENCE_KINDS = {
    "finding": "inspections.references.findings",
}
REFERENCE_CITERS = ["supplies.references.citing"]
# Demo data, in order: each module has seed(schools=, seed=) and LOGINS.
DEMO_SEEDERS = [
    "readiness.demo",
    "plans.demo",
    "people.demo",  # after plans: the health checks begin on a school's return date
    "verification.demo",
    "inspections.demo",
    "supplies.demo",
]

# --- Documents -----------------------------------------------------------------

# The fonts of every PDF, in order. WenQuanYi Zen Hei (TrueType outlines) first:
# a PDF keeps each face's glyph slots up to the highest one used, which for a CJK
# face is tens of thousands; TrueType's empty slots repeat one offset and compress
# to nothing, where CFF fonts (Noto Sans CJK) cost some 130 KB a face however few
# characters are used. Noto Sans CJK SC stays second, for the characters Zen Hei
# lacks (rare ones of the CJK extensions), embedded only in a document using them.
PDF_FONT_FAMILIES = ["WenQuanYi Zen Hei", "Noto Sans CJK SC"]
# The portal's public address, printed on documents (a notice's verification link).
PORTAL_URL = env.str("PORTAL_URL", default="http://127.0.0.1:8000")
PDF_TIME_LIMIT_SECONDS = env.int("PDF_TIME_LIMIT_SECONDS", default=60)

# --- Logging -------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}

if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production.")
