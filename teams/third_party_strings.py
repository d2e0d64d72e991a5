"""Strings shown by third-party packages that ship no zh_Hans catalogue.

django-filter has only ``zh_CN``, which Django does not use for ``zh-hans``.
Marking them here keeps them in our catalogue (``makemessages`` finds them),
and Django consults ``LOCALE_PATHS`` first. Never imported at run time.
"""

from django.utils.translation import gettext_noop

DJANGO_FILTER = [
    gettext_noop("%s (descending)"),
    gettext_noop("Ordering"),
    gettext_noop("Submit"),
    gettext_noop("Today"),
    gettext_noop("Yesterday"),
    gettext_noop("Past 7 days"),
    gettext_noop("This month"),
    gettext_noop("This year"),
    gettext_noop("Multiple values may be separated by commas."),
    gettext_noop("Range query expects two values."),
]
