from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password. Note that the password is case-sensitive."),
    }


def add_service_errors(form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each field's messages on that
    field, messages about fields the form does not have (or about no field) on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
