from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from teams.audit import changes_against_db
from teams.calendar import holidays_import
from teams.handover import handover_has_open_work
from teams.models import CalendarDay, Delivery, Notification, Team, User, WeComLinkRequest
from teams.services import TRACKED_STAFF_FIELDS, staff_access_snapshot, staff_changes_record, user_sync_role_group
from teams.two_factor import two_factor_reset


@admin.action(description=_("Reset two-factor sign-in (lost phone)"))
def reset_two_factor(modeladmin, request, queryset):
    """Superusers only: the person sets up a new device at their next request (logged in the admin history)."""
    for user in queryset:
        two_factor_reset(user=user, by=request.user)
    modeladmin.message_user(
        request, _("Two-factor sign-in reset for %(n)s people; they set it up again.") % {"n": queryset.count()}
    )


class StaffChangeForm(UserChangeForm):
    """Deactivating someone who still owns open work is refused: the hand-over (离职交接) moves it first,
    unless the deputy GM ticks that she deactivates anyway (the work then waits for a new owner)."""

    confirm_deactivation = forms.BooleanField(
        label=_("Deactivate although this person still has open work"),
        required=False,
        help_text=_("Their clients, complaints, visits and tasks keep them as owner until someone moves them."),
    )

    def clean(self):
        data = super().clean()
        person = self.instance
        leaving = (
            person.pk is not None
            and data.get("is_active") is False
            and User.objects.filter(pk=person.pk, is_active=True).exists()
        )
        if leaving and not data.get("confirm_deactivation") and handover_has_open_work(person):
            url = reverse("teams:staff_handover", args=[person.pk])
            self.add_error(
                "is_active",
                _(
                    "%(name)s still owns open work. Hand it over first (the hand-over page: %(url)s), or tick the "
                    "confirmation below to deactivate anyway."
                )
                % {"name": person, "url": url},
            )
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    list_display = ["username", "full_name", "role", "team", "phone", "wecom_userid", "is_active"]
    list_filter = ["role", "team", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "phone", "email", "wecom_userid"]
    ordering = ["full_name"]
    actions = [reset_two_factor]
    # Full history of role, team and access changes: 团队 → 账号变更记录 (teams:staff_history).
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["full_name", "phone", "phone_on_client_page", "email", "role", "team"]}),
        # Sign-in with WeCom and WeCom messages (README "WeCom"); first sign-ins by mobile: teams:wecom_links.
        (_("WeCom"), {"fields": ["wecom_userid"]}),
        (_("Access"), {"fields": ["is_active", "confirm_deactivation", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "full_name", "role", "team", "password1", "password2"]}),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_two_factor", None)
        return actions

    def save_model(self, request, obj, form, change):
        """Compare with the saved row before saving: the history of role, team, flags (teams.audit)."""
        self._staff_changes = changes_against_db(obj, form.cleaned_data, TRACKED_STAFF_FIELDS)
        self._staff_before = staff_access_snapshot(obj) if change else {"groups": "", "user_permissions": ""}
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not form.instance.is_superuser:
            user_sync_role_group(user=form.instance)
        staff_changes_record(
            user=form.instance,
            by=request.user,
            changes=getattr(self, "_staff_changes", []),
            before=getattr(self, "_staff_before", None),
        )


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
    # The robot is set (and tested) on the team's settings page; its secret is never shown back, here neither.
    exclude = ["robot_secret"]
    readonly_fields = ["robot_secret_saved"]
    # A robot's address is https (Team.clean); an address typed without a scheme is completed as one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("group robot secret"))
    def robot_secret_saved(self, obj):
        return obj.robot_secret_hint or "—"


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


@admin.register(WeComLinkRequest)
class WeComLinkRequestAdmin(admin.ModelAdmin):
    """Read-only here: the deputy GM confirms or refuses on the app's page (teams:wecom_links), which writes
    the staff history."""

    list_display = ["user", "wecom_userid", "state", "created_at", "decided_by", "decided_at"]
    list_filter = ["state"]
    search_fields = ["user__full_name", "user__username", "wecom_userid"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.action(description=_("Fill these years and the next from chinesecalendar"))
def import_holidays(modeladmin, request, queryset):
    years = {day.year for day in queryset.values_list("date", flat=True)}
    for year in sorted(years | {max(years) + 1}):
        try:
            added = holidays_import(year)
        except NotImplementedError:
            modeladmin.message_user(
                request, _("chinesecalendar does not know %(year)s yet.") % {"year": year}, messages.WARNING
            )
            continue
        modeladmin.message_user(request, _("%(year)s: %(count)s days added.") % {"year": year, "count": added})


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    actions = [import_holidays]
    list_display = ["date", "name", "is_working_day"]
    list_filter = ["is_working_day"]
    search_fields = ["name"]
    date_hierarchy = "date"
