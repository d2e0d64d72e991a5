"""Uploaded photos and PDFs: checked by content, photos resized for the web.

A form field cleans each upload into a ``ProcessedFile``; services store it
under a generated name (``Attachment``), and only ``views.files.attachment``
serves it, after checking that the user may see the project.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from teams.uploads import TOO_MANY_PIXELS, image_format, too_many_pixels

# Longest side of a stored photo: sharp on a laptop, light on a phone at a site.
MAX_SIDE = 1600
JPEG_QUALITY = 82


@dataclass(frozen=True)
class ProcessedFile:
    name: str
    content: bytes
    content_type: str
    extension: str

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def _as_jpeg(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        image = ImageOps.exif_transpose(image)  # phones store the rotation in EXIF
        if image.mode not in ("RGB", "L"):
            background = Image.new("RGB", image.size, "white")
            converted = image.convert("RGBA")
            background.paste(converted, mask=converted.getchannel("A"))
            image = background
        image.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return out.getvalue()


def process_upload(upload, *, allow_pdf: bool = True) -> ProcessedFile:
    """Validate one uploaded file by its content and size; photos become web-sized JPEGs."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (at most %(mb)s MB).")
            % {"name": upload.name, "mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    stem = (upload.name or "file").rsplit(".", 1)[0][:150]
    if allow_pdf and data.startswith(b"%PDF-"):
        return ProcessedFile(f"{stem}.pdf", data, "application/pdf", ".pdf")
    message = _("%(name)s is neither a photo nor a PDF.") if allow_pdf else _("%(name)s is not a photo.")
    if image_format(io.BytesIO(data), upload.name) is None:  # refuses too many pixels before decoding
        raise ValidationError(message % {"name": upload.name})
    try:
        jpeg = _as_jpeg(data)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(message % {"name": upload.name}) from exc
    except TOO_MANY_PIXELS as exc:  # a frame of an animated file larger than its header said
        raise too_many_pixels(upload.name) from exc
    return ProcessedFile(f"{stem}.jpg", jpeg, "image/jpeg", ".jpg")
