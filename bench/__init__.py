"""The scale benchmark suite: company-scale seeding, in-process and load measurement, report.

``config`` is imported first so that its Celery app, which reads the settings at import time, finds
``bench.settings`` complete (importing it from inside bench.settings would see a half-built module).
"""

import config  # noqa: F401
