"""Forms of team life. They validate input; services do the work."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from meetings.models import MeetingAttendance, MeetingSchedule, Training
from teams.dates import not_in_past
from teams.forms import Form, ModelForm, SubmitOnce
from teams.models import User

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name}（{obj.get_role_display()}）"


class AgendaItemForm(SubmitOnce, Form):
    text = forms.CharField(label=_("Topic"), max_length=300, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class MinutesForm(Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ActionItemForm(SubmitOnce, Form):
    text = forms.CharField(label=pgettext_lazy("action item", "Action"), max_length=300)
    owner = MemberChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE_INPUT, validators=[not_in_past])

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by("full_name")


class ChairSwapForm(Form):
    to_chair = MemberChoiceField(label=_("New chair"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_chair"].queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by("full_name")


class AttendanceRowForm(Form):
    """One member's line of the roll call; prefixed with the member's id."""

    status = forms.ChoiceField(
        label=_("Status"), choices=MeetingAttendance.Status.choices, widget=forms.RadioSelect, required=True
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class LeaveForm(SubmitOnce, Form):
    member = MemberChoiceField(label=_("Member"), queryset=User.objects.none())
    start_date = forms.DateField(label=_("From"), widget=DATE_INPUT)
    end_date = forms.DateField(label=_("Until"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = User.objects.filter(pk__in=[m.pk for m in members]).order_by("full_name")
        # The page already holds the members: offer them without querying again (the
        # queryset still validates a submitted choice).
        people = sorted(members, key=lambda m: m.full_name)
        field.choices = [("", field.empty_label)] + [(m.pk, field.label_from_instance(m)) for m in people]

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The leave cannot end before it starts."))
        return data


WEEKDAY_CHOICES = [
    ("1", _("Monday")),
    ("2", _("Tuesday")),
    ("3", _("Wednesday")),
    ("4", _("Thursday")),
    ("5", _("Friday")),
    ("6", _("Saturday")),
    ("7", _("Sunday")),
]


class ScheduleForm(ModelForm):
    weekdays = forms.MultipleChoiceField(
        label=_("Meeting days"),
        choices=WEEKDAY_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Public holidays and moved working days follow the company calendar."),
    )
    online_link = forms.URLField(label=_("online link"), required=False, assume_scheme="https")

    class Meta:
        model = MeetingSchedule
        fields = ["time", "weekdays", "place", "online_link", "reminder_minutes", "agenda_cutoff", "is_active"]
        widgets = {"time": TIME_INPUT, "agenda_cutoff": TIME_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["weekdays"] = list(self.instance.weekdays)

    def clean_weekdays(self) -> str:
        return "".join(sorted(self.cleaned_data["weekdays"]))


class TrainingForm(SubmitOnce, ModelForm):
    class Meta:
        model = Training
        fields = ["topic", "trainer", "trainer_kind", "date", "start_time", "place", "team", "audience", "description"]
        widgets = {"date": DATE_INPUT, "start_time": TIME_INPUT, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"team": _("Empty: a company-wide session.")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and not user.sees_all:
            self.fields["team"].queryset = self.fields["team"].queryset.filter(pk=user.team_id)
            self.fields["team"].required = True
            self.fields["team"].empty_label = None


class FeedbackForm(Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
