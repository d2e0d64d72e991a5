"""One story, typed once: the call's summary is the complaint's description, the client's open complaints come
first, and a duplicate is merged into its original (timeline kept, counted once)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from performance.metrics import METRICS, Period, Scope, figures
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(team, consultant):
    return ClientFactory(name="王芳", team=team, consultant=consultant)


def test_complaint_from_a_call_carries_its_summary(login, front_desk, wang):
    call = CallFactory(logged_by=front_desk, client=wang, purpose="投诉地板", summary="客厅地板起拱，要求本周上门")
    html = login(front_desk).get(reverse("complaints:register"), {"call": call.pk}).content.decode()
    assert "投诉地板\n客厅地板起拱，要求本周上门</textarea>" in html


def test_picking_a_client_lists_their_open_complaints_first(login, front_desk, wang):
    open_one = ComplaintFactory(client=wang, description="卫生间漏水", registered_by=front_desk)
    ComplaintFactory(client=wang, description="早已结案", state="closed")
    html = login(front_desk).get(reverse("complaints:open_for_client"), {"client": wang.pk}).content.decode()
    assert 'data-testid="same-complaint"' in html and "卫生间漏水" in html and "早已结案" not in html
    assert reverse("complaints:detail", args=[open_one.pk]) in html


def test_the_register_form_asks_when_it_opens_with_a_client(login, front_desk, wang):
    ComplaintFactory(client=wang, description="卫生间漏水")
    call = CallFactory(logged_by=front_desk, client=wang)
    html = login(front_desk).get(reverse("complaints:register"), {"call": call.pk}).content.decode()
    assert 'data-testid="same-complaint"' in html


def test_no_question_for_a_client_without_open_complaints(login, front_desk, wang):
    html = login(front_desk).get(reverse("complaints:open_for_client"), {"client": wang.pk}).content.decode()
    assert 'data-testid="same-complaint"' not in html


def test_consultant_merges_a_duplicate_into_the_original(login, consultant, wang):
    original = ComplaintFactory(client=wang, description="地板起拱")
    duplicate = ComplaintFactory(client=wang, description="客厅地板又鼓起来了")
    duplicate.events.create(action="comment", comment="客户又打来电话")
    before = list(duplicate.events.values_list("pk", flat=True))
    browser = login(consultant)
    assert 'data-testid="merge-form"' in browser.get(reverse("complaints:detail", args=[duplicate.pk])).content.decode()
    response = browser.post(reverse("complaints:merge", args=[duplicate.pk]), {"original": original.pk})
    assert response.status_code == 302 and response.url == reverse("complaints:detail", args=[original.pk])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == original and duplicate.state == Complaint.State.CLOSED
    assert list(duplicate.events.values_list("action", flat=True))[-1] == "merge"
    assert list(duplicate.events.values_list("pk", flat=True))[:-1] == before  # the timeline is kept
    merged_event = original.events.get(action="merged")
    assert f"#{duplicate.pk}" in merged_event.display_comment and "客厅地板又鼓起来了" in merged_event.display_comment
    assert browser.get(reverse("complaints:merge", args=[duplicate.pk])).status_code == 405


def test_merge_refused_across_clients_twice_and_for_others(login, consultant, outsider, front_desk, wang, team):
    original = ComplaintFactory(client=wang)
    duplicate = ComplaintFactory(client=wang)
    stranger = ComplaintFactory(client=ClientFactory(team=team))
    url = reverse("complaints:merge", args=[duplicate.pk])
    login(consultant).post(url, {"original": stranger.pk})
    assert login(outsider).post(url, {"original": original.pk}).status_code == 404
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
    login(consultant).post(url, {"original": original.pk})
    login(consultant).post(reverse("complaints:merge", args=[original.pk]), {"original": duplicate.pk})
    original.refresh_from_db()
    assert original.merged_into is None and original.state != Complaint.State.CLOSED


def test_a_merged_duplicate_is_not_counted_twice(consultant, team, wang):
    from complaints.services import complaint_merge

    original = ComplaintFactory(client=wang)
    duplicate = ComplaintFactory(client=wang)
    period = Period.month_of(timezone.localdate())
    keys = ["complaints_registered", "complaints_open"]

    def counts():
        got = figures([METRICS[k] for k in keys], {"p": period}, Scope(team_id=team.pk))
        return [got[("p", k)] for k in keys]

    assert counts() == [2, 2]
    complaint_merge(duplicate=duplicate, original=original, by=consultant)
    assert counts() == [1, 1]


def test_the_weekly_summary_counts_a_merged_duplicate_once(consultant, wang):
    from complaints.selectors import summary_figures
    from complaints.services import complaint_merge

    original = ComplaintFactory(client=wang)
    duplicate = ComplaintFactory(client=wang)
    today = timezone.localdate()
    assert summary_figures(start=today, end=today)["total"] == 2
    complaint_merge(duplicate=duplicate, original=original, by=consultant)
    assert summary_figures(start=today, end=today)["total"] == 1
