"""``makemessages`` that also collects ``Message("...")`` texts (teams/messages.py).

Services pass notification texts as ``Message(msgid, **params)`` so they are translated
when read; xgettext must know that its first argument is a msgid. Django documents this
way of adding keywords (the makemessages command's ``xgettext_options``)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=Message"]
