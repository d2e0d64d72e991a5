from django.contrib import admin
from django.utils import timezone

from clients.models import (
    AccessLog,
    ArchiveHandover,
    Client,
    Contract,
    FollowUpVisit,
    LostLeadReport,
    LostReason,
    PrivacyNotice,
    Receipt,
    VisitTemplate,
    VisitTemplatePoint,
)


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "team", "consultant", "stage", "value_tier", "created_at"]
    list_filter = ["team", "stage", "value_tier", "source"]
    search_fields = ["name", "phone"]
    raw_id_fields = ["consultant"]
    date_hierarchy = "created_at"


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["number", "client", "team", "signed_date", "construction_amount", "design_fee"]
    list_filter = ["team"]
    search_fields = ["number", "client__name"]
    raw_id_fields = ["client", "signed_by"]
    date_hierarchy = "signed_date"
    # Moved only by approving a change order (projects/services/money.py).
    readonly_fields = ["approved_changes"]


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Read-only: a receipt is corrected by a reversing entry on the contract page, never edited."""

    list_display = ["received_on", "contract", "stage", "kind", "amount", "method", "number", "recorded_by"]
    list_filter = ["kind", "method"]
    search_fields = ["number", "contract__number"]
    date_hierarchy = "received_on"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUpVisit)
class FollowUpVisitAdmin(admin.ModelAdmin):
    list_display = ["client", "point", "owner", "due_date", "done_at", "satisfaction"]
    list_filter = ["team", "channel"]
    search_fields = ["client__name", "point"]
    raw_id_fields = ["client", "contract", "owner"]


@admin.register(LostLeadReport)
class LostLeadReportAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "written_by", "written_at"]
    list_filter = ["team"]
    raw_id_fields = ["written_by"]


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]


class VisitTemplatePointInline(admin.TabularInline):
    model = VisitTemplatePoint
    extra = 1


@admin.register(VisitTemplate)
class VisitTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "is_default"]
    inlines = [VisitTemplatePointInline]


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "action", "client", "ip_address"]
    list_filter = ["action"]
    raw_id_fields = ["user", "client"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ArchiveHandover)
class ArchiveHandoverAdmin(admin.ModelAdmin):
    list_display = ["client", "handed_on", "handed_by", "received_at", "received_by"]
    raw_id_fields = ["client", "handed_by", "received_by"]


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(admin.ModelAdmin):
    """The privacy notice told to clients: saving a changed text publishes a new version (the old ones stay,
    since consents name the version they agreed to)."""

    list_display = ["version", "published_at", "published_by"]
    fields = ["text"]
    readonly_fields = []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        current = PrivacyNotice.current()
        obj.pk = None
        obj.version = (current.version if current else 0) + 1
        obj.published_by = request.user
        obj.published_at = timezone.now()
        obj.save()
