from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teams.access import client_ip
from teams.services import email_later


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
        "address_locked": _("Too many failed sign-ins from this address. Try again in %(minutes)s minutes."),
    }

    def clean(self):
        # Axes locks one account per address; this stops one address trying many accounts.
        if (
            self.request is not None
            and address_failures(client_ip(self.request)) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            raise ValidationError(
                self.error_messages["address_locked"], code="address_locked", params={"minutes": minutes}
            )
        return super().clean()


def address_failures(ip: str | None) -> int:
    """Failed sign-ins from ``ip`` over every account within the cool-off time (axes' own records)."""
    if not ip:
        return 0
    since = timezone.now() - timedelta(seconds=settings.AXES_COOLOFF_TIME.total_seconds())
    rows = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since)
    return rows.aggregate(total=Sum("failures_since_start"))["total"] or 0


class OutboxPasswordResetForm(PasswordResetForm):
    """The reset e-mail goes through the notification outbox (sent by the worker after the response), so
    the answer takes the same time whether or not the address has an account, and a slow or broken SMTP
    server neither delays the page nor loses the e-mail."""

    def send_mail(
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_later(address=to_email, subject=subject, body=body)


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages on that
    field, messages about fields the form does not have (or about no field) on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
