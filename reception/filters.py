import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reception.models import Call, Visit
from teams.filters import LocalDayFilter

FORWARD_STATES = [("waiting", _("Waiting")), ("overdue", _("Overdue")), ("acknowledged", _("Acknowledged"))]


class CallFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    date = LocalDayFilter(label=_("Date"), field_name="called_at")
    caller_type = django_filters.ChoiceFilter(label=_("Caller type"), choices=Call.CallerType.choices)
    important = django_filters.ChoiceFilter(
        label=_("Important"), choices=[("yes", _("Important only"))], method="filter_important"
    )
    forward = django_filters.ChoiceFilter(label=_("Forward"), choices=FORWARD_STATES, method="filter_forward")

    class Meta:
        model = Call
        fields = []

    def search(self, queryset, name, value):
        """Caller, number, purpose or summary (as the search box finds calls): each on its pg_trgm index
        (reception migrations 0007, 0011), so over a million calls the OR is a bitmap, not a scan."""
        value = value.strip()
        return queryset.filter(
            Q(caller_name__icontains=value)
            | Q(phone__contains=value)
            | Q(purpose__icontains=value)
            | Q(summary__icontains=value)
        )

    def filter_important(self, queryset, name, value):
        return queryset.filter(important=True) if value == "yes" else queryset

    def filter_forward(self, queryset, name, value):
        now = timezone.now()
        waiting = queryset.filter(forwarded_at__isnull=False, acknowledged_at=None)
        if value == "waiting":
            return waiting.filter(ack_due_at__gte=now)
        if value == "overdue":
            return waiting.filter(ack_due_at__lt=now)
        if value == "acknowledged":
            return queryset.filter(acknowledged_at__isnull=False)
        return queryset


class VisitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    date = LocalDayFilter(label=_("Date"), field_name="arrived_at")

    class Meta:
        model = Visit
        fields = []

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(visitor_name__icontains=value) | Q(phone__contains=value) | Q(purpose__icontains=value)
        )
