"""SafetyZone settings: one module, read from the environment.

With no environment at all it runs on an embedded default (SQLite under ``var/``,
Celery tasks in-process, email to files). Production differs only by environment;
README.md lists every variable.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # No default in production: a forgotten secret must stop the start, not weaken it.
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
else:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="django-insecure-development-only-key")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "simple_history",
    "safetyzone.core",
    "safetyzone.org",
    "safetyzone.documents",
    "safetyzone.notifications",
    "campaigns",
    "inspections",
    "duty",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safetyzone.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safetyzone.urls"
WSGI_APPLICATION = "safetyzone.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safetyzone.core.context_processors.shell",
                "duty.context_processors.warnings",
            ],
        },
    },
]

if "DATABASE_URL" not in env:
    # The embedded default keeps its SQLite file under var/, which a fresh clone lacks.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with roles and permissions cached (safetyzone/org/authcache.py).
    "safetyzone.org.authcache.CachedModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule: Django tells it of every new password, and it revokes the API tokens.
    {"NAME": "safetyzone.org.tokens.RevokeApiTokensOnPasswordChange"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: five failures for one username from one address lock it
# for a quarter of an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The reverse proxies in front of the site (0: none, REMOTE_ADDR is the client). Each one
# appends to X-Forwarded-For; a lockout holds the address the outermost one saw.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "safetyzone.core.security.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Media is never served by URL: every file goes through a view that checks scope.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# The site's address as people open it, for the links in emails and robot posts.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="safetyzone@localhost")

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: Redis when REDIS_URL is set, otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=270)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Redis hands a task whose worker died (killed, out of memory, machine lost) back to
# another worker after this many seconds (Celery's default: an hour). It must outlast
# the longest task time limit (the sweeps' 600 s) and the longest retry countdown (a
# delivery's 480 s): a task still running or waiting for its countdown would be handed
# out twice. A document job or a delivery a dead worker had started is handed back
# sooner by the periodic reclaim sweeps: once its claim is older than its task's time
# limit plus WORKER_RECLAIM_MARGIN_SECONDS.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
}
WORKER_RECLAIM_MARGIN_SECONDS = env.int("WORKER_RECLAIM_MARGIN_SECONDS", default=60)
# Document jobs that outgrow the export task's 600 s, by kind: the hard time limit in
# seconds (the soft one comes 30 s before). The ledger as PDF costs about 10.6 ms of CPU
# a row in WeasyPrint (bench/README.md): 100,000 rows are some 18 minutes of CPU; on the
# 2-core machine shared by six busy workers 10,000 rows took 41 ms a row (so about 70
# minutes for 100,000).
# These jobs' messages are acknowledged when a worker takes them (they outlast the
# broker's visibility timeout); a dead worker's job is handed back by the reclaim sweep
# once its claim is older than its limit plus WORKER_RECLAIM_MARGIN_SECONDS.
DOCUMENT_TIME_LIMITS = {
    "ledger_pdf": env.int("LEDGER_PDF_TIME_LIMIT", default=5400),
}

# A unit's group robot may only be on these origins (scheme://host[:port]; WeCom's and
# DingTalk's robots by default; an intranet gateway may be added), and never at an
# internal address (loopback, private, link-local, reserved) unless inside one of
# WEBHOOK_ALLOWED_NETWORKS (CIDR, e.g. the gateway's 10.1.2.0/24).
WEBHOOK_ALLOWED_ORIGINS = env.list(
    "WEBHOOK_ALLOWED_ORIGINS",
    default=["https://qyapi.weixin.qq.com", "https://oapi.dingtalk.com"],
)
WEBHOOK_ALLOWED_NETWORKS = env.list("WEBHOOK_ALLOWED_NETWORKS", default=[])

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "safetyzone.core.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "safetyzone.core.api.FilterBackend",
        "safetyzone.core.api.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "safetyzone.core.api_errors.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
}
# API tokens (django-rest-knox): stored as digests, expire, revoked by logout and by a new
# password (safetyzone/org/tokens.py).
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 (documented on operations with a body);
    # a step a status graph refuses a 409 (documented on every write).
    "EXCEPTION_HANDLER_CLASS": "safetyzone.core.api_errors.ExceptionHandler",
    "ALLOWED_ERROR_STATUS_CODES": "400 401 403 404 405 406 409 413 415 429 500".split(),
    "ERROR_SCHEMAS": {
        "409": "safetyzone.core.api_errors.ErrorResponse409Serializer",
        "413": "safetyzone.core.api_errors.ErrorResponse413Serializer",
    },
}
_ERRORS = "drf_standardized_errors.openapi_serializers"
SPECTACULAR_SETTINGS = {
    "TITLE": "SafetyZone API",
    "DESCRIPTION": "Work-safety campaigns, hazard inspections and emergency duty.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Open for developers; in production only for signed-in users (API_DOCS_PUBLIC).
    "SERVE_PERMISSIONS": ["safetyzone.core.security.ApiDocsPermission"],
    # Swagger UI from the sidecar package: the intranet has no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": f"{_ERRORS}.ValidationErrorEnum.choices",
        "ClientErrorEnum": f"{_ERRORS}.ClientErrorEnum.choices",
        "ServerErrorEnum": f"{_ERRORS}.ServerErrorEnum.choices",
        "ErrorCode401Enum": f"{_ERRORS}.ErrorCode401Enum.choices",
        "ErrorCode403Enum": f"{_ERRORS}.ErrorCode403Enum.choices",
        "ErrorCode404Enum": f"{_ERRORS}.ErrorCode404Enum.choices",
        "ErrorCode405Enum": f"{_ERRORS}.ErrorCode405Enum.choices",
        "ErrorCode406Enum": f"{_ERRORS}.ErrorCode406Enum.choices",
        "ErrorCode415Enum": f"{_ERRORS}.ErrorCode415Enum.choices",
        "ErrorCode429Enum": f"{_ERRORS}.ErrorCode429Enum.choices",
        "ErrorCode500Enum": f"{_ERRORS}.ErrorCode500Enum.choices",
        "ShiftRoleEnum": "duty.models.ShiftAssignment.Role",
        "ReportMethodEnum": "duty.models.IncidentUpdate.Method",
        # Recorded leave and leave requests share the kinds of absence.
        "UnavailabilityKindEnum": "duty.models.Unavailability.Kind",
        # Task sets shown in several components (assignment, summary, history). A nested
        # class is named through a module-level alias: import paths stop at module level.
        "TaskAssignmentStatusEnum": "campaigns.api.serializers.tasks.AssignmentStatus",
        "TaskAssignmentRoleEnum": "campaigns.api.serializers.tasks.AssignmentRole",
        "HazardStatusEnum": "inspections.models.Hazard.Status",
        "RectificationReportStatusEnum": "inspections.models.RectificationReport.Status",
        "HazardChangeRequestStatusEnum": "inspections.models.HazardChangeRequest.Status",
        "HazardLevelEnum": "inspections.models.HazardLevel",
        "InspectionMethodEnum": "inspections.models.Inspection.Method",
        # Notifications and channel preferences share the kinds of reminder.
        "NotificationKindEnum": "safetyzone.notifications.models.Notification.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "safetyzone.core.api_errors.validation_errors_as_answered",
    ],
}

API_DOCS_PUBLIC = env.bool("API_DOCS_PUBLIC", default=not PRODUCTION)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Largest upload accepted (photos, evidence files), in bytes.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Largest uploaded image, in pixels (width × height): a few KB can decode to gigabytes.
MAX_IMAGE_PIXELS = env.int("MAX_IMAGE_PIXELS", default=40_000_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
# An uploaded .xlsx (the imports) is refused before it is read when its zip parts add up
# to more than this many bytes once expanded, or number more than XLSX_MAX_PARTS.
XLSX_MAX_UNCOMPRESSED_BYTES = env.int("XLSX_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
XLSX_MAX_PARTS = env.int("XLSX_MAX_PARTS", default=1000)

# Demo users' password (seed_demo).
DEMO_PASSWORD = env("DEMO_PASSWORD", default="safety2024")

# Emergency duty: the daily change-over time (a duty day runs from it to the same time
# the next day), the minutes within which an incident must be reported up by phone and
# in writing (serious: levels II and I), and the officers an orange or red warning adds.
DUTY_CHANGEOVER_TIME = env("DUTY_CHANGEOVER_TIME", default="08:30")
DUTY_REPORT_PHONE_MINUTES = env.int("DUTY_REPORT_PHONE_MINUTES", default=30)
DUTY_REPORT_WRITTEN_MINUTES = env.int("DUTY_REPORT_WRITTEN_MINUTES", default=60)
DUTY_REPORT_SERIOUS_PHONE_MINUTES = env.int("DUTY_REPORT_SERIOUS_PHONE_MINUTES", default=15)
DUTY_REPORT_SERIOUS_WRITTEN_MINUTES = env.int("DUTY_REPORT_SERIOUS_WRITTEN_MINUTES", default=30)
DUTY_WARNING_EXTRA_OFFICERS_ORANGE = env.int("DUTY_WARNING_EXTRA_OFFICERS_ORANGE", default=1)
DUTY_WARNING_EXTRA_OFFICERS_RED = env.int("DUTY_WARNING_EXTRA_OFFICERS_RED", default=2)
# The long holidays (keys of safetyzone.calendar.HOLIDAYS) whose days off call for extra
# duty officers on each shift, and how many.
DUTY_LONG_HOLIDAYS = env.list("DUTY_LONG_HOLIDAYS", default=["spring_festival", "national_day"])
DUTY_LONG_HOLIDAY_EXTRA_OFFICERS = env.int("DUTY_LONG_HOLIDAY_EXTRA_OFFICERS", default=1)
# The daily duty report (值班日报): sent up on confirmation to these mailboxes and these
# group robots (their URLs on WEBHOOK_ALLOWED_ORIGINS, checked when posting), both
# comma-separated, empty: none; its leader is reminded once when it is still unconfirmed
# so many minutes after it was generated at the change-over.
DUTY_REPORT_SEND_TO = env.list("DUTY_REPORT_SEND_TO", default=[])
DUTY_REPORT_ROBOTS = env.list("DUTY_REPORT_ROBOTS", default=[])
DUTY_REPORT_CONFIRM_MINUTES = env.int("DUTY_REPORT_CONFIRM_MINUTES", default=60)
# Fonts WeasyPrint may use for Chinese PDFs: a folder of the project or the system's.
PDF_FONT_FAMILY = env("PDF_FONT_FAMILY", default="Noto Sans CJK SC")
# The faces of official documents (the meeting notice, after GB/T 9704-2012) as font
# files: FangSong for the body, Song (regular and bold) for the page numbers and the
# title, Hei for the headings. The free Fandol faces come with Debian's
# texlive-lang-chinese (scripts/setup.sh installs it); a missing file falls back to the
# Noto CJK faces (fonts-noto-cjk).
_FANDOL = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"
PDF_FANGSONG_FONT = env("PDF_FANGSONG_FONT", default=f"{_FANDOL}/FandolFang-Regular.otf")
PDF_SONG_FONT = env("PDF_SONG_FONT", default=f"{_FANDOL}/FandolSong-Regular.otf")
PDF_SONG_BOLD_FONT = env("PDF_SONG_BOLD_FONT", default=f"{_FANDOL}/FandolSong-Bold.otf")
PDF_HEI_FONT = env("PDF_HEI_FONT", default=f"{_FANDOL}/FandolHei-Regular.otf")
# Who gets a copy (抄送) of every meeting notice, printed in its imprint (版记), e.g.
# "管委会领导，市安委办"; empty: no copy line.
NOTICE_COPY_TO = env("NOTICE_COPY_TO", default="")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts only from our own static files, never inline (a stored <script> or onerror=
# does nothing). Inline styles stay allowed: progress bars and htmx's indicator use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint and fontTools report every step of every PDF at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Health checks: the broker is only asked when one is configured.
HEALTHZ_CHECK_BROKER = bool(REDIS_URL)
