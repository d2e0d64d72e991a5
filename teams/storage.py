"""The uploads' file storage: a file appears under its name only once it is complete.

Django's ``FileSystemStorage`` writes straight into the final name, so a full disk
mid-write leaves a truncated file that a later read serves as a broken photo.
Here each file is written under a temporary name in the same folder and linked to
its real name when whole; on any error the partial file is removed. A full disk
(or quota) is raised as ``StorageFull``, a ``ValidationError`` the views already
show on the form, with everything typed kept; the service's transaction rolls back.
"""

import contextlib
import errno
import os
import tempfile

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

NO_SPACE = {errno.ENOSPC, errno.EDQUOT}


class StorageFull(ValidationError):
    def __init__(self):
        super().__init__(
            _("The server has no room to store the file right now. Nothing was saved; try again later."),
            code="storage_full",
        )


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        directory = os.path.dirname(self.path(name))
        os.makedirs(directory, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as out:
                self._write(out, content)
            os.chmod(partial, self.file_permissions_mode or 0o644)
            while True:
                try:
                    os.link(partial, self.path(name))  # never replaces an existing file
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
        except OSError as exc:
            if exc.errno in NO_SPACE:
                raise StorageFull() from exc
            raise
        finally:
            with contextlib.suppress(FileNotFoundError):  # linked, or never complete
                os.unlink(partial)
        return os.path.relpath(self.path(name), self.location).replace("\\", "/")

    def _write(self, out, content) -> None:
        for chunk in content.chunks():
            out.write(chunk if isinstance(chunk, bytes) else chunk.encode())
