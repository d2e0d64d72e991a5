import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import BudgetRequest, Crew, Project
from teams.filters import BooleanFilter, OrderingFilter
from teams.models import Team


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search")
    phase = django_filters.ChoiceFilter(label=_("phase"), choices=Project.Phase.choices)
    team = django_filters.ModelChoiceFilter(label=_("team"), queryset=Team.objects.filter(is_active=True))
    mine = BooleanFilter(label=_("only mine"), method="only_mine")
    ordering = OrderingFilter(
        label=_("order by"),
        fields=(("created_at", "created"), ("planned_start", "start"), ("planned_finish", "finish"), ("name", "name")),
        field_labels={
            "created_at": _("Created"),
            "planned_start": _("Planned start"),
            "planned_finish": _("Planned finish"),
            "name": pgettext_lazy("thing", "Name"),
        },
    )

    class Meta:
        model = Project
        fields = ["q", "phase", "team", "mine"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value) | Q(client__name__icontains=value) | Q(address__icontains=value)
        )

    def only_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(Q(designers=user) | Q(assistants=user) | Q(project_manager=user)).distinct()


class BudgetRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=BudgetRequest.Status.choices)

    class Meta:
        model = BudgetRequest
        fields = ["status"]


class CrewFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="search")
    is_active = BooleanFilter(label=_("active"))
    ordering = OrderingFilter(
        label=_("order by"),
        fields=(("name", "name"), ("avg_total", "score"), ("evaluation_count", "evaluations")),
        field_labels={
            "name": pgettext_lazy("thing", "Name"),
            "avg_total": _("Average score"),
            "evaluation_count": _("Evaluations"),
        },
    )

    class Meta:
        model = Crew
        fields = ["q", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(leader__icontains=value) | Q(trade__icontains=value))
