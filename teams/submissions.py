"""One row per create form, however often it is sent.

A create form (``teams.forms.SubmitOnce``) carries a token issued with the blank
form. ``submit_once`` records the token in the same transaction as the create, so
a double click, a retried request or a re-sent page creates nothing more: the
second POST gets the row the first one created, and the view answers as it did
the first time (typically a redirect to that row). Two POSTs at the same moment
meet at the unique constraint: the second waits for the first to commit.
"""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from teams.forms import SubmitOnce
from teams.models import Submission

T = TypeVar("T", bound=models.Model)


def submit_once(request, form: SubmitOnce, create: Callable[[], T]) -> T | None:
    """Run ``create()`` once per token of ``form``; it returns the row it made (or None).

    A replay returns the first call's row and tells the user it was saved once.
    If ``create()`` fails, the token is not used up: the corrected form can be sent.
    """
    if not isinstance(form, SubmitOnce):
        raise TypeError(f"{type(form).__name__} is not a SubmitOnce form")
    token = form.submission_token
    if token is None:
        return create()
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = Submission.objects.create(user=request.user, token=token)
        except IntegrityError:
            done = Submission.objects.get(user=request.user, token=token)
            first = done.created_object
            if first is None and done.content_type_id is not None:
                raise ValidationError(
                    _("This form had already been sent, and what it saved has since been removed.")
                ) from None
            messages.info(request, _("This form had already been sent: it was saved once."))
            return first
        created = create()
        if isinstance(created, models.Model):
            submission.content_type = ContentType.objects.get_for_model(created)
            submission.object_id = created.pk
            submission.save(update_fields=["content_type", "object_id"])
        return created
