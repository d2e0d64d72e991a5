"""Forms of the projects app. They clean input into domain values; services do the writing."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client, PaymentStage
from projects.models import (
    BudgetRequest,
    ChangeOrder,
    ChangeOrderLine,
    CompletionItem,
    Crew,
    DesignChange,
    DesignConsultation,
    DesignPlan,
    DesignReview,
    DrawingTask,
    Inspection,
    MaintenanceRequest,
    PhaseTemplate,
    Project,
    SchedulePhase,
    SiteLog,
    TechnicalDisclosure,
)
from projects.uploads import process_upload
from teams.dates import not_in_future, not_in_past
from teams.forms import Form, ModelForm, SubmitOnce
from teams.models import User
from teams.roles import Role

# ISO format: a browser's date picker ignores a localised value.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several photos (and PDFs unless ``photos_only``), each checked by content; cleans to ProcessedFile list."""

    def __init__(self, *args, photos_only=False, **kwargs):
        self.photos_only = photos_only
        accept = "image/*" if photos_only else "image/*,application/pdf"
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": accept, "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if self.required and not uploads:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        errors, files = [], []
        for upload in uploads:
            try:
                files.append(process_upload(upload, allow_pdf=not self.photos_only))
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


def _team_members(team, *roles):
    return User.objects.filter(team=team, is_active=True, role__in=roles).order_by("full_name")


class VersionedForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProjectForm(SubmitOnce, ModelForm):
    """The consultant's form: name, address, dates and the people assigned."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Project
        fields = [
            "client",
            "name",
            "address",
            "planned_start",
            "planned_finish",
            "designers",
            "assistants",
            "project_manager",
        ]
        widgets = {"planned_start": DATE, "planned_finish": DATE}

    def __init__(self, *args, team, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designers"].queryset = _team_members(team, Role.DESIGNER)
        self.fields["assistants"].queryset = _team_members(team, Role.ASSISTANT_DESIGNER)
        self.fields["project_manager"].queryset = _team_members(team, Role.PROJECT_MANAGER)
        self.fields["designers"].widget = forms.CheckboxSelectMultiple(choices=self.fields["designers"].choices)
        self.fields["assistants"].widget = forms.CheckboxSelectMultiple(choices=self.fields["assistants"].choices)
        if self.instance.pk:
            del self.fields["client"]
            self.fields["version"].initial = self.instance.version
        else:
            self.fields["client"].queryset = Client.objects.visible_to(user).filter(team=team).order_by("name")
            self.fields["name"].required = False

    def clean(self):
        data = super().clean()
        start, finish = data.get("planned_start"), data.get("planned_finish")
        if start and finish and finish < start:
            self.add_error("planned_finish", _("The planned finish is before the planned start."))
        return data


class ConstructionPlanForm(VersionedForm):
    construction_method = forms.CharField(label=_("construction method"), widget=forms.Textarea, required=False)
    safety_plan = forms.CharField(
        label=_("safety plan"),
        widget=forms.Textarea,
        help_text=_("Mandatory: electricity, fire, heights, dust and noise, site security."),
    )


class ScheduleTemplateForm(Form):
    start = forms.DateField(label=_("construction starts on"), widget=DATE)


class PhaseForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = SchedulePhase
        fields = ["planned_start", "planned_finish", "actual_start", "actual_finish", "crew"]
        widgets = dict.fromkeys(["planned_start", "planned_finish", "actual_start", "actual_finish"], DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["crew"].queryset = Crew.objects.filter(is_active=True)
        for name in ("actual_start", "actual_finish"):
            self.fields[name].validators.append(not_in_future)
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class PhaseAddForm(SubmitOnce, Form):
    """Add a phase to one project's schedule: from the template, or a custom one by name."""

    template = forms.ModelChoiceField(
        label=_("from the template"),
        queryset=PhaseTemplate.objects.none(),
        required=False,
        empty_label=_("— a custom phase —"),
    )
    name = forms.CharField(label=_("name of the custom phase"), max_length=60, required=False)
    gates_later = forms.BooleanField(
        label=_("its inspection gates the later phases"),
        required=False,
        help_text=_("For a custom phase; a template phase follows the template."),
    )
    position = forms.ChoiceField(label=_("position"))
    planned_start = forms.DateField(
        label=_("planned start"),
        widget=DATE,
        required=False,
        help_text=_("Empty: the day after the phase before it."),
    )
    planned_finish = forms.DateField(
        label=_("planned finish"),
        widget=DATE,
        required=False,
        help_text=_("Empty: from the template's default duration."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.phases = list(project.phases.order_by("order", "pk"))
        taken = {p.template_id for p in self.phases}
        kinds = {p.kind for p in self.phases} - {SchedulePhase.Kind.CUSTOM}
        self.fields["template"].queryset = (
            PhaseTemplate.objects.filter(is_active=True).exclude(pk__in=taken - {None}).exclude(kind__in=kinds)
        )
        choices = [("start", _("at the start"))]
        choices += [(str(p.pk), _("after %(phase)s") % {"phase": p}) for p in self.phases]
        self.fields["position"].choices = choices
        self.fields["position"].initial = choices[-1][0]

    def clean(self):
        data = super().clean()
        if not data.get("template") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a template phase or enter the name of a custom phase."))
        position = data.get("position")
        data["at_start"] = position == "start"
        data["after"] = next((p for p in self.phases if str(p.pk) == position), None)
        return data


class PlanForm(SubmitOnce, ModelForm):
    files = FilesField(label=_("files (photos or PDF)"))

    class Meta:
        model = DesignPlan
        fields = ["title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class PlanAnswerForm(Form):
    confirmed = forms.TypedChoiceField(
        label=_("client's answer"),
        choices=[("yes", _("Confirmed")), ("no", _("Changes wanted"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    client_name = forms.CharField(label=_("confirmed by (client)"), max_length=60)
    notes = forms.CharField(label=_("client's notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConsultationForm(SubmitOnce, ModelForm):
    class Meta:
        model = DesignConsultation
        fields = ["date", "question", "answer"]
        widgets = {
            "date": DATE,
            "question": forms.Textarea(attrs={"rows": 3}),
            "answer": forms.Textarea(attrs={"rows": 3}),
        }


class DrawingTaskForm(SubmitOnce, ModelForm):
    class Meta:
        model = DrawingTask
        fields = ["kind", "title", "assignee", "deadline", "notes"]
        widgets = {"deadline": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = _team_members(project.team, Role.ASSISTANT_DESIGNER, Role.DESIGNER)
        if self.instance.pk is None:
            self.fields["deadline"].validators.append(not_in_past)


class DeliverForm(SubmitOnce, Form):
    files = FilesField(label=_("drawing files (photos or PDF)"), required=True)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReviseForm(SubmitOnce, Form):
    deadline = forms.DateField(label=_("deadline"), widget=DATE, validators=[not_in_past])
    reason = forms.CharField(label=_("what to revise"), widget=forms.Textarea(attrs={"rows": 3}))
    review = forms.ModelChoiceField(label=_("from design review"), queryset=DesignReview.objects.none(), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = project.reviews.all()


class ReviewRevisionForm(SubmitOnce, Form):
    """Open a revision task from a design review's opinion."""

    drawing = forms.ModelChoiceField(label=_("drawing to revise"), queryset=DrawingTask.objects.none())
    reason = forms.CharField(label=_("what to revise"), widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label=_("deadline"), widget=DATE, validators=[not_in_past])

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drawing"].queryset = project.drawing_tasks.filter(revision_of=None).select_related("assignee")
        self.fields["drawing"].label_from_instance = lambda d: f"{d.title} · {d.assignee}"


class ReviewForm(SubmitOnce, ModelForm):
    class Meta:
        model = DesignReview
        fields = ["date", "attendees", "other_attendees", "opinions", "decisions"]
        widgets = {
            "date": DATE,
            "attendees": forms.CheckboxSelectMultiple,
            "opinions": forms.Textarea(attrs={"rows": 4}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = User.objects.filter(team=project.team, is_active=True)


class BudgetRequestForm(SubmitOnce, ModelForm):
    class Meta:
        model = BudgetRequest
        fields = ["clerk", "plan", "quantities", "due_on"]
        widgets = {"due_on": DATE, "quantities": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clerk"].queryset = User.objects.filter(role=Role.BUDGET_CLERK, is_active=True)
        self.fields["plan"].queryset = project.plans.all()
        if self.instance.pk is None:
            self.fields["due_on"].validators.append(not_in_past)


class BudgetReturnForm(Form):
    amount = forms.DecimalField(label=_("budget amount (yuan)"), max_digits=12, decimal_places=2, min_value=0)
    notes = forms.CharField(label=_("notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    files = FilesField(label=_("budget file (PDF or photo)"))


class DisclosureForm(SubmitOnce, ModelForm):
    class Meta:
        model = TechnicalDisclosure
        fields = ["date", "designer", "project_manager", "crew", "crew_leader", "points"]
        widgets = {"date": DATE, "points": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["designer"].queryset = _team_members(project.team, Role.DESIGNER)
        self.fields["project_manager"].queryset = _team_members(project.team, Role.PROJECT_MANAGER)
        self.fields["crew"].queryset = Crew.objects.filter(is_active=True)


class ChangeForm(SubmitOnce, ModelForm):
    class Meta:
        model = DesignChange
        fields = ["reason", "content", "cost_impact", "schedule_impact_days", "affected_drawings"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "content": forms.Textarea(attrs={"rows": 3}),
            "affected_drawings": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["affected_drawings"].queryset = project.drawing_tasks.filter(revision_of=None)


class ChangeDecisionForm(Form):
    approved = forms.TypedChoiceField(
        label=_("client's decision"),
        choices=[("yes", _("Approved")), ("no", _("Rejected"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate, validators=[not_in_future])
    client_name = forms.CharField(label=_("client signed by"), max_length=60)
    revision_deadline = forms.DateField(
        label=_("deadline of the revision tasks"), widget=DATE, required=False, validators=[not_in_past]
    )


class SiteLogForm(SubmitOnce, ModelForm):
    photos = FilesField(label=_("photos"), photos_only=True)

    class Meta:
        model = SiteLog
        fields = ["date", "weather", "workers_on_site", "work_done", "problems"]
        widgets = {
            "date": DATE,
            "work_done": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No ``capture``: on a phone the picker then offers both the camera and the gallery.
        self.fields["weather"].widget.attrs["list"] = "weather-options"
        if "date" in self.fields:  # the edit form keeps the day
            self.fields["date"].validators.append(not_in_future)


class SiteLogEditForm(SiteLogForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(SiteLogForm.Meta):
        fields = ["weather", "workers_on_site", "work_done", "problems"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].label = _("more photos")
        if self.instance.pk and not self.is_bound:
            self.fields["version"].initial = self.instance.version


class InspectionForm(SubmitOnce, ModelForm):
    phase = forms.ModelChoiceField(label=_("phase"), queryset=SchedulePhase.objects.none())
    photos = FilesField(label=_("photos"), photos_only=True)

    class Meta:
        model = Inspection
        fields = ["inspected_on", "result", "notes", "rectify_items", "reinspect_by"]
        widgets = {
            "inspected_on": DATE,
            "reinspect_by": DATE,
            "result": forms.RadioSelect,
            "notes": forms.Textarea(attrs={"rows": 2}),
            "rectify_items": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.order_by("order")
        self.order_fields(["phase"])
        self.fields["inspected_on"].validators.append(not_in_future)
        self.fields["reinspect_by"].validators.append(not_in_past)


SCORE_CHOICES = [(n, str(n)) for n in range(5, 0, -1)]


class EvaluationForm(SubmitOnce, Form):
    phase = forms.ModelChoiceField(label=_("phase"), queryset=SchedulePhase.objects.none())
    evaluated_on = forms.DateField(
        label=_("evaluated on"), widget=DATE, initial=timezone.localdate, validators=[not_in_future]
    )
    quality = forms.TypedChoiceField(label=_("quality"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    schedule = forms.TypedChoiceField(label=_("schedule"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    tidiness = forms.TypedChoiceField(
        label=_("site tidiness"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    safety = forms.TypedChoiceField(label=_("safety"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    cooperation = forms.TypedChoiceField(
        label=_("cooperation"), choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comments = forms.CharField(label=_("comments"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.filter(crew__isnull=False).select_related("crew")
        self.fields["phase"].label_from_instance = lambda p: f"{p} · {p.crew}"

    @property
    def scores(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("quality", "schedule", "tidiness", "safety", "cooperation")}


class CrewForm(SubmitOnce, ModelForm):
    class Meta:
        model = Crew
        fields = ["name", "leader", "phone", "trade", "is_active", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class CompletionForm(SubmitOnce, Form):
    kind = forms.ChoiceField(label=_("document"), choices=CompletionItem.Kind.choices)
    notes = forms.CharField(label=_("notes"), max_length=200, required=False)
    files = FilesField(label=_("files (photos or PDF)"))


class MaintenanceForm(SubmitOnce, ModelForm):
    photos = FilesField(label=_("photos"), photos_only=True)

    class Meta:
        model = MaintenanceRequest
        fields = ["source", "complaint", "follow_up", "call", "description", "crew", "promised_on"]
        widgets = {"promised_on": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, project, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the project's client's records that the user may see, each scoped by its own app's
        # visible_to on the field's own queryset (complaints and reception sit above projects).
        for name in ("complaint", "follow_up", "call"):
            field = self.fields[name]
            field.queryset = field.queryset.visible_to(user).filter(client_id=project.client_id)
        self.fields["crew"].queryset = Crew.objects.filter(is_active=True)
        if self.instance.pk is None:
            self.fields["promised_on"].validators.append(not_in_past)


class MaintenanceDoneForm(SubmitOnce, Form):
    done_on = forms.DateField(label=_("done on"), widget=DATE, initial=timezone.localdate, validators=[not_in_future])
    work_notes = forms.CharField(label=_("work done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = FilesField(label=_("photos"), photos_only=True)


class MaintenanceConfirmForm(Form):
    satisfied = forms.TypedChoiceField(
        label=_("client's answer"),
        choices=[("yes", _("Satisfied: close it")), ("no", _("Not satisfied: reopen"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label=_("date"), widget=DATE, initial=timezone.localdate)
    feedback = forms.CharField(label=_("client's feedback"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


# --- Contract money (change orders, stage triggers) ---------------------------------------------


class StagePhaseForm(Form):
    phase = forms.ModelChoiceField(
        label=_("due when this phase's inspection passes"), queryset=SchedulePhase.objects.none()
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = project.phases.order_by("order", "pk")
        self.fields["phase"].label_from_instance = lambda phase: phase.display_name


class ChangeOrderForm(SubmitOnce, Form):
    # What the services (change_order_create / _revise) take from this form, besides the lines.
    SERVICE_FIELDS = ["title", "source", "design_change", "site_log", "finding", "stage"]

    title = forms.CharField(label=pgettext_lazy("change order", "title"), max_length=120)
    source = forms.ChoiceField(label=_("because of"), choices=ChangeOrder.Source.choices, widget=forms.RadioSelect)
    design_change = forms.ModelChoiceField(
        label=_("design change"), queryset=DesignChange.objects.none(), required=False
    )
    finding = forms.CharField(
        label=_("what was found on site"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    site_log = forms.ModelChoiceField(label=_("site log"), queryset=SiteLog.objects.none(), required=False)
    stage = forms.ModelChoiceField(
        label=_("payment stage it moves"),
        queryset=PaymentStage.objects.none(),
        required=False,
        help_text=_("If set, the approved total is added to this stage's amount."),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["design_change"].queryset = project.design_changes.all()
        self.fields["design_change"].label_from_instance = lambda change: (
            f"{change.content[:40]} (¥{change.cost_impact})"
        )
        self.fields["site_log"].queryset = SiteLog.objects.filter(
            pk__in=list(project.site_logs.order_by("-date").values_list("pk", flat=True)[:60])
        ).order_by("-date")
        self.fields["stage"].queryset = PaymentStage.objects.filter(contract_id=project.contract_id)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") == ChangeOrder.Source.DESIGN_CHANGE and not cleaned.get("design_change"):
            self.add_error("design_change", _("Choose the design change."))
        if cleaned.get("source") == ChangeOrder.Source.SITE_FINDING and not (cleaned.get("finding") or "").strip():
            self.add_error("finding", _("Describe what was found on site."))
        return cleaned


class ChangeOrderLineForm(Form):
    kind = forms.ChoiceField(
        label=_("addition or reduction"), choices=ChangeOrderLine.Kind.choices, initial=ChangeOrderLine.Kind.ADDITION
    )
    description = forms.CharField(label=pgettext_lazy("change order", "item"), max_length=200)
    unit = forms.CharField(label=pgettext_lazy("quantity", "unit"), max_length=20, required=False)
    quantity = forms.DecimalField(label=_("quantity"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    unit_price = forms.DecimalField(label=_("unit price (yuan)"), max_digits=12, decimal_places=2, min_value=Decimal(0))


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(form.cleaned_data and not form.cleaned_data.get("DELETE") for form in self.forms):
            raise forms.ValidationError(_("Add at least one line."))


ChangeOrderLineFormSet = forms.formset_factory(ChangeOrderLineForm, formset=BaseLineFormSet, extra=4, max_num=40)


class ChangeOrderSignForm(Form):
    client_signed_on = forms.DateField(
        label=_("client signed on"), widget=DATE, initial=timezone.localdate, validators=[not_in_future]
    )
    client_signed_by = forms.CharField(label=_("client signed by"), max_length=60)
    scan = forms.FileField(
        label=_("signed paper (scan)"), widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"})
    )

    def clean_scan(self):
        return process_upload(self.cleaned_data["scan"])
