import logging

import pytest


@pytest.fixture(autouse=True)
def quiet_refusals(caplog):
    """Thousands of deliberate 403/404/405s: keep their log lines out of the output."""
    caplog.set_level(logging.ERROR, logger="django.request")
    caplog.set_level(logging.WARNING, logger="axes")
