"""The hand-over wizard (离职交接) in Chromium, on a 375 px phone: the deputy GM finds the leaving consultant on the
staff history, opens the hand-over, sees each group of open work with its count, gives everything to one
colleague and one group to another, and the account is deactivated."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from clients.models import Client
from complaints.models import Complaint
from teams.models import Notification, User
from teams.roles import Role
from tests.clients.factories import ClientFactory, FollowUpVisitFactory
from tests.complaints.factories import ComplaintFactory
from tests.teams.factories import TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_deputy_gm_hands_over_a_leaving_consultants_work_on_a_phone(page, live_server):
    team = TeamFactory(name="静安一组")
    leaving = UserFactory(role=Role.CONSULTANT, team=team, full_name="张伟", username="zhangwei")
    team.leader = leaving
    team.save(update_fields=["leader"])
    successor = UserFactory(role=Role.CONSULTANT, team=team, full_name="李娜", username="lina")
    gm = UserFactory(role=Role.DEPUTY_GM, team=None, full_name="王建国", username="gm")
    clients = [ClientFactory(team=team, consultant=leaving) for _ in range(3)]
    FollowUpVisitFactory(client=clients[0], owner=leaving)
    complaint = ComplaintFactory(client=clients[1], handler=leaving)

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", gm.username)
    page.fill("input[name=password]", "pass-1234")
    page.click("[data-testid=login-submit]")
    page.wait_for_url(live_server.url + reverse("teams:home"))

    # The staff page: pick the person, then 离职交接.
    page.goto(live_server.url + reverse("teams:staff_history"))
    page.select_option("select[name=user]", str(leaving.pk))
    page.get_by_role("button", name="显示").click()
    page.click("[data-testid=staff-handover]")
    page.wait_for_url(live_server.url + reverse("teams:staff_handover", args=[leaving.pk]))

    groups = page.locator("#handover-groups tbody tr")
    expect(groups).to_have_count(4)  # the team led, clients, visits, complaints
    clients_row = page.locator("tr[data-group=clients]")
    expect(clients_row).to_contain_text("客户与单源")
    expect(clients_row).to_contain_text("3")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # Everything to 李娜, except the complaint, which the deputy GM takes herself.
    page.select_option("select[name=apply_all]", str(successor.pk))
    page.select_option("select[name=to_complaints_handled]", str(gm.pk))
    page.check("input[name=deactivate]")
    page.click("[data-testid=handover-submit]")

    expect(page.locator(".alert-success")).to_contain_text("已交接")
    assert set(Client.objects.filter(consultant=successor)) == set(clients)
    assert Complaint.objects.get(pk=complaint.pk).handler == gm
    assert not User.objects.get(pk=leaving.pk).is_active
    assert Notification.objects.filter(recipient=successor, title__contains="张伟").exists()
    team.refresh_from_db()
    assert team.leader == successor
