import pytest

from clients.defaults import ensure_defaults


@pytest.fixture(autouse=True)
def clients_defaults(db):
    """Lost reasons and the default visit plan (a data migration; transactional tests flush it)."""
    ensure_defaults()
