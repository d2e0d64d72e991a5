"""Pages of the performance app: dashboards and drill-downs, target cards,
team targets, highlights, monthly reports.

One module per page family (``dashboards``, ``cards``, ``targets``, ``reports``;
``common`` for the scope helpers); every view is re-exported here for
``performance/urls.py``.
"""

from performance.views.cards import (
    CARD_ROLES,
    card_approve,
    card_confirm,
    card_detail,
    card_list,
    card_reopen,
    card_return,
    card_review,
    card_self_assess,
    card_targets,
)
from performance.views.common import LEADERS, PAGE_SIZE, resolve_scope, scope_params, scope_title
from performance.views.dashboards import DRILL_COLUMNS, dashboard, drill, drill_queryset
from performance.views.receivables import receivables, receivables_export
from performance.views.reports import (
    report_approve,
    report_detail,
    report_file,
    report_list,
    report_narrative,
    report_photo,
    report_photo_add,
    report_preview,
    report_regenerate,
)
from performance.views.targets import highlights, team_targets

__all__ = [
    "receivables",
    "receivables_export",
    "PAGE_SIZE",
    "LEADERS",
    "resolve_scope",
    "scope_title",
    "scope_params",
    "dashboard",
    "DRILL_COLUMNS",
    "drill_queryset",
    "drill",
    "CARD_ROLES",
    "card_list",
    "card_detail",
    "card_targets",
    "card_confirm",
    "card_self_assess",
    "card_review",
    "card_approve",
    "card_return",
    "card_reopen",
    "team_targets",
    "highlights",
    "report_list",
    "report_detail",
    "report_narrative",
    "report_photo_add",
    "report_photo",
    "report_approve",
    "report_regenerate",
    "report_file",
    "report_preview",
]
