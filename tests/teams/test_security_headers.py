"""Headers that keep client data out of caches and scripts out of pages (issue 12, "Nothing leaked")."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_no_template_has_an_inline_script_or_handler():
    """The policy has no 'unsafe-inline' for scripts: page behaviours live in static/js/app.js."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
        offenders += [f"{path.relative_to(TEMPLATES)}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
    assert offenders == []


@pytest.mark.django_db
def test_every_page_has_a_policy_without_inline_script(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored_by_the_browser(login, consultant, client):
    response = login(consultant).get(reverse("clients:list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
