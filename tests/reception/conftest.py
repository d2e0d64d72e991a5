from tests.complaints.conftest import monday, the_client  # noqa: F401
