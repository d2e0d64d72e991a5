"""The monthly report as HQ receives it: PDF (WeasyPrint, Chinese fonts) and Excel.

Both render the report's stored snapshot (``MonthlyReport.data``), so the
archive, the e-mail and the page show the same numbers. Headquarters reads
Chinese: rendering always uses the zh-Hans catalogue.
"""

import gc
from io import BytesIO

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook

from performance.metrics import METRICS
from performance.selectors import category_label, section_label, state_label
from performance.templatetags.performance_tags import format_value

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


def report_pdf(report) -> bytes:
    from weasyprint import HTML

    with translation.override(HQ_LANGUAGE):
        html = render_to_string("performance/report_pdf.html", report_context(report))
    pdf = HTML(string=html).write_pdf()
    # WeasyPrint's layout objects form reference cycles holding ~40 MB per document until
    # a full collection: collect now, so a worker sending every team's report stays flat.
    gc.collect()
    return pdf


def report_xlsx(report) -> bytes:
    with translation.override(HQ_LANGUAGE):
        context = report_context(report)
        workbook = Workbook()
        summary = workbook.active
        summary.title = _("Overview")
        summary.append([_("Monthly report"), report.team.name, f"{report.month:%Y-%m}"])
        summary.append([_("Item"), report.team.name, _("Company")])
        for section in context["sections"]:
            summary.append([section["label"]])
            for row in section["rows"]:
                summary.append([row["label"], row["team"], row["company"]])
        summary.column_dimensions["A"].width = 30
        summary.column_dimensions["B"].width = 18
        summary.column_dimensions["C"].width = 18
        sheet = workbook.create_sheet(_("Complaints by category"))
        sheet.append([_("Category"), _("Complaints")])
        for row in context["categories"]:
            sheet.append([row["label"], row["count"]])
        sheet = workbook.create_sheet(_("Major incidents"))
        sheet.append([_("Registered"), _("Category"), _("Client"), _("Description"), _("State")])
        for item in context["majors"]:
            sheet.append(
                [
                    item["registered_at"],
                    item["category_label"],
                    item["client"],
                    item["description"],
                    item["state_label"],
                ]
            )
        sheet = workbook.create_sheet(_("Highlights"))
        sheet.append([_("Title"), _("Member"), _("Story")])
        for item in context["highlights"]:
            sheet.append([item["title"], item["member"], item["story"]])
        sheet = workbook.create_sheet(_("Narrative"))
        sheet.append([_("Narrative")])
        sheet.append([report.narrative])
        for photo in context["photos"]:
            sheet.append([_("Photo"), photo.caption])
        if context["lost_leads"]:
            sheet.append([_("Lost-lead analysis")])
            sheet.append([context["lost_leads"]["conclusions"]])
            sheet.append([context["lost_leads"]["actions"]])
        buffer = BytesIO()
        workbook.save(buffer)
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
