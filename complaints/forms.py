from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from complaints.models import Complaint
from complaints.services import EDITABLE_FIELDS
from projects.models import Project
from teams.forms import Form, ModelForm, SubmitOnce
from teams.models import Team, User
from teams.phones import normalize_phone, validate_phone
from teams.uploads import image_format


def lookup_as_you_type(field) -> None:
    """Typing in this phone field searches the client lookup (reception/partials/lookup_widget.html)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse_lazy("reception:client_lookup"),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": "#lookup-results",
            "autocomplete": "off",
            "inputmode": "tel",
        }
    )


IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def validate_attachment(upload) -> str:
    """Accept images and PDFs, judged by their content, up to ATTACHMENT_MAX_BYTES.

    Sets and returns ``upload.checked_content_type``.
    """
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s."),
            params={"name": upload.name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)},
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        content_type = "application/pdf"
    else:
        kind = image_format(upload, upload.name)
        if kind not in IMAGE_TYPES:
            raise ValidationError(_("%(name)s is not a photo or a PDF."), params={"name": upload.name})
        content_type = IMAGE_TYPES[kind]
    upload.checked_content_type = content_type
    return content_type


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                validate_attachment(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class PhoneField(forms.CharField):
    def clean(self, value):
        value = normalize_phone(super().clean(value))
        if value:
            validate_phone(value)
        return value


class ComplaintRegisterForm(SubmitOnce, Form):
    """投诉登记表. Required: what a clerk always knows (caller, phone, channel,
    category, description; the team when the caller is not a client)."""

    client = forms.IntegerField(required=False, widget=forms.HiddenInput)
    call = forms.IntegerField(required=False, widget=forms.HiddenInput)
    caller_name = forms.CharField(label=_("Caller name"), max_length=60)
    caller_phone = PhoneField(label=_("Caller phone"), max_length=20)
    # The client's page registers its own complaints (portal/); staff pick how the complaint reached them.
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Complaint.Channel.choices if c[0] != Complaint.Channel.CLIENT_PAGE]
    )
    category = forms.ChoiceField(label=_("Category"), choices=[("", "---------"), *Complaint.Category.choices])
    severity = forms.ChoiceField(
        label=_("Severity"),
        choices=Complaint.Severity.choices,
        initial=Complaint.Severity.NORMAL,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))
    demand = forms.CharField(
        label=_("What the client asks for"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.filter(is_active=True),
        required=False,
        help_text=_("Only for a caller who is not a client yet; a client's complaint goes to the client's team."),
    )
    project = forms.ModelChoiceField(label=_("Related project"), queryset=Project.objects.none(), required=False)
    attachments = MultipleFileField(
        label=_("Photos or PDF"), required=False, help_text=_("Images or PDF, judged by their content.")
    )

    def __init__(self, *args, clients=None, calls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.clients = clients  # the clients this user may find (clients.selectors.findable_clients)
        self.calls = calls
        lookup_as_you_type(self.fields["caller_phone"])
        client_id = self.data.get("client") or self.initial.get("client")
        try:
            client_id = int(client_id) if client_id else None
        except (TypeError, ValueError):
            client_id = None
        self.fields["project"].queryset = (
            Project.objects.filter(client_id=client_id) if client_id else Project.objects.none()
        )

    def clean_client(self):
        client_id = self.cleaned_data.get("client")
        if client_id is None:
            return None
        client = self.clients.select_related("team", "team__leader").filter(pk=client_id).first()
        if client is None:
            raise ValidationError(_("Client not found; search again."))
        return client

    def clean_call(self):
        call_id = self.cleaned_data.get("call")
        if call_id is None:
            return None
        return self.calls.filter(pk=call_id).first()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("client") and not cleaned.get("team") and "client" not in self.errors:
            self.add_error("team", _("Choose the team for a caller who is not a client yet."))
        return cleaned


class ResolveForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    cause_category = forms.ChoiceField(label=_("Cause"), choices=[("", "---------"), *Complaint.Cause.choices])
    cause_analysis = forms.CharField(label=_("Cause analysis"), widget=forms.Textarea(attrs={"rows": 3}))
    preventive_action = forms.CharField(
        label=_("Preventive action"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "resolve_%s")  # several forms share the complaint page: distinct ids
        super().__init__(*args, **kwargs)


class TransitionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "transition_%s")  # several forms share the complaint page: distinct ids
        super().__init__(*args, **kwargs)


class ReopenForm(Form):
    """A reopen says why (it goes into the timeline); the earlier resolution is kept."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Why is it reopened?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the complaint is reopened.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "reopen_%s")
        super().__init__(*args, **kwargs)


class CommentForm(SubmitOnce, Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachmentForm(SubmitOnce, Form):
    attachments = MultipleFileField(label=_("Photos or PDF"))


class AssignForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=User.objects.none(), required=False)
    helpers = forms.ModelMultipleChoiceField(
        label=_("Helpers"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, team, **kwargs):
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        members = User.objects.filter(team=team, is_active=True)
        self.fields["handler"].queryset = members
        self.fields["helpers"].queryset = members
        if not self.is_bound:
            # Both controls list the same people: read them once (a form to show, not to validate).
            # Only the names they show: the whole rows (some 25 columns) are read when the form is sent.
            choices = [
                (pk, full_name or username)
                for pk, full_name, username in members.values_list("pk", "full_name", "username")
            ]
            self.fields["handler"].widget.choices = [("", self.fields["handler"].empty_label), *choices]
            self.fields["helpers"].widget.choices = choices


class ComplaintEditForm(ModelForm):
    """The registration form corrected. The caller's phone is never put in the page: the
    field starts empty (empty keeps the number) and the full number is shown only through
    the logged "Show" (complaints:reveal_phone), as everywhere else."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    caller_phone = PhoneField(
        label=_("Caller phone"),
        max_length=20,
        required=False,
        help_text=_("Leave empty to keep the number on file."),
    )

    class Meta:
        model = Complaint
        fields = EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "demand": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["caller_phone"] = ""

    def clean_caller_phone(self):
        return self.cleaned_data["caller_phone"] or self.instance.caller_phone


class SummaryPeriodForm(Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise ValidationError(_("The period ends before it starts."))
        return cleaned
