from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from clients.imports import COLUMNS
from clients.models import AccessLog, Client
from tests.clients.factories import ClientFactory

pytestmark = pytest.mark.django_db


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(h) for h, _f in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("clients.xlsx", buffer.getvalue())


@pytest.fixture
def preview(django_capture_on_commit_callbacks):
    """Upload like the browser: the preview job runs (eagerly, as the worker would) and its page opens."""

    def upload(client, file):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("clients:import"), {"file": file})
        if response.status_code != 302:
            return response
        return client.get(response.url)

    return upload


def test_template_downloads(login, consultant):
    response = login(consultant).get(reverse("clients:import"), {"template": 1})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_import_with_bad_rows_saves_nothing_and_reports_each_error(login, consultant, preview):
    ClientFactory(team=consultant.team, phone="13900000009", name="老客户")
    upload = _xlsx(
        [
            ["好客户", "13900000001", "", "", "静安区", "", "", "100", "转介绍"],
            ["", "13900000002"],
            ["坏号码", "12345"],
            ["重复", "13900000009"],
            ["文件内重复", "13900000001"],
            ["面积", "13900000003", "", "", "", "", "", "很大"],
        ]
    )
    response = preview(login(consultant), upload)
    html = response.content.decode()
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [bool(r["errors"]) for r in rows] == [False, True, True, True, True, True]
    assert "老客户" in html
    assert Client.objects.count() == 1
    # confirming a preview with errors saves nothing either
    login(consultant).post(reverse("clients:import"), {"confirm": "1"})
    assert Client.objects.count() == 1


def test_import_duplicate_of_another_team_does_not_name_the_client(login, consultant, preview, outsider):
    ClientFactory(team=outsider.team, phone="13900000009", name="秘密客户")
    response = preview(login(consultant), _xlsx([["新客户", "13900000009"]]))
    errors = " ".join(response.context["rows"][0]["errors"])
    assert "秘密客户" not in response.content.decode()
    assert "浦东二组" in errors and "周杰" in errors


def test_import_confirmed_saves_all_rows(login, consultant, preview):
    c = login(consultant)
    upload = _xlsx([["甲", "13900000011", "", "", "", "", "", "", "热线"], ["乙", "021-62345678"]])
    response = preview(c, upload)
    assert not any(r["errors"] for r in response.context["rows"])
    assert Client.objects.count() == 0
    response = c.post(reverse("clients:import"), {"confirm": "1"})
    assert response.status_code == 302
    assert set(Client.objects.values_list("name", flat=True)) == {"甲", "乙"}
    assert Client.objects.filter(team=consultant.team).count() == 2
    assert AccessLog.objects.filter(action="import").count() == 1


def test_import_rejects_a_non_excel_file(login, consultant, preview):
    response = preview(login(consultant), SimpleUploadedFile("x.xlsx", b"hello"))
    assert response.status_code == 200 and response.context["rows"] is None


def test_template_example_row_is_marked_and_not_imported(login, consultant, preview):
    c = login(consultant)
    template = load_workbook(BytesIO(c.get(reverse("clients:import"), {"template": 1}).content)).active
    watermark, header, example = list(template.values)[:3]
    assert watermark[0].startswith("导出人：") and header[0] == "姓名" and example[0] == "示例：王先生"
    assert template.freeze_panes == "A3" and template["A2"].font.bold
    # The consultant fills their rows under the example and uploads the file as it is.
    template.append(["新客户", "13900000021", "", "", "", "", "", "", "热线"])
    buffer = BytesIO()
    template.parent.save(buffer)
    response = preview(c, SimpleUploadedFile("t.xlsx", buffer.getvalue()))
    assert [r["data"]["name"] for r in response.context["rows"]] == ["新客户"]
    c.post(reverse("clients:import"), {"confirm": "1"})
    assert list(Client.objects.values_list("name", flat=True)) == ["新客户"]


def test_example_row_in_english_is_skipped_too(login, consultant, preview):
    upload = _xlsx([["Example: Mr Wang", "13812345678"], ["甲", "13900000031"]])
    response = preview(login(consultant), upload)
    assert [r["row"] for r in response.context["rows"]] == [3]


def test_preview_shows_choice_labels_in_the_readers_language(login, consultant, preview):
    upload = _xlsx([["甲", "13900000041", "", "", "", "", "", "", "referral"], ["乙", "13900000042"]])
    c = login(consultant)
    cells = [td.strip() for td in _preview_cells(preview(c, upload))]
    assert "转介绍" in cells and "其他" in cells
    assert "referral" not in cells and "other" not in cells
    c.cookies["django_language"] = "en"
    cells = _preview_cells(preview(c, _xlsx([["甲", "13900000041", *[""] * 6, "转介绍"]])))
    assert "Referral" in cells


def _preview_cells(response) -> list[str]:
    html = response.content.decode()
    table = html[html.index('data-testid="preview"') :]
    return [cell.split("<")[0].strip() for cell in table.split("<td>")[1:]]


def test_preview_runs_as_a_job_with_progress_then_opens_in_place(
    login, consultant, outsider, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    from teams.jobs import job_run
    from teams.models import Job

    c = login(consultant)
    response = c.post(reverse("clients:import"), {"file": _xlsx([["甲", "13900000051"]])})
    job = Job.objects.get(owner=consultant, kind="client_import_preview")
    assert response.status_code == 302 and response.url.endswith(f"?job={job.pk}")
    # Queued: the import page shows the progress polling in place, and no rows yet.
    waiting = c.get(response.url)
    assert 'data-testid="preview-progress"' in waiting.content.decode() and waiting.context["rows"] is None
    assert default_storage.exists(job.params["upload"])
    assert job_run(job_id=job.pk) == "done"
    # The poll that sees it done opens the preview; the upload itself is gone.
    poll = c.get(reverse("teams:job_status", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == response.url
    assert [r["data"]["name"] for r in c.get(response.url).context["rows"]] == ["甲"]
    assert not default_storage.exists(job.params["upload"])
    # Another person's preview (its rows name clients) answers 404.
    assert login(outsider).get(response.url).status_code == 404


def test_a_broken_workbook_fails_the_job_and_says_so_in_place(login, consultant, preview):
    response = preview(login(consultant), SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really a zip"))
    html = response.content.decode()
    assert "无法读取" in html or "could not be read" in html
    assert response.context["rows"] is None
