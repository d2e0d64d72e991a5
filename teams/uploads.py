"""Opening uploaded images safely: the one place that sets Pillow's pixel limit.

A 15 KB PNG can declare 121 million pixels; decoding it takes gigabytes. Pillow
checks the declared size when it opens a file: above ``MAX_IMAGE_PIXELS`` it warns,
above twice that it raises. Here the limit is 40 Mpx (a 48 Mpx phone stores its
photos at 12 Mpx) and the warning is an error too, so no decoder ever starts on
such a file. Every upload validator opens images through ``open_image``.
"""

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
warnings.simplefilter("error", Image.DecompressionBombWarning)

TOO_MANY_PIXELS = (Image.DecompressionBombError, Image.DecompressionBombWarning)


def too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _("%(name)s has too many pixels (at most %(mpx)s million): save it smaller and upload it again.")
        % {"name": name, "mpx": MAX_IMAGE_PIXELS // 1_000_000}
    )


def image_format(fileobj, name: str) -> str | None:
    """The Pillow format of an uploaded image ("JPEG", "PNG"…), None if it is not an image.

    Only the header is read; an image above the pixel limit is refused with a clear message.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                if image.width * image.height > MAX_IMAGE_PIXELS:
                    raise too_many_pixels(name)
                kind = image.format
                image.verify()
    except TOO_MANY_PIXELS as exc:
        raise too_many_pixels(name) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None
    finally:
        if hasattr(fileobj, "seek"):
            fileobj.seek(0)
    return kind
