"""Clients and their leads (单源), contracts (工程合同) and follow-up visits (回访).

Fields marked "spine" are read by other apps (complaints, projects,
performance metrics and the monthly report): keep their names and meaning
(docs/architecture.md, "Spine fields").

One module per family: ``clients`` (leads, pipeline, lost reasons, timeline,
lost-lead report), ``contracts``, ``visits``, ``access_log``, ``archive`` and ``privacy``.
Every model is re-exported here, so ``from clients.models import Client`` keeps
working and each model keeps the ``clients`` app label.
"""

from clients.models.access_log import AccessLog, AccessLogQuerySet
from clients.models.archive import ARCHIVE_DOCUMENTS, ArchiveHandover, ArchiveLoan
from clients.models.clients import (
    PIPELINE,
    SLIPPING_DAYS,
    STAGE_TRANSITIONS,
    Client,
    ClientEvent,
    ClientQuerySet,
    LostLeadReport,
    LostReason,
    value_tier_for,
)
from clients.models.contracts import (
    STAGE_STATUS_LABELS,
    Contract,
    ContractAttachment,
    ContractChange,
    ContractQuerySet,
    PaymentStage,
)
from clients.models.money import Receipt, ReceiptQuerySet
from clients.models.privacy import ClientConsent, PrivacyNotice, PrivacyRequest, PrivacyRequestStep
from clients.models.visits import FollowUpVisit, FollowUpVisitQuerySet, VisitTemplate, VisitTemplatePoint

__all__ = [
    "ClientQuerySet",
    "Client",
    "SLIPPING_DAYS",
    "PIPELINE",
    "STAGE_TRANSITIONS",
    "value_tier_for",
    "LostReason",
    "ClientEvent",
    "LostLeadReport",
    "ContractQuerySet",
    "Contract",
    "PaymentStage",
    "ContractChange",
    "ContractAttachment",
    "STAGE_STATUS_LABELS",
    "Receipt",
    "ReceiptQuerySet",
    "FollowUpVisitQuerySet",
    "FollowUpVisit",
    "VisitTemplate",
    "VisitTemplatePoint",
    "AccessLogQuerySet",
    "AccessLog",
    "ARCHIVE_DOCUMENTS",
    "ArchiveHandover",
    "ArchiveLoan",
    "PrivacyNotice",
    "ClientConsent",
    "PrivacyRequest",
    "PrivacyRequestStep",
]
