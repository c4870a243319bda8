"""Milieu's settings: one module, read from the environment.

Every variable is listed with its default in the README. The defaults make a working demo on a
developer's machine (``DEBUG`` on, SQLite under ``var/``); a deployment sets ``DEBUG=false`` and a
``SECRET_KEY``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from milieu.env import env_bool, env_choice, env_database, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)

_DEV_SECRET_KEY = "django-insecure-milieu-demo-only-never-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "La variable d’environnement SECRET_KEY doit être définie quand DEBUG est faux."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "milieu.dossiers",
    "milieu.regulation",
    "milieu.audit",
]

AUTH_USER_MODEL = "people.User"

# The cache holds the login throttling counters: it must be shared by every process of the site.
# Files under var/ by default (works for several processes on one machine); CACHE_LOCATION moves it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": env_str("CACHE_LOCATION", str(BASE_DIR / "var" / "cache")),
    }
}
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Background work (imports, reminders): Django's tasks API with the database backend; a worker
# runs `milieu db_worker`. TASKS_BACKEND=immediate runs tasks inline (tests, small demos).
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
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
            ],
        },
    },
]

_DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'var' / 'milieu.sqlite3'}"
DATABASES = {"default": env_database("DATABASE_URL", _DEFAULT_DATABASE_URL)}
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
STATIC_ROOT = BASE_DIR / "staticfiles"

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
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

# Issue 13 §14: the DDFPT's dashboard lists the conventions whose signatures have been awaited
# for more than this many days (since the last link or reminder), with « Relancer ».
SIGNATURE_REMINDER_AFTER_DAYS = env_int("SIGNATURE_REMINDER_AFTER_DAYS", 3, minimum=0)
# …and the teacher's lists the reports deposited by their cohorts' students in the last days.
REPORTS_TO_READ_DAYS = env_int("REPORTS_TO_READ_DAYS", 30, minimum=1)
