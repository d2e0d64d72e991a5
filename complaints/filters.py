import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import OPEN_STATES, Complaint
from teams.filters import LocalDayFilter, OrderingFilter
from teams.models import Team, User


class ComplaintFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(label=_("State"), choices=Complaint.State.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Complaint.Category.choices)
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Complaint.Severity.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.filter(is_active=True))
    handler = django_filters.ModelChoiceFilter(label=_("Handler"), queryset=User.objects.none())
    registered_from = LocalDayFilter(label=_("Registered from"), field_name="registered_at", bound="from")
    registered_to = LocalDayFilter(label=_("Registered to"), field_name="registered_at", bound="to")
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"), choices=[("yes", _("Overdue only")), ("no", _("On time only"))], method="filter_overdue"
    )
    ordering = OrderingFilter(
        label=_("Order by"),
        fields=[("registered_at", "registered_at"), ("resolve_due_at", "resolve_due_at"), ("severity", "severity")],
        # Each sort has its index (field, id) in complaints/models.py; the number breaks ties.
        tiebreak="pk",
        field_labels={
            "registered_at": _("Registered at"),
            "resolve_due_at": _("Resolve by"),
            "severity": _("Severity"),
        },
    )

    class Meta:
        model = Complaint
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._handler_choices = None
        if user is not None and user.team_id:
            self.filters["handler"].queryset = User.objects.filter(team_id=user.team_id)
            del self.filters["team"]
        elif user is not None:
            # Any team member validates, but the drop-down lists only the chosen team's staff (and the chosen
            # handler): all ~300 staff of the company on every request was a large share of the list's time.
            self.filters["handler"].queryset = User.objects.exclude(team=None)
            self._handler_choices = self._chosen_team_staff()

    def _chosen_team_staff(self):
        team_id, handler_id = self.data.get("team", ""), self.data.get("handler", "")
        condition = Q(pk__in=[])
        if str(team_id).isdigit():
            condition |= Q(team_id=int(team_id), is_active=True)
        if str(handler_id).isdigit():
            condition |= Q(pk=int(handler_id))
        return User.objects.exclude(team=None).filter(condition)

    @property
    def form(self):
        form = super().form
        if self._handler_choices is not None and not getattr(form, "_handler_limited", False):
            field = form.fields["handler"]
            # Validation still uses the field's queryset; only the drop-down's options are limited.
            empty = field.empty_label if str(self.data.get("team", "")).isdigit() else _("Choose a team first")
            field.widget.choices = [("", empty), *((u.pk, field.label_from_instance(u)) for u in self._handler_choices)]
            form._handler_limited = True
        return form

    def search(self, queryset, name, value):
        # Each branch has its pg_trgm index (complaints migrations 0010, 0014), so the OR is a bitmap of three.
        value = value.strip()
        condition = Q(caller_name__icontains=value) | Q(caller_phone__contains=value) | Q(description__icontains=value)
        if value.lstrip("#").isdigit():
            condition |= Q(pk=int(value.lstrip("#")))
        return queryset.filter(condition)

    def filter_overdue(self, queryset, name, value):
        if value not in ("yes", "no"):
            return queryset
        now = timezone.now()
        late = Q(state=Complaint.State.REGISTERED, ack_due_at__lt=now) | Q(
            state__in=OPEN_STATES, resolve_due_at__lt=now
        )
        return queryset.filter(late) if value == "yes" else queryset.exclude(late)
