import django_filters
from django.utils.translation import gettext_lazy as _

from performance.models import MonthlyReport, TargetCard
from teams.filters import OrderingFilter
from teams.models import Team


class CardFilter(django_filters.FilterSet):
    month = django_filters.DateFilter(label=_("Month (first day)"))
    state = django_filters.ChoiceFilter(choices=TargetCard.State.choices, label=_("State"))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(is_active=True), label=_("Team"))
    ordering = OrderingFilter(
        label=_("Sort by"),
        fields=(("month", "month"), ("member__full_name", "member")),
        field_labels={"month": _("Month"), "member__full_name": _("Member")},
    )

    class Meta:
        model = TargetCard
        fields = ["month", "state", "team"]


class ReportFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=MonthlyReport.State.choices, label=_("State"))
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.filter(is_active=True), label=_("Team"))

    class Meta:
        model = MonthlyReport
        fields = ["state", "team"]
