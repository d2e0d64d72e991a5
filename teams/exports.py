"""Every spreadsheet the product writes, and the one gate every export goes through.

- ``write_workbook`` is the only way a workbook is written (a test checks that no
  other module creates one), through the streaming writer ``teams/xlsx.py``: a string
  Excel would run as a formula is stored as text with Excel's quote prefix, numbers
  stay numbers (``Decimal`` included, ``Figure`` adds a number format), aware datetimes
  become local times, dates and times carry a date format (never ``########`` in a
  column of the default width), the header row is bold and frozen, and characters a
  workbook cannot hold are dropped. Money and rates carry the formats below
  (``MONEY``, ``PERCENT``…) through ``Figure``.
- ``export_rows`` turns a list's queryset into the sheet's rows (``ExportRows``): never cut,
  read from the database ``settings.EXPORT_CHUNK_ROWS`` at a time (with the queryset's
  ``select_related`` and ``prefetch_related`` applied per chunk), so a list of 300,000
  complaints streams into the file without being held in memory.
- ``export_response`` is the only way a list leaves as a sheet: it checks that the
  user's role may export that kind (``EXPORTS``), writes the workbook and records
  the export, with its row count and filters, in the access log.
- A list longer than ``settings.EXPORT_INLINE_MAX_ROWS`` is not written in the web
  request: ``export_response`` starts a background job (``teams/jobs.py``) and sends
  the user to its progress page. The job (``run_export_job``) calls the same view
  again for the owner, with the same URL and filters, so the rows and columns are
  defined once, in the view; there ``export_response`` streams every row into the
  workbook in a temporary file, which becomes the job's result.
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import resolve
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.middleware import HtmxDetails

from teams import access_log, jobs, xlsx
from teams.access import RoleRefused, client_ip, has_any_role
from teams.roles import Role
from teams.xlsx import Figure  # noqa: F401 -- the views' numbers with a format come from here

WATERMARK_FONT = xlsx.Font(italic=True, color="7F7F7F")
NOTICE_FONT = xlsx.Font(bold=True, color="9C0006")
HEADER_FONT = xlsx.Font(bold=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Query keys that choose the format or the page, not the rows.
NOT_FILTERS = frozenset({"export", "format", "page"})

# Number formats (Excel's codes; the yuan sign quoted so every locale shows it).
MONEY = '"¥"#,##0.00'
MONEY_WHOLE = '"¥"#,##0'
PERCENT = "0.0%"
ONE_DECIMAL = "0.0"
TWO_DECIMALS = "0.00"
INTEGER = "#,##0"
MONTH = "yyyy-mm"


@dataclass(frozen=True)
class ExportKind:
    label: str
    roles: frozenset


LEADERS = frozenset({Role.CONSULTANT, Role.DEPUTY_GM})

# Who may take which list away as a file: the team's leader and the deputy GM, who
# answer for what leaves the company (issue 12). Every export view names its kind here.
EXPORTS: dict[str, ExportKind] = {
    "clients": ExportKind(gettext_lazy("Clients"), LEADERS),
    "client_import_template": ExportKind(gettext_lazy("Client import template"), frozenset({Role.CONSULTANT})),
    "complaints": ExportKind(gettext_lazy("Complaints"), LEADERS),
    "calls": ExportKind(gettext_lazy("Calls"), LEADERS),
    "projects": ExportKind(gettext_lazy("Projects"), LEADERS),
    "meetings": ExportKind(gettext_lazy("Daily meetings"), LEADERS),
    "trainings": ExportKind(gettext_lazy("Trainings"), LEADERS),
    "target_cards": ExportKind(gettext_lazy("Target cards"), LEADERS),
    "monthly_report": ExportKind(gettext_lazy("Monthly report"), LEADERS),
    # Everything held about one client, for their request to see it (PIPL Art. 45): the deputy GM's desk.
    "client_data": ExportKind(gettext_lazy("A client's personal information"), frozenset({Role.DEPUTY_GM})),
    "receivables": ExportKind(gettext_lazy("Receivables"), LEADERS),
}

# The kinds whose rows name clients: every role that may export one of them must use two-factor sign-in
# (settings.TWO_FACTOR_ROLES; teams/checks.py refuses to start otherwise).
CLIENT_DATA_EXPORTS = frozenset({"clients", "complaints", "calls", "projects", "client_data", "receivables"})


@dataclass
class Sheet:
    title: str
    headers: Sequence
    rows: Iterable[Sequence]
    # Column widths in characters; columns without one get 18.
    widths: Sequence[int] = field(default_factory=tuple)
    # A line above the header (a remark on the whole sheet); the header then is row 2.
    notice: str = ""


def choice_labels(model, field: str) -> Callable[[Any], str]:
    """The label of a stored value of ``model.field``, for a whole export: the labels are read once, in the
    current language (Django builds the choices' dict again on every ``get_<field>_display()``, hashing each
    lazy label: a third of the time of an export of 300,000 complaints)."""
    labels = {value: str(label) for value, label in model._meta.get_field(field).flatchoices}
    return lambda value: labels.get(value, value)


def choice_display(model, field: str) -> Callable[[Any], str]:
    """``obj.get_<field>_display()`` for a whole export (``choice_labels``)."""
    label = choice_labels(model, field)
    return lambda obj: label(getattr(obj, field))


def export_watermark(user, at: datetime | None = None) -> str:
    """Who exported and when, printed in every sheet's page header: a copy that leaves names its source."""
    moment = timezone.localtime(at or timezone.now())
    return _("Exported by %(name)s (%(username)s) at %(time)s · internal, do not pass on") % {
        "name": getattr(user, "full_name", "") or user.get_username(),
        "username": user.get_username(),
        "time": moment.strftime("%Y-%m-%d %H:%M"),
    }


def write_workbook(target, sheets: Sequence[Sheet | tuple], *, watermark: str = "") -> int:
    """Write ``sheets`` as one workbook into the file-like ``target``; return the number of data rows.
    ``watermark`` (``export_watermark``: the exporter and the time) is the first row of every sheet, its page
    header (printed on every page) and the workbook's author. The cells: ``teams.xlsx``."""
    book = xlsx.Workbook(target, creator=watermark[:200])
    count = 0
    for spec in sheets:
        spec = spec if isinstance(spec, Sheet) else Sheet(*spec)
        # Above the header, in the grid itself: the watermark (who exported, when), so a copy shown on a
        # screen or pasted elsewhere still names its source; then the notice of a cut export.
        top = []
        if watermark:
            top.append(([watermark], WATERMARK_FONT))
        if spec.notice:
            top.append(([str(spec.notice)], NOTICE_FONT))
        top.append((list(spec.headers), HEADER_FONT))
        columns = max(len(spec.headers), len(spec.widths))
        count += book.sheet(
            spec.title,
            spec.rows,
            top=top,
            widths=[spec.widths[i] if i < len(spec.widths) else 18 for i in range(columns)],
            # The header and the banners above it stay in view while scrolling.
            freeze_rows=len(top),
            page_header=watermark,
        )
    book.close()
    return count


class ExportRows:
    """The rows of a sheet made from ``queryset``, one ``row(obj)`` per object, all of them.

    Iterating reads the queryset ``settings.EXPORT_CHUNK_ROWS`` objects at a time
    (``QuerySet.iterator(chunk_size=…)``: a server-side cursor on PostgreSQL; its
    ``prefetch_related`` runs per chunk), so memory stays flat however long the list.
    ``head(n)`` is the first ``n`` rows in one query (the inline export, and the
    check whether the list is too long for one); ``count()`` gives the job's
    progress bar its total."""

    def __init__(self, queryset, row: Callable[[Any], Sequence], fields: Sequence[str] = ()):
        self.queryset = queryset.values_list(*fields, named=True) if fields else queryset
        self.row = row
        self._count: int | None = None

    def head(self, n: int) -> list[Sequence]:
        return [self.row(obj) for obj in self.queryset[:n]]

    def count(self) -> int:
        if self._count is None:
            self._count = self.queryset.count()
        return self._count

    def __iter__(self):
        for obj in self.queryset.iterator(chunk_size=settings.EXPORT_CHUNK_ROWS):
            yield self.row(obj)


def export_rows(queryset, kind: str, *, user, row: Callable[[Any], Sequence], fields: Sequence[str] = ()) -> ExportRows:
    """Every row of ``queryset`` for the ``kind`` export, as ``row(obj)`` makes it. Refuses
    first, so a role that may not export never loads the rows.

    With ``fields`` (lookups: ``"state"``, ``"team__name"``) the rows are read as named tuples of those
    values, not as model instances, and ``row`` reads ``obj.team__name``: for the long lists (building a
    complaint, its team, handler and resolution as models was six sevenths of the time of reading 300,000
    complaints)."""
    export_check(user, kind)
    return ExportRows(queryset, row, fields)


def export_allowed(user, kind: str) -> bool:
    return has_any_role(user, EXPORTS[kind].roles)


def export_check(user, kind: str) -> None:
    """403 (and a refusal in the access log) unless ``user`` may export ``kind``."""
    if not export_allowed(user, kind):
        raise RoleRefused(target=f"export {kind}")


def export_log(request, *, kind: str, row_count: int | None, filters=None) -> None:
    """Record an export in the access log: what, how many rows, with which filters."""
    params = request.GET if filters is None else filters
    pairs = params.lists() if hasattr(params, "lists") else params.items()
    used = "&".join(
        f"{key}={value}"
        for key, values in sorted(pairs)
        if key not in NOT_FILTERS
        for value in (values if isinstance(values, list | tuple) else [values])
        if value not in ("", None)
    )
    detail = _("%(kind)s: %(n)s rows; filter: %(filters)s") % {
        "kind": EXPORTS[kind].label,
        "n": "—" if row_count is None else row_count,
        "filters": used or "—",
    }
    access_log.access_record(request, access_log.EXPORT, detail=detail, row_count=row_count)


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def export_response(
    request,
    *,
    kind: str,
    filename: str,
    title: str,
    headers: Sequence,
    rows: Iterable[Sequence],
    filters=None,
    widths: Sequence[int] = (),
) -> HttpResponse:
    """The list as a one-sheet workbook, for a role that may export ``kind``; logged with
    the row count and the filters (``request.GET`` unless ``filters`` is given).
    ``rows`` (best an ``ExportRows``) is never cut: up to ``EXPORT_INLINE_MAX_ROWS`` rows
    are written in the request, a longer list by a background job."""
    export_check(request.user, kind)
    in_job = getattr(request, "export_job", None)
    if in_job is not None:
        return _export_into_job(request, in_job, kind, filename, Sheet(title, headers, rows, widths), filters)
    limit = settings.EXPORT_INLINE_MAX_ROWS
    most = max(limit, settings.EXPORT_APPROVAL_ROWS) + 1
    rows = rows.head(most) if isinstance(rows, ExportRows) else list(islice(rows, most))  # fewer: all of them
    if needs_approval(request.user, kind, len(rows)):
        return _export_job_start(request, title=title, rows=len(rows))
    if len(rows) > limit:
        return _export_job_start(request, title=title)
    response = attachment(HttpResponse(content_type=XLSX), filename)
    count = write_workbook(response, [Sheet(title, headers, rows, widths)], watermark=export_watermark(request.user))
    export_log(request, kind=kind, row_count=count, filters=filters)
    return response


def workbook_response(request, *, kind: str, filename: str, sheets: Sequence[Sheet], detail: str) -> HttpResponse:
    """Several sheets as one workbook (a client's data: one sheet per kind of record), for a role that may
    export ``kind``; written in the request (a single client's records) and logged with ``detail``."""
    export_check(request.user, kind)
    response = attachment(HttpResponse(content_type=XLSX), filename)
    count = write_workbook(response, sheets, watermark=export_watermark(request.user))
    access_log.access_record(
        request, access_log.EXPORT, detail=f"{EXPORTS[kind].label}: {detail}"[:300], row_count=count
    )
    return response


def json_response(request, *, kind: str, filename: str, data, detail: str, row_count: int) -> HttpResponse:
    """``data`` as a JSON file, through the same gate and access log as the workbooks."""
    import json

    export_check(request.user, kind)
    body = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    response = attachment(HttpResponse(body, content_type="application/json; charset=utf-8"), filename)
    access_log.access_record(
        request, access_log.EXPORT, detail=f"{EXPORTS[kind].label}: {detail}"[:300], row_count=row_count
    )
    return response


# A big export as a background job (teams/jobs.py) ---------------------------------------------


EXPORT_JOB = "export"
# Rows between two progress messages (the reporter also throttles to one UPDATE a second).
PROGRESS_ROWS = 200


@dataclass
class ExportInJob:
    """Set on the request the job replays: where ``export_response`` reports and leaves the file."""

    report: Callable[..., None]
    output: tuple | None = None


def needs_approval(user, kind: str, row_count: int) -> bool:
    """An export of more than ``EXPORT_APPROVAL_ROWS`` rows naming clients waits for the deputy GM's approval
    (the deputy GM's own exports, and a superuser's, do not wait: they are the ones who approve)."""
    if kind not in CLIENT_DATA_EXPORTS or row_count <= settings.EXPORT_APPROVAL_ROWS:
        return False
    return not (user.is_superuser or user.role == Role.DEPUTY_GM)


def _export_job_start(request, *, title, rows: int | None = None) -> HttpResponse:
    """The export as a background job; with ``rows`` (over the approval threshold) it first waits for the
    deputy GM's approval (``teams.jobs.job_approve``)."""
    job = jobs.job_start(
        owner=request.user,
        kind=EXPORT_JOB,
        title=_("Export: %(title)s") % {"title": title},
        params={"path": request.get_full_path()},
        context={"ip": client_ip(request) or ""},
        approval_rows=rows,
    )
    return redirect("teams:job_detail", job.pk)


def _counted(rows: Iterable[Sequence], total: int, report: Callable[..., None]):
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_ROWS == 0:
            report(done, total, message=_("%(n)s of %(total)s rows written") % {"n": done, "total": total})


def _export_into_job(request, in_job: ExportInJob, kind, filename, sheet: Sheet, filters) -> HttpResponse:
    # A temporary file, not memory: the workbook streams its rows to disk.
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to the job, which closes it once stored
    # ``ExportRows`` counts in one query and streams; any other iterable is small enough to list.
    rows = sheet.rows
    if isinstance(rows, ExportRows):
        total = rows.count()
    else:
        rows = rows if hasattr(rows, "__len__") else list(rows)
        total = len(rows)
    sheet.rows = _counted(rows, total, in_job.report)
    count = write_workbook(out, [sheet], watermark=export_watermark(request.user))
    export_log(request, kind=kind, row_count=count, filters=filters)
    in_job.output = (filename, out)
    return HttpResponse(status=204)


def run_export_job(job, report):
    """The job's runner: call the export's own view again, for the owner, with the same URL."""
    parts = urlsplit(job.params["path"])
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = parts.path
    request.GET = QueryDict(parts.query)
    ip = job.params.get("context", {}).get("ip", job.params.get("ip", ""))  # "ip" alone: a job of before
    request.META = {"REMOTE_ADDR": ip, "SERVER_NAME": "job", "SERVER_PORT": "80"}
    request.user = job.owner
    request.htmx = HtmxDetails(request)
    request.export_job = ExportInJob(report=report)
    match = resolve(parts.path)
    match.func(request, *match.args, **match.kwargs)
    if request.export_job.output is None:
        raise ValidationError(_("This list can no longer be exported."))
    return request.export_job.output
