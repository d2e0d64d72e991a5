"""Importing clients from a spreadsheet: upload, preview, confirm (and the template to fill in)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from clients.forms import ImportForm
from clients.imports import COLUMNS, import_confirm, parse_rows, preview_cells, template_rows
from clients.models import AccessLog
from clients.views.common import SALES, _log
from teams.access import role_required
from teams.exports import export_response

IMPORT_SESSION_KEY = "clients_import_rows"


@role_required(SALES)
def client_import(request):
    if request.GET.get("template"):
        headers, *examples = template_rows()
        return export_response(
            request,
            kind="client_import_template",
            filename="clients-import-template.xlsx",
            title=_("Clients"),
            headers=headers,
            rows=examples,
            widths=(16, 14, 14, 12, 10, 14, 16, 12, 10, 24),
        )
    form = ImportForm(request.POST or None, request.FILES or None)
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        rows = request.session.get(IMPORT_SESSION_KEY) or []
        try:
            count = import_confirm(rows=rows, team=request.user.team, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
            _log(request, AccessLog.Action.IMPORT, detail=_("%(n)s clients imported") % {"n": count})
            messages.success(request, _("%(n)s clients imported.") % {"n": count})
            return redirect("clients:list")
    elif request.method == "POST" and form.is_valid():
        try:
            rows = parse_rows(form.cleaned_data["file"], user=request.user)
        except Exception:
            form.add_error("file", _("This file could not be read as Excel."))
        else:
            request.session[IMPORT_SESSION_KEY] = rows
    has_errors = rows is not None and any(r["errors"] for r in rows)
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "rows": rows,
            "has_errors": has_errors,
            "columns": [str(h) for h, _f in COLUMNS],
            "preview": [{**r, "cells": preview_cells(r["data"])} for r in rows or ()],
        },
    )
