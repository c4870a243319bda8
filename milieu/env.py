"""Typed readers of environment variables for ``milieu.settings``.

Each helper refuses a malformed value with ``ImproperlyConfigured`` and a French message naming
the variable, so that a typo in a deployment stops the start instead of being silently ignored.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on", "oui", "vrai"})
_FALSE = frozenset({"0", "false", "no", "off", "non", "faux"})


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    value = (os.environ if environ is None else environ).get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    """The variable's text, or ``default`` when it is unset or blank."""
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """A boolean written ``1/0``, ``true/false``, ``yes/no``, ``on/off`` or ``oui/non``."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"La variable d’environnement {name} doit valoir « true » ou « false » "
        f"(reçu : « {value} »)."
    )


def env_choice(
    name: str, default: str, choices: list[str], *, environ: Mapping[str, str] | None = None
) -> str:
    """One of ``choices`` (compared without case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(
        f"La variable d’environnement {name} doit valoir l’une de ces valeurs : "
        f"{', '.join(choices)} (reçu : « {value} »)."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """A whole number, optionally bounded."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value, 10)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} doit être un nombre entier (reçu : « {value} »)."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} doit valoir au moins {minimum} (reçu : {number})."
        )
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} doit valoir au plus {maximum} (reçu : {number})."
        )
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] | None = None
) -> list[str]:
    """A comma-separated list; items may not be empty nor contain spaces."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    for item in items:
        if item == "" or any(char.isspace() for char in item):
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit être une liste séparée par des virgules, "
                f"sans élément vide ni espace (reçu : « {value} »)."
            )
    return items


def env_database(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A database URL (``sqlite:///…``, ``postgres://…``) turned into Django's settings.

    The message never repeats the value: it may hold a password.
    """
    value = env_str(name, default, environ=environ)
    try:
        config = dj_database_url.parse(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} n’est pas une adresse de base de données "
            "reconnue (attendu : sqlite:///chemin ou postgres://utilisateur@hôte:port/base)."
        ) from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} n’est pas une adresse de base de données "
            "complète (attendu : sqlite:///chemin ou postgres://utilisateur@hôte:port/base)."
        )
    return dict(config)


_CACHE_EXAMPLES = "locmem://, redis://hôte:6379/0, db:// ou file:///chemin/absolu"


def env_cache(
    name: str, default: str, *, environ: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A cache address turned into Django's ``CACHES["default"]``.

    ``locmem://`` (one process's memory), ``redis://…`` or ``rediss://…`` (shared by every
    process), ``db://`` or ``database`` (the ``milieu_cache`` table, made by ``migrate``),
    ``file:///absolute/path`` (files). The message never repeats the value: a Redis address may
    hold a password.
    """
    value = env_str(name, default, environ=environ)
    scheme, separator, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme == "database" and not separator:
        scheme, separator, rest = "db", "://", ""
    if not separator:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} n’est pas une adresse de cache reconnue "
            f"(attendu : {_CACHE_EXAMPLES})."
        )
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "milieu",
        }
    if scheme in {"redis", "rediss"}:
        try:
            host = urlsplit(value).hostname
        except ValueError:
            host = None
        if not host:
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit nommer le serveur Redis "
                "(par exemple redis://127.0.0.1:6379/0)."
            )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": value}
    if scheme == "db":
        table = rest or "milieu_cache"
        if not table.isidentifier():
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit nommer une table en lettres, chiffres "
                "et soulignés (par exemple db://milieu_cache)."
            )
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if scheme == "file":
        if not rest.startswith("/") or rest.rstrip("/") == "":
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit donner un chemin absolu de dossier "
                "(par exemple file:///var/lib/milieu/cache)."
            )
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": rest,
        }
    raise ImproperlyConfigured(
        f"La variable d’environnement {name} n’est pas une adresse de cache reconnue "
        f"(attendu : {_CACHE_EXAMPLES})."
    )


_STORAGE_EXAMPLES = (
    "file:///chemin/absolu ou s3://seau?endpoint_url=https://s3.exemple.fr&region=fr-par"
)
_S3_PARAMETERS = frozenset({"endpoint_url", "region", "addressing_style", "sse"})


def env_storage(name: str, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Where deposited files are kept, turned into Django's ``STORAGES["default"]``.

    Unset: the local folder ``PRIVATE_FILES_ROOT`` (read at each use). ``file:///absolute/path``:
    that folder. ``s3://bucket[/prefix]?endpoint_url=…&region=…`` (optionally
    ``addressing_style=path|virtual`` and ``sse=AES256|aws:kms``): an S3-compatible bucket, with
    the keys ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` or written in the address
    (``s3://key:secret@bucket``). Objects are private (no ACL is sent: the bucket's, private by
    default, applies) and never given an address: a view of Milieu streams them. The message
    never repeats the value: it may hold a secret key.
    """
    value = _raw(name, environ)
    if value is None:
        return {"BACKEND": "milieu.storage.PrivateFileSystemStorage"}
    scheme, separator, rest = value.partition("://")
    scheme = scheme.lower()
    if scheme == "file" and separator:
        if not rest.startswith("/") or rest.rstrip("/") == "":
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit donner un chemin absolu de dossier "
                "(par exemple file:///var/lib/milieu/fichiers)."
            )
        return {
            "BACKEND": "milieu.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": rest},
        }
    if scheme != "s3" or not separator:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} n’est pas une adresse de stockage reconnue "
            f"(attendu : {_STORAGE_EXAMPLES})."
        )
    try:
        parts = urlsplit(value)
        bucket = parts.hostname
    except ValueError:
        bucket = None
    if not bucket:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} doit nommer le seau (s3://seau?…)."
        )
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(query) - _S3_PARAMETERS)
    if unknown:
        raise ImproperlyConfigured(
            f"La variable d’environnement {name} contient un paramètre inconnu : "
            f"{', '.join(unknown)} (reconnus : {', '.join(sorted(_S3_PARAMETERS))})."
        )
    single = {key: values[-1] for key, values in query.items()}
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": parts.path.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        "custom_domain": None,
    }
    if single.get("endpoint_url"):
        endpoint = single["endpoint_url"]
        if urlsplit(endpoint).scheme not in {"http", "https"}:
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} : endpoint_url doit commencer par "
                "https:// (ou http:// pour un serveur local)."
            )
        options["endpoint_url"] = endpoint
    if single.get("region"):
        options["region_name"] = single["region"]
    if "addressing_style" in single:
        if single["addressing_style"] not in {"path", "virtual"}:
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} : addressing_style vaut path ou virtual."
            )
        options["addressing_style"] = single["addressing_style"]
    if "sse" in single:
        if single["sse"] not in {"AES256", "aws:kms"}:
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} : sse vaut AES256 ou aws:kms."
            )
        options["object_parameters"] = {"ServerSideEncryption": single["sse"]}
    if parts.username or parts.password:
        if not (parts.username and parts.password):
            raise ImproperlyConfigured(
                f"La variable d’environnement {name} doit donner la clé et le secret ensemble "
                "(s3://clé:secret@seau) ou aucun des deux (AWS_ACCESS_KEY_ID et "
                "AWS_SECRET_ACCESS_KEY)."
            )
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password)
    return {"BACKEND": "milieu.storage.PrivateS3Storage", "OPTIONS": options}
