"""Uploads never crash or leave debris: pixel bombs are refused, a full disk leaves no file."""

import errno
import os
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.forms import AttachmentForm as ContractAttachmentForm
from complaints.forms import validate_attachment
from complaints.models import Complaint
from performance.forms import PhotoForm
from projects.models import SiteLog
from projects.uploads import process_upload
from tests.clients.factories import ClientFactory
from tests.projects.factories import ProjectFactory


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def pixel_bomb(width: int, height: int, name: str = "bomb.png") -> SimpleUploadedFile:
    """A few hundred bytes of PNG that declares width × height pixels (Pillow trusts the header)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    body = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 64))
    return SimpleUploadedFile(name, body + _chunk(b"IEND", b""), content_type="image/png")


BIG = (11_000, 11_000)  # 121 Mpx: Pillow's default only warns
HUGE = (20_000, 20_000)  # 400 Mpx: Pillow's default raises an error nobody caught


def _complaint_validator(upload):
    validate_attachment(upload)


def _site_photo(upload):
    process_upload(upload, allow_pdf=False)


def _contract_scan(upload):
    form = ContractAttachmentForm(data={}, files={"file": upload})
    if not form.is_valid():
        raise ValidationError(form.errors["file"])


def _report_photo(upload):
    form = PhotoForm(data={"caption": "锦旗"}, files={"image": upload})
    if not form.is_valid():
        raise ValidationError(form.errors["image"])


@pytest.mark.parametrize("validator", [_complaint_validator, _site_photo, _contract_scan, _report_photo])
@pytest.mark.parametrize("size", [BIG, HUGE], ids=["121Mpx", "400Mpx"])
def test_every_upload_validator_refuses_a_pixel_bomb_in_chinese(validator, size):
    with pytest.raises(ValidationError) as caught:
        validator(pixel_bomb(*size))
    assert "像素太多" in " ".join(caught.value.messages)


def test_a_site_log_photo_declaring_121_megapixels_is_refused(login, team, consultant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    project = ProjectFactory(client=ClientFactory(team=team))
    data = {"date": timezone.localdate().isoformat(), "weather": "晴", "workers_on_site": 4, "work_done": "铺地砖"}
    response = login(consultant).post(
        reverse("projects:site_log_add", args=[project.pk]), {**data, "photos": [pixel_bomb(*BIG)]}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "像素太多" in html and "铺地砖" in html
    assert not SiteLog.objects.exists()


def test_a_400_megapixel_photo_on_a_complaint_is_refused_not_a_500(login, front_desk, team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = login(front_desk).post(reverse("complaints:register"), _complaint_data(team, pixel_bomb(*HUGE)))
    assert response.status_code == 200 and "像素太多" in response.content.decode()
    assert not Complaint.objects.exists()


def _complaint_data(team, upload):
    return {
        "caller_name": "王美丽",
        "caller_phone": "13812345678",
        "channel": "phone",
        "category": "quality",
        "severity": "normal",
        "description": "卫生间渗水，墙面发霉",
        "team": team.pk,
        "attachments": [upload],
    }


def test_a_full_disk_leaves_no_file_and_shows_the_form_again(
    login, front_desk, team, consultant, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    original = InMemoryUploadedFile.chunks

    def half_then_full(self, chunk_size=None):
        for chunk in original(self, chunk_size):
            yield chunk[: len(chunk) // 2]  # half the file is on disk when the disk fills up
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(InMemoryUploadedFile, "chunks", half_then_full)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n" + b"x" * 4000, content_type="application/pdf")
    response = login(front_desk).post(reverse("complaints:register"), _complaint_data(team, pdf))
    html = response.content.decode()
    assert response.status_code == 200
    assert "存储空间" in html and "卫生间渗水，墙面发霉" in html and "王美丽" in html
    assert not Complaint.objects.exists()
    assert [files for _root, _dirs, files in os.walk(tmp_path) if files] == []


def test_storage_saves_whole_files_under_their_name(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    first = default_storage.save("a/photo.jpg", ContentFile(b"one"))
    second = default_storage.save("a/photo.jpg", ContentFile(b"two"))
    assert first == "a/photo.jpg" and second != first
    assert default_storage.open(first).read() == b"one" and default_storage.open(second).read() == b"two"
    assert sorted(os.listdir(tmp_path / "a")) == sorted([os.path.basename(first), os.path.basename(second)])
