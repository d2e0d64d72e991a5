from django.contrib import admin

from performance.models import (
    CardItem,
    FactRecount,
    Highlight,
    MonthlyReport,
    RoleTemplateItem,
    TargetCard,
    TeamTarget,
)


@admin.register(RoleTemplateItem)
class RoleTemplateItemAdmin(admin.ModelAdmin):
    list_display = ["role", "order", "label", "metric", "unit", "default_target", "weight"]
    list_filter = ["role"]
    list_editable = ["order", "default_target", "weight"]


class CardItemInline(admin.TabularInline):
    model = CardItem
    extra = 0


@admin.register(TargetCard)
class TargetCardAdmin(admin.ModelAdmin):
    list_display = ["member", "team", "month", "state", "final_score"]
    list_filter = ["state", "team", "month"]
    search_fields = ["member__full_name"]
    inlines = [CardItemInline]
    raw_id_fields = ["member"]
    readonly_fields = ["reviewed_by", "approved_by"]


@admin.register(TeamTarget)
class TeamTargetAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "signings", "contract_value", "complaint_closure", "satisfaction"]
    list_filter = ["team"]


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "member", "created_at"]
    list_filter = ["team"]


@admin.register(MonthlyReport)
class MonthlyReportAdmin(admin.ModelAdmin):
    list_display = ["team", "month", "state", "sent_at", "sent_unapproved", "send_attempts"]
    list_filter = ["state", "team"]
    readonly_fields = ["data", "sent_at", "send_claimed_at", "pdf", "xlsx"]


@admin.register(FactRecount)
class FactRecountAdmin(admin.ModelAdmin):
    list_display = ["ran_at", "cells", "drifted"]
    readonly_fields = ["ran_at", "cells", "drifted", "details"]
