from django.contrib import admin

from clients.models import Client, Contract, FollowUpVisit, LostLeadReport


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
