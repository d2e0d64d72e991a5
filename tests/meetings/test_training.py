"""Training: sessions, attendance, feedback, history; who may see and do what."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings import training as training_services
from meetings.models import Training, TrainingAttendance
from teams.models import Notification
from tests.meetings.factories import TrainingAttendanceFactory, TrainingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(team, consultant, designer, pm):
    return TrainingFactory(topic="施工工艺标准", team=team, date=dt.date(2026, 9, 18))


def test_members_see_company_wide_and_their_teams_sessions(login, session, designer, outsider):
    company = TrainingFactory(topic="客户信息保密制度", team=None)
    other = TrainingFactory(topic="浦东组内部培训", team=outsider.team)
    html = login(designer).get(reverse("meetings:training_list")).content.decode()
    assert session.topic in html and company.topic in html and other.topic not in html


def test_other_team_gets_404(login, session, outsider):
    client = login(outsider)
    assert client.get(reverse("meetings:training_detail", args=[session.pk])).status_code == 404
    assert client.post(reverse("meetings:training_attendance", args=[session.pk]), {}).status_code == 404
    assert client.post(reverse("meetings:training_feedback", args=[session.pk]), {"rating": 5}).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("consultant", 200), ("gm", 200), ("designer", 403), ("front_desk", 403)])
def test_who_may_create_a_session(request, login, team, who, status):
    assert login(request.getfixturevalue(who)).get(reverse("meetings:training_create")).status_code == status


def test_consultant_creates_a_session_for_their_team_and_members_are_told(login, team, consultant, designer, outsider):
    response = login(consultant).post(
        reverse("meetings:training_create"),
        {
            "topic": "投诉处理案例分析",
            "trainer": "外聘顾问 陈老师",
            "trainer_kind": "external",
            "date": "2026-10-12",
            "place": "培训室",
            "team": outsider.team.pk,  # not theirs: refused
        },
    )
    assert response.status_code == 200
    assert not Training.objects.exists()
    response = login(consultant).post(
        reverse("meetings:training_create"),
        {"topic": "投诉处理案例分析", "trainer": "外聘顾问 陈老师", "trainer_kind": "external", "date": "2026-10-12",
         "team": team.pk},
    )  # fmt: skip
    training = Training.objects.get()
    assert response.status_code == 302 and training.team == team and training.created_by == consultant
    assert Notification.objects.filter(recipient=designer, title__contains="投诉处理案例分析").exists()


def test_attendance_then_feedback_from_an_attendee(login, session, consultant, designer, pm):
    response = login(consultant).post(
        reverse("meetings:training_attendance", args=[session.pk]), {"attended": [designer.pk]}
    )
    assert response.status_code == 302
    assert dict(session.attendance.values_list("member_id", "attended")) == {
        consultant.pk: False,
        designer.pk: True,
        pm.pk: False,
    }
    response = login(designer).post(
        reverse("meetings:training_feedback", args=[session.pk]), {"rating": 4, "feedback": "很实用"}
    )
    assert response.status_code == 302
    row = TrainingAttendance.objects.get(training=session, member=designer)
    assert (row.rating, row.feedback) == (4, "很实用") and row.feedback_at is not None
    assert login(pm).post(reverse("meetings:training_feedback", args=[session.pk]), {"rating": 5}).status_code == 403


def test_attendance_kept_when_saved_again(session, designer):
    TrainingAttendanceFactory(training=session, member=designer, attended=True, rating=5, feedback="好")
    training_services.training_record_attendance(training=session, attended_ids={designer.pk})
    row = TrainingAttendance.objects.get(training=session, member=designer)
    assert (row.attended, row.rating) == (True, 5)


def test_designer_cannot_take_attendance(login, session, designer):
    assert login(designer).post(reverse("meetings:training_attendance", args=[session.pk]), {}).status_code == 403


def test_history_own_team_and_outsider(login, session, consultant, designer, outsider):
    TrainingAttendanceFactory(training=session, member=designer, attended=True, rating=5)
    html = login(designer).get(reverse("meetings:training_history")).content.decode()
    assert session.topic in html
    assert login(consultant).get(reverse("meetings:training_history") + f"?member={designer.pk}").status_code == 200
    assert login(outsider).get(reverse("meetings:training_history") + f"?member={designer.pk}").status_code == 404
    assert login(designer).get(reverse("meetings:training_history") + f"?member={consultant.pk}").status_code == 404


def test_list_is_fixed_queries_and_exports(login, team, designer, consultant, django_assert_max_num_queries):
    for n in range(30):
        training = TrainingFactory(team=team if n % 2 else None)
        TrainingAttendanceFactory(training=training, member=designer, rating=4)
    client = login(designer)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("meetings:training_list")).status_code == 200
    assert client.get(reverse("meetings:training_list") + "?export=xlsx").status_code == 403
    response = login(consultant).get(reverse("meetings:training_list") + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
