"""Settings shared by every environment. The environment is read here and nowhere else."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
CSRF_FAILURE_VIEW = "marketplace.views.csrf_failure"
# Absolute links in emails. `make run` serves on 127.0.0.1:$PORT and passes PORT to the worker,
# which renders the emails, so the default follows it.
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}")
SITE_NAME = "Intern Anywhere"
# bench/http_throughput.py only: serve /bench/ok, a view that answers "ok" without the database,
# cache or templates (the ceiling the pages are measured against). Never set in a deployment.
BENCH_BARE_VIEW = env.bool("BENCH_BARE_VIEW", default=False)
# Text matches each web process keeps (listings/matches.py): at most this many listing ids in all
# (8 bytes each with their ranks); 0 keeps none.
SEARCH_MATCH_CACHE_IDS = env.int("SEARCH_MATCH_CACHE_IDS", default=1_000_000)
# The matches of the words found in at least this many listings are kept in the database for
# every web process (listings/matches.py), most frequent first, at most SEARCH_FREQUENT_WORDS_MAX
# words; a periodic task keeps them (listings.tasks.keep_frequent_matches_task). 0 keeps none.
SEARCH_FREQUENT_WORD_LISTINGS = env.int("SEARCH_FREQUENT_WORD_LISTINGS", default=2_000)
SEARCH_FREQUENT_WORDS_MAX = env.int("SEARCH_FREQUENT_WORDS_MAX", default=2_000)
# ...and at most this many matches in all (12 bytes each in the database: 120 MB).
SEARCH_FREQUENT_MATCHES_MAX = env.int("SEARCH_FREQUENT_MATCHES_MAX", default=10_000_000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "bootstrap",
    # Our apps
    "marketplace",
    "accounts",
    "notifications",
    "listings",
    "applications",
    "reports",
    "placements",
    "evaluations",
    "conversations",
    "calendars",
    "interviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # First after security, so that every response (static files, errors, API) gets the policy.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "marketplace.urls"
WSGI_APPLICATION = "marketplace.wsgi.application"
ASGI_APPLICATION = "marketplace.asgi.application"
SITE_ID = 1

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
                "marketplace.context_processors.site",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
    {
        # Plain-text emails and subjects: the same templates, rendered without HTML escaping
        # (an apostrophe must stay an apostrophe). Used explicitly with using="text".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]


# How long anything waits on Redis. A healthy Redis answers in milliseconds; a hung one (paused,
# swapping, a half-open connection) would otherwise hold every request that touches the cache or
# enqueues a task. After a failure the cache and the enqueue skip Redis for REDIS_RETRY_AFTER
# seconds (marketplace/breaker.py); the outbox sweep delivers what could not be enqueued.
REDIS_CONNECT_TIMEOUT = env.float("REDIS_CONNECT_TIMEOUT", default=2.0)
CACHE_SOCKET_TIMEOUT = env.float("CACHE_SOCKET_TIMEOUT", default=1.0)
BROKER_SOCKET_TIMEOUT = env.float("BROKER_SOCKET_TIMEOUT", default=2.0)
REDIS_RETRY_AFTER = env.float("REDIS_RETRY_AFTER", default=5.0)
# Sessions are in the database, never in Redis: signing in must work while Redis is away.
SESSION_ENGINE = "django.contrib.sessions.backends.db"


def services(database_url: str | None, redis_url: str | None) -> dict:
    """Database, cache and Celery broker settings from the two URLs.

    ``redis_url`` may be ``redis://host:port/db`` or ``unix:///path/to/socket``; Celery spells
    the latter ``redis+socket://``. ``CACHE_URL``, when set, puts the cache on another Redis than
    the broker (one whose eviction policy may drop any key: docs/operations.md).
    """
    cache_url = env.str("CACHE_URL", default="") or redis_url
    database = env.db_url_config(database_url)
    database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    database["CONN_HEALTH_CHECKS"] = True
    database["ATOMIC_REQUESTS"] = False
    broker = redis_url.replace("unix://", "redis+socket://", 1) if redis_url.startswith("unix://") else redis_url
    return {
        "DATABASES": {"default": database},
        "CACHES": {
            "default": {
                # Answers as an empty cache while Redis is down or hung (marketplace/cache.py).
                "BACKEND": "marketplace.cache.DegradingRedisCache",
                "LOCATION": cache_url,
                "KEY_PREFIX": "marketplace",
                "OPTIONS": {
                    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                    "socket_timeout": CACHE_SOCKET_TIMEOUT,
                    "retry_after": REDIS_RETRY_AFTER,
                },
            }
        },
        "CELERY_BROKER_URL": broker,
        "CELERY_RESULT_BACKEND": broker,
        "REDIS_URL": redis_url,
    }


AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# allauth: email is the login, no usernames.
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Sign-up asks for a name and a role (accounts.forms.SignupForm). A duplicate address gets a clear
# form error there (issue 3 asks for it; the form checks it itself). Everywhere else allauth does not
# tell whether an address has an account: a password reset answers the same for a known and an
# unknown address (the unknown one gets an "no account here" email instead of a link).
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_PREVENT_ENUMERATION = True
# Rate limits (allauth counts them in the cache). The login, which the admin login goes through too
# (marketplace/urls.py), and the password reset are limited per client address and per account
# address, so neither a password guesser nor a flood of reset emails gets far. The other actions
# keep allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,3/15m/key",
    "reset_password_from_key": "20/m/ip",
}
INVITATION_TTL = timedelta(days=7)

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Public uploads (organization logos).
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("MEDIA_ROOT", default=BASE_DIR / "media"), "base_url": "/media/"},
    },
    # Résumés and exports: outside any served path, read only through permission-checked views.
    "private": {
        "BACKEND": "marketplace.storage.PrivateStorage",
        "OPTIONS": {"location": env.path("PRIVATE_ROOT", default=BASE_DIR / "private")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = STORAGES["default"]["OPTIONS"]["location"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
RESUME_MAX_BYTES = 5 * 1024 * 1024
LOGO_MAX_BYTES = 2 * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Email: console in development, SMTP from the environment in production.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / ".embedded" / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Intern Anywhere <noreply@internanywhere.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# Celery: JSON only, late acks for tasks that change things, bounded time.
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_EXPIRES = timedelta(hours=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_CONNECT_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task a worker has taken but not acknowledged (acks_late) goes back to the queue after this
    # long, e.g. when its worker was killed. It must exceed the longest hard time limit (the report
    # export, 1800 s) plus the longest countdown (the outbox backoff, at most
    # OUTBOX_BACKOFF_MAX_SECONDS), or a task still running or still waiting for its countdown is
    # handed to a second worker (tests/marketplace/test_celery.py checks every registered task).
    "visibility_timeout": 3600,
    "socket_timeout": BROKER_SOCKET_TIMEOUT,
    "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
}
CELERY_REDIS_SOCKET_TIMEOUT = BROKER_SOCKET_TIMEOUT
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_CONNECT_TIMEOUT
# Exactly one beat sends the periodic tasks: each beat process sends only while it holds this
# lock in Redis, so a second one started by mistake stands by and takes over within
# BEAT_LOCK_TTL seconds when the first one dies (marketplace/celery.py).
CELERY_BEAT_SCHEDULER = "marketplace.celery:SingleBeatScheduler"
BEAT_LOCK_KEY = "marketplace:beat-lock"
BEAT_LOCK_TTL = env.int("BEAT_LOCK_TTL_SECONDS", default=60)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep-outbox": {
        "task": "notifications.tasks.outbox_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    "notifications-purge-old": {
        "task": "notifications.tasks.notifications_purge_task",
        "schedule": crontab(hour=3, minute=17),
    },
    "listings-expire-due": {
        "task": "listings.tasks.listings_expire_due_task",
        "schedule": timedelta(minutes=5),
    },
    "listings-keep-frequent-matches": {
        "task": "listings.tasks.keep_frequent_matches_task",
        "schedule": timedelta(minutes=10),
    },
    "listings-remind-expiring": {
        "task": "listings.tasks.listings_remind_expiring_task",
        "schedule": timedelta(minutes=15),
    },
    "saved-listings-remind-deadline": {
        "task": "listings.tasks.saved_listings_remind_deadline_task",
        "schedule": timedelta(minutes=30),
    },
    "applications-nudge-untouched": {
        "task": "applications.tasks.applications_nudge_untouched_task",
        "schedule": crontab(hour=8, minute=0),
    },
    "saved-search-alerts-daily": {
        "task": "listings.tasks.saved_search_alerts_task",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "report-exports-purge": {
        "task": "reports.tasks.report_exports_purge_task",
        "schedule": timedelta(hours=1),
    },
    # Check-ins are due at the end of a day in each student's own zone: hourly runs catch every zone.
    "placements-remind-overdue-checkins": {
        "task": "placements.tasks.checkins_remind_overdue_task",
        "schedule": crontab(minute=5),
    },
    "placements-remind-missing-feedback": {
        "task": "placements.tasks.checkins_remind_feedback_task",
        "schedule": crontab(minute=20),
    },
    "placements-flag-attention": {
        "task": "placements.tasks.placements_flag_attention_task",
        "schedule": crontab(minute=35),
    },
    # Evaluation reminders on day 3 and day 10 of the window, and the closing of windows.
    "evaluations-remind-day3": {
        "task": "evaluations.tasks.evaluations_remind_task",
        "schedule": crontab(minute=40),
        "args": (3,),
    },
    "evaluations-remind-day10": {
        "task": "evaluations.tasks.evaluations_remind_task",
        "schedule": crontab(minute=45),
        "args": (10,),
    },
    "evaluations-reveal-closed": {
        "task": "evaluations.tasks.evaluations_reveal_closed_task",
        "schedule": crontab(minute=50),
    },
    "saved-search-alerts-weekly": {
        "task": "listings.tasks.saved_search_alerts_task",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
        "args": ("weekly",),
    },
    # Interview reminders 24 h and 1 h ahead: runs every 5 minutes, each interview reminded once.
    "interviews-remind-day": {
        "task": "interviews.tasks.interviews_remind_task",
        "schedule": timedelta(minutes=5),
        "args": ("day",),
    },
    "interviews-remind-hour": {
        "task": "interviews.tasks.interviews_remind_task",
        "schedule": timedelta(minutes=5),
        "args": ("hour",),
    },
    "interviews-expire-rounds": {
        "task": "interviews.tasks.interview_rounds_expire_task",
        "schedule": timedelta(minutes=15),
    },
    "conversations-send-digests": {
        "task": "conversations.tasks.conversation_digests_task",
        "schedule": timedelta(minutes=1),
    },
}

# How often an open conversation asks for new messages (htmx polling of the thread fragment).
CONVERSATION_POLL_SECONDS = env.int("CONVERSATION_POLL_SECONDS", default=5)

# Outbox rows still pending after this long are picked up by the sweep.
OUTBOX_SWEEP_GRACE = timedelta(seconds=env.int("OUTBOX_SWEEP_GRACE_SECONDS", default=60))
OUTBOX_MAX_ATTEMPTS = 6
# The wait between two attempts doubles from 30 s up to this (a Celery countdown: see
# visibility_timeout above).
OUTBOX_BACKOFF_MAX_SECONDS = 900

REST_FRAMEWORK = {
    # Personal tokens first: a request without credentials, or with a bad token, gets 401 and
    # WWW-Authenticate: Bearer. Sessions (the site's JavaScript, CSRF enforced) come second.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "marketplace.api_permissions.TokenScope",
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    # Every error in one JSON shape, documented on every operation (marketplace/api.py, openapi.py).
    "EXCEPTION_HANDLER": "marketplace.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "marketplace.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "marketplace.api.Pagination",
    # A list's query parameters: its FilterSet (``filterset_class``), applied within the role's scope.
    "DEFAULT_FILTER_BACKENDS": ["marketplace.filters.FilterBackend"],
    "PAGE_SIZE": 20,
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.NamespaceVersioning",
    # Each class applies where it fits (marketplace/throttling.py); a request must pass all that do.
    "DEFAULT_THROTTLE_CLASSES": [
        "marketplace.throttling.AnonRateThrottle",
        "marketplace.throttling.UserRateThrottle",
        "marketplace.throttling.TokenRateThrottle",
        "marketplace.throttling.SearchRateThrottle",
        "marketplace.throttling.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_RATE_ANON", default="120/min"),
        "user": env("API_RATE_USER", default="600/min"),
        "token": env("API_RATE_TOKEN", default="300/min"),
        "search": env("API_RATE_SEARCH", default="60/min"),
        "write": env("API_RATE_WRITE", default="60/min"),
    },
    # The client address the anonymous limit counts is the connection's, never X-Forwarded-For
    # (which any client can write), unless the site runs behind this many trusted proxies.
    "NUM_PROXIES": env.int("API_TRUSTED_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Intern Anywhere API",
    "DESCRIPTION": "Remote internships and micro-internships: listings, applications, placements.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "OAS_VERSION": "3.1.0",
    # Request and response components apart: read-only fields are not asked for in a request.
    "COMPONENT_SPLIT_REQUEST": True,
    # A listing's status is read in several components; one named enum for all of them.
    "ENUM_NAME_OVERRIDES": {"ListingStatusEnum": "listings.models.Listing.Status"},
}

# Content-Security-Policy (django-csp) on every response: pages, error pages, API answers and static
# files. Pages load only our own scripts and stylesheets; no template may carry an inline <script>,
# an event-handler attribute or a style attribute (they are blocked). Images may also be data:
# URIs, which Bootstrap's and Swagger UI's stylesheets use for their icons (checkbox ticks, select
# arrows). The API docs page serves its start-up script as a file (marketplace/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# One console handler at the root writes every record once. Django's own "django" logger gets no
# handler of its own (its default console handler printed each record a second time when DEBUG is
# on), and a 4xx is one line without a traceback (marketplace.log_filters).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_error_one_line": {"()": "marketplace.log_filters.ClientErrorOneLine"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["client_error_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
    },
}

# seed_demo and seed_bench refuse to run where this is False (production).
DEMO_DATA_ALLOWED = True
