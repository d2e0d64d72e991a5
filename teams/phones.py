"""Chinese phone numbers: validation and masking (138****5678 wherever a full number is not needed; see
the scoping rule in docs/architecture.md)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code (3–4 digits starting with 0), then a 7–8 digit number; extension optional.
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def normalize_phone(value: str) -> str:
    """Strip spaces and the +86 / 0086 prefix that people type."""
    value = re.sub(r"[\s()（）]", "", value or "")
    value = re.sub(r"^(\+86|0086)-?", "", value)
    return value


def validate_phone(value: str) -> None:
    if not (MOBILE.match(value) or LANDLINE.match(value)):
        raise ValidationError(
            _("Enter a mainland mobile number (11 digits) or a landline with area code, e.g. 021-62345678."),
            code="invalid_phone",
        )


def mask_phone(value: str) -> str:
    """138****5678; a landline keeps its area code and last four digits."""
    if not value:
        return ""
    digits = value.replace("-", "")
    if len(digits) <= 4:
        return "*" * len(digits)
    if MOBILE.match(digits):
        return f"{digits[:3]}****{digits[-4:]}"
    head = value.split("-")[0] if "-" in value else digits[:3]
    return f"{head}-****{digits[-4:]}"
