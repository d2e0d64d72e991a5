from django.contrib import admin

from complaints.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintEvent,
    ComplaintResolution,
    DeadlinePolicy,
    StandardAnswer,
    WeeklySummary,
)


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    raw_id_fields = ["actor"]


class ResolutionInline(admin.TabularInline):
    """Read-only: a resolution is never edited, a reopen is followed by a new one."""

    model = ComplaintResolution
    extra = 0
    can_delete = False
    readonly_fields = [
        "resolved_at",
        "resolved_by",
        "resolution",
        "cause_category",
        "cause_analysis",
        "preventive_action",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = ComplaintAttachment
    extra = 0
    raw_id_fields = ["uploaded_by"]
    readonly_fields = ["content_type", "size"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["pk", "caller_name", "team", "category", "severity", "state", "registered_at"]
    list_filter = ["state", "category", "severity", "team"]
    search_fields = ["caller_name", "caller_phone", "description"]
    raw_id_fields = ["client", "project", "registered_by", "handler", "call", "helpers"]
    readonly_fields = ["current_resolution"]
    date_hierarchy = "registered_at"
    inlines = [EventInline, ResolutionInline, AttachmentInline]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["severity", "category", "ack_minutes", "resolve_minutes", "working_hours"]
    list_editable = ["ack_minutes", "resolve_minutes", "working_hours"]
    list_filter = ["severity", "working_hours"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ["week_start", "created_at", "sent_at"]
    readonly_fields = ["data"]


@admin.register(StandardAnswer)
class StandardAnswerAdmin(admin.ModelAdmin):
    """常用语, kept by the deputy GM (the deputy_gm group holds its permissions)."""

    list_display = ["title", "field", "category", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["field", "category", "is_active"]
    search_fields = ["title", "text"]
