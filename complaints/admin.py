from django.contrib import admin

from complaints.models import Complaint, ComplaintAttachment, ComplaintEvent, DeadlinePolicy, WeeklySummary


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    raw_id_fields = ["actor"]


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
    date_hierarchy = "registered_at"
    inlines = [EventInline, AttachmentInline]


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["severity", "category", "ack_minutes", "resolve_minutes", "working_hours"]
    list_editable = ["ack_minutes", "resolve_minutes", "working_hours"]
    list_filter = ["severity", "working_hours"]


@admin.register(WeeklySummary)
class WeeklySummaryAdmin(admin.ModelAdmin):
    list_display = ["week_start", "created_at", "sent_at"]
    readonly_fields = ["data"]
