"""milieu.settings for the test that starts gunicorn: static files compressed for milieu's own
only.

`collectstatic` compresses the 1 600 files of the DSFR with Brotli at its best quality: about a
minute of processor time. The test collects and hashes every file as production does, and
compresses (gzip and Brotli, as in production) those of `milieu/static/` only; every other
setting is production's.
"""

from collections.abc import Iterable, Iterator
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

from milieu.settings import *  # noqa: F403
from milieu.settings import STORAGES


class OwnFilesCompressed(CompressedManifestStaticFilesStorage):
    def compress_files(self, paths: Iterable[str]) -> Iterator[Any]:
        return super().compress_files([path for path in paths if path.startswith("milieu/")])


STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "tests.serve.small_static_settings.OwnFilesCompressed"},
}
