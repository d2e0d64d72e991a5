"""The monthly report as HQ receives it: PDF (WeasyPrint, Chinese fonts) and Excel.

Both render the report's stored snapshot (``MonthlyReport.data``), so the
archive, the e-mail and the page show the same numbers. Headquarters reads
Chinese: rendering always uses the zh-Hans catalogue.
"""

import datetime as dt
import gc
from decimal import Decimal, InvalidOperation
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from performance.metrics import METRICS
from performance.selectors import category_label, section_label, state_label
from performance.templatetags.performance_tags import format_value
from teams.exports import INTEGER, MONEY_WHOLE, PERCENT, TWO_DECIMALS, Figure, Sheet, write_workbook

HQ_LANGUAGE = "zh-hans"


def report_context(report, data=None) -> dict:
    """The report's data arranged for templates (page, PDF) and the Excel sheets."""
    data = data if data is not None else report.data
    sections = []
    for section in data.get("sections", []):
        rows = []
        for key in section["keys"]:
            metric = METRICS.get(key)
            if metric is None:
                continue
            rows.append(
                {
                    "key": key,
                    "label": str(metric.label),
                    "team": format_value(data["team_figures"].get(key), metric.unit),
                    "company": format_value(data["company_figures"].get(key), metric.unit),
                    "unit": metric.unit,
                    "team_value": data["team_figures"].get(key),
                    "company_value": data["company_figures"].get(key),
                    "matured": key not in data.get("not_matured", ()),
                }
            )
        sections.append({"name": section["name"], "label": section_label(section["name"]), "rows": rows})
    pairs = data.get("categories", [])
    if isinstance(pairs, dict):  # snapshots stored before the list format
        pairs = pairs.items()
    categories = [{"value": value, "label": category_label(value), "count": count} for value, count in pairs]
    majors = [
        {**item, "category_label": category_label(item["category"]), "state_label": state_label(item["state"])}
        for item in data.get("major_incidents", [])
    ]
    return {
        "report": report,
        "data": data,
        "sections": sections,
        "categories": categories,
        "majors": majors,
        "highlights": data.get("highlights", []),
        "trainings": data.get("trainings", []),
        "lost_leads": data.get("lost_leads"),
        "photos": list(report.photos.all()) if report.pk else [],
    }


def _label(row) -> str:
    return row["label"] if row["matured"] else f"{row['label']} ({_('Not matured')})"


def report_pdf(report) -> bytes:
    from weasyprint import HTML

    with translation.override(HQ_LANGUAGE):
        html = render_to_string("performance/report_pdf.html", report_context(report))
    pdf = HTML(string=html).write_pdf()
    # WeasyPrint's layout objects form reference cycles holding ~40 MB per document until
    # a full collection: collect now, so a worker sending every team's report stays flat.
    gc.collect()
    return pdf


def _figure(value, unit: str) -> Figure | None:
    """A stored figure as a number in the sheet, shown the way the page shows it."""
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return Figure(str(value))
    if unit == "pct":
        return Figure(number / 100, PERCENT)
    if unit == "yuan":
        return Figure(number, MONEY_WHOLE)
    if unit in ("minutes", "hours"):
        suffix = (_("%(n)s min") if unit == "minutes" else _("%(n)s h")) % {"n": ""}
        return Figure(number, '0.0"' + suffix.replace('"', "") + '"')
    if unit == "avg":
        return Figure(number, TWO_DECIMALS)
    return Figure(number, INTEGER if number == number.to_integral_value() else "#,##0.00")


def _when(text: str):
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return text


def report_xlsx(report) -> bytes:
    """The workbook HQ receives: figures as numbers, texts as text (teams.exports writes every cell)."""
    with translation.override(HQ_LANGUAGE):
        context = report_context(report)
        overview = [[_("Item"), report.team.name, _("Company")]]
        for section in context["sections"]:
            overview.append([section["label"]])
            for row in section["rows"]:
                overview.append(
                    [_label(row), _figure(row["team_value"], row["unit"]), _figure(row["company_value"], row["unit"])]
                )
        narrative = [[report.narrative]]
        narrative += [[_("Photo"), photo.caption] for photo in context["photos"]]
        if context["lost_leads"]:
            narrative.append([_("Lost-lead analysis")])
            narrative.append([context["lost_leads"]["conclusions"]])
            narrative.append([context["lost_leads"]["actions"]])
        sheets = [
            Sheet(
                _("Overview"),
                [_("Monthly report"), report.team.name, f"{report.month:%Y-%m}"],
                overview,
                widths=(30, 18, 18),
            ),
            Sheet(
                _("Complaints by category"),
                [_("Category"), _("Complaints")],
                [[row["label"], row["count"]] for row in context["categories"]],
            ),
            Sheet(
                _("Major incidents"),
                [pgettext("date", "Registered"), _("Category"), _("Client"), _("Description"), _("State")],
                [
                    [
                        _when(item["registered_at"]),
                        item["category_label"],
                        item["client"],
                        item["description"],
                        item["state_label"],
                    ]
                    for item in context["majors"]
                ],
            ),
            Sheet(
                _("Highlights"),
                [_("Title"), _("Member"), _("Story")],
                [[item["title"], item["member"], item["story"]] for item in context["highlights"]],
            ),
            Sheet(_("Narrative"), [_("Narrative")], narrative),
        ]
        buffer = BytesIO()
        write_workbook(buffer, sheets)
    return buffer.getvalue()


def report_email_body(report, *, unapproved: bool) -> str:
    with translation.override(HQ_LANGUAGE):
        text = _(
            "Dear colleagues of the culture and communication centre,\n\n"
            "attached is the monthly report of %(team)s for %(month)s (PDF and Excel)."
        ) % {"team": report.team.name, "month": f"{report.month:%Y-%m}"}
        if unapproved:
            text += "\n\n" + _(
                "Note: the deputy GM had not approved this report by the sending day; it is sent as it is."
            )
        return text
