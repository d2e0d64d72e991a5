"""The dashboard read first: KPI tiles, changes in percentage points, teams in natural order,
thousands separators, and lead conversion as a matured cohort (signed within N days)."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from clients.models import Client, Contract
from performance.metrics import METRICS, Period, Scope
from performance.rollups import rollups_recount
from performance.templatetags.performance_tags import format_change, format_value
from tests.clients.factories import ClientFactory, ContractFactory, FollowUpVisitFactory
from tests.teams.factories import TeamFactory

from .conftest import at

pytestmark = pytest.mark.django_db

JUL = Period(dt.date(2026, 7, 1), dt.date(2026, 8, 1))


def tile(html, key):
    """The text of a tile's value and its change line."""
    value = re.search(rf'data-testid="tile-value-{key}"[^>]*>\s*([^<]+)<', html)
    change = re.search(rf'<div class="small ([^"]*)" data-testid="tile-change-{key}">([^<]+)<', html)
    return value.group(1).strip(), change.group(1), change.group(2).strip()


def test_tiles_show_value_change_arrow_and_sparkline(frozen, login, gm, team, consultant):
    for day in (3, 9):
        ClientFactory(team=team, created_at=at(2026, 10, day))
    for day in (2, 4, 6, 8, 10):
        ClientFactory(team=team, created_at=at(2026, 11, day))
    html = login(gm).get(reverse("performance:dashboard"), {"month": "2026-11"}).content.decode()
    value, css, change = tile(html, "leads_new")
    assert (value, css, change) == ("5", "text-success", "↑ 3")
    # Fewer complaints would be good; none in either month is no change.
    assert tile(html, "complaints_registered")[1:] == ("text-muted", "→ 0")
    # The tiles come before the first table, and each carries its sparkline data.
    assert html.index('data-testid="kpi-tiles"') < html.index('data-testid="section-business"')
    assert '<script id="spark-leads_new" type="application/json">' in html
    assert 'data-chart="spark-leads_new"' in html


def test_a_rates_change_reads_in_percentage_points(frozen, login, gm, team, consultant):
    # October: one visit of two on time (50%); November: the one due so far on time (100%).
    FollowUpVisitFactory(client__team=team, owner=consultant, due_date=dt.date(2026, 10, 10), done_at=at(2026, 10, 9))
    FollowUpVisitFactory(client__team=team, owner=consultant, due_date=dt.date(2026, 10, 12), done_at=None)
    FollowUpVisitFactory(client__team=team, owner=consultant, due_date=dt.date(2026, 11, 3), done_at=at(2026, 11, 3))
    html = login(gm).get(reverse("performance:dashboard"), {"month": "2026-11"}).content.decode()
    assert tile(html, "followups_on_time") == ("100.0%", "text-success", "↑ 50.0 个百分点")
    # The table's change column says the same.
    assert re.search(r'fig-followups_on_time">100.0%</a></td>\s*<td[^>]*>.*?</td>\s*<td[^>]*>↑ 50.0 个百分点<', html)


def test_rate_change_in_english_says_pp():
    with translation.override("en"):
        assert format_change(Decimal("-2.5"), "pct") == "↓ 2.5 pp"
        assert format_change(Decimal("1500"), "yuan") == "↑ ¥1,500"
    with translation.override("zh-hans"):
        assert format_change(Decimal("-2.5"), "pct") == "↓ 2.5 个百分点"


def test_teams_in_natural_order_on_the_dashboard(frozen, login, gm):
    for name in ("三组", "一组", "十组", "二组"):
        TeamFactory(name=name)
    html = login(gm).get(reverse("performance:dashboard"), {"month": "2026-11"}).content.decode()
    table = html[html.index('data-testid="by-team"') :]
    headers = re.findall(r'<th class="text-end"><a href="\?month=2026-11&team=\d+">([^<]+)</a>', table)
    assert headers == ["一组", "二组", "三组", "十组"]
    picker = html[html.index('<option value="">') : html.index("</select>", html.index('<option value="">'))]
    assert re.findall(r">([一二三十]组)<", picker) == ["一组", "二组", "三组", "十组"]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_amounts_and_counts_have_thousands_separators(frozen, login, gm, team, consultant, language):
    ContractFactory(
        client__team=team,
        signed_by=consultant,
        signed_date=dt.date(2026, 11, 2),
        design_fee=Decimal("34567"),
        construction_amount=Decimal("1200000"),
    )
    web = login(gm)
    web.cookies["django_language"] = language
    html = web.get(reverse("performance:dashboard"), {"month": "2026-11"}, HTTP_ACCEPT_LANGUAGE=language)
    assert tile(html.content.decode(), "contract_value")[0] == "¥1,234,567"
    assert format_value(1234567, "count") == "1,234,567"


# --- lead conversion as a matured cohort ----------------------------------------------


def _pct(hits, total):
    return (Decimal(hits) * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else None


def _hand_count(period, days, team):
    """From the raw rows: leads of ``team`` created in ``period`` with a contract at most ``days``
    days after the lead's local day."""
    leads = [
        c
        for c in Client.objects.filter(team=team)
        if period.start <= timezone.localtime(c.created_at).date() < period.end
    ]
    contracts = list(Contract.objects.all())
    signed = [
        c
        for c in leads
        if any(
            k.client_id == c.pk and k.signed_date <= timezone.localtime(c.created_at).date() + dt.timedelta(days=days)
            for k in contracts
        )
    ]
    return _pct(len(signed), len(leads)), {c.pk for c in signed}


@pytest.fixture
def july_cohort(frozen, team, consultant):
    """Five July leads: two signed in time, one at exactly 90 days, one after 104 days, one never."""
    quick = ClientFactory(team=team, created_at=at(2026, 7, 10))
    ContractFactory(client=quick, signed_by=consultant, signed_date=dt.date(2026, 8, 20))
    twice = ClientFactory(team=team, created_at=at(2026, 7, 12))  # two contracts: still one lead
    ContractFactory(client=twice, signed_by=consultant, signed_date=dt.date(2026, 7, 20))
    ContractFactory(client=twice, signed_by=consultant, signed_date=dt.date(2026, 9, 1))
    late = ClientFactory(team=team, created_at=at(2026, 7, 20))
    ContractFactory(client=late, signed_by=consultant, signed_date=dt.date(2026, 11, 1))  # 104 days: not counted
    # 23:30 on 31 July in Shanghai (15:30 UTC): its day is 31 July, 90 days later is 29 October.
    edge = ClientFactory(team=team, created_at=at(2026, 7, 31, 23, 30))
    ContractFactory(client=edge, signed_by=consultant, signed_date=dt.date(2026, 10, 29))
    ClientFactory(team=team, created_at=at(2026, 7, 25))  # never signed
    ClientFactory(team=team, created_at=at(2026, 8, 1, 0, 10))  # August: another cohort
    return {"quick": quick, "twice": twice, "late": late, "edge": edge}


def test_cohort_matches_an_independent_count(july_cohort, team):
    metric = METRICS["lead_conversion"]
    scope = Scope(team_id=team.pk)
    want, signed = _hand_count(JUL, 90, team)
    assert want == Decimal("60.0")  # 3 of 5
    assert metric.value(JUL, scope) == want
    assert late_not_in(signed, july_cohort)
    rows = list(metric.queryset(JUL, scope))
    assert len(rows) == 5  # the drill-down: the five July leads, once each
    assert {r.pk for r in rows if r.metric_hit} == signed


def late_not_in(signed, cohort):
    return cohort["late"].pk not in signed and {cohort["quick"].pk, cohort["twice"].pk, cohort["edge"].pk} == signed


@override_settings(PERFORMANCE_LEAD_CONVERSION_DAYS=30)
def test_the_window_is_a_setting(july_cohort, team):
    # The rollups hold the cohort of the window they were counted with: a new window is recounted
    # (manage.py recount_rollups, as the README says).
    rollups_recount()
    want, signed = _hand_count(JUL, 30, team)
    assert signed == {july_cohort["twice"].pk}
    assert METRICS["lead_conversion"].value(JUL, Scope(team_id=team.pk)) == want == Decimal("20.0")
    with translation.override("zh-hans"):
        assert str(METRICS["lead_conversion"].label) == "30 天内签约率"
    with translation.override("en"):
        assert str(METRICS["lead_conversion"].label) == "Signed within 30 days"


def test_only_matured_months_are_shown(july_cohort, login, gm):
    metric = METRICS["lead_conversion"]
    today = dt.date(2026, 11, 15)
    assert metric.matured(JUL, today)  # 1 August + 90 days = 30 October
    assert not metric.matured(Period.month_of(dt.date(2026, 8, 1)), today)  # final on 30 November
    web = login(gm)
    july = web.get(reverse("performance:dashboard"), {"month": "2026-07"}).content.decode()
    assert "90 天内签约率" in july
    assert tile(july, "lead_conversion")[0] == "60.0%"
    october = web.get(reverse("performance:dashboard"), {"month": "2026-10"}).content.decode()
    assert tile(october, "lead_conversion")[0] == "未满期"
    assert tile(october, "lead_conversion")[2].startswith("—")
    # The trend has no point for a month not matured.
    series = web.get(reverse("performance:dashboard"), {"month": "2026-10"}).context["data"]["trend"]["series"]
    assert series["lead_conversion"][-4:] == ["60.0", None, None, None]  # July; August to October not matured


def test_drill_down_lists_the_cohort_and_marks_an_unmatured_month(july_cohort, login, gm, team):
    web = login(gm)
    url = reverse("performance:drill", args=["lead_conversion"])
    july = web.get(url, {"month": "2026-07", "team": team.pk})
    assert july.context["value"] == Decimal("60.0") and july.context["page"].paginator.count == 5
    assert 'data-testid="drill-not-matured"' not in july.content.decode()
    august = web.get(url, {"month": "2026-08", "team": team.pk}).content.decode()
    assert 'data-testid="drill-not-matured"' in august and "未满期" in august


def test_drill_down_shows_each_leads_first_signing_date(july_cohort, login, gm, team):
    july = login(gm).get(reverse("performance:drill", args=["lead_conversion"]), {"month": "2026-07", "team": team.pk})
    assert "签订日期" in july.context["headers"]
    column = july.context["headers"].index("签订日期")
    signed_on = {row["cells"][column] for row in july.context["rows"]}
    # "twice" signed on 20 July and 1 September: its first signing shows; the unsigned lead shows a dash.
    assert {"2026-07-20", "2026-08-20", "2026-11-01", "2026-10-29", "—"} == signed_on


def test_target_card_and_monthly_report_mark_a_cohort_not_matured(frozen, login, consultant, team):
    from io import BytesIO

    from openpyxl import load_workbook

    from performance.models import MonthlyReport
    from performance.rendering import report_context, report_xlsx
    from performance.selectors import report_data

    from .helpers import make_card

    october = dt.date(2026, 10, 1)  # today is in November: October's leads are within their 90 days
    card = make_card(consultant, month=october, items=[("签约率", "lead_conversion", "30", 100)])
    html = login(consultant).get(reverse("performance:card_detail", args=[card.pk])).content.decode()
    assert 'data-testid="not-matured"' in html and "未满期" in html
    july = make_card(consultant, month=dt.date(2026, 7, 1), items=[("签约率", "lead_conversion", "30", 100)])
    assert (
        'data-testid="not-matured"'
        not in login(consultant).get(reverse("performance:card_detail", args=[july.pk])).content.decode()
    )

    data = report_data(team=team, period=Period.month_of(october))
    assert "lead_conversion" in data["not_matured"] and "signings" not in data["not_matured"]
    report = MonthlyReport(team=team, month=october, data=data)
    rows = {r["key"]: r for section in report_context(report, data)["sections"] for r in section["rows"]}
    assert not rows["lead_conversion"]["matured"] and rows["signings"]["matured"]
    labels = [row[0] for row in load_workbook(BytesIO(report_xlsx(report))).worksheets[0].iter_rows(values_only=True)]
    assert "90 天内签约率 (未满期)" in labels and "签约合同数" in labels


def test_a_view_of_the_cached_page_builds_no_chart(frozen, login, gm, team, consultant):
    """The charts, tiles and the table by team live in the page's cached fragment: built when it is rendered,
    not again while it is served from the cache (performance/views/dashboards.py Figures)."""
    ClientFactory(team=team, created_at=at(2026, 11, 2))
    client = login(gm)
    first = client.get(reverse("performance:dashboard"), {"month": "2026-11"})
    again = client.get(reverse("performance:dashboard"), {"month": "2026-11"})
    assert {"tiles", "trend", "categories"} <= set(vars(first.context["figures"]))
    assert not {"tiles", "trend", "categories", "teams_chart", "teams_table"} & set(vars(again.context["figures"]))
    # The page served from the cache is the page: tiles and charts included.
    html = again.content.decode()
    assert 'id="trend-chart"' in html and 'id="spark-leads_new"' in html
    assert 'data-testid="tile-value-leads_new"' in html
