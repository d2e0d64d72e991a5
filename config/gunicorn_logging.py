"""Gunicorn's access log without the client page's token (``/p/<token>/``, teams/log_redact.py).

Used by the Procfile and docs/deploy/kefu-web.service: ``--logger-class config.gunicorn_logging.RedactingLogger``."""

from gunicorn.glogging import Logger

from teams.log_redact import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every text atom: the request line, path, referer and the headers and environ a format may name.
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
