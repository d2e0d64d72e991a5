import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from projects import services
from projects.uploads import MAX_SIDE, process_upload
from tests.projects.conftest import make_image
from tests.projects.factories import BudgetRequestFactory

pytestmark = pytest.mark.django_db


def test_photo_is_resized_to_a_web_jpeg():
    processed = process_upload(make_image(size=(4000, 3000)))
    assert processed.content_type == "image/jpeg" and processed.name == "photo.jpg"
    with Image.open(io.BytesIO(processed.content)) as image:
        assert image.format == "JPEG"
        assert max(image.size) == MAX_SIDE


def test_a_renamed_script_is_not_a_photo():
    fake = SimpleUploadedFile("site.jpg", b"#!/bin/sh\nrm -rf /", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        process_upload(fake, allow_pdf=False)


def test_pdf_is_recognised_by_its_header_only_where_allowed():
    pdf = SimpleUploadedFile("budget.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    assert process_upload(pdf).content_type == "application/pdf"
    pdf.seek(0)
    with pytest.raises(ValidationError):
        process_upload(pdf, allow_pdf=False)


def test_too_large_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError):
        process_upload(make_image())


def _log_photo(project, pm):
    log = services.site_log_write(
        project=project,
        by=pm,
        date=project.created_at.date(),
        weather="晴",
        workers_on_site=3,
        work_done="拆除",
        photos=[process_upload(make_image())],
    )
    return log.photos.get()


def test_photo_served_inline_to_the_team(login, project, pm, consultant):
    photo = _log_photo(project, pm)
    response = login(consultant).get(photo.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" not in response.get("Content-Disposition", "")
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_is_404_for_another_team(login, project, pm, outsider, other_assistant):
    photo = _log_photo(project, pm)
    assert login(outsider).get(photo.get_absolute_url()).status_code == 404
    assert login(other_assistant).get(photo.get_absolute_url()).status_code == 404


def test_file_url_needs_login(client, project, pm):
    photo = _log_photo(project, pm)
    assert client.get(photo.get_absolute_url()).status_code == 302


def test_pdf_downloads_as_attachment_for_its_budget_clerk(login, project, designer, budget_clerk):
    request = BudgetRequestFactory(project=project, requested_by=designer, clerk=budget_clerk)
    pdf = process_upload(SimpleUploadedFile("预算.pdf", b"%PDF-1.4 budget"))
    services.budget_return(request=request, by=budget_clerk, amount=1000, files=[pdf])
    item = request.files.get()
    response = login(designer).get(reverse("projects:file", args=[item.token]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
