from django.contrib import admin

from reception.models import Call, Callback, CtiEvent, Extension, PhoneCall, Visit


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["called_at", "caller_name", "caller_type", "purpose", "important", "forward_to", "acknowledged_at"]
    list_filter = ["caller_type", "important"]
    search_fields = ["caller_name", "phone", "purpose"]
    raw_id_fields = ["client", "logged_by", "forward_to"]
    date_hierarchy = "called_at"


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["arrived_at", "visitor_name", "purpose", "host", "party_size", "left_at"]
    search_fields = ["visitor_name", "phone", "purpose"]
    raw_id_fields = ["client", "host", "logged_by"]
    date_hierarchy = "arrived_at"


@admin.register(Extension)
class ExtensionAdmin(admin.ModelAdmin):
    """分机: which staff member answers which extension of the phone system (README, "Telephony")."""

    list_display = ["number", "user", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["number", "user__full_name", "user__username"]
    raw_id_fields = ["user"]


class CallbackInline(admin.TabularInline):
    model = Callback
    extra = 0
    raw_id_fields = ["by"]


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ["rang_at", "call_id", "direction", "extension", "user", "state", "duration_seconds", "handled_at"]
    list_filter = ["state", "direction"]
    search_fields = ["call_id", "extension"]
    raw_id_fields = ["user", "client", "logged_call", "handled_by"]
    date_hierarchy = "rang_at"
    inlines = [CallbackInline]


@admin.register(CtiEvent)
class CtiEventAdmin(admin.ModelAdmin):
    """The phone system's events as received, and what was done with each (refused, ignored, applied)."""

    list_display = ["received_at", "event", "call_id", "outcome", "remote_addr"]
    list_filter = ["outcome", "event"]
    search_fields = ["call_id"]
    date_hierarchy = "received_at"

    def has_change_permission(self, request, obj=None):
        return False
