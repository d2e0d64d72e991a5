import pytest


@pytest.fixture
def page(page):
    """Every browser journey also proves the Content-Security-Policy blocks nothing the product needs:
    a refused script, style or handler shows as a console error naming the policy."""
    refused = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and refused.append(msg.text))
    yield page
    assert not refused, refused
