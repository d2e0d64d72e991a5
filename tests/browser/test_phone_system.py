"""The phone system in Chromium: the PBX (fake_pbx, over real HTTP to the live server) rings the clerk's
extension with a known client's number; the caller pops up on her screen; she answers, logs the call and registers
a complaint with the summary carried over; a missed call appears in the list and is closed by a callback."""

import time

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint, StandardAnswer
from reception.management.commands.fake_pbx import FakePbx
from reception.models import Extension, PhoneCall
from tests.browser.test_complaints import log_in
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "test-cti-token"


def test_ring_pop_answer_log_register_and_call_back_a_missed_call(page, live_server, front_desk, consultant, team):
    client = ClientFactory(team=team, consultant=consultant, name="王美丽", phone="13812345678")
    earlier = ComplaintFactory(client=client, registered_by=front_desk, description="卫生间墙砖空鼓")
    StandardAnswer.objects.create(field="description", category="", title="要求回电", text="客户要求今天回电。")
    Extension.objects.create(number="8001", user=front_desk)

    log_in(page, live_server, front_desk)
    page.goto(f"{live_server.url}/")

    # The phone rings at her extension: the caller is on her screen within about two seconds.
    pbx = FakePbx(live_server.url, TOKEN, from_number="+86 138-1234-5678", extension="8001")
    rang = time.monotonic()
    assert pbx.ring()[0] == 200
    pop = page.locator("[data-testid=screen-pop]")
    expect(pop.locator("[data-testid=screen-pop-client]")).to_have_text("王美丽", timeout=4000)
    shown_after = time.monotonic() - rang
    assert shown_after <= 2.5, shown_after
    expect(pop).to_contain_text("138****5678")
    expect(pop).to_contain_text(team.name)
    expect(pop).to_contain_text(consultant.full_name)
    expect(pop.locator(f"a[href='/complaints/{earlier.pk}/']")).to_be_visible()

    # She answers: the call log opens pre-filled from the phone system.
    assert pbx.answer()[0] == 200
    expect(page.locator("input[name=phone]")).to_have_value("13812345678", timeout=5000)
    expect(page.locator("input[name=caller_name]")).to_have_value("王美丽")
    expect(page.locator("[data-testid=lookup-chosen]")).to_contain_text("王美丽")
    page.fill("input[name=purpose]", "投诉地板")
    page.fill("textarea[name=summary]", "客厅地板起拱，要求本周上门查看")
    page.click("[data-testid=save-call-complaint]")

    # The complaint form: the story carried over, the client's open complaint asked about first.
    description = page.locator("textarea[name=description]")
    expect(description).to_have_value("投诉地板\n客厅地板起拱，要求本周上门查看")
    expect(page.locator("[data-testid=same-complaint]")).to_contain_text("卫生间墙砖空鼓")
    description.click()
    description.press("End")
    description.press("Alt+1")  # the first standard answer, by its shortcut
    expect(description).to_have_value("投诉地板\n客厅地板起拱，要求本周上门查看\n客户要求今天回电。")
    page.select_option("select[name=category]", "quality")
    page.click("[data-testid=register-submit]")
    expect(page.locator("h1 [data-testid=state]")).to_have_text("已登记")
    complaint = Complaint.objects.exclude(pk=earlier.pk).get()
    assert (
        complaint.description.replace("\r\n", "\n").startswith("投诉地板\n客厅地板起拱") and complaint.client == client
    )

    # She hangs up: the phone-system call keeps its duration and the call log it was written in.
    assert pbx.hangup()[0] == 200
    phone_call = PhoneCall.objects.get(call_id=pbx.call_id)
    assert phone_call.state == "ended" and phone_call.duration_seconds is not None
    assert phone_call.logged_call == complaint.call

    # A call nobody answers is missed: it is listed until a callback reaches the caller.
    missed = FakePbx(live_server.url, TOKEN, from_number="13900001111", extension="8001")
    missed.ring()
    expect(page.locator("[data-testid=screen-pop-new]")).to_be_visible(timeout=4000)
    missed.hangup("cancel")
    expect(page.locator("[data-testid=screen-pop]")).to_have_count(0, timeout=4000)
    page.goto(f"{live_server.url}/reception/missed/")
    row = page.locator("[data-testid=missed-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("新来电")
    row.locator("[data-testid=reveal-phone]").click()
    expect(row.locator("[data-testid=revealed-phone]")).to_contain_text("13900001111")
    row.locator("select[name=outcome]").select_option("reached")
    row.locator("input[name=note]").fill("已约周六量房")
    row.locator("[data-testid=callback-save]").click()
    expect(page.locator("[data-testid=missed-row]")).to_have_count(0)
    handled = PhoneCall.objects.get(call_id=missed.call_id)
    assert handled.handled_by == front_desk and handled.callbacks.get().note == "已约周六量房"
