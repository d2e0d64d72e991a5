from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Attachment,
    BudgetRequest,
    ChangeOrder,
    ChangeOrderLine,
    CompletionItem,
    Crew,
    CrewEvaluation,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    PhaseTemplate,
    Project,
    ProjectEvent,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)


class PhaseInline(admin.TabularInline):
    model = SchedulePhase
    extra = 0
    raw_id_fields = ["crew"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "team", "phase", "project_manager", "planned_start", "planned_finish"]
    list_filter = ["team", "phase"]
    search_fields = ["name", "client__name", "address"]
    raw_id_fields = ["client", "contract", "project_manager"]
    filter_horizontal = ["designers", "assistants"]
    inlines = [PhaseInline]


@admin.register(PhaseTemplate)
class PhaseTemplateAdmin(admin.ModelAdmin):
    """The schedule template: new schedules are built from the active rows in order."""

    list_display = ["shown_name", "kind", "order", "duration", "duration_unit", "gates_later", "is_active"]
    list_display_links = ["shown_name"]
    list_editable = ["order", "duration", "duration_unit", "gates_later", "is_active"]
    list_filter = ["is_active", "gates_later"]
    fields = ["name", "kind", "order", "duration", "duration_unit", "gates_later", "is_active"]

    @admin.display(description=_("name"), ordering="name")
    def shown_name(self, obj):
        return obj.display_name


@admin.register(DrawingTask)
class DrawingTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "kind", "assignee", "deadline", "delivered_at"]
    list_filter = ["kind"]
    search_fields = ["title", "project__name"]
    raw_id_fields = ["project", "assignee"]


@admin.register(Crew)
class CrewAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "phone", "trade", "is_active"]
    list_filter = ["is_active", "trade"]
    search_fields = ["name", "leader", "phone"]


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["phase", "inspected_on", "inspector", "result"]
    list_filter = ["result"]
    raw_id_fields = ["phase", "inspector"]


@admin.register(CrewEvaluation)
class CrewEvaluationAdmin(admin.ModelAdmin):
    list_display = ["crew", "phase", "evaluated_on", "quality", "schedule", "tidiness", "safety", "cooperation"]
    list_filter = ["crew"]
    raw_id_fields = ["phase", "evaluated_by"]


@admin.register(SiteLog)
class SiteLogAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "author", "weather", "workers_on_site"]
    search_fields = ["project__name", "work_done", "problems"]
    raw_id_fields = ["project", "author"]
    date_hierarchy = "date"


@admin.register(DesignPlan)
class DesignPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "number", "project", "status", "submitted_at", "confirmed_on"]
    list_filter = ["status"]
    raw_id_fields = ["project", "created_by"]


@admin.register(BudgetRequest)
class BudgetRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "requested_by", "clerk", "due_on", "status", "amount"]
    list_filter = ["status"]
    raw_id_fields = ["project", "requested_by", "clerk", "plan"]


@admin.register(DesignChange)
class DesignChangeAdmin(admin.ModelAdmin):
    list_display = ["project", "status", "cost_impact", "schedule_impact_days", "decided_on"]
    list_filter = ["status"]
    raw_id_fields = ["project", "requested_by"]
    filter_horizontal = ["affected_drawings"]


@admin.register(MaintenanceRequest)
class MaintenanceRequestAdmin(admin.ModelAdmin):
    list_display = ["project", "source", "promised_on", "status", "done_on", "escalated_at"]
    list_filter = ["status", "source"]
    raw_id_fields = ["project", "crew", "complaint", "follow_up", "call", "created_by"]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "project", "content_type", "size", "uploaded_by", "uploaded_at"]
    raw_id_fields = [
        "project",
        "uploaded_by",
        "plan",
        "drawing",
        "site_log",
        "inspection",
        "budget",
        "completion_item",
        "maintenance",
    ]


admin.site.register([DesignConsultation, DesignReview, TechnicalDisclosure, CompletionItem, ProjectEvent])


class ChangeOrderLineInline(admin.TabularInline):
    model = ChangeOrderLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChangeOrder)
class ChangeOrderAdmin(admin.ModelAdmin):
    """Read-only: change orders are drafted, signed and approved on the project's money page, where
    approval moves the contract's value in the same transaction."""

    list_display = ["number", "project", "title", "total", "status", "approved_at"]
    list_filter = ["status", "source"]
    search_fields = ["number", "project__name"]
    inlines = [ChangeOrderLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
