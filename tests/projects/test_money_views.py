"""The project's money page and change orders through the screens: the PM sees stage status but
not amounts (unless the company allows it), the consultant drafts, records the client's signed
paper and approves; another team's project money answers 404."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import PaymentStage
from projects.models import ChangeOrder, Project
from tests.clients.factories import ClientFactory, ContractFactory
from tests.projects.factories import ProjectFactory, SchedulePhaseFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


@pytest.fixture
def project(consultant, pm):
    contract = ContractFactory(client=ClientFactory(team=consultant.team, consultant=consultant))
    PaymentStage.objects.create(contract=contract, name="中期", amount=Decimal("108000.00"), trigger="phase")
    return ProjectFactory(
        client=contract.client, contract=contract, project_manager=pm, phase=Project.Phase.CONSTRUCTION
    )


def test_pm_sees_stage_status_but_not_amounts(login, pm, project):
    html = login(pm).get(reverse("projects:money", args=[project.pk])).content.decode()
    assert "中期" in html and "未到期" in html
    assert "108000" not in html and "change-order-add" not in html


def test_pm_sees_amounts_when_the_company_allows_it(login, pm, project, settings):
    settings.PROJECT_MANAGER_SEES_AMOUNTS = True
    assert "108000" in login(pm).get(reverse("projects:money", args=[project.pk])).content.decode()


def test_consultant_links_the_stage_to_a_phase(login, consultant, project):
    phase = SchedulePhaseFactory(project=project)
    stage = project.contract.payments.get()
    response = login(consultant).post(reverse("projects:stage_phase", args=[project.pk, stage.pk]), {"phase": phase.pk})
    assert response.status_code == 302
    assert stage.phase_link.phase == phase
    assert login(consultant).get(reverse("projects:stage_phase", args=[project.pk, stage.pk])).status_code == 405


def test_change_order_drafted_signed_and_approved_through_the_screens(login, consultant, project):
    web = login(consultant)
    stage = project.contract.payments.get()
    data = {
        "title": "卫生间加做防水",
        "source": "site_finding",
        "finding": "墙面渗水",
        "stage": stage.pk,
        "lines-TOTAL_FORMS": "4",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "40",
        "lines-0-kind": "addition",
        "lines-0-description": "防水至顶",
        "lines-0-unit": "m²",
        "lines-0-quantity": "18",
        "lines-0-unit_price": "85",
        "lines-1-kind": "reduction",
        "lines-1-description": "取消墙纸",
        "lines-1-unit": "m²",
        "lines-1-quantity": "10",
        "lines-1-unit_price": "45",
        **{f"lines-{i}-kind": "addition" for i in (2, 3)},
    }
    response = web.post(reverse("projects:change_order_add", args=[project.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    order = ChangeOrder.objects.get()
    assert order.total == Decimal("1080.00") and order.lines.count() == 2
    approve = reverse("projects:change_order_approve", args=[project.pk, order.pk])
    web.post(approve)
    project.contract.refresh_from_db()
    assert project.contract.approved_changes == 0  # not before the client signed
    detail = reverse("projects:change_order_detail", args=[project.pk, order.pk])
    scan = SimpleUploadedFile("签字.pdf", PDF, content_type="application/pdf")
    signed = web.post(detail, {"client_signed_on": "2026-01-05", "client_signed_by": "业主", "scan": scan})
    assert signed.status_code == 302
    assert web.post(approve).status_code == 302
    project.contract.refresh_from_db()
    stage.refresh_from_db()
    assert project.contract.approved_changes == Decimal("1080.00")
    assert stage.amount == Decimal("109080.00")
    contract_page = web.get(reverse("clients:contract_detail", args=[project.contract.pk])).content.decode()
    assert 'data-testid="money-changes">+¥1080.00<' in contract_page
    assert reverse("projects:money", args=[project.pk]) in contract_page  # the hook's link


def test_change_order_without_lines_is_refused(login, consultant, project):
    data = {
        "title": "x",
        "source": "site_finding",
        "finding": "y",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-kind": "addition",
    }
    response = login(consultant).post(reverse("projects:change_order_add", args=[project.pk]), data)
    assert response.status_code == 200 and "请至少填写一行" in response.content.decode()
    assert not ChangeOrder.objects.exists()


def test_other_teams_project_money_answers_404(login, outsider, consultant, project):
    from projects import services

    order = services.change_order_create(
        project=project,
        by=consultant,
        title="x",
        source="site_finding",
        finding="y",
        lines=[{"kind": "addition", "description": "a", "unit": "", "quantity": 1, "unit_price": 1}],
    )
    stage = project.contract.payments.get()
    web = login(outsider)
    for url in (
        reverse("projects:money", args=[project.pk]),
        reverse("projects:change_order_add", args=[project.pk]),
        reverse("projects:change_order_detail", args=[project.pk, order.pk]),
        reverse("projects:change_order_scan", args=[project.pk, order.pk]),
    ):
        assert web.get(url).status_code == 404, url
    for url in (
        reverse("projects:change_order_approve", args=[project.pk, order.pk]),
        reverse("projects:change_order_reject", args=[project.pk, order.pk]),
        reverse("projects:stage_phase", args=[project.pk, stage.pk]),
    ):
        assert web.post(url).status_code == 404, url
    order.refresh_from_db()
    assert order.status == ChangeOrder.Status.DRAFT


def test_designer_cannot_open_the_money_page(login, designer, project):
    assert login(designer).get(reverse("projects:money", args=[project.pk])).status_code == 403


def test_money_page_query_count_does_not_grow_with_stages(login, consultant, project, django_assert_max_num_queries):
    kinds = ["demolition", "plumbing_electrical", "masonry_tiling", "carpentry", "painting", "installation", "cleaning"]
    for n, kind in enumerate(kinds):
        SchedulePhaseFactory(project=project, kind=kind, order=n + 1)
        PaymentStage.objects.create(contract=project.contract, name=f"第{n}期", amount=Decimal(1000), order=n + 1)
    web = login(consultant)
    url = reverse("projects:money", args=[project.pk])
    web.get(url)
    with django_assert_max_num_queries(14):
        assert web.get(url).status_code == 200


def _lines(*rows):
    data = {"lines-TOTAL_FORMS": str(len(rows)), "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0"}
    for i, (kind, description, quantity, price) in enumerate(rows):
        data.update(
            {
                f"lines-{i}-kind": kind,
                f"lines-{i}-description": description,
                f"lines-{i}-unit": "m²",
                f"lines-{i}-quantity": quantity,
                f"lines-{i}-unit_price": price,
            }
        )
    return data


def test_a_draft_is_revised_before_the_client_signs_and_not_after(login, consultant, project):
    from projects.models import ProjectEvent

    web = login(consultant)
    head = {"title": "卫生间加做防水", "source": "site_finding", "finding": "墙面渗水"}
    web.post(
        reverse("projects:change_order_add", args=[project.pk]), {**head, **_lines(("addition", "防水", "18", "85"))}
    )
    order = ChangeOrder.objects.get()
    edit = reverse("projects:change_order_edit", args=[project.pk, order.pk])
    form = web.get(edit).content.decode()
    assert 'value="防水"' in form and 'name="version" value="1"' in form
    revised = {**head, "title": "卫生间防水至顶", "version": "1", **_lines(("addition", "防水至顶", "20", "85"))}
    assert web.post(edit, revised).status_code == 302
    order.refresh_from_db()
    assert (order.title, order.total, order.version) == ("卫生间防水至顶", Decimal("1700.00"), 2)
    assert list(order.lines.values_list("description", flat=True)) == ["防水至顶"]
    event = ProjectEvent.objects.filter(project=project).order_by("-pk").first()
    assert "1530.00" in event.display_text and "1700.00" in event.display_text
    # A second tab still holding version 1: refused, the form kept, nothing overwritten.
    stale = web.post(edit, {**revised, "title": "旧标签页", **_lines(("addition", "x", "1", "1"))})
    assert stale.status_code == 200 and "旧标签页" in stale.content.decode()
    order.refresh_from_db()
    assert order.title == "卫生间防水至顶" and order.total == Decimal("1700.00")
    scan = SimpleUploadedFile("签字.pdf", PDF, content_type="application/pdf")
    detail = reverse("projects:change_order_detail", args=[project.pk, order.pk])
    web.post(detail, {"client_signed_on": "2026-01-05", "client_signed_by": "业主", "scan": scan})
    assert web.get(edit).status_code == 302  # signed: the paper is what it is
    assert web.post(edit, {**revised, "version": "3"}).status_code == 302
    order.refresh_from_db()
    assert order.total == Decimal("1700.00")
