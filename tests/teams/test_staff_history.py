"""History of staff accounts: who changed a person's role, team, active flag or permissions, when, from what
to what; visible to the deputy GM."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from teams.models import StaffChange
from teams.roles import Role
from teams.two_factor import two_factor_reset
from tests.teams.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, role=Role.DEPUTY_GM, team=None, full_name="管理员")


def admin_post(client, user, **changes):
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "role": user.role,
        "team": user.team_id or "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "",
        "groups": [],
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v != ""}
    return client.post(reverse("admin:teams_user_change", args=[user.pk]), data)


@pytest.mark.django_db
def test_role_and_team_changes_are_recorded_from_what_to_what(client, superuser, designer, other_team):
    for role in Role:
        Group.objects.get_or_create(name=role)
    client.force_login(superuser)
    response = admin_post(client, designer, role=Role.PROJECT_MANAGER, team=other_team.pk)
    assert response.status_code == 302, response.content.decode()[:2000]
    rows = {c.field: c for c in StaffChange.objects.filter(user=designer)}
    assert rows["role"].old_value == "设计师" and rows["role"].new_value == "项目经理"
    assert rows["team"].old_value == "静安一组" and rows["team"].new_value == "浦东二组"
    assert rows["role"].changed_by == superuser
    assert rows["groups"].new_value == Role.PROJECT_MANAGER
    # The deputy GM reading in English reads the role change in English (labels kept as messages).
    with translation.override("en"):
        role = StaffChange.objects.get(pk=rows["role"].pk)
        assert (role.shown["label"], role.shown["old"], role.shown["new"]) == ("role", "Designer", "Project manager")
    # Saving again without a change writes nothing.
    designer.refresh_from_db()
    admin_post(client, designer)
    assert StaffChange.objects.filter(user=designer).count() == len(rows)


@pytest.mark.django_db
def test_deactivation_and_admin_rights_are_recorded(client, superuser, consultant):
    client.force_login(superuser)
    # The consultant leads a team (open work): deactivating without the hand-over needs the confirmation.
    admin_post(client, consultant, is_active="", is_staff="on", confirm_deactivation="on")
    fields = set(StaffChange.objects.filter(user=consultant).values_list("field", flat=True))
    assert {"is_active", "is_staff"} <= fields


@pytest.mark.django_db
def test_a_second_factor_reset_is_in_the_history(superuser, consultant):
    two_factor_reset(user=consultant, by=superuser)
    row = StaffChange.objects.get(user=consultant)
    assert row.field == "two_factor" and row.changed_by == superuser
    assert (row.label, row.new_value) == ("两步验证", "已重置")
    with translation.override("en"):
        assert StaffChange.objects.get(pk=row.pk).shown == {
            "label": "Two-factor sign-in",
            "old": "0 devices",
            "new": "reset",
        }


@pytest.mark.django_db
def test_gm_reads_the_history_and_others_may_not(client, gm, superuser, consultant, designer):
    StaffChange.objects.create(
        user=designer, changed_by=superuser, field="role", label="角色", old_value="设计师", new_value="项目经理"
    )
    StaffChange.objects.create(
        user=consultant, changed_by=superuser, field="team", label="团队", old_value="一组", new_value="二组"
    )
    client.force_login(gm)
    page = client.get(reverse("teams:staff_history")).content.decode()
    assert "项目经理" in page and "二组" in page
    only = client.get(reverse("teams:staff_history"), {"user": designer.pk}).content.decode()
    assert "项目经理" in only and "二组" not in only
    client.force_login(consultant)
    assert client.get(reverse("teams:staff_history")).status_code == 403
