from functools import cached_property

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from teams.messages import Message, render_stored, to_store


class HistoryTexts(models.Model):
    """A history row whose texts are read in the reader's language (teams/messages.py).

    ``TEXT_COLUMNS`` names the text columns (``{"field": "label", ...}``). ``set_texts`` fills each with
    its site-language text, for the admin, exports and old readers, and keeps the ``Message`` (or lazy
    label) of each in ``texts``; ``text(key)`` renders it when read, the stored column for old rows."""

    TEXT_COLUMNS: dict[str, str] = {}

    texts = models.JSONField(_("texts"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_texts(self, **values):
        stored = {}
        for key, value in values.items():
            column = self.TEXT_COLUMNS[key]
            text, data = to_store(Message(value) if isinstance(value, Promise) else value)
            setattr(self, column, text[: self._meta.get_field(column).max_length])
            if data is not None:
                stored[key] = data
        self.texts = {**(self.texts or {}), **stored} or None
        self.__dict__.pop("shown", None)
        return self

    @cached_property
    def shown(self) -> dict[str, str]:
        """Every text in the reader's language, for templates: ``{{ row.shown.field }}``."""
        return {key: self.text(key) for key in self.TEXT_COLUMNS}

    def text(self, key: str) -> str:
        column = self.TEXT_COLUMNS[key]
        return render_stored((self.texts or {}).get(key), getattr(self, column))
