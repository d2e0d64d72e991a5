"""The access log's entrance for code below the app that keeps it.

The access log names clients, so it lives in ``clients`` (``clients.models.AccessLog``);
``teams`` sits below ``clients`` and cannot import it. The export gate
(``teams.exports``) and the refusal log (``teams.middleware.RefusalLogMiddleware``)
write through this hook, which ``clients`` fills in its ``AppConfig.ready()``.
"""

from collections.abc import Callable

# Actions of the access log that teams code writes (the values of ``AccessLog.Action``).
EXPORT = "export"
REFUSED = "refused"

# writer(request, action, *, detail="", row_count=None) -> None
_writer: Callable | None = None


def register_access_writer(writer: Callable) -> None:
    global _writer
    _writer = writer


def access_record(request, action: str, *, detail: str = "", row_count: int | None = None) -> None:
    """One access-log entry for ``request.user`` (nothing if no app keeps an access log)."""
    if _writer is not None:
        _writer(request, action, detail=detail, row_count=row_count)
