"""客户评分: the ratings clients give on their own page (portal/), apart from the satisfaction staff type in."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from performance.metrics.base import Metric
from performance.metrics.conditions import _and, _const, _times
from portal.models import ClientAction

# A direct aggregate over ClientAction (no rollup cell): a few rows per project, read with the team index.
PORTAL_METRICS = [
    Metric(
        "client_rating",
        _("Client rating"),
        "avg",
        ClientAction,
        "avg",
        _and(_times("at"), _const(rating__isnull=False)),
        "team",
        # On a person's target card: the ratings of the clients they are the consultant of.
        "project__client__consultant",
        _(
            "Average rating (1–5) clients gave on their own page in the period: phase sign-offs, follow-up visits "
            "and resolved complaints."
        ),
        expr=lambda: F("rating"),
    ),
]
