from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from performance.models import Highlight, MonthlyReport, TeamTarget
from teams.forms import Form, ModelForm, SubmitOnce
from teams.uploads import image_format


class VersionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class TargetsForm(VersionForm):
    """One target field per card item (``item_<pk>``)."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=f"{item.label}{f' ({item.unit})' if item.unit else ''}",
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=item.target,
            )

    def clean_targets(self) -> dict[int, Decimal]:
        return {int(name[5:]): value for name, value in self.cleaned_data.items() if name.startswith("item_")}


class SelfAssessForm(VersionForm):
    self_assessment = forms.CharField(label=_("Self-assessment"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, manual_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in manual_items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=_("Actual: %(item)s") % {"item": item.label},
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=item.actual,
            )

    def clean_manual(self) -> dict[int, Decimal]:
        return {int(name[5:]): value for name, value in self.cleaned_data.items() if name.startswith("item_")}


class ReviewForm(VersionForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    adjustment = forms.DecimalField(
        label=_("Score adjustment"),
        initial=0,
        max_digits=5,
        decimal_places=2,
        min_value=-20,
        max_value=20,
        help_text=_("Points added to or taken from the computed score (±20 at most)."),
    )
    reason = forms.CharField(label=_("Reason for the adjustment"), required=False, max_length=300)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("adjustment") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for the score adjustment."))
        return cleaned


class ReturnForm(VersionForm):
    comment = forms.CharField(label=_("Why it goes back"), widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(VersionForm):
    reason = forms.CharField(
        label=_("Why the card is reopened"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Recorded in the card's history; the member is notified."),
    )


class TeamTargetForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TeamTarget
        fields = ["signings", "contract_value", "complaint_closure", "satisfaction"]


class HighlightForm(SubmitOnce, ModelForm):
    class Meta:
        model = Highlight
        fields = ["member", "title", "story"]
        widgets = {"story": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members


class NarrativeForm(VersionForm):
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=MonthlyReport._meta.get_field("narrative").help_text,
    )


class PhotoForm(SubmitOnce, Form):
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG."))
    caption = forms.CharField(label=_("Caption"), max_length=200)

    def clean_image(self):
        """A real JPEG or PNG (checked by content, not by name) within the size limit."""
        upload = self.cleaned_data["image"]
        if upload.size > settings.ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
            )
        kind = image_format(upload, upload.name)
        if kind not in ("JPEG", "PNG"):
            raise forms.ValidationError(_("This is not a JPEG or PNG image."))
        upload.name = "photo." + ("jpg" if kind == "JPEG" else "png")
        return upload
