"""Dashboard periods: month, quarter, year and a custom range, each compared with the previous
period of the same length. Figures are reconciled with counts written here from the raw rows."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting, MeetingAttendance
from performance import selectors
from performance.metrics import MAX_RANGE_DAYS, METRICS, Period, PeriodError, Scope
from tests.clients.factories import ClientFactory, ContractFactory
from tests.complaints.factories import ComplaintFactory

from .conftest import at
from .test_metrics import company, expected, team_of

pytestmark = pytest.mark.django_db

# A "now" after the end of 2026: the fourth quarter and the year 2026 are closed.
LATER = at(2027, 2, 15, 10)
Q4 = (at(2026, 10, 1, 0, 0), at(2027, 1, 1, 0, 0))
Q3 = (at(2026, 7, 1, 0, 0), at(2026, 10, 1, 0, 0))
Y2026 = (at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0))
Y2025 = (at(2025, 1, 1, 0, 0), at(2026, 1, 1, 0, 0))
# One minute either side of each boundary of the quarter and the year (Asia/Shanghai).
EDGES = [
    at(2025, 12, 31, 23, 59),
    at(2026, 1, 1, 0, 0),
    at(2026, 6, 30, 23, 59),
    at(2026, 7, 1, 0, 1),
    at(2026, 12, 31, 23, 59),
    at(2027, 1, 1, 0, 0),
    at(2027, 1, 1, 0, 1),
]


def serial(value):
    return str(value) if isinstance(value, Decimal) else value


@pytest.fixture
def edged(seeded, frozen, team, consultant):
    """The seeded October data plus leads, signings and complaints at the quarter and year edges; then
    the clock moves to February 2027 so the periods are over."""
    for moment in EDGES:
        client = ClientFactory(team=team, consultant=consultant, created_at=moment)
        ContractFactory(client=client, signed_by=consultant, signed_date=moment.date())
        ComplaintFactory(client=client, team=team, handler=consultant, registered_at=moment)
    frozen.move_to(LATER)
    return seeded


def columns(data):
    rows = [row for section in data["sections"] for row in section["rows"]]
    return {r["key"]: r["current"] for r in rows}, {r["key"]: r["previous"] for r in rows}


def with_meetings(want, check, window):
    """``expected`` plus the meetings held, counted by hand (team-life figures)."""
    held = [
        m
        for m in Meeting.objects.all()
        if m.held and check("meeting", m) and window[0].date() <= m.date < window[1].date()
    ]
    rows = [a for a in MeetingAttendance.objects.select_related("meeting") if a.meeting in held]
    present = sum(a.status in ("present", "late") for a in rows)
    share = (Decimal(present) * 100 / len(rows)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if rows else None
    return {**want, "meetings_held": len(held), "meeting_attendance": share}


# --- the period itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "kind", "start", "end", "previous"),
    [
        ({}, "month", dt.date(2026, 11, 1), dt.date(2026, 12, 1), (dt.date(2026, 10, 1), dt.date(2026, 11, 1))),
        ({"month": "2026-01"}, "month", dt.date(2026, 1, 1), dt.date(2026, 2, 1), (dt.date(2025, 12, 1), None)),
        ({"quarter": "2026-Q1"}, "quarter", dt.date(2026, 1, 1), dt.date(2026, 4, 1), (dt.date(2025, 10, 1), None)),
        ({"quarter": "2026-q4"}, "quarter", dt.date(2026, 10, 1), dt.date(2027, 1, 1), (dt.date(2026, 7, 1), None)),
        ({"year": "2026"}, "year", dt.date(2026, 1, 1), dt.date(2027, 1, 1), (dt.date(2025, 1, 1), None)),
        (
            {"from": "2026-10-10", "to": "2026-10-20"},
            "range",
            dt.date(2026, 10, 10),
            dt.date(2026, 10, 21),
            (dt.date(2026, 9, 29), dt.date(2026, 10, 10)),
        ),
    ],
)
def test_url_parameters_select_the_period_and_its_previous_of_the_same_length(params, kind, start, end, previous):
    period = Period.from_params(params, dt.date(2026, 11, 15))
    assert (period.kind, period.start, period.end) == (kind, start, end)
    before = period.previous()
    assert before.kind == kind and before.start == previous[0]
    assert before.end == period.start  # just before, no gap, no overlap
    if kind == "range":
        assert before.end - before.start == end - start
    # The parameters round-trip: a link built from the period selects the same period.
    assert Period.from_params(period.params, dt.date(2000, 1, 1)) == period


def test_previous_quarter_and_range_keep_their_length():
    q1 = Period.quarter_of(dt.date(2026, 2, 10))
    assert q1.previous().key == "2025-Q4" and q1.previous().previous().key == "2025-Q3"
    span = Period.between(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert span.previous() == Period.between(dt.date(2026, 1, 29), dt.date(2026, 2, 28))


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"month": "abc"},
        {"month": "0001-01"},
        {"quarter": "2026-Q5"},
        {"quarter": "Q4"},
        {"year": "1"},
        {"year": "9999"},
        {"year": "二〇二六"},
        {"from": "2026-01-01"},
        {"to": "2026-01-01"},
        {"from": "2026-02-30", "to": "2026-03-01"},
        {"from": "2026-03-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "0001-01-01", "to": "0001-01-02"},
    ],
)
def test_unreadable_parameters_raise_a_period_error(params):
    with pytest.raises(PeriodError):
        Period.from_params(params, dt.date(2026, 11, 15))


def test_a_range_of_three_years_is_accepted_one_day_more_is_not():
    first = dt.date(2024, 1, 1)
    last = first + dt.timedelta(days=MAX_RANGE_DAYS - 1)
    assert Period.from_params({"from": str(first), "to": str(last)}, first).end == last + dt.timedelta(days=1)
    with pytest.raises(PeriodError):
        Period.from_params({"from": str(first), "to": str(last + dt.timedelta(days=1))}, first)


# --- reconciliation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "window", "previous_window"),
    [({"quarter": "2026-Q4"}, Q4, Q3), ({"year": "2026"}, Y2026, Y2025)],
)
def test_quarter_and_year_figures_equal_hand_counts_with_their_previous_period(
    edged, team, params, window, previous_window
):
    period = Period.from_params(params, LATER.date())
    for scope, check in [(Scope(), company), (Scope(team_id=team.pk), team_of(team))]:
        current, previous = columns(selectors.dashboard_data(period=period, scope=scope, money=True))
        want = with_meetings(expected(check, window), check, window)
        want_before = with_meetings(expected(check, previous_window), check, previous_window)
        for key, value in current.items():
            assert value == serial(want[key]), (scope, key)
            assert previous[key] == serial(want_before[key]), (scope, key)
    # The edges landed where they belong, and the figures are not empty.
    created = {c.created_at for c in METRICS["leads_new"].queryset(period, Scope())}
    inside = {m for m in EDGES if window[0] <= m < window[1]}
    assert inside and inside <= created
    assert not (set(EDGES) - inside) & created
    assert current["leads_new"] > 0 and current["complaints_registered"] > 0


def test_range_is_compared_with_the_same_length_just_before(edged):
    period = Period.from_params({"from": "2026-10-10", "to": "2026-10-20"}, LATER.date())
    current, previous = columns(selectors.dashboard_data(period=period, scope=Scope(), money=True))
    window, before = (at(2026, 10, 10, 0, 0), at(2026, 10, 21, 0, 0)), (at(2026, 9, 29, 0, 0), at(2026, 10, 10, 0, 0))
    want = with_meetings(expected(company, window), company, window)
    want_before = with_meetings(expected(company, before), company, before)
    assert current == {k: serial(want[k]) for k in current}
    assert previous == {k: serial(want_before[k]) for k in previous}


def test_year_trend_shows_its_twelve_months_each_equal_to_a_hand_count(edged):
    data = selectors.dashboard_data(period=Period.year_of(dt.date(2026, 5, 1)), scope=Scope(), money=True)
    assert data["trend"]["months"] == [f"2026-{m:02d}" for m in range(1, 13)]
    for i, month in enumerate(range(1, 13)):
        window = (at(2026, month, 1, 0, 0), at(2026 + month // 12, month % 12 + 1, 1, 0, 0))
        want = expected(company, window)
        assert data["trend"]["series"]["leads_new"][i] == want["leads_new"], month
        assert data["trend"]["series"]["complaints_registered"][i] == want["complaints_registered"], month


def test_running_year_has_no_trend_points_for_months_not_begun(seeded):
    data = selectors.dashboard_data(period=Period.year_of(dt.date(2026, 11, 15)), scope=Scope(), money=True)
    assert data["trend"]["series"]["leads_new"][11] is None  # December 2026 has not begun
    assert data["trend"]["series"]["leads_new"][9] == METRICS["leads_new"].value(Period.month_of(dt.date(2026, 10, 1)))


def test_quarter_trend_is_monthly_and_ends_with_the_quarter(edged):
    data = selectors.dashboard_data(period=Period.quarter_of(dt.date(2026, 10, 1)), scope=Scope(), money=True)
    assert data["trend"]["months"] == ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11", "2026-12"]


# --- queries and cache ------------------------------------------------------------------


def _queries(fn):
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_year_view_query_count_does_not_grow_with_data_nor_exceed_the_month_view(frozen, login, gm, team):
    client = login(gm)
    url = reverse("performance:dashboard")

    def year():
        assert client.get(url, {"year": "2026"}).status_code == 200

    def month():
        assert client.get(url, {"month": "2026-10"}).status_code == 200

    year()  # the first request of a session does one-off work
    before = _queries(year)
    for month_no in range(1, 12):
        ClientFactory.create_batch(3, team=team, created_at=at(2026, month_no, 10))
        ComplaintFactory.create_batch(2, team=team, client__team=team, registered_at=at(2026, month_no, 12))
    assert _queries(year) == before
    assert before <= _queries(month)


def test_year_view_is_cached(seeded, django_assert_num_queries):
    period = Period.year_of(dt.date(2026, 1, 1))
    first = selectors.dashboard_data(period=period, scope=Scope(), money=True)
    with django_assert_num_queries(0):
        again = selectors.dashboard_data(period=period, scope=Scope(), money=True)
    assert again == first
    # Another kind of period with the same start is another entry.
    month = selectors.dashboard_data(period=Period.month_of(dt.date(2026, 1, 1)), scope=Scope(), money=True)
    assert month["kind"] == "month" and first["kind"] == "year"


# --- pages ------------------------------------------------------------------------------


def _drill_links(html):
    return re.findall(r'href="(/performance/figures/[^"]*)"', html.replace("&amp;", "&"))


@pytest.mark.parametrize(
    ("params", "current", "previous"),
    [
        ({"quarter": "2026-Q4"}, "quarter=2026-Q4", "quarter=2026-Q3"),
        ({"year": "2026"}, "year=2026", "year=2025"),
        ({"from": "2026-10-10", "to": "2026-10-20"}, "from=2026-10-10&to=2026-10-20", "from=2026-09-29&to=2026-10-09"),
    ],
)
def test_drill_down_links_carry_the_period(edged, login, gm, params, current, previous):
    html = login(gm).get(reverse("performance:dashboard"), params).content.decode()
    links = _drill_links(html)
    assert links and all(current in link or previous in link for link in links)
    assert not any("month=" in link for link in links)
    assert any(previous in link for link in links)
    # Following a figure lists exactly the records it counts.
    figure = re.search(
        r'href="([^"]*/figures/complaints_registered/[^"]*)" data-testid="fig-complaints_registered">(\d+)<', html
    )
    response = login(gm).get(figure.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response.context["period"] == Period.from_params(params, LATER.date())
    assert response.context["page"].paginator.count == int(figure.group(2)) == response.context["value"]


def test_team_and_personal_dashboards_take_the_same_period(edged, login, consultant, designer, team):
    response = login(consultant).get(reverse("performance:dashboard"), {"quarter": "2026-Q4"})
    assert response.status_code == 200
    assert response.context["scope"] == Scope(team_id=team.pk)
    assert response.context["period"].key == "2026-Q4"
    html = login(consultant).get(reverse("performance:dashboard"), {"year": "2026", "person": designer.pk}).content
    links = _drill_links(html.decode())
    assert links and all("year=202" in link and f"person={designer.pk}" in link for link in links)
    assert "2026年" in html.decode()


def test_outsider_gets_404_for_another_teams_quarter(edged, login, outsider, team):
    response = login(outsider).get(reverse("performance:dashboard"), {"quarter": "2026-Q4", "team": team.pk})
    assert response.status_code == 404
    drill = reverse("performance:drill", args=["leads_new"])
    assert login(outsider).get(drill, {"year": "2026", "team": team.pk}).status_code == 404


def test_picker_offers_every_kind_and_keeps_the_scope(frozen, login, gm, team):
    html = login(gm).get(reverse("performance:dashboard"), {"quarter": "2026-Q3", "team": team.pk}).content.decode()
    html = html.replace("&amp;", "&")
    for kind, query in [("month", "month=2026-11"), ("quarter", "quarter=2026-Q4"), ("year", "year=2026")]:
        assert re.search(rf'href="\?{query}&team={team.pk}" data-testid="kind-{kind}"', html), kind
    assert f'href="?from=2026-11-01&to=2026-11-30&team={team.pk}" data-testid="kind-range"' in html
    assert 'name="quarter"' in html and "2026年第3季度" in html
    assert "团队目标按月设定" in html  # team targets are monthly: said, not silently dropped


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"quarter": "2026-Q5"},
        {"year": "1"},
        {"from": "2026-03-01", "to": "2026-01-01"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "2026-01-01"},
        {"month": "0001-01"},
    ],
)
def test_bad_period_falls_back_to_this_month_with_a_clear_message(frozen, login, gm, params):
    for url in (reverse("performance:dashboard"), reverse("performance:drill", args=["leads_new"])):
        response = login(gm).get(url, params)
        assert response.status_code == 200
        assert response.context["period"] == Period.month_of(dt.date(2026, 11, 15))
        assert "现显示本月数据" in response.content.decode()


def test_old_month_links_still_work(frozen, login, gm):
    response = login(gm).get(reverse("performance:dashboard"), {"month": "2026-10"})
    assert response.context["period"] == Period(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
    assert "period-error" not in response.content.decode()
