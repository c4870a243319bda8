"""Django's upload handlers, given a safe name for each file before they use it.

Django names the temporary file of a large upload after the extension the client sent: an
"extension" of a thousand characters made that name too long for the file system and the
request ended in a server error, before any view could refuse it. Here every upload's name goes
through `milieu.storage.upload_name` first (see `FILE_UPLOAD_HANDLERS` in the settings).
"""

from __future__ import annotations

from typing import Any

from django.core.files import uploadhandler

from milieu.storage import upload_name


class MemoryFileUploadHandler(uploadhandler.MemoryFileUploadHandler):
    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, upload_name(file_name), *args, **kwargs)


class TemporaryFileUploadHandler(uploadhandler.TemporaryFileUploadHandler):
    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, upload_name(file_name), *args, **kwargs)
