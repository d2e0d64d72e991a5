"""Excel import of existing clients: parse and check every row, save nothing until
the consultant confirms, and then all rows or none."""

import json
from decimal import Decimal, InvalidOperation
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from clients.models import Client
from clients.services.leads import duplicate_phone_message
from teams.phones import normalize_phone, validate_phone

# Column header (as in the template) → Client field.
COLUMNS = [
    (gettext_lazy("Name"), "name"),
    (gettext_lazy("Phone"), "phone"),
    (gettext_lazy("Second phone"), "phone2"),
    (gettext_lazy("WeChat id"), "wechat"),
    (gettext_lazy("District"), "district"),
    (gettext_lazy("Community"), "community"),
    (gettext_lazy("Building / unit / room"), "building"),
    (gettext_lazy("Floor area (m²)"), "floor_area"),
    (gettext_lazy("Source"), "source"),
    (gettext_lazy("Notes"), "notes"),
]
MAX_ROWS = 2000
PREVIEW_JOB = "client_import_preview"
# The template's example row starts with this word (in either language) and is never imported.
EXAMPLE_MARKS = ("示例", "example")


def template_rows():
    """The header and one example row; the example's first cell says it is one."""
    return [
        [str(h) for h, _f in COLUMNS],
        [
            _("Example: %(name)s") % {"name": "王先生"},
            "13812345678",
            "",
            "wx_wang",
            "静安区",
            "静安花园",
            "3号楼1201",
            "120",
            str(Client.Source.REFERRAL.label),
            "",
        ],
    ]


# What people write in the "source" column, besides the codes and the labels.
SOURCE_ALIASES = {
    "热线": "hotline",
    "电话": "hotline",
    "来电": "hotline",
    "到店": "walk_in",
    "来访": "walk_in",
    "上门": "walk_in",
    "转介绍": "referral",
    "介绍": "referral",
    "推荐": "referral",
    "网络": "online",
    "线上": "online",
    "网上": "online",
    "活动": "event",
    "其他": "other",
}


def is_example(values) -> bool:
    first = str(values[0] or "").strip().lower() if values else ""
    return first.startswith(EXAMPLE_MARKS)


def preview_cells(data: dict) -> list:
    """A parsed row's cells in the template's column order, choices as the reader's labels."""
    cells = []
    for _h, field in COLUMNS:
        value = data.get(field, "")
        if field == "source" and value in Client.Source.values:
            value = Client.Source(value).label
        cells.append(value)
    return cells


def _source(value: str) -> str:
    value = (value or "").strip()
    for code, label in Client.Source.choices:
        if value.lower() in (code, str(label).lower()):
            return code
    return SOURCE_ALIASES.get(value, "")


def header_row(sheet) -> int:
    """The row of the column headers: the first with two filled cells. Rows above it hold one cell each — the
    watermark and notice ``teams.exports.write_workbook`` puts above an export's header (the template too)."""
    for index, values in enumerate(sheet.iter_rows(min_row=1, max_row=5, values_only=True), start=1):
        if sum(v not in (None, "") for v in values) >= 2:
            return index
    return 1


def parse_rows(upload, *, user, report=None) -> list[dict]:
    """Each row: {"row": n, "data": {...}, "errors": [...]}. Duplicates are checked
    against existing clients (named only if ``user`` may see them) and within the file.
    ``report(done, total)`` hears the progress (the preview runs as a job: ``run_import_preview``)."""
    workbook = load_workbook(upload, read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = []
    seen = {}
    first = header_row(sheet) + 1
    total = min(MAX_ROWS, max((sheet.max_row or MAX_ROWS + first) - first + 1, 1))
    for index, values in enumerate(
        sheet.iter_rows(min_row=first, max_row=MAX_ROWS + first - 1, values_only=True), start=first
    ):
        if report:
            report(index - first + 1, total)
        if not values or all(v in (None, "") for v in values) or is_example(values):
            continue
        cells = {field: ("" if v is None else str(v).strip()) for (_h, field), v in zip(COLUMNS, values, strict=False)}
        errors = []
        if not cells.get("name"):
            errors.append(_("Name is required."))
        for key in ("phone", "phone2"):
            cells[key] = normalize_phone(cells.get(key, ""))
            if cells[key]:
                try:
                    validate_phone(cells[key])
                except ValidationError as exc:
                    errors.extend(exc.messages)
        if not cells["phone"]:
            errors.append(_("Phone is required."))
        area = cells.get("floor_area", "")
        if area:
            try:
                if Decimal(area) < 0:
                    raise InvalidOperation
            except InvalidOperation:
                errors.append(_("Floor area must be a number."))
        source = _source(cells.get("source", ""))
        if cells.get("source") and not source:
            errors.append(_("Unknown source: %(value)s") % {"value": cells["source"]})
        cells["source"] = source or Client.Source.OTHER
        for phone in (cells["phone"], cells.get("phone2")):
            if phone and phone in seen:
                errors.append(_("Same phone as row %(row)s.") % {"row": seen[phone]})
            elif phone:
                seen[phone] = index
        rows.append({"row": index, "data": cells, "errors": errors})
    phones = [p for r in rows for p in (r["data"]["phone"], r["data"].get("phone2")) if p]
    existing = {}
    duplicates = Client.objects.filter(phone__in=phones) | Client.objects.filter(phone2__in=phones)
    for client in duplicates.select_related("team__leader", "consultant"):
        for phone in (client.phone, client.phone2):
            if phone:
                existing.setdefault(phone, client)
    for row in rows:
        for phone in (row["data"]["phone"], row["data"].get("phone2")):
            if phone in existing:
                row["errors"].append(duplicate_phone_message(existing[phone], user))
    return rows


def run_import_preview(job, report):
    """The preview job's runner: read the stored upload (then remove it), keep the rows as the
    job's result file, and open the import page on them (clients.views.imports)."""
    name = job.params["upload"]
    try:
        with default_storage.open(name, "rb") as upload:
            rows = parse_rows(upload, user=job.owner, report=report)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ValidationError(_("This file could not be read as Excel.")) from exc
    finally:
        default_storage.delete(name)
    content = ContentFile(json.dumps(rows, ensure_ascii=False).encode())
    return "preview.json", content, f"{reverse('clients:import')}?job={job.pk}"


@transaction.atomic
def import_confirm(*, rows: list[dict], team, by) -> int:
    """Save every row, or none if any row fails (a duplicate may have appeared since the preview)."""
    from clients.services import client_create

    if any(r["errors"] for r in rows):
        raise ValidationError(_("Fix the rows with errors first."))
    for row in rows:
        data = dict(row["data"])
        data["floor_area"] = Decimal(data["floor_area"]) if data.get("floor_area") else None
        data["team"] = team
        try:
            client_create(created_by=by, data=data)
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(row)s: %(error)s") % {"row": row["row"], "error": "; ".join(exc.messages)}
            ) from exc
    return len(rows)
