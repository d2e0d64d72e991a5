"""The client's forms: small, for a thumb on a phone."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.forms import FilesField

STARS = [(n, "★" * n) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=pgettext_lazy("client page", "Your rating"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=pgettext_lazy("client page", "Your comment"), required=False, max_length=1000, widget=forms.Textarea
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("approve", pgettext_lazy("client page", "Approve")),
            ("reject", pgettext_lazy("client page", "Reject")),
        ]
    )
    comment = forms.CharField(
        label=pgettext_lazy("client page", "Your comment"), required=False, max_length=1000, widget=forms.Textarea
    )

    @property
    def approved(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class ConfirmForm(forms.Form):
    comment = forms.CharField(
        label=pgettext_lazy("client page", "Your comment"), required=False, max_length=1000, widget=forms.Textarea
    )


class ComplaintAnswerForm(RatingForm):
    solved = forms.TypedChoiceField(
        label=_("Is it solved?"),
        choices=[("yes", pgettext_lazy("client page", "Solved")), ("no", pgettext_lazy("client page", "Not solved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you need?"),
        choices=[("maintenance", _("A repair")), ("complaint", _("A complaint"))],
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=pgettext_lazy("client page", "What happened"), max_length=2000, widget=forms.Textarea
    )
    photos = FilesField(label=pgettext_lazy("client page", "Photos"), photos_only=True)

    def __init__(self, *args, can_request_maintenance=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_request_maintenance:
            self.fields["kind"].choices = [("complaint", _("A complaint"))]
            self.fields["kind"].initial = "complaint"
