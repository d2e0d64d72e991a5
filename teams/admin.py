from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from teams.models import (
    ActionItem,
    AgendaItem,
    CalendarDay,
    ChairSwap,
    Delivery,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
    Notification,
    Team,
    Training,
    TrainingAttendance,
    User,
)
from teams.services import user_sync_role_group


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "team", "phone", "is_active"]
    list_filter = ["role", "team", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone", "email"]
    ordering = ["full_name"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "email", "role", "team"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "role", "team", "password1", "password2"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.is_superuser:
            user_sync_role_group(user=form.instance)


class MemberInline(admin.TabularInline):
    model = User
    fields = ["username", "full_name", "role", "is_active"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "leader", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "leader__full_name"]
    inlines = [MemberInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "recipient__full_name"]
    raw_id_fields = ["recipient"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subject", "channel", "address", "created_at", "sent_at", "attempts"]
    list_filter = ["channel", "sent_at"]
    search_fields = ["subject", "address"]
    raw_id_fields = ["notification"]


class AttendanceInline(admin.TabularInline):
    model = MeetingAttendance
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["team", "date", "chair", "held"]
    list_filter = ["team", "held"]
    date_hierarchy = "date"
    inlines = [AttendanceInline]


class TrainingAttendanceInline(admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["topic", "trainer", "date", "team"]
    list_filter = ["team"]
    search_fields = ["topic", "trainer"]
    inlines = [TrainingAttendanceInline]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["text", "owner", "due_date", "done_at", "meeting"]
    list_filter = ["meeting__team"]
    search_fields = ["text", "owner__full_name"]
    raw_id_fields = ["meeting", "owner"]


# --- Team life: the holiday calendar, meeting schedules, leave, agenda, chair swaps -------------------


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(MeetingSchedule)
class MeetingScheduleAdmin(admin.ModelAdmin):
    list_display = ["team", "time", "weekdays", "place", "reminder_minutes", "agenda_cutoff", "is_active"]
    list_filter = ["is_active"]


@admin.register(MemberLeave)
class MemberLeaveAdmin(admin.ModelAdmin):
    list_display = ["member", "start_date", "end_date", "reason", "recorded_by"]
    list_filter = ["member__team"]
    search_fields = ["member__full_name", "reason"]
    raw_id_fields = ["member", "recorded_by"]
    date_hierarchy = "start_date"


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ["author"]


@admin.register(ChairSwap)
class ChairSwapAdmin(admin.ModelAdmin):
    list_display = ["meeting", "from_chair", "to_chair", "other_meeting", "swapped_by", "created_at"]
    list_filter = ["meeting__team"]
    raw_id_fields = ["meeting", "other_meeting", "from_chair", "to_chair", "swapped_by"]


MeetingAdmin.inlines = [*MeetingAdmin.inlines, AgendaItemInline]
