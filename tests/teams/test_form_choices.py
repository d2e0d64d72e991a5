"""Drop-downs read their choices with one plain SELECT (teams/form_choices.py), never a server-side cursor:
on PostgreSQL Django's default opened ``DECLARE … WITH HOLD`` + FETCH + CLOSE for every model drop-down."""

import django_filters
import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Team, User
from tests.teams.factories import TeamFactory

pytestmark = pytest.mark.django_db


def _statements(action):
    with CaptureQueriesContext(connection) as queries:
        result = action()
    return result, [q["sql"] for q in queries]


def test_the_complaint_list_s_team_drop_down_is_one_plain_select(client, gm):
    TeamFactory(name="静安一组"), TeamFactory(name="浦东二组")
    client.force_login(gm)
    response, sql = _statements(lambda: client.get(reverse("complaints:list")))
    assert response.status_code == 200
    assert not [s for s in sql if s.lstrip().upper().startswith("DECLARE")]
    team_field = response.context["filter"].form["team"]
    assert {label for value, label in team_field.field.choices if value} >= {"静安一组", "浦东二组"}


def test_a_django_form_s_choices_are_read_without_a_cursor(team, consultant):
    class Pick(forms.Form):
        person = forms.ModelChoiceField(queryset=User.objects.filter(team=team))
        teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all())

    form, sql = _statements(lambda: str(Pick()))
    assert consultant.full_name in form
    assert sql and not [s for s in sql if s.lstrip().upper().startswith("DECLARE")]


def test_django_filter_s_null_choice_comes_after_the_empty_one(team):
    class ByTeam(django_filters.FilterSet):
        team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), null_label="无")

        class Meta:
            model = User
            fields = []

    choices = list(ByTeam().form.fields["team"].choices)
    assert choices[0][0] == "" and choices[1] == ("null", "无")
    assert team.name in [label for _, label in choices[2:]]


def test_iterating_a_class_level_field_leaves_its_queryset_unread(team):
    field = forms.ModelChoiceField(queryset=Team.objects.all())
    list(field.choices)
    assert field.queryset._result_cache is None  # not frozen into a process-wide cache
