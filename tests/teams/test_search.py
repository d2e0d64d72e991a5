"""The search box (teams:search): every key kind, and each app's scoping."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.search import search_keys
from reception.selectors import client_lookup
from teams.search import SearchTerms
from tests.clients.factories import ClientFactory, ContractFactory
from tests.complaints.factories import ComplaintFactory
from tests.projects.factories import ProjectFactory
from tests.reception.factories import CallFactory

pytestmark = pytest.mark.django_db


def hits(login, user, query):
    response = login(user).get(reverse("teams:search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def zhang(team, consultant):
    return ClientFactory(name="张伟明", phone="13812345678", phone2="021-62345678", team=team, consultant=consultant)


def test_search_keys_store_pinyin_initials_and_both_phones():
    keys = search_keys(name="张伟", phone="13812345678", phone2="021-62345678")
    assert keys == {"name_pinyin": "zhangwei", "name_initials": "zw", "phone_digits": "13812345678 02162345678"}


def test_terms_normalise_plus_86_spaces_and_dashes():
    assert SearchTerms.parse("+86 138-1234 5678").digits == "13812345678"
    assert SearchTerms.parse("0086 (138) 1234").digits == "1381234"
    assert SearchTerms.parse("#123").number == 123
    assert SearchTerms.parse("ZW").letters == "zw"


def test_the_client_is_stored_with_search_keys_by_the_service(consultant, team):
    from clients.services import client_create

    client = client_create(created_by=consultant, data={"name": "李娜", "phone": "13900001111", "team": team})
    client.refresh_from_db()
    assert (client.name_pinyin, client.name_initials, client.phone_digits) == ("lina", "ln", "13900001111")


@pytest.mark.parametrize("query", ["张伟", "zhangwei", "zw", "ZHANGWEIMING", "5678", "+86 138 1234 5678", "6234-5678"])
def test_consultant_finds_own_client_by_name_pinyin_initials_and_either_phone(login, consultant, zhang, query):
    html = hits(login, consultant, query)
    assert "张伟明" in html and reverse("clients:detail", args=[zhang.pk]) in html


def test_three_digits_do_not_search_phones(login, consultant, zhang):
    assert "张伟明" not in hits(login, consultant, "567")


def test_other_teams_client_is_not_found_by_a_consultant(login, outsider, zhang):
    html = hits(login, outsider, "zhangwei")
    assert "张伟明" not in html and 'data-testid="search-nothing"' in html
    assert "张伟明" not in hits(login, outsider, "13812345678")


def test_front_desk_finds_any_client_masked_and_opens_a_call_log(login, front_desk, zhang):
    html = hits(login, front_desk, "12345678")
    assert "张伟明" in html and "138****5678" in html and "13812345678" not in html
    assert reverse("clients:detail", args=[zhang.pk]) not in html
    assert reverse("reception:call_create") + f"?client={zhang.pk}" in html


def test_complaint_by_number_and_by_text(login, consultant, outsider, zhang):
    complaint = ComplaintFactory(client=zhang, description="客厅地板起拱")
    url = reverse("complaints:detail", args=[complaint.pk])
    assert url in hits(login, consultant, f"#{complaint.pk}")
    assert url in hits(login, consultant, "地板起拱")
    assert url not in hits(login, outsider, f"#{complaint.pk}")


def test_contract_by_number_and_project_by_address(login, consultant, outsider, zhang):
    contract = ContractFactory(client=zhang, number="HT-202611-0042", address="浦东新区锦绣路 88 弄")
    project = ProjectFactory(client=zhang, address="静安区愚园路 100 号")
    assert reverse("clients:contract_detail", args=[contract.pk]) in hits(login, consultant, "0042")
    assert reverse("clients:contract_detail", args=[contract.pk]) in hits(login, consultant, "锦绣路")
    assert reverse("projects:detail", args=[project.pk]) in hits(login, consultant, "愚园路")
    html = hits(login, outsider, "愚园路")
    assert reverse("projects:detail", args=[project.pk]) not in html


def test_call_by_summary_for_the_front_desk_only(login, front_desk, outsider):
    call = CallFactory(summary="询问水电验收时间")
    assert reverse("reception:call_detail", args=[call.pk]) in hits(login, front_desk, "水电验收")
    assert reverse("reception:call_detail", args=[call.pk]) not in hits(login, outsider, "水电验收")


def test_the_call_form_lookup_uses_the_same_search(front_desk, zhang):
    assert [r["pk"] for r in client_lookup(user=front_desk, query="zw")] == [zhang.pk]
    assert [r["pk"] for r in client_lookup(user=front_desk, query="+86 021 6234 5678")] == [zhang.pk]


def test_search_runs_a_fixed_number_of_queries(login, gm, team, consultant):
    for n in range(12):
        client = ClientFactory(name=f"王{n}", team=team)
        ComplaintFactory(client=client, description="王先生投诉")
        ProjectFactory(client=client, address="王家沙")
    client = login(gm)
    client.get(reverse("teams:search"), {"q": "王"})  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("teams:search"), {"q": "王"})
    for n in range(12, 30):
        ClientFactory(name=f"王{n}", team=team)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("teams:search"), {"q": "王"})
    assert len(many) == len(few) <= 12


def test_search_box_is_in_every_page_navigation(login, designer):
    assert 'data-testid="nav-search"' in login(designer).get(reverse("teams:home")).content.decode()


def test_htmx_gets_the_results_alone(login, consultant, zhang):
    response = login(consultant).get(reverse("teams:search"), {"q": "zw"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "张伟明" in html and "<html" not in html
