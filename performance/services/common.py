"""What the performance services share: notification texts in the site's language."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _


def _say(message: str, **params) -> str:
    """A notification text in the site's language (zh-Hans): notifications are stored
    text, and a beat task or management command has no request language."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(message) % params
