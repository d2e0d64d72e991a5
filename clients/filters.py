"""List filters; sort keys pass an allowlist (OrderingFilter with explicit fields)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import AccessLog, Client, FollowUpVisit
from clients.search import client_condition
from teams.filters import BooleanFilter, LocalDayFilter, OrderingFilter
from teams.models import Team, User
from teams.roles import Role
from teams.search import SearchTerms


class ClientFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or phone"), method="search")
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=Client.Stage.choices)
    value_tier = django_filters.ChoiceFilter(label=_("Value tier"), choices=Client.Tier.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Client.Source.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.filter(is_active=True))
    consultant = django_filters.ModelChoiceFilter(
        label=_("Consultant"), queryset=User.objects.filter(role=Role.CONSULTANT, is_active=True)
    )
    created_after = LocalDayFilter(label=_("Created from"), field_name="created_at", bound="from")
    created_before = LocalDayFilter(label=_("Created to"), field_name="created_at", bound="to")
    archived = BooleanFilter(label=_("Archived"), field_name="archive__received_at", lookup_expr="isnull", exclude=True)
    o = OrderingFilter(
        label=_("Sort by"),
        fields=(("created_at", "created"), ("name", "name"), ("stage_changed_at", "moved"), ("value_tier", "tier")),
        # Each sort has its index (field, id) in clients/models/clients.py; the number breaks ties.
        tiebreak="pk",
        # Keyed by model field, as django-filter expects.
        field_labels={
            "created_at": _("Created"),
            "name": _("Name"),
            "stage_changed_at": _("Last stage change"),
            "value_tier": _("Value tier"),
        },
    )

    class Meta:
        model = Client
        fields = []

    def search(self, queryset, name, value):
        """As the search box finds a client (clients/search.py): a name, its pinyin or initials, or four
        digits or more of either phone however typed, on the stored search keys and their pg_trgm indexes."""
        condition = client_condition(SearchTerms.parse(value))
        return queryset.filter(Q(name__icontains=value.strip()) if condition is None else condition)


class VisitFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("To do")), ("overdue", _("Overdue")), ("done", _("Done"))],
        method="by_status",
    )
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=FollowUpVisit.Channel.choices)
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.filter(is_active=True))
    due_after = django_filters.DateFilter(label=_("Due from"), field_name="due_date", lookup_expr="gte")
    due_before = django_filters.DateFilter(label=_("Due to"), field_name="due_date", lookup_expr="lte")
    o = OrderingFilter(
        label=_("Sort by"),
        fields=(("due_date", "due"), ("done_at", "done"), ("satisfaction", "satisfaction")),
        field_labels={"due_date": _("Due date"), "done_at": _("Done at"), "satisfaction": _("Satisfaction")},
    )

    class Meta:
        model = FollowUpVisit
        fields = []

    def by_status(self, queryset, name, value):
        from django.utils import timezone

        if value == "open":
            return queryset.filter(done_at=None)
        if value == "overdue":
            return queryset.filter(done_at=None, due_date__lt=timezone.localdate())
        if value == "done":
            return queryset.filter(done_at__isnull=False)
        return queryset


class AccessLogFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(label=_("Who"), queryset=User.objects.all())
    action = django_filters.ChoiceFilter(label=pgettext_lazy("access log", "Action"), choices=AccessLog.Action.choices)
    client_name = django_filters.CharFilter(label=_("Client"), field_name="client__name", lookup_expr="icontains")
    ip_address = django_filters.CharFilter(label=_("Address"), field_name="ip_address")
    after = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    before = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AccessLog
        fields = []
