import datetime as dt
import re

import pytest
from django.urls import reverse

from performance import services
from performance.models import Highlight, MonthlyReport, TargetCard, TeamTarget
from tests.complaints.factories import ComplaintFactory
from tests.sheets import open_table

from .conftest import at
from .helpers import make_card

pytestmark = pytest.mark.django_db


def test_pages_need_login(client):
    response = client.get(reverse("performance:dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "url_name", "status"),
    [
        ("gm", "performance:dashboard", 200),
        ("consultant", "performance:dashboard", 200),
        ("designer", "performance:dashboard", 200),
        ("front_desk", "performance:dashboard", 200),
        ("gm", "performance:report_list", 200),
        ("consultant", "performance:report_list", 200),
        ("designer", "performance:report_list", 403),
        ("pm", "performance:report_list", 403),
        ("front_desk", "performance:report_list", 403),
        ("consultant", "performance:team_targets", 200),
        ("designer", "performance:team_targets", 403),
        ("consultant", "performance:highlights", 200),
        ("assistant", "performance:highlights", 403),
        ("designer", "performance:card_list", 200),
        ("gm", "performance:report_preview", 200),
        ("consultant", "performance:report_preview", 200),
    ],
)
def test_permission_matrix(request, login, team, who, url_name, status):
    user = request.getfixturevalue(who)
    assert login(user).get(reverse(url_name)).status_code == status


def test_members_see_their_own_cards_consultant_the_team_gm_all(login, consultant, designer, pm, outsider, gm):
    mine, colleague, other = make_card(designer), make_card(pm), make_card(outsider)
    url = reverse("performance:card_detail", args=[colleague.pk])
    assert login(designer).get(url).status_code == 404
    assert login(designer).get(reverse("performance:card_detail", args=[mine.pk])).status_code == 200
    assert login(consultant).get(url).status_code == 200
    assert login(outsider).get(url).status_code == 404  # another team: 404, not 403
    assert login(gm).get(reverse("performance:card_detail", args=[other.pk])).status_code == 200
    listed = login(consultant).get(reverse("performance:card_list")).context["page"].object_list
    assert set(listed) == {mine, colleague}


def test_card_page_shows_progress_and_days_left_in_chinese(frozen, login, designer):
    card = make_card(designer)
    html = login(designer).get(reverse("performance:card_detail", args=[card.pk])).content.decode()
    assert "本月还剩 16 天" in html
    assert "签约单数" in html


def test_consultant_approves_a_card_by_post(frozen, login, consultant, designer, outsider):
    card = make_card(designer, month=dt.date(2026, 10, 1))  # a closed month: self-assessment is open
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(card=card, user=designer, version=card.version, text="总结", manual={})
    card.refresh_from_db()
    url = reverse("performance:card_review", args=[card.pk])
    assert login(consultant).get(url).status_code == 405
    data = {"version": card.version, "comment": "很好", "adjustment": "0", "reason": ""}
    assert login(outsider).post(url, data).status_code == 404
    response = login(consultant).post(url, data)
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.state == TargetCard.State.REVIEWED and card.consultant_comment == "很好"


def test_review_form_error_keeps_what_was_typed(frozen, login, consultant, designer):
    card = make_card(designer, month=dt.date(2026, 10, 1))  # a closed month: self-assessment is open
    services.card_confirm(card=card, user=designer, version=card.version)
    services.card_self_assess(card=card, user=designer, version=card.version, text="总结", manual={})
    card.refresh_from_db()
    response = login(consultant).post(
        reverse("performance:card_review", args=[card.pk]),
        {"version": card.version, "comment": "我写的评语", "adjustment": "5", "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "我写的评语" in html and "请说明调整分数的理由" in html
    assert TargetCard.objects.get(pk=card.pk).state == TargetCard.State.SELF_ASSESSED


def test_stale_card_edit_gets_a_clear_message(frozen, login, consultant, designer):
    card = make_card(designer)
    response = login(designer).post(reverse("performance:card_confirm", args=[card.pk]), {"version": card.version + 5})
    assert response.status_code == 409
    assert "其他人修改" in response.content.decode()


def test_member_cannot_see_another_members_figures(login, designer, pm, consultant, outsider):
    assert login(designer).get(reverse("performance:dashboard"), {"person": pm.pk}).status_code == 404
    assert login(consultant).get(reverse("performance:dashboard"), {"person": pm.pk}).status_code == 200
    assert login(outsider).get(reverse("performance:dashboard"), {"team": consultant.team_id}).status_code == 404
    assert (
        login(outsider).get(reverse("performance:drill", args=["leads_new"]), {"team": consultant.team_id}).status_code
        == 404
    )


def test_drill_down_lists_the_counted_records(frozen, login, gm, team, other_team):
    late = ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 11, 5))
    ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 11, 15, 8))
    ComplaintFactory(team=other_team, client__team=other_team, registered_at=at(2026, 11, 5))
    response = login(gm).get(
        reverse("performance:drill", args=["complaints_overdue"]), {"team": team.pk, "month": "2026-11"}
    )
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].object_list] == [late.pk]
    assert response.context["page"].paginator.count == 1 == response.context["value"]


def test_dashboard_numbers_link_to_their_drill_down(frozen, login, gm, team):
    ComplaintFactory(team=team, client__team=team, registered_at=at(2026, 11, 5))
    html = login(gm).get(reverse("performance:dashboard"), {"month": "2026-11"}).content.decode()
    link = re.search(
        r'href="([^"]*/figures/complaints_overdue/[^"]*)" data-testid="fig-complaints_overdue">(\d+)<', html
    )
    assert link and link.group(2) == "1"
    assert "数据截至" in html


def test_dashboard_query_count_is_fixed(frozen, login, gm, team, django_assert_max_num_queries):
    ComplaintFactory.create_batch(20, team=team, client__team=team, registered_at=at(2026, 11, 5))
    client = login(gm)
    # 17: the figures in at most 10 (tests/performance/test_rollups.py), the team picker, the shell's four
    # and the session's first save after the login (three).
    with django_assert_max_num_queries(17):
        assert client.get(reverse("performance:dashboard")).status_code == 200


def test_designer_does_not_see_contract_value(login, designer):
    html = login(designer).get(reverse("performance:dashboard")).content.decode()
    assert "fig-contract_value" not in html
    assert login(designer).get(reverse("performance:drill", args=["contract_value"])).status_code == 404


def test_gm_sets_team_targets_consultant_reads_them(login, gm, consultant, team):
    url = reverse("performance:team_targets")
    data = {
        "team": team.pk,
        "month": "2026-11",
        "signings": 8,
        "contract_value": "1500000",
        "complaint_closure": "90",
        "satisfaction": "4.5",
        "version": "",
    }
    assert login(consultant).post(url, data).status_code == 403
    assert login(gm).post(url, data).status_code == 302
    target = TeamTarget.objects.get(team=team, month=dt.date(2026, 11, 1))
    assert target.signings == 8 and target.set_by == gm
    assert "1500000" in login(consultant).get(url, {"month": "2026-11"}).content.decode().replace(",", "")


def test_consultant_gives_a_highlight_to_their_team(login, consultant, designer, outsider):
    response = login(consultant).post(
        reverse("performance:highlights"), {"member": designer.pk, "title": "客户送来锦旗", "story": "感谢设计"}
    )
    assert response.status_code == 302
    highlight = Highlight.objects.get()
    assert highlight.team == consultant.team and highlight.given_by == consultant
    # A member of another team cannot be chosen.
    response = login(consultant).post(
        reverse("performance:highlights"), {"member": outsider.pk, "title": "x", "story": "y"}
    )
    assert response.status_code == 400


def test_report_pages_scoped_and_approved_by_gm_only(
    login, consultant, outsider, gm, team, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    report = services.report_generate(team=team, month=dt.date(2026, 10, 1))
    detail = reverse("performance:report_detail", args=[report.pk])
    assert login(consultant).get(detail).status_code == 200
    assert login(outsider).get(detail).status_code == 404
    approve = reverse("performance:report_approve", args=[report.pk])
    assert login(consultant).post(approve, {"version": report.version}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert login(gm).post(approve, {"version": report.version}).status_code == 302
    report.refresh_from_db()
    assert report.state == MonthlyReport.State.SENT and report.approved_by == gm


def test_home_panels(frozen, login, designer, consultant, gm):
    make_card(designer)
    html = login(designer).get(reverse("teams:home")).content.decode()
    assert 'data-testid="panel-my_target_card"' in html and "还剩 16 天" in html
    assert 'data-testid="panel-performance_consultant"' in login(consultant).get(reverse("teams:home")).content.decode()
    assert 'data-testid="panel-performance_gm"' in login(gm).get(reverse("teams:home")).content.decode()


def test_board_highlights_panel_context(rf, team, consultant):
    from performance.panels import board_highlights

    Highlight.objects.create(team=team, title="雨夜抢修", story="两小时止漏", given_by=consultant)
    assert [h.title for h in board_highlights(rf.get("/"), team=team)["highlights"]] == ["雨夜抢修"]


def test_no_ranking_of_individuals_on_the_dashboard(frozen, login, gm, consultant, designer):
    make_card(designer)
    html = login(gm).get(reverse("performance:dashboard")).content.decode()
    assert designer.full_name not in html


def test_card_export_holds_only_visible_cards(login, consultant, designer, outsider):

    make_card(designer)
    make_card(outsider)
    response = login(consultant).get(reverse("performance:card_list"), {"format": "xlsx"})
    assert [row[1] for row in open_table(response.content)[1:]] == [designer.full_name]


def test_drill_down_says_how_many_records_are_hidden_by_confidentiality(frozen, login, designer, team):
    from tests.clients.factories import ClientFactory

    ClientFactory.create_batch(2, team=team, created_at=at(2026, 11, 3))
    response = login(designer).get(reverse("performance:drill", args=["leads_new"]), {"month": "2026-11"})
    assert response.status_code == 200
    assert response.context["value"] == 2 and response.context["page"].paginator.count == 0
    assert response.context["hidden"] == 2


@pytest.mark.parametrize(
    "url_name",
    ["performance:dashboard", "performance:report_preview", "performance:highlights", "performance:card_list"],
)
def test_malformed_ids_answer_404_not_500(login, gm, url_name):
    param = "member" if url_name == "performance:card_list" else "team"
    assert login(gm).get(reverse(url_name), {param: "abc"}).status_code == 404
