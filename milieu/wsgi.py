"""WSGI entry point: ``milieu.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "milieu.settings")

application = get_wsgi_application()

# the catalogue and WeasyPrint's fonts loaded before the first request (MILIEU_WARMUP=0 skips)
from milieu import warmup  # noqa: E402

if warmup.enabled():
    warmup.warm_up()
