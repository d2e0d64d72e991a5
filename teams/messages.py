"""Texts stored untranslated and rendered in the reader's language.

A notification (or a timeline line) written by a service is stored as its msgid plus
its parameters, so a Chinese reader and an English reader of the same row each read
it in their own language. ``Message("Complaint #%(pk)s", pk=12)`` is what a service
passes to ``teams.services.notify``; plain strings keep working and are shown as stored.

Parameters are rendered too: a ``Message`` or a lazy ``gettext_lazy``/``pgettext_lazy``
text (a choices label) is stored by its msgid and translated at read time; numbers
stay numbers (for ``%(n)d``); anything else (a client, a team, a date) is stored as its
text when the message is made.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext


class Message:
    """A translatable text with ``%``-parameters, rendered when read."""

    def __init__(self, msgid, /, **params):
        # ``makemessages`` collects the first argument (teams/management/commands/makemessages.py).
        # A pgettext_lazy("context", "text") msgid keeps its context.
        encoded = _encode(msgid)
        if isinstance(encoded, dict):
            self.msgid, self.context = encoded["message"]["msgid"], encoded["message"].get("context", "")
        else:
            self.msgid, self.context = str(msgid), ""
        self.params = {key: _encode(value) for key, value in params.items()}

    def render(self) -> str:
        """The text in the active language."""
        if not self.msgid:
            return ""  # gettext("") is the catalogue's header
        text = pgettext(self.context, self.msgid) if self.context else gettext(self.msgid)
        if not self.params:
            return text
        return text % {key: _decode(value) for key, value in self.params.items()}

    def render_in(self, language: str | None = None) -> str:
        """The text in ``language`` (the site language by default: e-mails, robots, stored text)."""
        with translation.override(language or settings.LANGUAGE_CODE):
            return self.render()

    __str__ = render

    @classmethod
    def join(cls, parts, sep: str = "\n") -> Message:
        """Several texts (messages or plain) as one, each part translated when read.
        The joined msgid is in no catalogue, so gettext gives it back as it is."""
        parts = list(parts)
        template = sep.replace("%", "%%").join(f"%(p{i})s" for i in range(len(parts)))
        return cls(template, **{f"p{i}": part for i, part in enumerate(parts)})

    def __eq__(self, other):
        return isinstance(other, Message) and self.to_json() == other.to_json()

    def __repr__(self):
        return f"Message({self.msgid!r}, {self.params!r})"

    def to_json(self) -> dict:
        data = {"msgid": self.msgid, "params": self.params}
        if self.context:
            data["context"] = self.context
        return data

    @classmethod
    def from_json(cls, data: dict) -> Message:
        message = cls.__new__(cls)
        message.msgid = data["msgid"]
        message.context = data.get("context", "")
        message.params = data.get("params") or {}
        return message


def _encode(value):
    if isinstance(value, Message):
        return {"message": value.to_json()}
    if isinstance(value, Promise):
        # gettext_lazy("x") keeps ("x",), pgettext_lazy("ctx", "x") keeps ("ctx", "x"):
        # store the msgid so the label is translated when read, not now.
        args = getattr(value, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"message": {"msgid": args[0], "params": {}}}
        if len(args) == 2 and all(isinstance(a, str) for a in args):
            return {"message": {"msgid": args[1], "context": args[0], "params": {}}}
        return str(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return value


def _decode(value):
    if isinstance(value, dict) and "message" in value:
        return Message.from_json(value["message"]).render()
    return value


def render_stored(data: dict | None, fallback: str) -> str:
    """A stored message in the active language; the stored text for old rows, or when the
    msgid's parameters no longer match (a changed catalogue must not break the bell)."""
    if not data:
        return fallback
    try:
        return Message.from_json(data).render()
    except (KeyError, TypeError, ValueError):
        return fallback


def to_store(value) -> tuple[str, dict | None]:
    """What a row keeps of a text: (the site-language text, the message or None)."""
    if isinstance(value, Message):
        return as_text(value), value.to_json()
    return str(value), None


def as_text(value) -> str:
    """A plain string as is; a ``Message`` in the site language (what the text column stores)."""
    if isinstance(value, Message):
        return value.render_in(settings.LANGUAGE_CODE)
    return str(value)
