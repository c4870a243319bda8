"""Milieu's settings: one module, read from the environment.

Every variable is listed with its default in the README. The defaults make a working demo on a
developer's machine (``DEBUG`` on, SQLite under ``var/``); a deployment sets ``DEBUG=false`` and a
``SECRET_KEY``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from milieu.env import (
    env_bool,
    env_cache,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_storage,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-milieu-demo-only-never-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "La variable d’environnement SECRET_KEY doit être définie quand DEBUG est faux."
    )
# Signed links and the HMACs of every token depend on it: a short key is guessable. The message
# never repeats the key.
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "La variable d’environnement SECRET_KEY doit compter au moins 50 caractères "
        f"(elle en compte {len(SECRET_KEY)}) ; pour en tirer une : "
        'python -c "import secrets; print(secrets.token_urlsafe(50))".'
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "dsfr",
    "widget_tweaks",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "milieu",
    "milieu.people",
    "milieu.establishments",
    "milieu.students",
    "milieu.hosts",
    "milieu.imports",
    "milieu.conventions",
    "milieu.visits",
    "milieu.followup",
    "milieu.reports",
    "milieu.evidence",
    "milieu.livret",
    "milieu.checker",
    "milieu.audit",
    "milieu.exams",
    "milieu.contracts",
    "milieu.oidc",
    "milieu.health",
    "milieu.apprenticeships",
]

AUTH_USER_MODEL = "people.User"

# The cache (rate limits of the public doors): CACHE_URL = locmem:// (the default: one process,
# as `make demo` serves; add and incr are atomic under its lock), redis://host:6379/0 (several
# processes: atomic and shared), db:// (the table milieu_cache, made by migrate) or
# file:///path. Django's database and file caches implement incr as a read then a write: not
# atomic, so not for counters shared by several processes. The login throttle does not depend
# on it (its counters are in the database, see milieu/people/throttle.py).
if env_str("CACHE_LOCATION", ""):
    raise ImproperlyConfigured(
        "La variable d’environnement CACHE_LOCATION n’est plus lue : donnez CACHE_URL "
        "(par exemple file:///chemin/du/cache ou redis://127.0.0.1:6379/0)."
    )
CACHES = {"default": env_cache("CACHE_URL", "locmem://")}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Background work (imports, reminders): Django's tasks API with the database backend; a worker
# runs `milieu worker` (db_worker with a heartbeat, milieu/health). TASKS_BACKEND=immediate runs
# tasks inline (tests, small demos).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_choice("TASKS_BACKEND", "database", ["database", "immediate"]) == "immediate"
            else "django_tasks_db.backend.DatabaseBackend"
        )
    }
}

MIDDLEWARE = [
    "milieu.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "milieu.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "milieu.middleware.IdleSessionMiddleware",
    "milieu.middleware.FrenchNotFoundMiddleware",
    "milieu.middleware.RefusedMiddleware",
]

ROOT_URLCONF = "milieu.urls"
WSGI_APPLICATION = "milieu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "milieu.context_processors.site",
                "milieu.context_processors.statuses",
            ],
        },
    },
]

_DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'milieu.sqlite3'}"
DATABASES = {"default": env_database("DATABASE_URL", _DEFAULT_DATABASE_URL)}
# Persistent connections (issue 15: opening one per request cost 4.3 ms against 0.13 ms a query),
# checked before reuse so that a connection the server closed is replaced, not an error.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60, minimum=0, maximum=3600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: a page's queries are short, but a count over an académie's rows passes
    # `jit_above_cost` and PostgreSQL then spent 90–145 ms compiling a 150 ms query (issue 15).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = f"{_db_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    _sqlite_name = str(DATABASES["default"]["NAME"])
    if _sqlite_name != ":memory:" and not _sqlite_name.startswith("file:"):
        Path(_sqlite_name).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Static files are served by WhiteNoise (its middleware follows SecurityMiddleware) from
# STATIC_ROOT, filled by `collectstatic`: with DEBUG off, under hashed names (cached for a year)
# and compressed (gzip and Brotli); with DEBUG on, straight from the apps' directories.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

# Pasted or uploaded dossiers: a few hundred kilobytes at most.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

CSRF_FAILURE_VIEW = "milieu.views.csrf_failure"
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Milieu <ne-pas-repondre@milieu.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# django-dsfr: the assets are served from our own static files.
DSFR_USE_INTEGRITY_CHECKSUMS = True

# LOG_FORMAT=json: one JSON object per line (milieu.requestlog.JsonFormatter), for a log
# collector; `make serve` sets it. Either way, one line per request (milieu.requests) with its
# id, the user's id, the method, the path, the status and the duration.
LOG_FORMAT = env_choice("LOG_FORMAT", "text", ["text", "json"])
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # a refused access (403) is one warning line, not a traceback
    "filters": {
        "permission_denied": {"()": "milieu.log_filters.PermissionDeniedOnOneLine"},
        "request_id": {"()": "milieu.requestlog.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {"()": "milieu.requestlog.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["permission_denied", "request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]),
    },
    # PDF libraries narrate every step at INFO: only their warnings are worth a line
    "loggers": {
        name: {"level": "WARNING"}
        for name in ("weasyprint", "fontTools", "pyhanko", "pyhanko_certvalidator")
    },
}

# Conventions: the public address used in the links sent to signatories, and where each
# establishment's seal certificate and key live (<UAI>.cert.pem, <UAI>.key.pem).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SEAL_DIRECTORY = env_str("SEAL_DIRECTORY", str(BASE_DIR / "var" / "seals"))

# Files deposited by users (reports, contracts, work certificates) live outside any served
# directory and are only ever sent back through a view that checks the permission.
PRIVATE_FILES_ROOT = env_str("PRIVATE_FILES_ROOT", str(BASE_DIR / "var" / "private"))
# Where they are kept (milieu/storage.py): STORAGE_URL unset = the folder PRIVATE_FILES_ROOT;
# file:///path = that folder; s3://bucket[/prefix]?endpoint_url=…&region=… = an S3-compatible
# bucket shared by every web machine and worker (keys from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or s3://key:secret@bucket). Objects are private and never linked to.
STORAGES = {
    "default": env_storage("STORAGE_URL"),
    # static files: compressed, with hashed names, served by WhiteNoise when DEBUG is off
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if "location" in STORAGES["default"].get("OPTIONS", {}):
    PRIVATE_FILES_ROOT = STORAGES["default"]["OPTIONS"]["location"]
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)

# Imports of students and hosts (milieu.imports): the file is read by the background task, within
# these bounds whatever it declares; past the time budget (seconds, per phase) the import stops
# with a French message and nothing is written.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000, minimum=1)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200, minimum=10)
IMPORT_MAX_EMPTY_ROWS = env_int("IMPORT_MAX_EMPTY_ROWS", 1_000, minimum=1)
IMPORT_TIME_BUDGET = env_int("IMPORT_TIME_BUDGET", 300, minimum=1)

# Uploaded files' own names are shortened before Django makes a temporary file of them (a name of
# a thousand characters made the temporary file's name too long: a server error).
FILE_UPLOAD_HANDLERS = [
    "milieu.uploads.MemoryFileUploadHandler",
    "milieu.uploads.TemporaryFileUploadHandler",
]
# RGPD: years a candidate's data is kept after their exam session and their last stage, then
# `milieu purge --apply` deletes or anonymises it (milieu/dataprotection/retention.py says why 5).
RETENTION_YEARS = env_int("RETENTION_YEARS", 5, minimum=1, maximum=30)

# A tutor's link lives until the end of the convention's last period plus this many days (the
# certificate and the grid come after the stage); the follow-up page renews it.
TUTOR_LINK_GRACE_DAYS = env_int("TUTOR_LINK_GRACE_DAYS", 60, minimum=1, maximum=365)
# A student's invitation link (to set their password and join Milieu) expires after this many
# days; sending a new one revokes the old one.
INVITATION_LIFETIME_DAYS = env_int("INVITATION_LIFETIME_DAYS", 14, minimum=1, maximum=90)
# The public checker (`POST /api/v1/dossiers/check` and the page /dossiers/verifier/): the
# largest request body, and how many checks one address (anonymous) or one account (signed in)
# may ask per fixed window of PUBLIC_CHECK_WINDOW seconds; 0 = no limit. The counters live in the
# default cache (atomic `add` then `incr`).
PUBLIC_CHECK_MAX_BYTES = env_int("PUBLIC_CHECK_MAX_BYTES", 262_144, minimum=1024)
PUBLIC_CHECK_RATE = env_int("PUBLIC_CHECK_RATE", 60, minimum=0)
PUBLIC_CHECK_RATE_SIGNED_IN = env_int("PUBLIC_CHECK_RATE_SIGNED_IN", 600, minimum=0)
PUBLIC_CHECK_WINDOW = env_int("PUBLIC_CHECK_WINDOW", 60, minimum=1, maximum=86_400)
# Security headers (milieu.middleware.SecurityHeadersMiddleware): no inline script nor style,
# every asset from the site itself (htmx's indicator styles are in milieu.css, see base.html).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# HTTPS only for a year once the cookies are (requests must be seen as secure: behind a proxy
# that terminates TLS, TRUST_X_FORWARDED_PROTO=true and the proxy sets X-Forwarded-Proto).
SECURE_HSTS_SECONDS = 31_536_000 if SECURE_COOKIES else 0
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A session ends after this many seconds without a request (milieu.middleware.IdleSessionMiddleware,
# which then says so on the login page); the cookie and the stored session outlive it by a day
# so that the person coming back is told why, then expire by themselves.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60, minimum=120)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 24 * 60 * 60
# With DEBUG on, a missing page is still the French one; developers who want Django's technical
# page (the URL patterns tried) set DEBUG_TECHNICAL_404=true.
DEBUG_TECHNICAL_404 = env_bool("DEBUG_TECHNICAL_404", False)

# Issue 13 §14: the DDFPT's dashboard lists the conventions whose signatures have been awaited
# for more than this many days (since the last link or reminder), with « Relancer ».
SIGNATURE_REMINDER_AFTER_DAYS = env_int("SIGNATURE_REMINDER_AFTER_DAYS", 3, minimum=0)
# …and the teacher's lists the reports deposited by their cohorts' students in the last days.
REPORTS_TO_READ_DAYS = env_int("REPORTS_TO_READ_DAYS", 30, minimum=1)

# Sign-in through the State's identity federations (milieu/oidc, OpenID Connect): ProConnect for
# the staff (matched by their verified e-mail), ÉduConnect for students (matched by their INE).
# Each is on when its issuer, client id and secret are all set; its endpoints come from
# <issuer>/.well-known/openid-configuration. The callback to register with the provider is
# SITE_URL + /connexion/proconnect/retour/ (or /connexion/educonnect/retour/), the return after
# its logout SITE_URL + /deconnexion/fournisseur/. Password sign-in stays.
PROCONNECT_ISSUER = env_str("PROCONNECT_ISSUER", "")
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET", "")
PROCONNECT_SCOPES = env_str("PROCONNECT_SCOPES", "openid email given_name usual_name uid siret")
EDUCONNECT_ISSUER = env_str("EDUCONNECT_ISSUER", "")
EDUCONNECT_CLIENT_ID = env_str("EDUCONNECT_CLIENT_ID", "")
EDUCONNECT_CLIENT_SECRET = env_str("EDUCONNECT_CLIENT_SECRET", "")
EDUCONNECT_SCOPES = env_str("EDUCONNECT_SCOPES", "openid")
# the claim that carries the student's INE (ÉduConnect's attribute FrEduCtEleveINE)
EDUCONNECT_INE_CLAIM = env_str("EDUCONNECT_INE_CLAIM", "FrEduCtEleveINE")
# seconds Milieu waits for a provider's answer (discovery, token, keys, userinfo)
OIDC_HTTP_TIMEOUT = env_int("OIDC_HTTP_TIMEOUT", 10, minimum=1, maximum=120)
_oidc_origins: list[str] = []
for _prefix, _values in {
    "PROCONNECT": (PROCONNECT_ISSUER, PROCONNECT_CLIENT_ID, PROCONNECT_CLIENT_SECRET),
    "EDUCONNECT": (EDUCONNECT_ISSUER, EDUCONNECT_CLIENT_ID, EDUCONNECT_CLIENT_SECRET),
}.items():
    if any(_values) and not all(_values):
        raise ImproperlyConfigured(
            f"Les variables d’environnement {_prefix}_ISSUER, {_prefix}_CLIENT_ID et "
            f"{_prefix}_CLIENT_SECRET vont ensemble : donnez les trois, ou aucune."
        )
    if all(_values):
        _issuer = urlsplit(_values[0])
        if _issuer.scheme not in {"https", "http"} or not _issuer.netloc:
            raise ImproperlyConfigured(
                f"La variable d’environnement {_prefix}_ISSUER doit être une adresse https://… "
                "(celle de l’émetteur, sans /.well-known/openid-configuration)."
            )
        _oidc_origins.append(f"{_issuer.scheme}://{_issuer.netloc}")
# the logout form leads, through the redirect, to the provider's end_session_endpoint (at its
# issuer's address): the Content-Security-Policy's form-action must allow that address
if _oidc_origins:
    CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(sorted(set(_oidc_origins)))
    )
# Several workers (`milieu db_worker` on several machines): a job still "running" after this
# many seconds lost its worker (killed mid-job) and `milieu recover_tasks` puts it back in the
# queue, at most TASK_MAX_ATTEMPTS claims in all (milieu/health/recovery.py).
TASK_STALLED_AFTER = env_int("TASK_STALLED_AFTER", 900, minimum=60)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3, minimum=1, maximum=20)
# Error reporting to Sentry or any service that speaks its protocol (GlitchTip…), only when
# SENTRY_DSN is set: no personal data (no user, cookie, address nor request body).
SENTRY_DSN = env_str("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=0.0,
    )
