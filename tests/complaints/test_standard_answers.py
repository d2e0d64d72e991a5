"""Standard answers (常用语): kept by the deputy GM in the admin, offered next to the fields they fill."""

import pytest
from django.urls import reverse

from complaints.models import StandardAnswer
from teams.services import user_sync_role_group
from tests.complaints.factories import ComplaintFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    StandardAnswer.objects.all().delete()  # the migration's first library
    return [
        StandardAnswer.objects.create(field="description", category="quality", title="墙砖空鼓", text="墙砖空鼓有空响"),
        StandardAnswer.objects.create(field="description", category="", title="要求回电", text="要求今天回电"),
        StandardAnswer.objects.create(field="description", title="停用", text="不再使用", is_active=False),
        StandardAnswer.objects.create(field="resolution", category="quality", title="返工", text="已返工修复"),
        StandardAnswer.objects.create(field="resolution", category="schedule", title="调整进度", text="已调整计划"),
        StandardAnswer.objects.create(field="cause_analysis", category="", title="沟通", text="沟通不及时"),
    ]


def test_the_complaint_form_offers_the_description_answers(login, front_desk, library):
    html = login(front_desk).get(reverse("complaints:register")).content.decode()
    assert 'data-testid="standard-answers-id_description"' in html
    assert 'data-answer-text="墙砖空鼓有空响"' in html and 'data-answer-category="quality"' in html
    assert "要求今天回电" in html and "不再使用" not in html


def test_the_resolve_form_offers_its_categorys_resolutions_and_cause_analyses(login, consultant, team, library):
    complaint = ComplaintFactory(team=team, category="quality", state="acknowledged", handler=consultant)
    html = login(consultant).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-answer-for="resolve_resolution"' in html and "已返工修复" in html
    assert "已调整计划" not in html  # another category's
    assert 'data-answer-for="resolve_cause_analysis"' in html and "沟通不及时" in html


def test_no_answers_block_where_no_resolve_form(login, consultant, team, library):
    complaint = ComplaintFactory(team=team, category="quality", state="closed")
    html = login(consultant).get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert 'data-answer-for="resolve_resolution"' not in html


def test_the_deputy_gm_edits_the_library_in_the_admin(client, gm, consultant):
    gm.is_staff = True
    gm.save(update_fields=["is_staff"])
    user_sync_role_group(user=gm)
    client.force_login(gm)
    assert client.get(reverse("admin:complaints_standardanswer_changelist")).status_code == 200
    response = client.post(
        reverse("admin:complaints_standardanswer_add"),
        {
            "field": "resolution",
            "category": "",
            "title": "已致歉",
            "text": "已向客户致歉",
            "order": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302 and StandardAnswer.objects.filter(title="已致歉").exists()
    consultant.is_staff = True
    consultant.save(update_fields=["is_staff"])
    user_sync_role_group(user=consultant)
    client.force_login(consultant)
    assert client.get(reverse("admin:complaints_standardanswer_changelist")).status_code == 403


def test_the_migration_gives_a_first_library(db):
    assert StandardAnswer.objects.filter(field="cause_analysis").exists()
