"""Client services (writes). ``lead_create`` is what the front desk calls to turn a
prospect's call or visit into a lead; keep its signature. ``contract_sign`` opens
the project and the follow-up visit plan in one transaction.

One module per family (``leads``, ``contracts``, ``visits``, ``access_log``,
``archive``; ``common`` for what they share); every service is re-exported here,
so ``from clients import services`` and ``services.lead_create`` keep working.
"""

from clients.services.access_log import access_log_request, access_log_write
from clients.services.archive import archive_hand_over, archive_lend, archive_receive, archive_return
from clients.services.consent import consent_record
from clients.services.contracts import (
    DEFAULT_PAYMENTS,
    TRACKED_CONTRACT_FIELDS,
    TRACKED_PAYMENT_FIELDS,
    contract_attach,
    contract_next_number,
    contract_sign,
    contract_update,
    payment_save,
    payment_stages_resplit,
)
from clients.services.leads import (
    EDITABLE_FIELDS,
    client_create,
    client_find_duplicates,
    client_set_tier,
    client_update,
    lead_create,
    lead_mark_lost,
    lead_move,
    lost_report_save,
)
from clients.services.money import (
    FinalAccount,
    contract_money,
    contract_stages_trigger,
    payment_stages_scan,
    receipt_record,
    receipt_reverse,
    stage_make_due,
)
from clients.services.privacy import (
    privacy_request_answer,
    privacy_request_correct,
    privacy_request_erase,
    privacy_request_exported,
    privacy_request_record,
    privacy_requests_remind,
)
from clients.services.visits import visit_create, visit_record, visits_escalate_overdue, visits_remind_due

__all__ = [
    "FinalAccount",
    "contract_money",
    "contract_stages_trigger",
    "payment_stages_scan",
    "receipt_record",
    "receipt_reverse",
    "stage_make_due",
    "client_find_duplicates",
    "lead_create",
    "client_create",
    "EDITABLE_FIELDS",
    "client_update",
    "lead_move",
    "lead_mark_lost",
    "client_set_tier",
    "lost_report_save",
    "DEFAULT_PAYMENTS",
    "contract_next_number",
    "contract_sign",
    "TRACKED_CONTRACT_FIELDS",
    "TRACKED_PAYMENT_FIELDS",
    "contract_update",
    "payment_save",
    "payment_stages_resplit",
    "contract_attach",
    "visit_create",
    "visit_record",
    "visits_remind_due",
    "visits_escalate_overdue",
    "access_log_write",
    "access_log_request",
    "archive_hand_over",
    "archive_receive",
    "archive_lend",
    "archive_return",
    "consent_record",
    "privacy_request_record",
    "privacy_request_exported",
    "privacy_request_correct",
    "privacy_request_erase",
    "privacy_request_answer",
    "privacy_requests_remind",
]
