"""Forms: validation only; views pass cleaned_data to services."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from PIL import Image

from clients.models import (
    ARCHIVE_DOCUMENTS,
    Client,
    ClientConsent,
    Contract,
    FollowUpVisit,
    LostReason,
    PaymentStage,
    PrivacyRequest,
    Receipt,
)
from teams.dates import not_in_future
from teams.forms import Form, ModelForm, SubmitOnce
from teams.models import User
from teams.phones import normalize_phone, validate_phone
from teams.roles import Role
from teams.uploads import image_format

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def positive_area(value):
    """The form's side of the models' CheckConstraints on floor areas (its messages on the field)."""
    if value is not None and value <= 0:
        raise forms.ValidationError(_("The floor area must be more than 0."))
    return value


def not_negative(value, message):
    if value is not None and value < 0:
        raise forms.ValidationError(message)
    return value


class PhonesMixin:
    """The client's two phones, normalised (+86, spaces, dashes) and checked."""

    def _clean_phone_value(self, value):
        value = normalize_phone(value or "")
        if value:
            validate_phone(value)
        return value

    def clean_phone(self):
        return self._clean_phone_value(self.cleaned_data.get("phone"))

    def clean_phone2(self):
        return self._clean_phone_value(self.cleaned_data.get("phone2"))


class ClientForm(PhonesMixin, SubmitOnce, ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = [
            "name",
            "phone",
            "phone2",
            "wechat",
            "district",
            "community",
            "building",
            "property_type",
            "floor_area",
            "budget",
            "intent",
            "source",
            "referrer",
            "consultant",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = User.objects.filter(role=Role.CONSULTANT, team=team, is_active=True)
        self.fields["phone"].help_text = _("Mobile (11 digits) or landline with area code.")
        if self.instance.pk is None:
            # A new lead: how the client agreed to the privacy notice, if they were asked (clients/models/privacy.py).
            self.fields["consent_method"] = forms.ChoiceField(
                label=_("How the client agreed"),
                choices=[("", _("Not asked yet"))] + list(ClientConsent.Method.choices),
                required=False,
                help_text=_("Tell the client the privacy notice (shown on the client file) before recording this."),
            )

    def clean_floor_area(self):
        return positive_area(self.cleaned_data.get("floor_area"))

    def clean(self):
        data = super().clean()
        if data.get("source") == Client.Source.REFERRAL and not data.get("referrer"):
            self.add_error("referrer", _("Who referred this client?"))
        return data

    def _post_clean(self):
        # The service validates the model and checks duplicates; do not run model
        # validation against the instance here (it would also lock in unsaved edits).
        pass


class MoveForm(Form):
    stage = forms.ChoiceField(choices=Client.Stage.choices)
    measured_on = forms.DateField(label=_("Site measured on"), required=False, widget=DATE)


class LostForm(Form):
    reason = forms.ModelChoiceField(label=_("Reason"), queryset=LostReason.objects.filter(is_active=True))
    competitor = forms.CharField(label=_("Competitor"), max_length=80, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TierForm(Form):
    tier = forms.ChoiceField(
        label=_("Value tier"), choices=[("", _("By the rule"))] + list(Client.Tier.choices), required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("tier") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why you set the tier by hand."))
        return data


class ConsentForm(Form):
    method = forms.ChoiceField(label=_("How the client agreed"), choices=ClientConsent.Method.choices)
    purpose = forms.ChoiceField(
        label=pgettext_lazy("personal information", "Purpose"),
        choices=ClientConsent.Purpose.choices,
        initial=ClientConsent.Purpose.SERVICE,
    )
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DATE, validators=[not_in_future])

    def clean_agreed_on(self):
        """The moment of agreement: now for today, else midday of that day (local time)."""
        day = self.cleaned_data["agreed_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


class PrivacyRequestForm(Form):
    kind = forms.ChoiceField(label=_("The client asks to"), choices=PrivacyRequest.Kind.choices)
    received_on = forms.DateField(label=_("Received on"), widget=DATE, validators=[not_in_future])
    details = forms.CharField(
        label=_("What the client asks"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CorrectionForm(PhonesMixin, ModelForm):
    """The client's own details, corrected at their request."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Client
        fields = ["name", "phone", "phone2", "wechat", "district", "community", "building"]


class PrivacyAnswerForm(Form):
    answer = forms.CharField(label=_("What the client was told"), widget=forms.Textarea(attrs={"rows": 3}))
    refused = forms.BooleanField(label=_("The request is refused (say why in the answer)"), required=False)


class EraseForm(Form):
    confirm = forms.BooleanField(
        label=_("I have checked the request: erase this client's name, phones, WeChat id and address everywhere"),
    )


class ContractForm(SubmitOnce, ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = [
            "number",
            "signed_date",
            "address",
            "floor_area",
            "style",
            "package",
            "design_fee",
            "construction_amount",
            "planned_start",
            "planned_finish",
        ]
        widgets = {"signed_date": DATE, "planned_start": DATE, "planned_finish": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave empty for the next number (HT-yyyymm-nnnn).")
        self.fields["signed_date"].validators.append(not_in_future)

    def clean(self):
        data = super().clean()
        start, finish = data.get("planned_start"), data.get("planned_finish")
        if start and finish and finish < start:
            self.add_error("planned_finish", _("The planned finish is before the planned start."))
        return data

    def _post_clean(self):
        # The service validates the model (full_clean) and returns errors to the form.
        pass

    def clean_floor_area(self):
        return positive_area(self.cleaned_data.get("floor_area"))

    def clean_design_fee(self):
        return not_negative(self.cleaned_data.get("design_fee"), _("The design fee cannot be negative."))

    def clean_construction_amount(self):
        return not_negative(
            self.cleaned_data.get("construction_amount"), _("The construction amount cannot be negative.")
        )

    def clean_number(self):
        number = (self.cleaned_data.get("number") or "").strip()
        qs = Contract.objects.filter(number=number)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if number and qs.exists():
            raise forms.ValidationError(_("This contract number is already used."))
        return number


class PaymentForm(SubmitOnce, ModelForm):
    class Meta:
        model = PaymentStage
        fields = ["name", "amount", "trigger", "fixed_date", "days_to_pay", "due_condition"]
        widgets = {"fixed_date": DATE}
        help_texts = {
            "trigger": _("A phase's inspection is chosen on the project's money tab, from the project's phases."),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("trigger") == PaymentStage.Trigger.FIXED_DATE and not cleaned.get("fixed_date"):
            self.add_error("fixed_date", _("A stage due on a fixed date needs the date."))
        return cleaned

    def clean_amount(self):
        return not_negative(self.cleaned_data.get("amount"), _("A payment amount cannot be negative."))


def scanned_file(upload, form):
    """A scan (PDF or image) checked by its content; sets ``form.content_type``."""
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise forms.ValidationError(_("The file is too large."))
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        form.content_type = "application/pdf"
        return upload
    kind = image_format(upload, upload.name)
    if kind is None:
        raise forms.ValidationError(_("Upload a PDF or an image."))
    form.content_type = Image.MIME.get(kind, "image/jpeg")
    return upload


class ReceiptForm(SubmitOnce, Form):
    """Money received (or, with ``refund``, paid back) against one stage of the contract."""

    stage = forms.ModelChoiceField(label=_("payment stage"), queryset=PaymentStage.objects.none())
    amount = forms.DecimalField(label=_("amount (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    received_on = forms.DateField(label=_("received on"), widget=DATE, validators=[not_in_future])
    method = forms.ChoiceField(label=_("method"), choices=Receipt.Method.choices)
    number = forms.CharField(label=_("receipt number"), max_length=40, required=False)
    refund = forms.BooleanField(label=_("This is a refund (money paid back to the client)"), required=False)
    reason = forms.CharField(label=_("reason (for a refund)"), max_length=200, required=False)
    scan = forms.FileField(label=_("Scanned receipt (PDF or image)"), required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.content_type = ""
        self.fields["stage"].queryset = contract.payments.all()

    def clean_scan(self):
        upload = self.cleaned_data.get("scan")
        return scanned_file(upload, self) if upload else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("refund") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("A refund needs a reason."))
        return cleaned


class ReversalForm(SubmitOnce, Form):
    reason = forms.CharField(label=_("why the receipt is reversed"), max_length=200)


class AttachmentForm(SubmitOnce, Form):
    file = forms.FileField(label=_("Scanned contract (PDF or image)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        head = upload.read(5)
        upload.seek(0)
        if head == b"%PDF-":
            self.content_type = "application/pdf"
            return upload
        kind = image_format(upload, upload.name)
        if kind is None:
            raise forms.ValidationError(_("Upload a PDF or an image."))
        self.content_type = Image.MIME.get(kind, "image/jpeg")
        return upload


class VisitRecordForm(ModelForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (1–5)"),
        choices=[("", "-"), (5, "5 ★★★★★"), (4, "4 ★★★★"), (3, "3 ★★★"), (2, "2 ★★"), (1, "1 ★")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    class Meta:
        model = FollowUpVisit
        fields = ["channel", "outcome", "satisfaction", "opinions", "raised_complaint"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3}), "opinions": forms.Textarea(attrs={"rows": 3})}

    def clean_outcome(self):
        outcome = self.cleaned_data["outcome"].strip()
        if not outcome:
            raise forms.ValidationError(_("Write what came out of the visit."))
        return outcome

    def _post_clean(self):
        # The service validates the model (full_clean) and returns errors to the form.
        pass


class VisitCreateForm(SubmitOnce, Form):
    point = forms.CharField(label=_("Visit point"), max_length=100)
    due_date = forms.DateField(label=_("Due date"), widget=DATE)
    channel = forms.ChoiceField(label=_("Channel"), choices=FollowUpVisit.Channel.choices)


class LostReportForm(Form):
    conclusions = forms.CharField(label=_("Conclusions"), widget=forms.Textarea(attrs={"rows": 4}))
    actions = forms.CharField(
        label=pgettext_lazy("lost-lead report", "Actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class HandoverForm(SubmitOnce, Form):
    documents = forms.MultipleChoiceField(
        label=_("Documents handed over"), choices=ARCHIVE_DOCUMENTS, widget=forms.CheckboxSelectMultiple
    )
    handed_on = forms.DateField(label=_("Handed over on"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReceiveForm(Form):
    shelf_mark = forms.CharField(label=_("Shelf mark"), max_length=40, required=False)


class LoanForm(SubmitOnce, Form):
    borrower = forms.CharField(label=_("Borrowed by"), max_length=60)
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)
    due_back = forms.DateField(label=_("Due back"), required=False, widget=DATE)


class ImportForm(Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        if upload.read(2) != b"PK":
            raise forms.ValidationError(_("Upload the Excel template (.xlsx)."))
        upload.seek(0)
        return upload
