"""The one cell writer and the one export gate (teams/exports.py)."""

import ast
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clients.models import AccessLog
from teams.exports import EXPORTS, Figure, Sheet, write_workbook
from teams.roles import TEAM_ROLES, Role
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.reception.factories import CallFactory
from tests.sheets import open_table
from tests.teams.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = ["teams", "meetings", "clients", "projects", "complaints", "reception", "performance"]


def _workbook(sheets):
    buffer = io.BytesIO()
    count = write_workbook(buffer, sheets)
    return load_workbook(io.BytesIO(buffer.getvalue())), count


def test_formula_strings_are_text_and_numbers_dates_stay_typed():
    aware = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    rows = [
        ['=HYPERLINK("http://evil","点我")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "正常"],
        [Decimal("231600.50"), 7, 4.22, dt.date(2026, 11, 3), aware, Figure(Decimal("0.855"), "0.0%"), None],
        ["铃\x07声", True],
    ]
    workbook, count = _workbook([Sheet("=表", ["=A1", "数"], rows)])
    sheet = workbook.active
    assert count == 3
    assert sheet["A1"].value == "=A1" and sheet["A1"].data_type == "s"
    guarded = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    # (teams/xlsx.py writes a lone \r as a character reference: it is read back as typed.)
    assert [c.value for c in guarded] == [*rows[0][:6], "正常"]
    assert all(c.data_type == "s" for c in guarded)
    assert all(c.quotePrefix for c in guarded[:6]) and not guarded[6].quotePrefix
    amount, count_cell, avg, day, when, share, empty = list(sheet.iter_rows(min_row=3, max_row=3))[0]
    assert amount.data_type == "n" and amount.value == pytest.approx(231600.5)
    assert count_cell.value == 7 and avg.value == pytest.approx(4.22)
    assert day.is_date and day.value.date() == dt.date(2026, 11, 3)
    # Aware times are written as Shanghai wall-clock time.
    assert when.is_date and when.value == dt.datetime(2026, 11, 3, 10, 30)
    assert share.value == pytest.approx(0.855) and share.number_format == "0.0%"
    assert empty.value is None
    assert sheet["A4"].value == "铃声" and sheet["B4"].value is True


def test_sheets_people_can_read_bold_frozen_header_widths_and_date_formats():
    when = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    workbook, _count = _workbook([Sheet("投诉", ["编号", "日期", "时间"], [["TS-1", dt.date(2026, 11, 3), when]])])
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert all(sheet.column_dimensions[col].width >= 12 for col in "ABC")
    assert sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"


def test_no_module_but_teams_exports_writes_a_workbook():
    """Every workbook goes through the one cell writer (``write_workbook`` and its streaming writer
    ``teams/xlsx.py``): nobody else builds a workbook with openpyxl or with the writer."""
    writer = {ROOT / "teams" / "exports.py", ROOT / "teams" / "xlsx.py"}
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if path in writer:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                    names = {a.name for a in node.names}
                    if names - {"load_workbook"}:
                        offenders.append(f"{path.relative_to(ROOT)}: {sorted(names)}")
                if isinstance(node, ast.ImportFrom) and (
                    node.module == "teams.xlsx" or (node.module == "teams" and "xlsx" in {a.name for a in node.names})
                ):
                    offenders.append(f"{path.relative_to(ROOT)}: teams.xlsx")
    assert offenders == []


# --- The gate: every export kind × every role ---------------------------------------------

LEADERS = {Role.CONSULTANT, Role.DEPUTY_GM}
# kind → (URL name, query, roles that may export). The monthly report's files are
# tested with the report (tests/performance/test_reports.py).
EXPORT_TABLE = {
    "clients": ("clients:list", {"export": "xlsx"}, LEADERS),
    "client_import_template": ("clients:import", {"template": "1"}, {Role.CONSULTANT}),
    "complaints": ("complaints:list", {"export": "xlsx", "scope": "all"}, LEADERS),
    "calls": ("reception:call_list", {"export": "xlsx"}, LEADERS),
    "projects": ("projects:export", {}, LEADERS),
    "meetings": ("meetings:meeting_list", {"export": "xlsx"}, LEADERS),
    "trainings": ("meetings:training_list", {"export": "xlsx"}, LEADERS),
    "target_cards": ("performance:card_list", {"format": "xlsx"}, LEADERS),
    "receivables": ("performance:receivables_export", {}, LEADERS),
}


def test_every_export_kind_has_a_row_in_the_table():
    # client_data: the deputy GM's export of one client's records (tests/clients/test_privacy_requests.py).
    assert set(EXPORTS) == set(EXPORT_TABLE) | {"monthly_report", "client_data"}


@pytest.fixture
def data(team, consultant):
    client = ClientFactory(team=team)
    ComplaintFactory(client=client)
    CallFactory(forward_team=team)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(EXPORT_TABLE))
@pytest.mark.parametrize("role", sorted(Role))
def test_export_gate(kind, role, login, team, data):
    url_name, query, allowed = EXPORT_TABLE[kind]
    user = UserFactory(role=role, team=team if role in TEAM_ROLES else None)
    response = login(user).get(reverse(url_name), query)
    if role in allowed:
        assert response.status_code == 200
        rows = open_table(response.content)[1:]
        entry = AccessLog.objects.get(user=user, action=AccessLog.Action.EXPORT)
        assert entry.row_count == len(rows)
        assert str(EXPORTS[kind].label) in entry.detail
        if kind in ("clients", "complaints"):
            assert entry.row_count == 1
    else:
        assert response.status_code in (403, 404)
        assert not response.get("Content-Type", "").startswith("application/vnd.openxml")
        assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
        assert AccessLog.objects.filter(user=user, action=AccessLog.Action.REFUSED).count() == 1


@pytest.mark.django_db
def test_export_log_records_the_filters(login, consultant, data):
    login(consultant).get(reverse("complaints:list"), {"export": "xlsx", "state": "registered", "page": "2"})
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert "state=registered" in entry.detail and "page" not in entry.detail and "export" not in entry.detail


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", ["complaints:list", "reception:call_list"])
def test_export_button_only_for_who_may_export(login, front_desk, consultant, url_name):
    assert "export=xlsx" in login(consultant).get(reverse(url_name)).content.decode()
    assert "export=xlsx" not in login(front_desk).get(reverse(url_name)).content.decode()


def test_shanghai_is_the_time_zone(settings):
    # The aware-time assertion above is written for Asia/Shanghai.
    assert ZoneInfo(settings.TIME_ZONE) == ZoneInfo("Asia/Shanghai")
