from django.contrib import admin

from meetings.models import (
    ActionItem,
    AgendaItem,
    ChairSwap,
    Meeting,
    MeetingAttendance,
    MeetingSchedule,
    MemberLeave,
    Training,
    TrainingAttendance,
)


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
