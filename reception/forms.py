from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from complaints.forms import PhoneField, lookup_as_you_type
from reception.models import Call, Callback, PhoneCall
from teams.forms import Form, SubmitOnce
from teams.models import Team, User
from teams.roles import Role


def staff_to_forward():
    """People a call can be forwarded to: team members and the deputy GM."""
    return User.objects.filter(is_active=True).exclude(role__in=[Role.FRONT_DESK]).select_related("team")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} · {obj.team or obj.get_role_display()}"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CallForm(SubmitOnce, Form):
    called_at = forms.DateTimeField(label=_("Time"), widget=DateTimeLocalInput(), required=False)
    phone = PhoneField(label=_("Phone"), max_length=20, required=False)
    caller_name = forms.CharField(label=_("Caller name"), max_length=60)
    caller_type = forms.ChoiceField(label=_("Caller type"), choices=Call.CallerType.choices)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The phone system's call this log is about (the screen-pop's "log it", or answering).
    phone_call = forms.IntegerField(required=False, widget=forms.HiddenInput)
    purpose = forms.CharField(label=pgettext_lazy("call or visit", "Purpose"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    important = forms.BooleanField(label=_("Important"), required=False)
    forward_to = StaffChoiceField(label=_("Forward to a person"), queryset=User.objects.none(), required=False)
    forward_team = forms.ModelChoiceField(
        label=_("or to a team"), queryset=Team.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args, clients=None, phone_calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients
        self.phone_calls = phone_calls if phone_calls is not None else PhoneCall.objects.none()
        lookup_as_you_type(self.fields["phone"])
        self.fields["forward_to"].queryset = staff_to_forward()
        if not self.is_bound:
            self.initial.setdefault("called_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    def clean_client(self):
        client_id = self.cleaned_data.get("client")
        if client_id is None:
            return None
        client = self.clients.filter(pk=client_id).first()
        if client is None:
            raise ValidationError(_("Client not found; search again."))
        return client

    def clean_phone_call(self):
        pk = self.cleaned_data.get("phone_call")
        return self.phone_calls.filter(pk=pk).first() if pk else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("forward_to") and cleaned.get("forward_team"):
            self.add_error("forward_team", _("Forward to a person or to a team, not both."))
        return cleaned


class VisitForm(SubmitOnce, Form):
    arrived_at = forms.DateTimeField(label=_("Arrived"), widget=DateTimeLocalInput(), required=False)
    visitor_name = forms.CharField(label=_("Visitor"), max_length=60)
    phone = PhoneField(label=_("Phone"), max_length=20, required=False)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput)
    party_size = forms.IntegerField(label=_("Party size"), min_value=1, max_value=50, initial=1)
    purpose = forms.CharField(label=pgettext_lazy("call or visit", "Purpose"), max_length=200)
    host = StaffChoiceField(label=_("Host"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, clients=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients
        lookup_as_you_type(self.fields["phone"])
        self.fields["host"].queryset = staff_to_forward()
        if not self.is_bound:
            self.initial.setdefault("arrived_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))

    clean_client = CallForm.clean_client


class LeadForm(Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.filter(is_active=True))
    # PIPL Art. 13-14: the front desk tells the caller or visitor the privacy notice; their yes is recorded with
    # the lead (as verbal, on the call or at the visit: reception/services.py).
    consented = forms.BooleanField(label=_("The client agreed to the privacy notice"), required=False)


class CallbackForm(Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Callback.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ForwardCloseForm(Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("forwarded call", "Outcome"), choices=Call.ForwardOutcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
