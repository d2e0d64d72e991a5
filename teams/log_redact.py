"""Keep secrets in addresses out of every log line.

The client's page is opened by a link whose path carries its token (``/p/<token>/``, portal/). Django logs the
path of a 404 ("Not Found: /p/…") and runserver every request; this filter, on the console handler
(config/settings/base.py LOGGING), writes ``/p/…`` instead. Gunicorn's access log goes through
``config.gunicorn_logging.RedactingLogger`` (Procfile) for the same reason.
"""

import logging
import re

SECRET_PATHS = re.compile(r"(/p/)[^/\s\"'?]+")


def redact(text: str) -> str:
    return SECRET_PATHS.sub(r"\1…", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
