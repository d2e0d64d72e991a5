"""Client views: thin — fetch through the access helpers, validate a form, call one service.

One module per page family (``clients``, ``imports``, ``contracts``, ``visits``,
``reports``, ``archiving``; ``common`` for roles and helpers); every view is
re-exported here for ``clients/urls.py``.
"""

from clients.views.archiving import archive, archive_hand_over, archive_lend, archive_receive, archive_return
from clients.views.clients import (
    client_create,
    client_detail,
    client_edit,
    client_list,
    client_lost,
    client_move,
    client_reveal_phone,
    client_tier,
    pipeline,
)
from clients.views.common import MANAGERS, PAGE_SIZE, READERS, SALES, client_ip
from clients.views.contracts import (
    contract_attach,
    contract_attachment,
    contract_detail,
    contract_edit,
    contract_sign,
    payment_edit,
)
from clients.views.imports import IMPORT_SESSION_KEY, client_import
from clients.views.money import payment_stages_resplit, receipt_add, receipt_reverse, receipt_scan
from clients.views.privacy import (
    consent_record,
    privacy_request_answer,
    privacy_request_correct,
    privacy_request_create,
    privacy_request_detail,
    privacy_request_erase,
    privacy_request_export,
    privacy_requests,
)
from clients.views.reports import access_log, lost_report
from clients.views.visits import visit_create, visit_list, visit_record

__all__ = [
    "consent_record",
    "privacy_requests",
    "privacy_request_create",
    "privacy_request_detail",
    "privacy_request_export",
    "privacy_request_correct",
    "privacy_request_erase",
    "privacy_request_answer",
    "receipt_add",
    "receipt_reverse",
    "receipt_scan",
    "READERS",
    "SALES",
    "MANAGERS",
    "PAGE_SIZE",
    "client_ip",
    "client_list",
    "client_create",
    "client_edit",
    "client_detail",
    "client_reveal_phone",
    "client_move",
    "client_lost",
    "client_tier",
    "pipeline",
    "IMPORT_SESSION_KEY",
    "client_import",
    "contract_sign",
    "contract_detail",
    "contract_edit",
    "payment_edit",
    "payment_stages_resplit",
    "contract_attach",
    "contract_attachment",
    "visit_list",
    "visit_record",
    "visit_create",
    "lost_report",
    "access_log",
    "archive",
    "archive_hand_over",
    "archive_receive",
    "archive_lend",
    "archive_return",
]
