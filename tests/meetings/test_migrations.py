"""Moving team life from teams to meetings keeps every row of an existing database."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("teams", "0005_add_action_item_done_index"), ("meetings", None)]
OLD_STATE = [("teams", "0005_add_action_item_done_index")]


# Unapplies and reapplies nearly every migration of the project: about a minute of CPU on a quiet machine, past
# the suite's 120 s per test when the machine is slow or shared (it then left a half-migrated database behind).
@pytest.mark.timeout(600)
@pytest.mark.django_db(transaction=True)
def test_a_database_from_before_the_move_keeps_its_meetings_and_trainings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(OLD_STATE).apps
    team = old.get_model("teams", "Team").objects.create(name="静安一组")
    member = old.get_model("teams", "User").objects.create(username="m1", full_name="张伟", role="designer", team=team)
    meeting = old.get_model("teams", "Meeting").objects.create(
        team=team, date=dt.date(2026, 11, 2), starts_at=timezone.now(), minutes="讨论工地进度"
    )
    old.get_model("teams", "MeetingAttendance").objects.create(meeting=meeting, member=member, status="present")
    old.get_model("teams", "ActionItem").objects.create(meeting=meeting, text="回访王先生", owner=member)
    training = old.get_model("teams", "Training").objects.create(
        topic="服务礼仪", trainer="外聘", date=dt.date(2026, 11, 3)
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from django.contrib.contenttypes.models import ContentType

    from meetings.models import ActionItem, Meeting, MeetingAttendance, Training

    moved = Meeting.objects.get(pk=meeting.pk)
    assert (moved.team.name, moved.minutes) == ("静安一组", "讨论工地进度")
    assert MeetingAttendance.objects.get(meeting=moved).member.full_name == "张伟"
    assert ActionItem.objects.get(meeting=moved).text == "回访王先生"
    assert Training.objects.get(pk=training.pk).topic == "服务礼仪"
    assert Meeting._meta.db_table == "meetings_meeting"
    assert ContentType.objects.get_for_model(Meeting).app_label == "meetings"
    assert not ContentType.objects.filter(app_label="teams", model="meeting").exists()
