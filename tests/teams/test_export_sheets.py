"""Every export as the reader opens it in Excel: bold frozen header, widths, typed cells,
the formula guard, and every row however long the list (teams/exports.py)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from teams import exports, tasks
from teams.exports import MONEY, MONEY_WHOLE, Figure, Sheet, write_workbook
from teams.models import Job
from teams.roles import Role
from tests.clients.factories import ClientFactory
from tests.complaints.factories import ComplaintFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, TrainingFactory
from tests.performance.helpers import make_card
from tests.projects.factories import ProjectFactory
from tests.reception.factories import CallFactory
from tests.teams.factories import UserFactory

EVIL = "=cmd|' /C calc'!A0"


def _clients(team, n, evil):
    for i in range(n):
        ClientFactory(team=team, name=evil if i == 0 else f"客户{i}")


def _complaints(team, n, evil):
    for i in range(n):
        ComplaintFactory(client=ClientFactory(team=team), description=evil if i == 0 else "墙砖空鼓")


def _calls(team, n, evil):
    for i in range(n):
        CallFactory(forward_team=team, summary=evil if i == 0 else "问工期")


def _projects(team, n, evil):
    for i in range(n):
        ProjectFactory(
            client=ClientFactory(team=team),
            name=evil if i == 0 else f"项目{i}",
            planned_start=dt.date(2026, 11, 2),
        )


def _meetings(team, n, evil):
    for i in range(n):
        meeting = MeetingFactory(team=team, date=dt.date(2026, 11, 2) - dt.timedelta(days=i), minutes=evil)
        AgendaItemFactory(meeting=meeting)


def _trainings(team, n, evil):
    for i in range(n):
        TrainingFactory(team=team, topic=evil if i == 0 else f"培训{i}", date=dt.date(2026, 11, 2))


def _cards(team, n, evil):
    for i in range(n):
        member = UserFactory(role=Role.DESIGNER, team=team, full_name=evil if i == 0 else f"设计师{i}")
        card = make_card(member)
        card.adjustment = Decimal("1.50")
        card.save(update_fields=["adjustment"])


def _receivables(team, n, evil):
    from clients.models import PaymentStage
    from tests.clients.factories import ContractFactory

    for i in range(n):
        contract = ContractFactory(client=ClientFactory(team=team, name=evil if i == 0 else f"客户{i}"))
        PaymentStage.objects.create(
            contract=contract,
            name="中期",
            amount=Decimal("120000"),
            triggered_on=dt.date(2026, 10, 1),
            due_date=dt.date(2026, 10, 8) + dt.timedelta(days=i),
        )


# kind → (URL name, query, maker, guarded column, {column: check}). Columns are letters.
def _is_number(cell):
    return cell.data_type == "n" and isinstance(cell.value, int | float)


def _is_date(cell):
    return cell.is_date and isinstance(cell.value, dt.datetime)


SHEETS = {
    "clients": ("clients:list", {"export": "xlsx"}, _clients, "A", {"I": _is_date}),
    "complaints": (
        "complaints:list",
        {"export": "xlsx", "scope": "all"},
        _complaints,
        "J",
        {"A": _is_number, "B": _is_date, "L": _is_date},
    ),
    "calls": ("reception:call_list", {"export": "xlsx"}, _calls, "F", {"A": _is_date}),
    "projects": ("projects:export", {}, _projects, "A", {"H": _is_date, "L": _is_number, "M": _is_number}),
    "meetings": (
        "meetings:meeting_list",
        {"export": "xlsx"},
        _meetings,
        "I",
        {"A": _is_date, "E": _is_number, "F": _is_number, "G": _is_number, "H": _is_number},
    ),
    "trainings": ("meetings:training_list", {"export": "xlsx"}, _trainings, "B", {"A": _is_date, "G": _is_number}),
    "target_cards": (
        "performance:card_list",
        {"format": "xlsx"},
        _cards,
        "B",
        {"A": lambda c: _is_date(c) and c.number_format == "yyyy-mm", "E": lambda c: c.value == 1.5},
    ),
    "receivables": (
        "performance:receivables_export",
        {},
        _receivables,
        "B",
        {"E": _is_date, "F": _is_number, "H": lambda c: _is_number(c) and "¥" in c.number_format, "I": _is_number},
    ),
}


def test_every_list_export_has_a_sheet_check():
    # client_data is a workbook of every record of one client (tests/clients/test_privacy_requests.py).
    assert set(SHEETS) == set(exports.EXPORTS) - {"client_import_template", "monthly_report", "client_data"}


def _open(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SHEETS))
def test_export_opens_as_a_readable_sheet(kind, login, team, consultant):
    url_name, query, make, guarded, checks = SHEETS[kind]
    make(team, 2, EVIL)
    sheet = _open(login(consultant).get(reverse(url_name), query))
    # The watermark is the sheet's first row (issue 19: visible in the grid, not only when printed).
    watermark = f"导出人：{consultant.full_name}（{consultant.username}）"
    assert sheet["A1"].value.startswith(watermark) and sheet["A1"].value.endswith("内部资料，请勿外传")
    header = sheet[2]
    assert sheet.freeze_panes == "A3"
    assert all(cell.font.bold for cell in header) and not any(cell.font.bold for cell in sheet[3])
    # Every column has a width chosen for it (openpyxl reads an unset one as 13).
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, len(header) + 1)]
    assert all(w and w >= 8 for w in widths) and widths != [13] * len(header)
    rows = list(sheet.iter_rows(min_row=3))
    assert len(rows) == 2
    evil = [row for row in rows if row[ord(guarded) - 65].value == EVIL]
    assert evil, f"{kind}: {EVIL!r} not in column {guarded}"
    cell = evil[0][ord(guarded) - 65]
    assert cell.data_type == "s" and cell.quotePrefix
    for column, check in checks.items():
        cell = sheet[f"{column}3"]
        assert check(cell), f"{kind} {column}3 = {cell.value!r} ({cell.data_type}, {cell.number_format})"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(SHEETS))
def test_job_export_longer_than_a_chunk_has_every_row(kind, login, team, consultant, settings, tmp_path):
    """Read 2 rows at a time, a 5-row list over the inline threshold goes to a job, which writes all 5
    (the old cut stopped at a fixed limit and said so in the first row)."""
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 2
    settings.EXPORT_CHUNK_ROWS = 2
    settings.EXPORT_APPROVAL_ROWS = 100
    url_name, query, make, guarded, _checks = SHEETS[kind]
    make(team, 5, EVIL)
    response = login(consultant).get(reverse(url_name), query)
    job = Job.objects.get(owner=consultant)
    assert response.status_code == 302 and response.url == reverse("teams:job_detail", args=[job.pk])
    assert tasks.run_job(job.pk) == "done"
    job.refresh_from_db()
    sheet = load_workbook(io.BytesIO(job.result.read())).active
    assert sheet.freeze_panes == "A3" and sheet["A1"].value.startswith("导出人：")  # the watermark row
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 5
    # Still the one cell writer: the formula-looking text is in the sheet, as text.
    assert EVIL in [row[ord(guarded) - 65] for row in rows]


@pytest.mark.django_db
def test_big_job_export_is_read_in_chunks_with_its_prefetch(
    login, team, consultant, settings, tmp_path, django_assert_max_num_queries
):
    """12 projects read 5 at a time: each chunk brings its designers and assistants in one query each,
    not one per row."""
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_INLINE_MAX_ROWS = 2
    settings.EXPORT_CHUNK_ROWS = 5
    settings.EXPORT_APPROVAL_ROWS = 100
    designer = UserFactory(role=Role.DESIGNER, team=team, full_name="设计甲")
    for i in range(12):
        ProjectFactory(client=ClientFactory(team=team), name=f"项目{i}").designers.add(designer)
    login(consultant).get(reverse("projects:export"))
    job = Job.objects.get(owner=consultant)
    with django_assert_max_num_queries(30):
        assert tasks.run_job(job.pk) == "done"
    job.refresh_from_db()
    rows = list(load_workbook(io.BytesIO(job.result.read())).active.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 12 and {row[4] for row in rows} == {"设计甲"}


@pytest.mark.django_db
def test_inline_export_has_no_notice(login, team, consultant):
    _clients(team, 2, "甲")
    sheet = _open(login(consultant).get(reverse("clients:list"), {"export": "xlsx"}))
    assert sheet.freeze_panes == "A3" and len(list(sheet.iter_rows(min_row=3))) == 2


@pytest.mark.django_db
def test_refused_role_loads_no_rows(login, team, designer, monkeypatch):
    """The gate comes before the rows: a refused export never reads the list."""
    _clients(team, 3, "甲")
    loaded = []
    monkeypatch.setattr(exports.ExportRows, "head", lambda self, n: loaded.append(n) or [])
    monkeypatch.setattr(exports.ExportRows, "__iter__", lambda self: loaded.append("all") or iter(()))
    assert login(designer).get(reverse("clients:list"), {"export": "xlsx"}).status_code == 403
    assert loaded == []


def test_money_and_whole_yuan_formats():
    buffer = io.BytesIO()
    write_workbook(
        buffer, [Sheet("金额", ["合同额", "整元"], [[Figure(Decimal("231600.50"), MONEY), Figure(9, MONEY_WHOLE)]])]
    )
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet["A2"].value == pytest.approx(231600.5) and sheet["A2"].number_format == '"¥"#,##0.00'
    assert sheet["B2"].value == 9 and sheet["B2"].number_format == '"¥"#,##0'
