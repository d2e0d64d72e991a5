"""The one form page: validate, call a service, say so and redirect; or show the form again.

Used by every app's plain create/edit pages (projects' record forms, the client and
contract forms, ...). Rules the service enforces come back on the form with what the
user typed, and so does an edit conflict.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from teams.editing import EditConflict
from teams.forms import SubmitOnce, add_service_errors
from teams.submissions import submit_once


def form_page(
    request,
    *,
    form,
    save: Callable[[dict], Any],
    template: str,
    done: str | Callable[[Any], str],
    context: dict | None = None,
    message: str | Callable[[Any], str] | None = None,
    conflict: str | None = None,
    status: int | None = None,
):
    """On a valid POST call ``save(cleaned_data)`` (one service); then flash ``message``
    (default "Saved.") and redirect to ``done``. ``done`` and ``message`` may be
    functions of what ``save`` returned. Otherwise render ``template`` with ``form``
    and ``context``; ``conflict`` replaces an edit conflict's own text. A create form
    (``SubmitOnce``) saves once however often it is sent (teams/submissions.py)."""
    if request.method == "POST" and form.is_valid():
        try:
            if isinstance(form, SubmitOnce):
                result = submit_once(request, form, lambda: save(form.cleaned_data))
            else:
                result = save(form.cleaned_data)
        except EditConflict as exc:
            form.add_error(None, conflict or exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = message(result) if callable(message) else message
            messages.success(request, text or _("Saved."))
            return redirect(done(result) if callable(done) else done)
    return render(request, template, {"form": form, **(context or {})}, status=status)
