"""The 筛选 button's badge (templates/includes/filter_form.html): how many filters a request sets."""

import pytest
from django.http import QueryDict

from clients.filters import ClientFilter
from clients.models import Client
from teams.templatetags.ui import active_filter_count

pytestmark = pytest.mark.django_db


def _count(query: str) -> int:
    return active_filter_count(ClientFilter(QueryDict(query), queryset=Client.objects.none()))


def test_unbound_filterset_counts_nothing():
    assert active_filter_count(ClientFilter(None, queryset=Client.objects.none())) == 0


def test_counts_each_set_filter_once():
    assert _count("q=王&stage=new&created_after=2026-01-01") == 3


def test_empty_values_all_choice_and_sorting_do_not_count():
    assert _count("q=&stage=&archived=&o=-created&page=2") == 0


def test_boolean_no_counts_as_a_filter():
    assert _count("archived=false") == 1
