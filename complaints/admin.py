from django.contrib import admin

from complaints.models import Complaint, ComplaintEvent


class EventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    raw_id_fields = ["actor"]


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    list_display = ["pk", "caller_name", "team", "category", "severity", "state", "registered_at"]
    list_filter = ["state", "category", "severity", "team"]
    search_fields = ["caller_name", "caller_phone", "description"]
    raw_id_fields = ["client", "project", "registered_by", "handler"]
    date_hierarchy = "registered_at"
    inlines = [EventInline]
