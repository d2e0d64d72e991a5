"""Importing clients from a spreadsheet: upload, preview, confirm (and the template to fill in)."""

import json
from uuid import uuid4

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clients.forms import ImportForm
from clients.imports import COLUMNS, PREVIEW_JOB, import_confirm, preview_cells, template_rows
from clients.models import AccessLog
from clients.views.common import SALES, _log
from teams.access import get_visible_or_404, role_required
from teams.exports import export_response
from teams.jobs import job_start
from teams.models import Job

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
    rows = job = None
    if request.method == "GET" and request.GET.get("job", "").isdigit():
        # The preview job (clients.imports.run_import_preview): its progress, then its rows.
        job = get_visible_or_404(Job.objects.filter(kind=PREVIEW_JOB), request.user, pk=request.GET["job"])
        if job.state == Job.State.DONE:
            with job.result.open("rb") as stored:
                rows = json.load(stored)
            request.session[IMPORT_SESSION_KEY] = rows
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
        # Read in the background with progress: a 2,000-row file with duplicate checks takes a while.
        name = default_storage.save(f"imports/{uuid4().hex}.xlsx", form.cleaned_data["file"])
        job = job_start(owner=request.user, kind=PREVIEW_JOB, title=_("Import preview"), params={"upload": name})
        return redirect(f"{reverse('clients:import')}?job={job.pk}")
    has_errors = rows is not None and any(r["errors"] for r in rows)
    return render(
        request,
        "clients/import.html",
        {
            "form": form,
            "job": job,
            "rows": rows,
            "has_errors": has_errors,
            "columns": [str(h) for h, _f in COLUMNS],
            "preview": [{**r, "cells": preview_cells(r["data"])} for r in rows or ()],
        },
    )
