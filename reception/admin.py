from django.contrib import admin

from reception.models import Call, Visit


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
