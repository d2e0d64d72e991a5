"""Writes of the performance app: cards and appraisals, team targets,
highlights, and the monthly report's generation, approval and sending.

One module per family (``cards``, ``targets``, ``reports``; ``common`` for what
they share); every service is re-exported here, so ``from performance import
services`` keeps working.
"""

from performance.services.cards import (
    card_approve,
    card_confirm,
    card_create_for_month,
    card_reopen,
    card_return,
    card_review,
    card_self_assess,
    card_set_targets,
    card_url,
    item_score,
)
from performance.services.reports import (
    REGENERATE_JOB,
    SEND_CLAIM_TIMEOUT,
    narrative_deadline,
    report_add_photo,
    report_approve,
    report_claim,
    report_generate,
    report_generate_all,
    report_regenerate_start,
    report_save_narrative,
    report_send,
    report_send_failed,
    report_snapshot,
    reports_due_for_sending,
    reports_generate_missing,
    run_report_regenerate,
    send_due_at,
)
from performance.services.targets import highlight_give, team_target_save

__all__ = [
    "card_create_for_month",
    "card_set_targets",
    "card_confirm",
    "card_self_assess",
    "card_review",
    "card_approve",
    "card_return",
    "card_reopen",
    "card_url",
    "item_score",
    "team_target_save",
    "highlight_give",
    "SEND_CLAIM_TIMEOUT",
    "report_snapshot",
    "report_generate",
    "report_generate_all",
    "reports_generate_missing",
    "narrative_deadline",
    "send_due_at",
    "report_save_narrative",
    "report_add_photo",
    "report_approve",
    "report_claim",
    "report_send",
    "report_send_failed",
    "reports_due_for_sending",
    "REGENERATE_JOB",
    "report_regenerate_start",
    "run_report_regenerate",
]
