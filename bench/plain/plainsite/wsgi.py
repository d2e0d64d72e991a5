"""WSGI entry of the plain project (``gunicorn --chdir bench/plain plainsite.wsgi:application``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plainsite.settings")
application = get_wsgi_application()
