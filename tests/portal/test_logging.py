"""Gunicorn's access log writes no client-page token (config/gunicorn_logging.py)."""

import datetime as dt

from gunicorn.config import Config

from config.gunicorn_logging import RedactingLogger


class Response:
    status = "200 OK"
    status_code = 200
    headers = []
    response_length = sent = 10


class Request:
    method = "GET"
    path = "/p/secret.token/"
    query = ""
    version = (1, 1)
    uri = "/p/secret.token/"
    headers = [("REFERER", "https://kefu.example.com/p/secret.token/")]


def test_no_atom_of_the_access_log_holds_the_token():
    environ = {
        "REMOTE_ADDR": "10.0.0.1",
        "RAW_URI": "/p/secret.token/",
        "PATH_INFO": "/p/secret.token/",
        "HTTP_REFERER": "https://kefu.example.com/p/secret.token/",
        "REQUEST_METHOD": "GET",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "QUERY_STRING": "",
    }
    atoms = RedactingLogger(Config()).atoms(Response(), Request(), environ, dt.timedelta(seconds=1))
    assert atoms["r"] == "GET /p/…/ HTTP/1.1"
    assert not [key for key, value in atoms.items() if isinstance(value, str) and "secret" in value]
